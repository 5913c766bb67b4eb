"""The page's address (its URL hash): what it may say, and what the page makes of it.

`#pair=3-5` opens a pair (written smaller digit first), `#ten` the ten-digit model. An empty hash asks
for nothing; anything else is a sentence saying why it names no model, and the page writes its own back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PAIR = re.compile(r"#pair=(\d)-(\d)", re.ASCII)
LESSON = re.compile(r"#lesson=([a-z-]{1,20})", re.ASCII)
TEN = "#ten"


@dataclass(frozen=True)
class Lesson:
    """#lesson=NAME: open that lesson, with its model and settings."""

    name: str


def asked(hash_text: str, lessons=()) -> tuple[int, int] | str | Lesson | None:
    """What the address asks for: a pair (smaller digit first), "ten", a Lesson (one of `lessons`' names),
    None if nothing, or why it names nothing."""
    if hash_text in ("", "#"):
        return None
    if hash_text == TEN:
        return "ten"
    if (lesson := LESSON.fullmatch(hash_text)) and lesson[1] in lessons:
        return Lesson(lesson[1])
    shown = hash_text if len(hash_text) <= 40 else hash_text[:39] + "…"
    match = PAIR.fullmatch(hash_text)
    if match is None:
        return f"The address asked for “{shown}”, which names no pair (a link like #pair=3-5 does, or #ten)"
    a, b = int(match[1]), int(match[2])
    if a == b:
        return f"The address asked for {a} and {b}: a pair needs two different digits"
    return (min(a, b), max(a, b))


def of_pair(digits: tuple[int, int]) -> str:
    return f"#pair={digits[0]}-{digits[1]}"
