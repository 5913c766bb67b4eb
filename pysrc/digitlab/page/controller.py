"""The controller: page events in, Session verbs, views out.

Every verb asks the Session to change and hands what changed to apply(), which re-renders each view that
shows it (views.Views.shows). A message about what a verb did is said after apply(), which clears the
messages about the state before. The handlers live beside it by concern (reading.py, keep.py, lessons.py,
training.py, pairs.py), each holding the Controller.
"""

from __future__ import annotations

from pyodide.ffi import create_proxy

from ..lab import Lab
from ..session import ADDRESS, LESSONS, Changes, Session
from .dom import element
from .keeping import Keeper
from .views import Views

ACTION_WORDS = {
    "train": "Train", "step": "Step", "continue": "Continue", "teach": "Teaching", "flip": "Flip it",
    "reset": "Reset", "import": "Import", "forget": "Forgetting your digits", "start-over": "Start over",
}  # fmt: skip


class Controller:
    def __init__(self, session: Session):
        self.session = session
        self.keeper = Keeper()
        self.views = Views()
        self.messages = self.views.messages
        self.said_lessons_refused = False
        self._proxies = []

    def apply(self, changes) -> None:
        self.views.render(self.session, changes)
        if LESSONS in changes and (refused := self.keeper.save_lessons(self.session.course)):
            # Kept as soon as they change; a refusal is said once (every later mark would repeat it).
            if not self.said_lessons_refused:
                self.messages.show_error(f"Your lesson marks are not kept for next time: {refused}.", "course")
            self.said_lessons_refused = True

    def on(self, target, event: str, handler) -> None:
        """Call `handler` on `event` of the element with that data-testid (or of `target` itself)."""
        proxy = create_proxy(handler)
        self._proxies += [proxy]  # kept alive for the page's lifetime
        (element(target) if isinstance(target, str) else target).addEventListener(event, proxy)

    def refused(self, action: str, near: str) -> bool:
        """A new request: the error about the last one goes; and say why `action` cannot run now, if it cannot."""
        self.messages.clear_error()
        if refusal := self.session.refusal(action):
            self.messages.show_error(f"{ACTION_WORDS[action]} cannot run now: {refusal}.", near)
            return True
        return False

    def field_edited(self, event) -> None:
        self.views.form.mark_valid(event.target)

    # ---- the model in use, and what this browser keeps of it
    def open(self, lab: Lab) -> None:
        """Make `lab` the page's, with what this browser kept for its model."""
        weights, weights_note = self.keeper.load_weights(lab.choice)
        if weights is not None and lab.mismatch(weights) is None:
            lab.use(weights)
        lab.examples, examples_note = self.keeper.load_examples(lab.choice)
        self.apply(self.session.open(lab))
        if said := " ".join(n for n in (weights_note, examples_note) if n):
            self.messages.show_error(said, "keep")

    def keep_weights(self, near: str) -> None:
        """Keep the weights in use for the next visit (the shipped ones need no copy)."""
        session = self.session
        if refused := self.keeper.save_weights(session.choice, session.weights, session.shipped):
            self.messages.show_error(f"Could not keep the weights for next time: {refused}.", near)

    def keep_examples(self) -> None:
        """Keep the digits, merged with what another tab kept meanwhile."""
        merged, refused = self.keeper.save_examples(self.session.choice, self.session.lab.examples)
        self.apply(self.session.follow(merged))
        if refused:
            self.messages.show_error(f"Could not keep your digits for next time: {refused}.", "teach")

    def restore_address(self) -> None:
        """A refused choice: the selects and the URL name the model in use again."""
        self.apply(Changes({ADDRESS}))
