"""What the page can work on: two digits (a Pair, smaller first) or all ten (TEN), as values of their own.

Everything that once passed `(3, 5)` or the string "ten" around passes a Choice: it names itself in a URL
(`#pair=3-5`, `#ten`), in storage keys ("3-5", "ten") and in sentences ("3 versus 5", "all ten digits").
And a `Refusal` is the answer of a verb that could not act: a value with its reason, never a bare sentence
that callers must tell apart from a result.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import DIGITS
from .words import either, versus


@dataclass(frozen=True)
class Pair:
    """Two different digits, smaller first: label 0 is `first`, label 1 (the positive class) `second`."""

    first: int
    second: int
    mode = "pair"  # the mode select's value and body[data-model]

    def __post_init__(self):
        if not (0 <= self.first < self.second <= 9):
            raise ValueError(f"a pair is two different digits, smaller first: not {self.first} and {self.second}")

    @classmethod
    def of(cls, a: int, b: int) -> Pair:
        return cls(min(a, b), max(a, b))

    @property
    def digits(self) -> tuple[int, int]:
        return (self.first, self.second)

    @property
    def name(self) -> str:
        return f"{self.first}-{self.second}"

    @property
    def hash(self) -> str:
        return f"#pair={self.name}"

    @property
    def title(self) -> str:
        return versus(self.digits)

    @property
    def words(self) -> str:
        return either(self.digits)

    @property
    def where(self) -> str:
        return "on this pair"

    @property
    def compared(self) -> tuple:
        """What the comparison's captions name before anything is read."""
        return self.digits


@dataclass(frozen=True)
class Ten:
    """All ten digits: label k is the digit k."""

    digits = DIGITS
    mode = "ten"
    name = "ten"
    hash = "#ten"
    title = "all ten digits"
    words = "any digit"
    where = "here"
    compared = ("the other digit", "the digit read")


TEN = Ten()
Choice = Pair | Ten


@dataclass(frozen=True)
class Refusal:
    """A verb that could not act, and why (a sentence for the page)."""

    why: str

    def __str__(self) -> str:
        return self.why
