"""The controller: page events in, Session verbs, views out.

Every verb asks the Session to change and hands what changed to apply(), which re-renders each view
that shows it (VIEWS below). A message about what a verb did is said after apply(), which clears the
messages about the state before.
"""

from __future__ import annotations

import random

from pyodide.ffi import create_proxy

from ..course import BY_NAME, Course
from ..lab import Lab
from ..preprocess import NotADigit, mnist_stages, preprocess_rgba
from ..session import ACTIVITY, EXAMPLES, INPUT, LESSONS, PAIR, RUNS, WEIGHTS, Activity, Input, Session
from ..ten import TenLab
from ..weights import MAX_BYTES, TenWeights, WeightsError, any_weights_from_json, digits_of, what_it_holds
from ..words import versus
from . import panels, views
from .dom import download, element, window
from .keeping import Keeper

ACTION_WORDS = {
    "train": "Train", "step": "Step", "continue": "Continue", "teach": "Teaching", "flip": "Flip it",
    "reset": "Reset", "import": "Import", "forget": "Forgetting your digits", "start-over": "Start over",
}  # fmt: skip


class Controller:
    def __init__(self, session: Session):
        self.session = session
        self.keeper = Keeper()
        self.pad = views.Pad()
        self.messages = panels.Messages()
        self.form = panels.Form()
        self.judgement = panels.Judgement()
        self.quality = panels.Quality(self.judgement)
        self.training = panels.Training()
        self.flip_view = views.FlipView()
        self.attribution = views.Attribution()
        self.address, self.picker = panels.Address(), panels.PairPicker()
        self.controls, self.keep_panel = panels.Controls(), panels.KeepPanel()
        self.teach_picker = panels.TeachPicker()
        self.course = panels.CourseView()
        self.views = (  # each view, and what it shows: it renders again whenever one of those changed
            (self.messages, {WEIGHTS, PAIR}),
            (self.course, {LESSONS}),
            (self.form, {PAIR}),
            (panels.PageState(), {ACTIVITY, PAIR}),
            (self.address, {PAIR}),
            (self.picker, {PAIR, ACTIVITY}),
            (panels.Words(), {PAIR}),
            (panels.WeightsNote(), {WEIGHTS, PAIR}),
            (self.pad, {INPUT}),
            (views.Verdict(), {INPUT}),
            (views.SampleLabel(), {INPUT}),
            (views.Eyes(self.pad), {INPUT}),
            (views.Why(), {INPUT}),
            (views.Sigmoid(), {INPUT}),
            (self.flip_view, {INPUT}),
            (self.attribution, {INPUT, EXAMPLES}),
            (panels.Examples(), {EXAMPLES, PAIR}),
            (self.controls, {ACTIVITY, INPUT, EXAMPLES, PAIR, WEIGHTS}),
            (panels.WeightMap(self.training), {WEIGHTS, PAIR, ACTIVITY}),
            (self.training, {RUNS}),
            (self.judgement, {WEIGHTS, PAIR}),
            (self.quality, {WEIGHTS, PAIR}),
        )
        self.rng = random.Random()
        self._proxies = []

    def apply(self, changes) -> None:
        for view, shows in self.views:
            if shows & changes:
                view.render(self.session)
        if LESSONS in changes:  # the course's marks are kept as soon as they change
            self.keeper.save_lessons(self.session.course)

    def on(self, target, event: str, handler) -> None:
        """Call `handler` on `event` of the element with that data-testid (or of `target` itself)."""
        proxy = create_proxy(handler)
        self._proxies += [proxy]  # kept alive for the page's lifetime
        (element(target) if isinstance(target, str) else target).addEventListener(event, proxy)

    def field_edited(self, event) -> None:
        self.form.mark_valid(event.target)

    def refused(self, action: str, near: str) -> bool:
        """A new request: the error about the last one goes; and say why `action` cannot run now, if it cannot."""
        self.messages.clear_error()
        if refusal := self.session.refusal(action):
            self.messages.show_error(f"{ACTION_WORDS[action]} cannot run now: {refusal}.", near)
            return True
        return False

    # ---- the input
    def on_pad(self, event) -> None:
        """The drawing changed: a pen stroke, Clear, Undo, or a test image put on the pad (read as it is)."""
        window.performance.mark("read-start")
        detail = event.detail
        if detail.sample:
            source = Input(mnist_stages(detail.pixels.to_bytes()), (detail.index, detail.label))
        else:
            try:
                source = Input(preprocess_rgba(*self.pad.pixels(), self.session.lab.words))
            except NotADigit as exc:
                source = str(exc)
        self.apply(self.session.read(source))
        window.performance.measure("preprocess-and-predict", "read-start")
        window.performance.mark("verdict")
        window.performance.measure("stroke-to-verdict", "stroke-end", "verdict")

    def put_sample(self, _event=None) -> None:
        """*Real MNIST digit*: a random test image of the pair on the pad."""
        self.put_test_image(self.session.lab.sample(self.rng)[0])

    def put_test_image(self, index: int) -> None:
        test = self.session.lab.bundle.test
        self.pad.show_test_image(test.image_bytes(index), index, self.session.digits[test.labels[index]])

    def on_gallery(self, event) -> None:
        """A misread test digit was clicked: put it on the pad; or 'show all' was."""
        if event.target.closest('[data-testid="show-all-mistakes"]'):
            self.judgement.show_all = True
            self.judgement.render(self.session)
        elif figure := event.target.closest("figure"):
            self.put_test_image(int(figure.dataset.index))
            self.pad.bring_into_view()
            self.apply(self.session.saw("mistake", pair=self.session.digits, ten=self.session.ten))

    def flip(self, _event=None) -> None:
        done = self.session.flip()  # in ten mode, toward the digit compared with
        if isinstance(done, str):
            self.flip_view.say(done)
        else:
            self.apply(done)

    def unflip(self, _event=None) -> None:
        self.apply(self.session.unflip())

    def show_attribution(self, _event=None) -> None:
        self.attribution.render(self.session)

    def show_threshold(self, _event=None) -> None:
        self.judgement.render(self.session)
        self.quality.render(self.session)
        if not self.session.ten:
            rates = self.session.lab.test_quality(self.judgement.chosen_threshold()).rates
            self.apply(self.session.saw("threshold", precision=rates.precision))

    # ---- the weights in use
    def keep_weights(self, near: str) -> None:
        """Keep the weights in use for the next visit (the shipped ones need no copy)."""
        if refused := self.keeper.save_weights(self.session.weights, self.session.shipped):
            self.messages.show_error(f"Could not keep the weights for next time: {refused}.", near)

    def reset(self, _event=None) -> None:
        if self.refused("reset", "train"):
            return
        self.apply(self.session.reset())
        if refused := self.keeper.save_weights(self.session.weights, shipped=True):
            self.messages.show_error(f"Back to the shipped weights for now, but {refused}.", "train")
        else:
            self.messages.say("Back to the shipped weights.")

    def export(self, _event=None) -> None:
        name = "ten" if self.session.ten else "-".join(map(str, self.session.digits))
        download(f"digitlab-{name}.json", self.session.weights.to_json())

    async def import_weights(self, event) -> None:
        files = event.target.files
        if not files.length:
            return
        file = files.item(0)
        self.keep_panel.forget_choice()  # the same file can be chosen again after a fix
        self.messages.clear_error()
        unchanged = "The weights in use did not change."
        try:
            if file.size > MAX_BYTES:
                raise WeightsError(f"{file.size:,} bytes; weights are under {MAX_BYTES:,}")
            weights = any_weights_from_json((await file.arrayBuffer()).to_bytes())
        except WeightsError as exc:
            self.messages.show_error(f"Could not import {file.name}: {exc}. {unchanged}", "keep")
            return
        if mismatch := self.mismatch(weights):
            self.messages.show_error(
                f"Could not import {file.name}: it holds {what_it_holds(weights)}, {mismatch}. {unchanged}", "keep"
            )
            return
        if refusal := self.session.refusal("import"):  # a run started, maybe in the same tick as the choice
            self.messages.show_error(f"Did not import {file.name}: {refusal}. Import it again afterwards.", "keep")
            return
        weights.meta["imported_from"] = file.name[:200]  # what the page saw, not what the file claims
        self.apply(self.session.use(weights))
        ignored = f" Ignored: {', '.join(weights.ignored)}." if weights.ignored else ""
        self.messages.say(f"Imported weights from {file.name}.{ignored}", "keep")
        self.keep_weights("keep")

    def mismatch(self, weights) -> str | None:
        """Why weights cannot be used by the model in use, in words: they are for another mode or pair."""
        if self.session.ten:
            if not isinstance(weights, TenWeights):
                return "and this page reads all ten digits: choose two digits above first"
            return None
        if isinstance(weights, TenWeights):
            return f"and this page reads {versus(self.session.digits)}: choose all ten digits above first"
        if (made_for := digits_of(weights)) != self.session.digits:
            return f"and this page reads {versus(self.session.digits)}: choose {versus(made_for)} above first"
        return None

    # ---- the pair, or the ten digits
    def open(self, lab: Lab | TenLab) -> None:
        """Make `lab` the page's, with what this browser kept for its pair (or for the ten digits)."""
        self.keeper.pair = "ten" if isinstance(lab, TenLab) else "-".join(map(str, lab.digits))
        weights, weights_note = self.keeper.load_weights()
        if weights is not None and self.fits(lab, weights):
            lab.use(weights)
        lab.examples, examples_note = self.keeper.load_examples()
        self.apply(self.session.open(lab))
        if said := " ".join(n for n in (weights_note, examples_note) if n):
            self.messages.show_error(said, "keep")

    def use_kept_ten_weights(self) -> None:
        """The ten-digit weights this browser kept (trained or imported in ten mode): every pair's verdict asks them."""
        self.keeper.pair = "ten"
        weights, _ = self.keeper.load_weights()
        if isinstance(weights, TenWeights):
            self.session.ten_weights = weights

    @staticmethod
    def fits(lab: Lab | TenLab, weights) -> bool:
        if isinstance(lab, TenLab):
            return isinstance(weights, TenWeights)
        return not isinstance(weights, TenWeights) and digits_of(weights) == lab.digits

    def compare(self, _event=None) -> None:
        """Ten mode: the digit the verdict is compared with (and flipped toward) was chosen."""
        self.apply(self.session.compare_to(self.teach_picker.compared()))

    def restore_address(self) -> None:
        """A refused pair: the selects and the URL name the pair in use again."""
        self.address.render(self.session)
        self.picker.render(self.session)

    # ---- the learner's digits
    def keep_examples(self) -> None:
        """Keep the digits, merged with what another tab kept meanwhile."""
        merged, refused = self.keeper.save_examples(self.session.lab.examples)
        self.apply(self.session.follow(merged))
        if refused:
            self.messages.show_error(f"Could not keep your digits for next time: {refused}.", "teach")

    def forget(self, event) -> None:
        """A thumbnail's × was pressed: forget that one digit (and only it, whatever other tabs kept)."""
        index = event.target.dataset.index
        if index is None or self.refused("forget", "teach"):
            return
        gone = self.session.lab.examples[int(index)]
        kept, refused = self.keeper.remove_example(gone)
        self.apply(self.session.follow(kept))
        digit = self.session.digits[gone.label]
        if refused:
            self.messages.show_error(f"Could not update your saved digits: {refused}.", "teach")
        else:
            self.messages.say(f"Forgot one of your {digit}s; the weights in use keep what it taught.", "teach")

    def forget_all(self, _event=None) -> None:
        if self.refused("forget", "teach"):
            return
        self.apply(self.session.follow([]))
        if refused := self.keeper.forget_examples():
            self.messages.show_error(f"Your digits are forgotten here, but {refused}.", "teach")
        else:
            self.messages.say("Your digits are forgotten (the weights in use keep what they learned).", "teach")

    def on_storage(self, event) -> None:
        """Another tab changed this pair's digits: follow it."""
        if event.key == self.keeper.examples_key and self.session.activity is not Activity.TEACHING:
            examples, _ = self.keeper.load_examples()
            self.apply(self.session.follow(examples))

    # ---- starting over: a classroom's next learner
    def ask_start_over(self, _event=None) -> None:
        if not self.refused("start-over", "start-over"):
            self.keep_panel.confirm_start_over(True)

    # ---- the course
    def open_lesson(self, name: str) -> None:
        """Show a lesson beside its section, with the form's settings it asks for (the loader opens its model)."""
        self.session.course.choose(name)
        self.apply({LESSONS})
        self.form.set(BY_NAME[name].settings)
        self.course.bring_into_view()

    def close_lesson(self, _event=None) -> None:
        self.session.course.choose(None)
        self.apply({LESSONS})

    def answer(self, _event=None) -> None:
        """The learner typed what they read in the written sum."""
        typed = self.course.answer()
        if typed is None:
            return
        comparison, reading = self.session.comparison(), self.session.reading
        z = None if comparison is None else comparison.z
        p = None if reading is None or self.session.ten else reading.p1
        self.apply(self.session.saw("answer", typed=typed, z=z, p=p if p is not None else float("nan")))

    def cancel_start_over(self, _event=None) -> None:
        self.keep_panel.confirm_start_over(False)

    def start_over(self, _event=None) -> None:
        self.keep_panel.confirm_start_over(False)
        if self.refused("start-over", "start-over"):
            return
        refused = self.keeper.forget_everything()
        self.session.follow([])
        self.session.course, self.session.finished = Course(), {}
        self.apply(self.session.reset() | {EXAMPLES, LESSONS})
        if refused:
            self.messages.show_error(f"Started over here, but {refused}.", "start-over")
        else:
            self.messages.say(
                "Started over: every pair is back to its shipped weights, with no digits taught.", "start-over"
            )
