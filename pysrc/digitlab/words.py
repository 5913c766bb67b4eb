"""Digits in English, for every sentence the page writes: "a 3", "an 8", "a 6 or an 8", "3s".

The page names digits, never class indices: a sentence is built from the pair's digits
through these helpers, so that "an 8" and "a 3" come out right whichever pair is in use.
"""

from __future__ import annotations

from collections.abc import Sequence


def a(digit: int) -> str:
    """'a 3', 'an 8' (eight is the one digit whose name starts with a vowel sound)."""
    return f"{'an' if digit == 8 else 'a'} {digit}"


def either(digits: Sequence[int]) -> str:
    """'a 3 or a 5'; for more digits 'a 0, a 1 or a 2'."""
    named = [a(d) for d in digits]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"


def versus(digits: Sequence[int]) -> str:
    """'3 versus 5'."""
    return " versus ".join(str(d) for d in digits)


def plural(digit: int) -> str:
    """'3s'."""
    return f"{digit}s"
