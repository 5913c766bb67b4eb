"""Runs in the page (Train, Step, Continue, teaching): one iteration per browser frame, with Cancel and rollback.

The Runner asks for a run in the click's own tick (so a Cancel in the same tick counts); a Run trains on the
model in use when it was asked for, and adopts its weights only if that model is still the one in use.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ..choice import Refusal
from ..config import ConfigError, TrainConfig, parse_config
from ..lab import TEACH_WEIGHT, Plan
from ..model import Progress, TrainingDiverged
from ..session import RUNS
from ..words import a
from .controller import Controller
from .dom import document, window

HEARTBEAT = 0.03  # seconds of work between two chances for the page to paint and take input


async def breathe() -> None:
    """Let the page take input and paint (main.js: a MessageChannel task, not a timer a hidden tab throttles)."""
    await window.digitlab.breathe()


@dataclass(frozen=True)
class Taught:
    """What teaching was asked for: the digit, the test accuracy before, the digit the model read, and the label
    this drawing had before if it was taught already."""

    digit: int
    before: float
    read: int
    replaced: int | None


def live_part(lab) -> str:
    """A run may follow fewer test images than the whole split (judged once it is over): say so."""
    every = lab.test_set.n // lab.live_test.n
    return "" if every == 1 else f" on every {every}th test image"


class Runner:
    def __init__(self, page: Controller):
        self.page = page
        self.run: Run | None = None  # the run under way, or the last one
        self.after_run = lambda: None  # what waited for the run to end (a lesson chosen meanwhile)

    def on_cancel(self, _event=None) -> None:
        if self.page.session.refusal("cancel") is None and self.run is not None:
            self.run.cancelled = True

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
        try:
            _, replaced = session.teach(label)
        except ValueError as exc:
            page.messages.show_error(str(exc), "teach")
            return
        if replaced is not None:  # one drawing, one label: the latest
            page.keeper.remove_example(session.choice, replaced)
        page.keep_examples()
        plan = session.plan("teach")
        taught = Taught(
            session.digits[label], session.lab.test_report().accuracy, session.reading.digit,
            None if replaced is None else session.digits[replaced.label],
        )  # fmt: skip
        self.start("teach", session.lab.teach_config(), plan, session.lab.teaching_run(plan, HEARTBEAT), taught)

    def start(self, how: str, config: TrainConfig, plan: Plan, iterations, taught=None) -> None:
        """Mark the page busy now, in the click's tick (so a Cancel in the same tick counts); drive the run in
        the frames that follow."""
        page = self.page
        focused = document.activeElement
        page.apply(page.session.begin_run(how))
        self.run = Run(page, how, config, plan, taught, lambda: self.after_run())
        page.messages.say(f"Learning your {taught.digit}…" if taught else "Preparing the data…", self.run.near)
        asyncio.ensure_future(self.run.drive(iterations, focused))


class Run:
    """One run of Train, Step, Continue or teaching, driven an iteration per frame: it trains on the model in
    use when it was asked for, and adopts its weights only if that model is still the one in use."""

    def __init__(self, page: Controller, how: str, config: TrainConfig, plan: Plan, taught=None, ended=None):
        self.page, self.how, self.config, self.plan = page, how, config, plan
        self.ended = ended or (lambda: None)
        self.lab = page.session.lab
        self.taught: Taught | None = taught
        self.near = "teach" if how == "teach" else "train"
        self.cancelled = False

    async def drive(self, iterations, focused) -> None:
        page, how, config = self.page, self.how, self.config
        last, outcome = None, "done"
        try:
            await self.prepare()
            last = await self.steps(iterations)
            window.performance.mark("digitlab:run-stopped")  # the bench times Cancel to here
            outcome = "cancelled" if self.cancelled else "done"
        except TrainingDiverged as exc:
            page.apply(page.session.diverged(exc.iteration, exc.loss))
            page.messages.show_error(f"{exc}. Training stopped; the weights in use did not change.")
            outcome = "diverged"
        else:
            if how == "teach":
                await self.finish_teaching(last, self.taught)
            else:
                await self.finish(last)
        finally:
            page.views.training.end(how, last.iteration if last else 0, last.elapsed if last else 0.0)
            seen = page.session.finished_run(config, outcome, page.session.log.rose()) if how != "teach" else set()
            page.apply(page.session.idle() | {RUNS} | seen)  # the last iteration's curve, drawn now it is over
            page.views.controls.give_back_focus(focused)
            self.ended()

    async def prepare(self) -> None:
        """Build the gradient's pixel columns a chunk at a time, so the page paints and Cancel works meanwhile."""
        for _ in self.plan.design.build_columns():
            await breathe()
            if self.cancelled:
                return

    async def steps(self, iterations) -> Progress | None:
        """Step through a run, showing each iteration and yielding to the browser in between."""
        page, last = self.page, None
        await breathe()  # paint the "training" state before the first iteration
        if self.cancelled:
            return None
        for progress in iterations:
            if progress is not None:  # None is a mid-epoch heartbeat: only a chance to paint
                last = progress
                page.views.training.show_progress(last, self.lab.weight_scale)
                page.apply(page.session.record(last))
                page.messages.say(
                    f"Iteration {last.iteration} of {last.iterations}, {last.elapsed:.2f} s: "
                    f"loss {last.loss:.4f}, test accuracy {last.test_accuracy * 100:.2f}%{live_part(page.session.lab)}",
                    self.near,
                )
            await breathe()  # let the page paint and take input
            if self.cancelled:
                break
        return last

    async def adopt(self, last: Progress, config: TrainConfig, how: str) -> bool:
        """The run's weights in use, measured on the test images a chunk per task before any view shows them;
        False (and said) when the model they were trained for is no longer the one in use."""
        page = self.page
        adopted = page.session.adopt(self.lab, last, config, how, self.plan)
        if isinstance(adopted, Refusal):
            page.messages.show_error(adopted.why, self.near)
            return False
        for _ in self.lab.measuring():
            await breathe()
        page.apply(adopted)
        return True

    async def finish(self, last: Progress | None) -> None:
        """Adopt the weights of the last finished iteration and say what happened."""
        page = self.page
        if last is None or (self.cancelled and last.iteration == 0):
            page.apply(page.session.run_failed("was cancelled before its first step"))
            page.messages.say("Cancelled before the first step: the weights in use did not change.")
            return
        stopped = self.cancelled  # a Cancel from here on comes after the last iteration: nothing left to stop
        page.messages.say(f"{'Cancelled' if stopped else 'Done'}: measuring the new weights on the test images…")
        if not await self.adopt(last, self.config, "browser"):
            return
        done = f"{last.iteration} of {last.iterations} iterations in {last.elapsed:.2f} s"
        late = " (Cancel came while the finished run's weights were being measured: nothing was left to stop)"
        if stopped:
            page.messages.say(f"Cancelled: using the weights after {done}.")
        else:
            what = {"train": "Trained", "step": "Stepped", "continue": "Continued"}[self.how]
            accuracy = f"{self.lab.test_report().accuracy * 100:.2f}%{page.session.threshold_named()}"
            page.messages.say(f"{what}: {done}; test accuracy {accuracy}.{late if self.cancelled else ''}")
        page.keep_weights("train")

    async def finish_teaching(self, last: Progress | None, taught: Taught):
        page, lab, digit, after = self.page, self.lab, taught.digit, taught.before
        relabelled = ""
        if taught.replaced is not None:
            relabelled = f" (this drawing was your {taught.replaced}: now it is {a(digit)})"
        if last is None or last.iteration == 0:
            page.apply(page.session.run_failed("took no step"))
            what = "Cancelled" if self.cancelled else f"Already read as {a(digit)}"
            page.messages.say(f"{what}; your {digit} is kept as an example for later training{relabelled}.", "teach")
        elif await self.adopt(last, self.config, "taught"):
            steps = f"{last.iteration} L-BFGS step{'' if last.iteration == 1 else 's'} in {last.elapsed:.1f} s"
            wrong = "" if lab.examples_right(last.w, last.b) else " (some of your digits are still read wrong)"
            after = lab.test_report().accuracy
            change = f"test accuracy {taught.before * 100:.2f}% → {after * 100:.2f}%{page.session.threshold_named()}"
            weight = f"it weighs as much as {TEACH_WEIGHT:.0f} of the training images it keeps learning from"
            page.messages.say(f"Learned your {digit}{relabelled} in {steps}{wrong} ({weight}); {change}.", "teach")
            page.keep_weights("teach")
        else:
            return
        learned = page.session.reading is not None and page.session.reading.digit == digit
        facts = {"label": digit, "read": taught.read, "before": taught.before, "after": after, "learned": learned}
        page.apply(page.session.saw("taught", **facts))
