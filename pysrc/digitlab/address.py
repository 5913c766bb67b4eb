"""The page's address (its URL hash): what it may say, and what the page makes of it.

`#pair=3-5` opens a pair (written smaller digit first), `#ten` the ten digits, `#lesson=NAME` a lesson. An
empty hash asks for nothing; anything else is a BadAddress saying why, and the page writes its own back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .choice import TEN, Choice, Pair

PAIR = re.compile(r"#pair=(\d)-(\d)", re.ASCII)
LESSON = re.compile(r"#lesson=([a-z-]{1,20})", re.ASCII)


@dataclass(frozen=True)
class Lesson:
    """#lesson=NAME: open that lesson, with its model and settings."""

    name: str


@dataclass(frozen=True)
class BadAddress:
    """An address that names nothing the page can open, and why (a sentence for the page)."""

    why: str


def asked(hash_text: str, lessons=()) -> Choice | Lesson | BadAddress | None:
    """What the address asks for: a Pair or TEN, a Lesson (one of `lessons`' names), None if nothing, or a
    BadAddress."""
    if hash_text in ("", "#"):
        return None
    if hash_text == TEN.hash:
        return TEN
    shown = hash_text if len(hash_text) <= 40 else hash_text[:39] + "…"
    if hash_text.startswith("#lesson="):
        if (lesson := LESSON.fullmatch(hash_text)) and lesson[1] in lessons:
            return Lesson(lesson[1])
        names = ", ".join(lessons)
        return BadAddress(f"The address asked for “{shown}”, but no lesson has that name (they are: {names})")
    match = PAIR.fullmatch(hash_text)
    if match is None:
        return BadAddress(f"The address asked for “{shown}”, which names no pair (a link like #pair=3-5 does, or #ten)")
    a, b = int(match[1]), int(match[2])
    if a == b:
        return BadAddress(f"The address asked for {a} and {b}: a pair needs two different digits")
    return Pair.of(a, b)
