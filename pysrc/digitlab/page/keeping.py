"""What this browser keeps between visits: the weights in use and the user's digits.

Keys are scoped to the deployment's path, so two copies of the app on one origin
(user.github.io/a/ and /b/) keep separate state, and to the pair, so each pair keeps its own.
Nothing stored is trusted: it is parsed with the same checks as an imported file, and
anything unreadable is dropped with a note.
"""

from __future__ import annotations

from ..lab import Example, examples_from_json, examples_to_json, merge_examples
from ..weights import Weights, weights_from_json
from .dom import Storage, window


def scope() -> str:
    """The folder the page is served from, e.g. '/repo-name/'."""
    return window.location.pathname.rsplit("/", 1)[0] + "/"


class Keeper:
    """Keys are digitlab:<deployment path>:<pair>:weights (and :examples): each pair keeps its own."""

    def __init__(self):
        self.storage = Storage()
        self.pair = "0-1"

    @property
    def weights_key(self) -> str:
        return f"digitlab:{scope()}:{self.pair}:weights"

    @property
    def examples_key(self) -> str:
        return f"digitlab:{scope()}:{self.pair}:examples"

    def load_weights(self) -> tuple[Weights | None, str | None]:
        """(the saved weights or None, a note for the user or None)."""
        saved = self.storage.get(self.weights_key)
        if not saved:
            return None, None
        try:
            weights = weights_from_json(saved)
        except ValueError as exc:
            self.storage.remove(self.weights_key)
            return None, f"The weights saved in this browser were unreadable ({exc}); they were dropped."
        note = f"Ignored in the saved weights: {', '.join(weights.ignored)}." if weights.ignored else None
        return weights, note

    def load_examples(self) -> tuple[list[Example], str | None]:
        saved = self.storage.get(self.examples_key)
        if not saved:
            return [], None
        try:
            return examples_from_json(saved), None
        except ValueError as exc:
            self.storage.remove(self.examples_key)
            return [], f"Your digits saved in this browser were unreadable ({exc}); they were dropped."

    def save_weights(self, weights: Weights, shipped: bool) -> str | None:
        """Keep the weights in use (or forget them, for the shipped ones); a message if the browser refused."""
        if shipped:
            return self.storage.remove(self.weights_key)
        return self.storage.set(self.weights_key, weights.to_json())

    def save_examples(self, examples: list[Example]) -> tuple[list[Example], str | None]:
        """Merge with what another tab kept meanwhile, then keep: (the merged digits, a message or None)."""
        stored, _ = self.load_examples()
        merged = merge_examples(stored, examples)
        return merged, self.storage.set(self.examples_key, examples_to_json(merged))

    def replace_examples(self, examples: list[Example]) -> str | None:
        """Keep exactly these digits (after one was removed on purpose)."""
        return self.storage.set(self.examples_key, examples_to_json(examples))

    def forget_examples(self) -> str | None:
        return self.storage.remove(self.examples_key)

    def forget_all(self) -> None:
        self.storage.remove(self.weights_key)
        self.storage.remove(self.examples_key)
