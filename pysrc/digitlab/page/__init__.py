"""The page layer, the only Python that touches the DOM: the views (views/) write it; the controller turns
events into Session verbs and re-renders what changed; its handlers sit beside it by concern (reading.py,
keep.py, lessons.py, training.py for runs, pairs.py for choosing and loading a model); and start() (what
site/main.py runs) wires them up.

A new panel: a view class with render(session) in the views/ module of its family, one line in
views.Views.shows naming what it shows, and, if it has controls, a line in wire() calling a handler.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from dataclasses import dataclass

from .. import address, boot, model, reference, softmax
from ..choice import Pair
from ..config import HYPERPARAMETERS
from ..course import BY_NAME
from ..session import LESSONS, Activity, Session
from .controller import Controller
from .dom import window
from .keep import Keep
from .lessons import Lessons
from .pairs import PairLoader
from .reading import Reading
from .training import Runner
from .views.chrome import PageState, Source

# The code panel: the textbook first, then the fast code that a test holds to it.
SOURCE_SHOWN = (reference, model.LogisticLoss, model.gradient_step, model.QuasiNewton, model.run, softmax.SoftmaxLoss)


@dataclass(frozen=True)
class Handlers:
    reading: Reading
    keep: Keep
    lessons: Lessons
    runner: Runner
    pairs: PairLoader


def wire(page: Controller, on: Handlers) -> None:
    reading, keep, lessons, runner, pairs = on.reading, on.keep, on.lessons, on.runner, on.pairs
    for testid in ("digit-a", "digit-b"):
        page.on(testid, "change", pairs.on_select)
    page.on("mode", "change", pairs.on_mode)
    page.on("try-hard-pair", "click", lambda _: pairs.choose(Pair(3, 5)))
    page.on("lessons", "click", pairs.on_lesson)
    page.on(window, "hashchange", pairs.on_hash)
    page.on("lesson-close", "click", lessons.close)
    page.on("lesson-answer", "change", lessons.answer)
    page.on("pad", "stroke-end", reading.on_pad)
    page.on("sample", "click", reading.put_sample)
    page.on("misclassified", "click", reading.on_gallery)
    page.on("flip", "click", reading.flip)
    page.on("flip-back", "click", reading.unflip)
    page.on("flip-back-pad", "click", reading.unflip)
    page.on("attribution-panel", "toggle", reading.toggle_attribution)
    page.on("compare-with", "change", reading.compare)
    page.on("threshold", "input", reading.judge_at)
    page.on("teach-0", "click", lambda _: runner.teach(0))
    page.on("teach-1", "click", lambda _: runner.teach(1))
    page.on("teach-chosen", "click", lambda _: runner.teach(page.views.teach_picker.taught()))
    # Train is the form's submit button, so Enter in a field trains too.
    page.on("params", "submit", lambda event: (event.preventDefault(), runner.train("train")))
    page.on("step", "click", lambda _: runner.train("step"))
    page.on("continue", "click", lambda _: runner.train("continue"))
    page.on("cancel", "click", runner.on_cancel)
    page.on("clear-examples", "click", keep.forget_all)
    page.on("your-digits", "click", keep.forget)
    page.on(window, "storage", keep.on_storage)
    page.on("reset", "click", keep.reset)
    page.on("start-over", "click", keep.ask_start_over)
    page.on("start-over-yes", "click", keep.start_over)
    page.on("start-over-no", "click", keep.cancel_start_over)
    page.on("export-weights", "click", keep.export)
    page.on("import-weights", "change", lambda event: asyncio.ensure_future(keep.import_weights(event)))
    for h in HYPERPARAMETERS:
        page.on(h.key, "input", page.field_edited)


async def start() -> None:
    """Boot on 0 versus 1 (its data and weights come with the page), or the model the URL names."""
    window.performance.mark("digitlab:page-start")
    page_state = PageState()
    state, prepared = boot.start_state()
    page_state.starting(prepared)
    page = Controller(Session(state.lab, Activity.BOOTING))
    lessons = Lessons(page)
    pairs = PairLoader(page, lessons, state.digits, state.shipped, state.ten)
    keep = Keep(page)
    runner = Runner(page)
    runner.after_run = pairs.open_waiting
    wire(page, Handlers(Reading(page), keep, lessons, runner, pairs))
    asked = pairs.asked()  # before open() writes the model in use into the URL
    keep.use_kept_ten_weights()
    page.session.course = page.keeper.load_lessons()
    page.open(state.lab)
    page.apply({LESSONS})
    if isinstance(asked, address.Lesson):
        pairs.open_lesson(asked.name)
        asked = BY_NAME[asked.name].model
    if asked not in (None, page.session.choice) and not isinstance(asked, address.BadAddress):
        if page.session.activity is not Activity.LOADING:
            pairs.choose(asked)  # ready once that model is open, or has failed to
        await pairs.task
    else:
        page.apply(page.session.idle())
    if isinstance(asked, address.BadAddress):
        page.messages.show_error(f"{asked.why}; showing {page.session.choice.title}.", "pair")
    window.performance.mark("digitlab:ready")
    page_state.started()
    await asyncio.sleep(0)
    Source().show(source_text())


@functools.cache  # read once; the memory snapshot holds it already read (snapshot.prepare)
def source_text() -> str:
    parts = [inspect.getsource(obj) for obj in SOURCE_SHOWN]
    parts[0] = f"# {reference.__file__}\n{parts[0]}\n# {model.__file__} (the fast code)\n"
    return "\n\n".join(parts)
