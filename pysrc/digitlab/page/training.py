"""Runs in the page (Train, Step, Continue, teaching): one iteration per browser frame, with Cancel and rollback.

A run is asked for in the click's own tick (so a Cancel in the same tick counts), trains on the pair in
use when it was asked for, and adopts its weights only if that pair is still the one in use.
"""

from __future__ import annotations

import asyncio

from ..choice import Refusal
from ..config import ConfigError, TrainConfig, parse_config
from ..lab import TEACH_CONFIG, TEACH_WEIGHT, Plan
from ..model import Progress, TrainingDiverged
from ..session import RUNS
from ..words import a
from .controller import Controller
from .dom import document, window

HEARTBEAT = 0.03  # seconds of work between two chances for the page to paint and take input


async def breathe() -> None:
    """Let the page take input and paint (main.js: a MessageChannel task, not a timer a hidden tab throttles)."""
    await window.digitlab.breathe()


class Runner:
    def __init__(self, page: Controller):
        self.page = page
        self.cancel_requested = False

    @property
    def test_part(self) -> str:
        """A run may follow fewer test images than the whole split (judged once it is over): say so."""
        lab = self.page.session.lab
        every = lab.test_set.n // lab.live_test.n
        return "" if every == 1 else f" on every {every}th test image"

    def on_cancel(self, _event=None) -> None:
        if self.page.session.refusal("cancel") is None:
            self.cancel_requested = True

    def train(self, how: str) -> None:
        """Train from zeros ("train"), or from the weights in use for one ("step") or all iterations ("continue")."""
        page = self.page
        if page.refused(how, "train"):
            return
        try:
            config = parse_config(page.views.form.values())
        except ConfigError as exc:
            page.views.form.mark_invalid(exc.fields)
            page.messages.show_error(f"Cannot train: {exc}")
            return
        page.views.form.mark_invalid(())
        if how == "step":
            config = TrainConfig(**{**config.as_dict(), "iterations": 1})
        plan = page.session.plan(how)
        try:
            run = page.session.lab.training_run(config, plan, heartbeat=HEARTBEAT)
        except ValueError as exc:  # ten digits train on full batches only
            page.views.form.mark_invalid(["batch-size"])
            page.messages.show_error(f"Cannot train: {exc}.")
            return
        self.start(how, config, plan, run)

    def teach(self, label: int) -> None:
        """The drawing on the pad is a `label` (0: the pair's smaller digit): keep it, and learn it."""
        page, session = self.page, self.page.session
        if page.refused("teach", "teach"):
            return
        digit = session.digits[label]
        try:
            session.teach(label)
        except ValueError as exc:
            page.messages.show_error(str(exc), "teach")
            return
        page.keep_examples()
        plan = session.plan("teach")
        before = session.lab.test_report().accuracy
        run = session.lab.teaching_run(plan, HEARTBEAT)
        self.start("teach", TEACH_CONFIG, plan, run, (digit, before, session.reading.digit))

    def start(self, how: str, config: TrainConfig, plan: Plan, run, taught=None) -> None:
        """Mark the page busy now, in the click's tick; drive the run in the frames that follow."""
        page = self.page
        self.cancel_requested = False
        focused = document.activeElement
        page.apply(page.session.begin_run(how))
        near = "teach" if how == "teach" else "train"
        page.messages.say(f"Learning your {taught[0]}…" if taught else "Preparing the data…", near)
        self.how = how
        asyncio.ensure_future(self.drive(how, config, plan, run, near, taught, focused))

    async def drive(self, how, config, plan, run, near, taught, focused) -> None:
        page, lab = self.page, self.page.session.lab
        last, outcome = None, "done"
        try:
            await self.prepare(plan)
            last = await self.steps(run, near)
            window.performance.mark("digitlab:run-stopped")  # the bench times Cancel to here
            outcome = "cancelled" if self.cancel_requested else "done"
        except TrainingDiverged as exc:
            page.apply(page.session.diverged(exc.iteration, exc.loss))
            page.messages.show_error(f"{exc}. Training stopped; the weights in use did not change.")
            outcome = "diverged"
        else:
            if how == "teach":
                await self.finish_teaching(lab, last, plan, *taught)
            else:
                await self.finish(lab, how, last, config, plan)
        finally:
            page.views.training.end(how, last.iteration if last else 0, last.elapsed if last else 0.0)
            seen = page.session.finished_run(config, outcome, self.rose()) if how != "teach" else set()
            page.apply(page.session.idle() | {RUNS} | seen)  # the last iteration's curve, drawn now it is over
            page.views.controls.give_back_focus(focused)

    def rose(self) -> bool:
        """Whether the training loss went up at some iteration of the run just ended (steps that overshot)."""
        segments = self.page.session.log.segments
        losses = [point[0] for point in segments[-1].points] if segments else []
        return any(after > before for before, after in zip(losses, losses[1:]))

    async def prepare(self, plan: Plan) -> None:
        """Build the gradient's pixel columns a chunk at a time, so the page paints and Cancel works meanwhile."""
        for _ in plan.design.build_columns():
            await breathe()
            if self.cancel_requested:
                return

    async def steps(self, run, near: str) -> Progress | None:
        """Step through a run, showing each iteration and yielding to the browser in between."""
        page, last = self.page, None
        await breathe()  # paint the "training" state before the first iteration
        if self.cancel_requested:
            return None
        for progress in run:
            if progress is not None:  # None is a mid-epoch heartbeat: only a chance to paint
                last = progress
                page.views.training.show_progress(last)
                page.apply(page.session.record(last))
                page.messages.say(
                    f"Iteration {last.iteration} of {last.iterations}, {last.elapsed:.2f} s: "
                    f"loss {last.loss:.4f}, test accuracy {last.test_accuracy * 100:.2f}%{self.test_part}",
                    near,
                )
            await breathe()  # let the page paint and take input
            if self.cancel_requested:
                break
        return last

    async def measure(self, lab) -> None:
        """Score the test images with the weights just adopted, a chunk per task, before any view shows them."""
        for _ in lab.measuring():
            await breathe()

    async def finish(self, lab, how: str, last: Progress | None, config: TrainConfig, plan: Plan) -> None:
        """Adopt the weights of the last finished iteration and say what happened."""
        page = self.page
        if last is None or (self.cancel_requested and last.iteration == 0):
            page.apply(page.session.run_failed("was cancelled before its first step"))
            page.messages.say("Cancelled before the first step: the weights in use did not change.")
            return
        adopted = page.session.adopt(lab, last, config, "browser", plan)
        if isinstance(adopted, Refusal):
            page.messages.show_error(adopted.why)
            return
        ended = "Cancelled" if self.cancel_requested else "Done"
        page.messages.say(f"{ended}: measuring the new weights on the test images…")
        await self.measure(lab)
        page.apply(adopted)
        done = f"{last.iteration} of {last.iterations} iterations in {last.elapsed:.2f} s"
        if self.cancel_requested:
            page.messages.say(f"Cancelled: using the weights after {done}.")
        else:
            what = {"train": "Trained", "step": "Stepped", "continue": "Continued"}[how]
            page.messages.say(f"{what}: {done}; test accuracy {lab.test_report().accuracy * 100:.2f}%.")
        page.keep_weights("train")

    async def finish_teaching(self, lab, last: Progress | None, plan: Plan, digit: int, before: float, read: int):
        page = self.page
        if last is None or last.iteration == 0:
            page.apply(page.session.run_failed("took no step"))
            what = "Cancelled" if self.cancel_requested else f"Already read as {a(digit)}"
            page.messages.say(f"{what}; your {digit} is kept as an example for later training.", "teach")
            learned = read == digit
            page.apply(page.session.saw("taught", label=digit, read=read, before=before, after=before, learned=learned))
            return
        adopted = page.session.adopt(lab, last, TEACH_CONFIG, "taught", plan)
        if isinstance(adopted, Refusal):
            page.messages.show_error(adopted.why, "teach")
            return
        await self.measure(lab)
        page.apply(adopted)
        steps = f"{last.iteration} step{'' if last.iteration == 1 else 's'}"
        wrong = "" if lab.examples_right(last.w, last.b) else " (some of your digits are still read wrong)"
        after = lab.test_report().accuracy
        change = f"test accuracy {before * 100:.2f}% → {after * 100:.2f}%"
        weight = f"it weighs as much as {TEACH_WEIGHT:.0f} training images"
        page.messages.say(f"Learned your {digit} in {steps}{wrong} ({weight}); {change}.", "teach")
        page.keep_weights("teach")
        learned = page.session.reading is not None and page.session.reading.digit == digit
        page.apply(page.session.saw("taught", label=digit, read=read, before=before, after=after, learned=learned))
