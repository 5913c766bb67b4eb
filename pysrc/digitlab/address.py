"""The page's address (its URL hash): what it may say, and what the page makes of it.

`#pair=3-5` opens a pair (written smaller digit first). An empty hash asks for nothing; anything
else is a sentence saying why it names no pair, and the page writes its own pair back.
"""

from __future__ import annotations

import re

PAIR = re.compile(r"#pair=(\d)-(\d)", re.ASCII)


def asked(hash_text: str) -> tuple[int, int] | str | None:
    """The pair the address asks for (smaller digit first), None if it asks for nothing, or why it is no pair."""
    if hash_text in ("", "#"):
        return None
    shown = hash_text if len(hash_text) <= 40 else hash_text[:39] + "…"
    match = PAIR.fullmatch(hash_text)
    if match is None:
        return f"The address asked for “{shown}”, which names no pair (a link like #pair=3-5 does)"
    a, b = int(match[1]), int(match[2])
    if a == b:
        return f"The address asked for {a} and {b}: a pair needs two different digits"
    return (min(a, b), max(a, b))


def of_pair(digits: tuple[int, int]) -> str:
    return f"#pair={digits[0]}-{digits[1]}"
