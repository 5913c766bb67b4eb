"""Handlers for what the learner keeps: Reset, export and import of weights, forgetting taught digits, another
tab's changes, and Start over (a classroom's next learner)."""

from __future__ import annotations

from ..choice import TEN
from ..examples import without
from ..lab import made_for
from ..session import LESSONS, Activity
from ..weights import MAX_BYTES, WeightsError, any_weights_from_json, what_it_holds
from .controller import Controller
from .dom import download


class Keep:
    def __init__(self, page: Controller):
        self.page = page

    def use_kept_ten_weights(self) -> None:
        """The ten-digit weights this browser kept (trained or imported in ten mode): every pair's verdict asks them."""
        weights, _ = self.page.keeper.load_weights(TEN)
        if weights is not None and made_for(weights) == TEN:
            self.page.session.ten_weights = weights

    def reset(self, _event=None) -> None:
        page = self.page
        if page.refused("reset", "train"):
            return
        page.apply(page.session.reset())
        if refused := page.keeper.save_weights(page.session.choice, page.session.weights, shipped=True):
            page.messages.show_error(f"Back to the shipped weights for now, but {refused}.", "train")
        else:
            page.messages.say("Back to the shipped weights.")

    def export(self, _event=None) -> None:
        download(f"digitlab-{self.page.session.choice.name}.json", self.page.session.weights.to_json())

    async def import_weights(self, event) -> None:
        page, files = self.page, event.target.files
        if not files.length:
            return
        file = files.item(0)
        page.views.keep_panel.forget_choice()  # the same file can be chosen again after a fix
        page.messages.clear_error()
        unchanged = "The weights in use did not change."
        try:
            if file.size > MAX_BYTES:
                raise WeightsError(f"{file.size:,} bytes; weights are under {MAX_BYTES:,}")
            weights = any_weights_from_json((await file.arrayBuffer()).to_bytes())
        except WeightsError as exc:
            page.messages.show_error(f"Could not import {file.name}: {exc}. {unchanged}", "keep")
            return
        if mismatch := page.session.lab.mismatch(weights):
            page.messages.show_error(
                f"Could not import {file.name}: it holds {what_it_holds(weights)}, {mismatch}. {unchanged}", "keep"
            )
            return
        if refusal := page.session.refusal("import"):  # a run started, maybe in the same tick as the choice
            page.messages.show_error(f"Did not import {file.name}: {refusal}. Import it again afterwards.", "keep")
            return
        weights.meta["imported_from"] = file.name[:200]  # what the page saw, not what the file claims
        page.apply(page.session.use(weights))
        ignored = f" Ignored: {', '.join(weights.ignored)}." if weights.ignored else ""
        page.messages.say(f"Imported weights from {file.name}.{ignored}", "keep")
        page.keep_weights("keep")

    # ---- the learner's digits
    def forget(self, event) -> None:
        """A thumbnail's × was pressed: forget that one digit (and only it, whatever other tabs kept)."""
        page, index = self.page, event.target.dataset.index
        if index is None or page.refused("forget", "teach"):
            return
        gone = page.session.lab.examples[int(index)]
        kept, refused = page.keeper.remove_example(page.session.choice, gone)
        page.apply(page.session.follow(kept if kept is not None else without(page.session.lab.examples, gone)))
        digit = page.session.digits[gone.label]
        if refused:
            page.messages.show_error(f"Could not update your saved digits: {refused}.", "teach")
        else:
            page.messages.say(f"Forgot one of your {digit}s; the weights in use keep what it taught.", "teach")

    def forget_all(self, _event=None) -> None:
        page = self.page
        if page.refused("forget", "teach"):
            return
        page.apply(page.session.follow([]))
        if refused := page.keeper.forget_examples(page.session.choice):
            page.messages.show_error(f"Your digits are forgotten here, but {refused}.", "teach")
        else:
            page.messages.say("Your digits are forgotten (the weights in use keep what they learned).", "teach")

    def on_storage(self, event) -> None:
        """Another tab changed what is kept: its Start over, the course's marks, the digits of the model in use."""
        page, keeper = self.page, self.page.keeper
        choice = page.session.choice
        if event.key == keeper.generation_key and keeper.stored_generation() != keeper.generation:
            keeper.generation = keeper.stored_generation()
            page.apply(page.session.start_over())
            page.messages.say("Another tab started over for the next learner: so did this one.", "start-over")
        elif event.key == keeper.lessons_key:
            page.session.course.done |= keeper.load_lessons().done
            page.apply({LESSONS})
        elif event.key == keeper.examples_key(choice) and page.session.activity is not Activity.TEACHING:
            examples, _ = keeper.load_examples(choice)
            page.apply(page.session.follow(examples))

    # ---- starting over: a classroom's next learner
    def ask_start_over(self, _event=None) -> None:
        if not self.page.refused("start-over", "start-over"):
            self.page.views.keep_panel.confirm_start_over(True)

    def cancel_start_over(self, _event=None) -> None:
        self.page.views.keep_panel.confirm_start_over(False)

    def start_over(self, _event=None) -> None:
        page = self.page
        page.views.keep_panel.confirm_start_over(False)
        if page.refused("start-over", "start-over"):
            return
        refused = page.keeper.forget_everything()
        page.apply(page.session.start_over())
        if refused:
            page.messages.show_error(f"Started over here, but {refused}.", "start-over")
        else:
            page.messages.say(
                "Started over: every pair is back to its shipped weights, with no digits taught.", "start-over"
            )
