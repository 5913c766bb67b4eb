"""The page layer, the only Python that touches the DOM: views.py writes, controller.py and
training.py answer events, and start() (what site/main.py runs) wires them up."""

from __future__ import annotations

import asyncio
import inspect

from pyscript import document, window

from .. import model, reference
from ..config import HYPERPARAMETERS
from ..data import decode_bundle
from ..lab import Lab
from ..weights import load_weights
from .controller import Controller
from .digits import Digits
from .training import Runner
from .views import Counts, Source

# The code panel: the textbook first, then the fast code that a test holds to it.
SOURCE_SHOWN = (reference, model.LogisticLoss, model.gradient_step, model.train)


def wire(page: Controller, runner: Runner, digits: Digits) -> None:
    start = asyncio.ensure_future
    page.on("pad", "stroke-end", page.on_stroke_end)
    page.on("sample", "click", page.on_sample)
    page.on("teach-0", "click", lambda _: start(runner.teach(0)))
    page.on("teach-1", "click", lambda _: start(runner.teach(1)))
    page.on("clear-examples", "click", digits.on_clear)
    page.on("your-digits", "click", digits.on_remove)
    page.on(window, "storage", digits.on_storage)
    # Train is the form's submit button, so Enter in a field trains too.
    page.on("params", "submit", lambda event: (event.preventDefault(), start(runner.train())))
    page.on("step", "click", lambda _: start(runner.train("step")))
    page.on("continue", "click", lambda _: start(runner.train("continue")))
    page.on("cancel", "click", runner.on_cancel)
    page.on("reset", "click", page.on_reset)
    page.on("threshold", "input", page.show_judgement)
    page.on("misclassified", "click", page.on_gallery)
    page.on("export-weights", "click", page.on_export)
    page.on("import-weights", "change", lambda event: start(page.import_weights(event)))
    for h in HYPERPARAMETERS:
        page.on(h.key, "input", lambda event: event.target.removeAttribute("aria-invalid"))


async def start() -> None:
    status = document.getElementById("boot-status")
    status.textContent = "Loading the weights and the data…"
    with open("data/mnist01.bin", "rb") as handle:
        bundle = decode_bundle(handle.read())
    page = Controller(Lab(bundle, load_weights("weights.json")))
    digits = Digits(page)
    wire(page, Runner(page, digits), digits)
    Counts().show(bundle.train.n, bundle.test.n)
    page.verdict.show_nothing("Draw a 0 or a 1 in the box.")
    try:  # nothing a browser kept may stop the page: on any surprise, drop it and use the shipped weights
        restore(page)
        page.show_weights()
    except Exception as exc:  # noqa: BLE001 - deliberately broad: this is the last line of defence
        fall_back(page, exc)
    page.refresh_controls()
    document.body.dataset.ready = "true"
    status.textContent = "Ready: draw a digit."
    await asyncio.sleep(0)
    Source().show(source_text())


def restore(page: Controller) -> None:
    """Weights and digits kept from an earlier visit; anything unreadable is dropped with a note."""
    weights, weights_note = page.keeper.load_weights()
    page.lab.examples, examples_note = page.keeper.load_examples()
    if weights is not None:
        page.lab.use(weights)
    notes = " ".join(note for note in (weights_note, examples_note) if note)
    if notes:
        page.messages.show_error(notes, near="keep")
    page.examples.show(page.lab.examples)


def fall_back(page: Controller, error: Exception) -> None:
    """Stored state broke the start-up: drop it and carry on with the shipped weights."""
    page.keeper.forget_all()
    page.lab.reset()
    page.lab.examples = []
    page.examples.show([])
    page.messages.show_error(
        f"What this browser had saved could not be used ({type(error).__name__}: {str(error)[:120]}); "
        "it was dropped and the shipped weights are in use.",
        near="keep",
    )
    page.show_weights()


def source_text() -> str:
    parts = [inspect.getsource(obj) for obj in SOURCE_SHOWN]
    parts[0] = f"# {reference.__file__}\n{parts[0]}\n# {model.__file__} (the fast code)\n"
    return "\n\n".join(parts)
