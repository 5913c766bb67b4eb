"""What this browser keeps between visits: the weights in use and the user's digits.

Keys are scoped to the deployment's path, so two copies of the app on one origin
(user.github.io/a/ and /b/) keep separate state, and to the pair, so each pair keeps its own.
Nothing stored is trusted: it is parsed with the same checks as an imported file, and
anything unreadable is skipped (a digit) or dropped (weights) with a note.
"""

from __future__ import annotations

from .. import IMAGE_PIXELS
from .. import examples as taught
from ..choice import Choice
from ..course import Course
from ..examples import MAX_EXAMPLES, Example
from ..weights import TenWeights, Weights, any_weights_from_json, parse_json
from .dom import Storage, window


def scope() -> str:
    """The folder the page is served from, e.g. '/repo-name/'."""
    return window.location.pathname.rsplit("/", 1)[0] + "/"


class Keeper:
    """Keys are digitlab:<deployment path>:<model>:weights (and :examples), where the model is a Choice's name:
    each pair keeps its own ("3-5"), and so do the ten digits ("ten")."""

    def __init__(self):
        self.storage = Storage()
        self.generation = self.stored_generation()  # the Start over this tab's state comes after

    @property
    def prefix(self) -> str:
        return f"digitlab:{scope()}:"

    def weights_key(self, choice: Choice) -> str:
        return f"{self.prefix}{choice.name}:weights"

    def examples_key(self, choice: Choice) -> str:
        return f"{self.prefix}{choice.name}:examples"

    def load_weights(self, choice: Choice) -> tuple[Weights | TenWeights | None, str | None]:
        """(the weights saved for that model or None, a note for the user or None); whether they fit the model
        is the caller's to judge."""
        saved = self.storage.get(self.weights_key(choice))
        if not saved:
            return None, None
        try:
            weights = any_weights_from_json(saved)
        except ValueError as exc:
            self.storage.forget(self.weights_key(choice))
            return None, f"The weights saved in this browser were unreadable ({exc}); they were dropped."
        note = f"Ignored in the saved weights: {', '.join(weights.ignored)}." if weights.ignored else None
        return weights, note

    def load_examples(self, choice: Choice) -> tuple[list[Example], str | None]:
        """The digits kept for that model; an unreadable one is skipped (and named), never the rest with it."""
        key = self.examples_key(choice)
        saved = self.storage.get(key)
        if not saved:
            return [], None
        try:
            records = parse_json(saved, max_bytes=MAX_EXAMPLES * 2 * IMAGE_PIXELS)
            examples, problems = taught.from_records(records, len(choice.digits))
        except ValueError as exc:
            self.storage.forget(key)
            return [], f"Your digits saved in this browser were unreadable ({exc}); they were dropped."
        if problems:
            self.storage.set(key, taught.to_json(examples))
            return examples, f"Skipped {len(problems)} unreadable saved digit(s): {'; '.join(problems[:3])}."
        return examples, None

    def save_weights(self, choice: Choice, weights: Weights | TenWeights, shipped: bool) -> str | None:
        """Keep the weights in use (or forget them, for the shipped ones); a message if the browser refused."""
        if refused := self.stale():
            return refused
        if shipped:
            return self.storage.forget(self.weights_key(choice))
        return self.storage.set(self.weights_key(choice), weights.to_json())

    def save_examples(self, choice: Choice, examples: list[Example]) -> tuple[list[Example], str | None]:
        """Merge with what another tab kept meanwhile, then keep: (the merged digits, a message or None)."""
        if refused := self.stale():
            return examples, refused
        stored, _ = self.load_examples(choice)
        merged = taught.merge(stored, examples)
        return merged, self.storage.set(self.examples_key(choice), taught.to_json(merged))

    def remove_example(self, choice: Choice, gone: Example) -> tuple[list[Example] | None, str | None]:
        """Forget one digit by identity, in what is kept now: what another tab taught meanwhile stays (None for
        the digits kept when nothing may be written)."""
        if refused := self.stale():
            return None, refused
        stored, _ = self.load_examples(choice)
        kept = taught.without(stored, gone)
        return kept, self.storage.set(self.examples_key(choice), taught.to_json(kept))

    def forget_examples(self, choice: Choice) -> str | None:
        return self.stale() or self.storage.forget(self.examples_key(choice))

    @property
    def lessons_key(self) -> str:
        return f"{self.prefix}lessons"

    def load_lessons(self) -> Course:
        return Course.from_json(self.storage.get(self.lessons_key), self.generation)

    def save_lessons(self, course: Course) -> str | None:
        """Keep the marks as a merge with what other tabs kept (a tab opened earlier never deletes a later mark);
        the course takes the merged marks too."""
        if refused := self.stale():
            return refused
        course.done |= self.load_lessons().done
        if not course.done:  # nothing to keep: a next learner finds no trace
            return self.storage.forget(self.lessons_key)
        return self.storage.set(self.lessons_key, course.to_json(self.generation))

    # ---- Start over is a generation: a tab from before it writes nothing back
    @property
    def generation_key(self) -> str:
        return f"{self.prefix}generation"

    def stored_generation(self) -> int:
        text = self.storage.get(self.generation_key) or "0"
        return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0

    def stale(self) -> str | None:
        """Why this tab must not write: another tab started over since this one read what it shows."""
        if self.stored_generation() != self.generation:
            return "another tab started over for the next learner since this one opened: this tab follows it now"
        return None

    def forget_everything(self) -> str | None:
        """Every model's weights and digits of this deployment, and the course's marks (a classroom's next
        learner starts afresh); a new generation, so that no tab opened before writes any of it back."""
        self.generation = max(self.stored_generation(), self.generation) + 1
        # The new generation first: every other tab then starts over before it hears of any key going, so none
        # writes back what it holds in between.
        refused = self.storage.set(self.generation_key, str(self.generation))
        keys = [key for key in self.storage.keys(self.prefix) if key != self.generation_key]
        return refused or next((refused for key in keys if (refused := self.storage.forget(key))), None)
