"""The user's own digits: kept, merged with other tabs, removed one by one or all at once."""

from __future__ import annotations

from .controller import Controller


class Digits:
    def __init__(self, page: Controller):
        self.page = page

    def save(self) -> None:
        """Keep the digits (merged with what another tab kept meanwhile) and show them."""
        page = self.page
        page.lab.examples, refused = page.keeper.save_examples(page.lab.examples)
        page.examples.show(page.lab.examples, page.lab.digits)
        if refused:
            page.messages.show_error(f"Could not keep your digits for next time: {refused}.", near="teach")
        page.refresh_controls()

    def on_clear(self, _event) -> None:
        page = self.page
        if page.training:
            return
        page.lab.examples = []
        page.examples.show([])
        if refused := page.keeper.forget_examples():
            page.messages.show_error(f"Your digits are forgotten here, but {refused}.", near="teach")
        else:
            page.messages.set_status("Your digits are forgotten (the weights in use keep what they learned).", "teach")
        page.refresh_controls()

    def on_remove(self, event) -> None:
        """A thumbnail's × was pressed: forget that one digit."""
        page, index = self.page, event.target.dataset.index
        if page.training or index is None:
            return
        removed = page.lab.examples.pop(int(index))
        if refused := page.keeper.replace_examples(page.lab.examples):
            page.messages.show_error(f"Could not update your saved digits: {refused}.", near="teach")
        page.examples.show(page.lab.examples, page.lab.digits)
        page.messages.set_status(
            f"Forgot one of your {removed.label}s; the weights in use keep what it taught.", "teach"
        )
        page.refresh_controls()

    def on_storage(self, event) -> None:
        """Another tab changed this deployment's digits: follow it."""
        page = self.page
        if event.key == page.keeper.examples_key and not page.training:
            page.lab.examples, _ = page.keeper.load_examples()
            page.examples.show(page.lab.examples, page.lab.digits)
            page.refresh_controls()
