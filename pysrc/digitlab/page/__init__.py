"""The page layer, the only Python that touches the DOM: views.py writes, controller.py and
training.py answer events, and start() (what site/main.py runs) wires them up."""

from __future__ import annotations

import asyncio
import functools
import inspect

from .. import boot, model, reference
from ..config import HYPERPARAMETERS
from .controller import Controller
from .digits import Digits
from .dom import document, window
from .explaining import Flipper, Teachers
from .pairs import Pairs
from .training import Runner
from .views import Source

# The code panel: the textbook first, then the fast code that a test holds to it.
SOURCE_SHOWN = (reference, model.LogisticLoss, model.gradient_step, model.QuasiNewton, model.train)


def wire(page: Controller, runner: Runner, digits: Digits, pairs: Pairs) -> None:
    start = asyncio.ensure_future
    for testid in ("digit-a", "digit-b"):
        page.on(testid, "change", lambda event: start(pairs.on_select(event)))
    page.on(window, "hashchange", lambda event: start(pairs.on_hash(event)))
    page.on("pad", "stroke-end", page.on_stroke_end)
    teachers = Teachers(page)  # after the verdict: they explain the new reading
    flipper = Flipper(page, teachers)
    page.on("flip", "click", flipper.on_flip)
    page.on("pad", "stroke-end", lambda _: (flipper.reset(), teachers.refresh()))
    page.on("attribution-panel", "toggle", teachers.refresh)
    page.on("sample", "click", page.on_sample)
    page.on("teach-0", "click", lambda _: runner.request(lambda: runner.teach(0)))
    page.on("teach-1", "click", lambda _: runner.request(lambda: runner.teach(1)))
    page.on("clear-examples", "click", digits.on_clear)
    page.on("your-digits", "click", digits.on_remove)
    page.on(window, "storage", digits.on_storage)
    # Train is the form's submit button, so Enter in a field trains too.
    page.on("params", "submit", lambda event: (event.preventDefault(), runner.request(runner.train)))
    page.on("step", "click", lambda _: runner.request(lambda: runner.train("step")))
    page.on("continue", "click", lambda _: runner.request(lambda: runner.train("continue")))
    page.on("cancel", "click", runner.on_cancel)
    page.on("reset", "click", page.on_reset)
    page.on("threshold", "input", page.show_judgement)
    page.on("misclassified", "click", page.on_gallery)
    page.on("export-weights", "click", page.on_export)
    page.on("import-weights", "change", lambda event: start(page.import_weights(event)))
    for h in HYPERPARAMETERS:
        page.on(h.key, "input", lambda event: event.target.removeAttribute("aria-invalid"))


async def start() -> None:
    """Boot on 0 versus 1 (its data and weights come with the page), or the pair the URL names."""
    window.performance.mark("digitlab:page-start")
    status = document.getElementById("boot-status")
    status.textContent = "Loading the weights and the data…"
    state, prepared = boot.start_state()
    document.body.dataset.startState = "prepared" if prepared else "built"
    page = Controller(state.lab)
    pairs, your_digits = Pairs(page, state.digits, state.shipped, state.radii), Digits(page)
    wire(page, Runner(page, your_digits), your_digits, pairs)
    wanted = pairs.wanted()  # before open() writes the pair in use into the URL
    pairs.open(page.lab)
    if wanted and wanted != (0, 1):
        await pairs.switch(wanted)
    page.refresh_controls()
    document.body.dataset.ready = "true"
    window.performance.mark("digitlab:ready")
    status.textContent = "Ready: draw a digit."
    await asyncio.sleep(0)
    Source().show(source_text())


@functools.cache  # read once; the memory snapshot holds it already read (snapshot.prepare)
def source_text() -> str:
    parts = [inspect.getsource(obj) for obj in SOURCE_SHOWN]
    parts[0] = f"# {reference.__file__}\n{parts[0]}\n# {model.__file__} (the fast code)\n"
    return "\n\n".join(parts)
