"""The state the page starts in (0 versus 1: its data and shipped weights; the ten-digit model, which says
whether a drawing is either digit of a pair at all), built from the files that come with the page.

Building it costs ~150 ms in the browser, mostly checking and parsing weights.json. The runtime's
memory snapshot (snapshot.py) holds one already built from the same files; the page uses it only
when the files it reads now have the sizes and CRC-32s of the ones it was built from, and builds
afresh otherwise.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from .data import Digit, decode_digit, digit_file, pair_bundle
from .pair import PairLab
from .weights import TenWeights, Weights, ten_weights_from_dict, weights_from_json

BOOT_PAIR = (0, 1)
WEIGHTS_FILE = "weights.json"
TEN_FILE = "weights/ten.json"
FILES = (*(f"data/{digit_file(d)}" for d in BOOT_PAIR), WEIGHTS_FILE, TEN_FILE)


@dataclass
class Start:
    digits: dict[int, Digit]
    shipped: Weights
    ten: TenWeights  # shipped
    lab: PairLab  # ready to use: test design and shipped test probabilities computed


_built: dict[str, Start] = {}  # by digest of the files' bytes; filled by prepare() in the snapshot


def read_file(name: str) -> bytes:
    with open(name, "rb") as handle:
        return handle.read()


def digest(contents: dict[str, bytes]) -> str:
    """Each file's size and CRC-32, as runtime.mjs checks the snapshot itself: enough to tell the files
    of another build (the concern: a mixed deploy, a stale cache), and cheap where it runs, on the way
    to the first paint (SHA-256 took 20-40 ms there)."""
    return " ".join(f"{name}:{len(contents[name])}:{zlib.crc32(contents[name]):08x}" for name in FILES)


def build(contents: dict[str, bytes]) -> Start:
    digits = {d: decode_digit(contents[f"data/{digit_file(d)}"]) for d in BOOT_PAIR}
    shipped = weights_from_json(contents[WEIGHTS_FILE])
    ten = ten_weights_from_dict(json.loads(contents[TEN_FILE]))
    lab = PairLab(pair_bundle(*(digits[d] for d in BOOT_PAIR)), shipped, ten)
    lab.test_quality()
    return Start(digits, shipped, ten, lab)


def prepare(read: Callable[[str], bytes] = read_file) -> str:
    """Build the start state and keep it for start_state(); returns the files' digest."""
    contents = {name: read(name) for name in FILES}
    key = digest(contents)
    _built[key] = build(contents)
    return key


def start_state(read: Callable[[str], bytes] = read_file) -> tuple[Start, bool]:
    """The start state for the files as they are now, and whether it was the one built beforehand.
    A prepared state is handed out once: the page goes on to change its Lab."""
    contents = {name: read(name) for name in FILES}
    prepared = _built.pop(digest(contents), None)
    return (prepared, True) if prepared is not None else (build(contents), False)
