"""Training and teaching in the page: one iteration per browser frame, with Cancel and rollback."""

from __future__ import annotations

import asyncio

from ..config import ConfigError, TrainConfig, parse_config
from ..lab import TEACH_CONFIG
from ..model import Progress, TrainingDiverged
from .controller import Controller
from .digits import Digits
from .views import Form

HEARTBEAT = 0.03  # seconds of mini-batch work between two chances for the page to paint


class Runner:
    """Starts runs (Train, Step, Continue, teach) and drives them; the Controller shows what comes of them."""

    def __init__(self, page: Controller, digits: Digits):
        self.page = page
        self.digits = digits
        self.form = Form()
        self.cancel_requested = False
        self.before = 0.0  # test accuracy before the teaching run under way
        self.near = "lab"  # the panel whose status line reports the run under way

    def on_cancel(self, _event) -> None:
        if self.page.training:
            self.cancel_requested = True

    def request(self, make_run) -> None:
        """Called in the click's own tick: mark the page busy at once, so a Cancel in the same tick counts."""
        page = self.page
        if page.training:
            return
        page.training, self.cancel_requested = True, False
        page.refresh_controls()
        asyncio.ensure_future(self.guarded(make_run()))

    async def guarded(self, run) -> None:
        try:
            await run
        finally:
            self.page.training = False
            self.page.refresh_controls()

    async def train(self, mode: str = "train") -> None:
        """Train from zeros ("train"), or from the weights in use for one ("step") or all iterations ("continue")."""
        page = self.page
        page.messages.clear_error()
        try:
            config = parse_config(self.form.values())
        except ConfigError as exc:
            self.form.mark_invalid(exc.fields)
            page.messages.show_error(f"Cannot train: {exc}")
            return
        self.form.mark_invalid(())
        if mode == "step":
            config = TrainConfig(**{**config.as_dict(), "iterations": 1})
        start = None if mode == "train" else page.lab.weights
        page.messages.set_status("Preparing the data…")
        design = await self.prepare(page.lab.training_set())
        run = page.lab.training_run(config, heartbeat=HEARTBEAT, start=start, design=design)
        await self.run(lambda: run, config, "browser")

    async def prepare(self, design):
        """Build the gradient's pixel columns a chunk at a time, so the page paints and Cancel works meanwhile."""
        for _ in design.build_columns():
            await asyncio.sleep(0)
            if self.cancel_requested:
                break
        return design

    async def teach(self, label: int) -> None:
        page = self.page
        if page.reading is None:
            return
        page.messages.clear_error()
        try:
            page.lab.add_example(page.reading.stages.image, label)
        except ValueError as exc:
            page.messages.show_error(str(exc), near="teach")
            return
        self.digits.save()
        self.before = page.lab.test_report().accuracy
        page.messages.set_status(f"Learning your {label}…", "teach")
        design = await self.prepare(page.lab.training_set())
        await self.run(lambda: page.lab.teaching_run(design), TEACH_CONFIG, "taught", label=label)

    async def run(self, make_run, config: TrainConfig, how: str, label: int | None = None) -> None:
        """Drive a training generator to its end, a cancel, or a divergence; then adopt or roll back."""
        page, previous = self.page, self.page.lab.weights
        self.near = "lab" if label is None else "teach"
        page.refresh_controls()
        page.training_view.begin()
        last = None
        await asyncio.sleep(0)  # paint the "training" state before the first iteration
        try:
            last = await self.drive(make_run())
        except TrainingDiverged as exc:
            page.lab.use(previous)
            page.training_view.diverged(exc.iteration, exc.loss)
            page.messages.show_error(f"{exc}. Training stopped; the previous weights are back in use.")
            page.training_view.show_weights(previous.w)
        else:
            page.training_view.draw_curves()
            if label is None:
                self.finish(last, config, how)
            else:
                self.finish_teaching(last, label)
        finally:
            page.training = False
            page.training_view.end(how, last)
            page.refresh_controls()
            page.controls.train.focus()

    async def drive(self, run) -> Progress | None:
        """Step through a run, showing each iteration and yielding to the browser in between."""
        last = None
        for progress in run:
            if progress is not None:  # None is a mid-epoch heartbeat: only a chance to paint
                last = progress
                self.page.training_view.show_progress(last)
                self.page.messages.set_status(
                    f"Iteration {last.iteration} of {last.iterations}, {last.elapsed:.2f} s: "
                    f"loss {last.loss:.4f}, test accuracy {last.test_accuracy * 100:.2f}%",
                    self.near,
                )
            await asyncio.sleep(0)  # let the page paint and take input
            if self.cancel_requested:
                break
        return last

    def finish(self, last: Progress | None, config: TrainConfig, how: str) -> None:
        """Adopt the weights of the last finished iteration and say what happened."""
        page = self.page
        if last is None or (self.cancel_requested and last.iteration == 0):
            page.messages.set_status("Cancelled before the first step: the weights in use did not change.")
            return
        page.lab.adopt(last, config, how)
        done = f"{last.iteration} of {last.iterations} iterations in {last.elapsed:.2f} s"
        accuracy = f"test accuracy {last.test_accuracy * 100:.2f}%"
        if self.cancel_requested:
            page.messages.set_status(f"Cancelled: using the weights after {done}.")
        else:
            page.messages.set_status(f"Trained: {done}; {accuracy}.")
        page.weights_changed()

    def finish_teaching(self, last: Progress, label: int) -> None:
        page = self.page
        if last.iteration == 0:
            page.messages.set_status(f"Already read as a {label}; kept as an example for later training.", "teach")
            return
        page.lab.adopt(last, TEACH_CONFIG, "taught")
        steps = f"{last.iteration} step{'' if last.iteration == 1 else 's'}"
        wrong = "" if page.lab.examples_right(last.w, last.b) else " (some of your digits are still read wrong)"
        change = f"test accuracy {self.before * 100:.2f}% → {last.test_accuracy * 100:.2f}%"
        page.messages.set_status(f"Learned your {label} in {steps}{wrong}; {change}.", "teach")
        page.weights_changed()
