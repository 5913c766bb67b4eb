"""The learner's own digits: a drawing kept as MNIST uint8 with the label they gave it.

Stored as JSON records `{"label": class, "pixels": base64 of 784 bytes}`, in the browser (one list
per pair, one for the ten digits) and inside weights trained with them ("taught_rows"). A pair's
classes are 0 (its smaller digit) and 1; the ten digits' are the digits. Records are read one by
one: a damaged or mistyped one is skipped (or repaired, for a label 1.0), never the whole list with it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import IMAGE_PIXELS

MAX_EXAMPLES = 200


@dataclass(frozen=True)
class Example:
    """A drawing as MNIST uint8 (ink = 255) and its label: for a pair 0 (its smaller digit) or 1; else the digit."""

    pixels: bytes
    label: int


def example_from_image(x: Sequence[float], label: int) -> Example:
    return Example(bytes(min(max(int(v * 255 + 0.5), 0), 255) for v in x), int(label))


def to_records(examples: Iterable[Example]) -> list[dict]:
    return [{"label": e.label, "pixels": base64.b64encode(e.pixels).decode()} for e in examples]


def to_json(examples: Iterable[Example]) -> str:
    return json.dumps(to_records(examples))


def from_record(record, classes: int = 2) -> Example:
    """One record, or ValueError saying what is wrong with it. A label written 1.0 is read as 1."""
    if not isinstance(record, dict):
        raise ValueError("not a record")
    label = record.get("label")
    if isinstance(label, bool) or not isinstance(label, (int, float)) or label not in range(classes):
        raise ValueError(f"its label is not {' or '.join(map(str, range(classes))) if classes == 2 else '0-9'}")
    if not isinstance(record.get("pixels"), str):
        raise ValueError("it has no pixels")
    try:
        pixels = base64.b64decode(record["pixels"], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("its pixels are not base64") from None
    if len(pixels) != IMAGE_PIXELS:
        raise ValueError(f"it has {len(pixels)} pixels, not {IMAGE_PIXELS}")
    return Example(pixels, int(label))


def from_records(records, classes: int = 2) -> tuple[list[Example], list[str]]:
    """The readable examples (each once, at most MAX_EXAMPLES) and a note per record skipped.
    Raises ValueError only when `records` is not a list at all."""
    if not isinstance(records, list):
        raise ValueError("not a list of digits")
    examples, problems = [], []
    for k, record in enumerate(records):
        try:
            examples.append(from_record(record, classes))
        except ValueError as exc:
            problems.append(f"digit {k + 1}: {exc}")
    return merge([], examples), problems


def merge(stored: Sequence[Example], mine: Sequence[Example]) -> list[Example]:
    """Digits kept by another tab first, then this tab's new ones; each drawing once; at most MAX_EXAMPLES."""
    return list(dict.fromkeys([*stored, *mine]))[-MAX_EXAMPLES:]


def without(examples: Sequence[Example], gone: Example) -> list[Example]:
    """Every digit but `gone`, by identity: what another tab taught meanwhile stays."""
    return [e for e in examples if e != gone]
