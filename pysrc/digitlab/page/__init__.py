"""The page layer, the only Python that touches the DOM: views.py and panels.py write it, the controller
turns events into Session verbs and re-renders what changed, training.py and pairs.py drive the runs and
the downloads, and start() (what site/main.py runs) wires them up.

A new panel: a view class with render(session) (views.py or panels.py), one line in Controller.views
naming what it shows, and, if it has controls, a handler line in wire() calling a controller verb.
"""

from __future__ import annotations

import asyncio
import functools
import inspect

from .. import address, boot, model, reference, softmax
from ..config import HYPERPARAMETERS
from ..course import BY_NAME
from ..session import LESSONS, Activity, Session
from ..words import versus
from .controller import Controller
from .dom import window
from .pairs import PairLoader
from .panels import PageState, Source
from .training import Runner

# The code panel: the textbook first, then the fast code that a test holds to it.
SOURCE_SHOWN = (reference, model.LogisticLoss, model.gradient_step, model.QuasiNewton, model.run, softmax.SoftmaxLoss)


def wire(page: Controller, runner: Runner, pairs: PairLoader) -> None:
    for testid in ("digit-a", "digit-b"):
        page.on(testid, "change", pairs.on_select)
    page.on("mode", "change", pairs.on_mode)
    page.on("lessons", "click", pairs.on_lesson)
    page.on("lesson-close", "click", page.close_lesson)
    page.on("lesson-answer", "change", page.answer)
    page.on("compare-with", "change", page.compare)
    page.on("teach-chosen", "click", lambda _: runner.teach(page.teach_picker.taught()))
    page.on(window, "hashchange", pairs.on_hash)
    page.on("pad", "stroke-end", page.on_pad)
    page.on("sample", "click", page.put_sample)
    page.on("misclassified", "click", page.on_gallery)
    page.on("flip", "click", page.flip)
    page.on("flip-back", "click", page.unflip)
    page.on("flip-back-pad", "click", page.unflip)
    page.on("attribution-panel", "toggle", page.show_attribution)
    page.on("teach-0", "click", lambda _: runner.teach(0))
    page.on("teach-1", "click", lambda _: runner.teach(1))
    page.on("clear-examples", "click", page.forget_all)
    page.on("your-digits", "click", page.forget)
    page.on(window, "storage", page.on_storage)
    # Train is the form's submit button, so Enter in a field trains too.
    page.on("params", "submit", lambda event: (event.preventDefault(), runner.train("train")))
    page.on("step", "click", lambda _: runner.train("step"))
    page.on("continue", "click", lambda _: runner.train("continue"))
    page.on("cancel", "click", runner.on_cancel)
    page.on("reset", "click", page.reset)
    page.on("start-over", "click", page.ask_start_over)
    page.on("start-over-yes", "click", page.start_over)
    page.on("start-over-no", "click", page.cancel_start_over)
    page.on("threshold", "input", page.show_threshold)
    page.on("export-weights", "click", page.export)
    page.on("import-weights", "change", lambda event: asyncio.ensure_future(page.import_weights(event)))
    for h in HYPERPARAMETERS:
        page.on(h.key, "input", page.field_edited)


async def start() -> None:
    """Boot on 0 versus 1 (its data and weights come with the page), or the pair the URL names."""
    window.performance.mark("digitlab:page-start")
    page_state = PageState()
    state, prepared = boot.start_state()
    page_state.starting(prepared)
    page = Controller(Session(state.lab, Activity.BOOTING))
    pairs = PairLoader(page, state.digits, state.shipped, state.ten)
    wire(page, Runner(page), pairs)
    asked = pairs.asked()  # before open() writes the pair in use into the URL
    page.use_kept_ten_weights()
    page.session.course = page.keeper.load_lessons()
    page.open(state.lab)
    page.apply({LESSONS})
    if isinstance(asked, address.Lesson):
        pairs.open_lesson(asked.name)
        asked = BY_NAME[asked.name].model
    if asked == "ten" or (isinstance(asked, tuple) and asked != page.session.digits):
        if page.session.activity is not Activity.LOADING:
            pairs.choose(asked)  # ready once that model is open, or has failed to
        await pairs.task
    else:
        page.apply(page.session.idle())
    if isinstance(asked, str) and asked != "ten":
        page.messages.show_error(f"{asked}; showing {versus(page.session.digits)}.", "pair")
    window.performance.mark("digitlab:ready")
    page_state.started()
    await asyncio.sleep(0)
    Source().show(source_text())


@functools.cache  # read once; the memory snapshot holds it already read (snapshot.prepare)
def source_text() -> str:
    parts = [inspect.getsource(obj) for obj in SOURCE_SHOWN]
    parts[0] = f"# {reference.__file__}\n{parts[0]}\n# {model.__file__} (the fast code)\n"
    return "\n\n".join(parts)
