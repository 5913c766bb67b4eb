"""The weights file: `{"format": ..., "w": [784 floats, row-major 28x28], "b": float, ...metadata}`.

One format for weights/mnist01.json, the page's export and its import, and localStorage.
Loading validates everything and says exactly what is wrong; the messages have no subject
("not JSON", "empty") so the caller can say whether it read a file or stored data.
Metadata is normalised: a field of the wrong type or range, or one this code does not know,
is dropped and named in `Weights.ignored`, so a crafted file can never reach the page as is.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import re
import struct
from dataclasses import dataclass, field

from . import IMAGE_PIXELS, examples
from .config import HYPERPARAMETERS, TrainConfig
from .model import Progress
from .sparse import sumprod

MAX_BYTES = 1_000_000  # a real weights file is ~20 KB; refuse anything absurd before parsing it
MAX_NESTING = 16  # a weights file nests 2 deep; Pyodide's stack dies long before RecursionError
FORMAT = "digitlab-weights/1"
MAX_TEXT = 200  # characters in a metadata string: a file name, a timestamp, a label
MAX_ROWS = 4_000  # training images a pair can have (the largest has ~1,800) plus the user's digits


MAX_SCORE = 1e9  # |w.x + b| past this on some input in [0, 1]^784 is no model: refused before it reaches a sum


class WeightsError(ValueError):
    """The weights are unusable; the message says why, in words for the page."""


@dataclass
class Weights:
    w: list[float]
    b: float
    meta: dict = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # metadata dropped on loading, with the reason

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **self.meta, "w": self.w, "b": self.b}, indent=1)

    @property
    def rows(self) -> list[list[float]]:
        """The weights as pictures: one row of 784."""
        return [self.w]


def from_training(
    progress: Progress, config: TrainConfig, trained_by: str, data_sha256: str | None, **extra
) -> Weights:
    """The weights of `progress` with the record of how they came about (CLI and page alike)."""
    meta = {
        "trained": {**config.as_dict(), "iterations_run": progress.iteration},
        "trained_by": trained_by,
        "trained_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data_sha256": data_sha256,
        "train_accuracy": progress.train_accuracy,
        "test_accuracy": progress.test_accuracy,
        "train_loss": progress.loss,
        "test_loss": progress.test_loss,
        **extra,
    }
    if progress.alpha is not None:
        meta["alpha"] = list(progress.alpha)
    return Weights(list(progress.w), progress.b, meta)


# ---- reading JSON safely

_SIGNIFICANT = re.compile(r'["\\\[\]{}]')  # what changes the nesting: quotes, escapes, brackets
MAX_INTEGER_DIGITS = 1_000  # longer, an integer is read as not-a-number (int() itself raises past 4,300 digits)


def nesting_depth(text: str, limit: int = MAX_NESTING) -> int:
    """How deeply arrays and objects nest in JSON text, counted without parsing (strings skipped), in one pass
    over the characters that matter; it stops as soon as the depth passes `limit`, so its cost is linear in the
    text whatever the text is (a regex over strings was quadratic: a 400 KB file froze the tab)."""
    depth = deepest = 0
    in_string, escaped_at = False, -1
    for match in _SIGNIFICANT.finditer(text):
        at, char = match.start(), match.group()
        if at == escaped_at:  # the quote or backslash a backslash escapes
            continue
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif char in "]}":
            depth -= 1
    return deepest


def json_type(value) -> str:
    """A JSON value's type in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


def _bounded_int(digits: str) -> int | float:
    """An integer as JSON writes it; one too long to be any weight, count or label is read as NaN, which the
    checks of the value it stands for then refuse or drop with their sentence (and the rest goes on)."""
    return int(digits) if len(digits) <= MAX_INTEGER_DIGITS else math.nan


def _reject_constant(name: str):
    raise WeightsError(f"contains {name}, which is not a number")


def parse_json(text: str | bytes, max_bytes: int = MAX_BYTES):
    """Parse JSON that came from outside: size, encoding and nesting checked before the parser sees it."""
    if len(text) > max_bytes:
        raise WeightsError(f"{len(text):,} bytes; weights are under {max_bytes:,}")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise WeightsError("not text (not UTF-8), so not weights JSON") from None
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write first is not part of the JSON
    if not text.strip():
        raise WeightsError("empty")
    if nesting_depth(text) > MAX_NESTING:
        raise WeightsError(f"nested more than {MAX_NESTING} levels deep, so not weights JSON")
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise WeightsError(f"not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None


# ---- the fields


def _finite(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise WeightsError(f"{where} is {json_type(value)}, not a number")
    try:
        number = float(value)
    except OverflowError:
        raise WeightsError(f"{where} is a number too large for a weight") from None
    if not math.isfinite(number):
        raise WeightsError(f"{where} is {value}, not a finite number")
    return number


def _number(value, low: float, high: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return low <= float(value) <= high
    except OverflowError:
        return False


def _text(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_TEXT


def _alpha(value) -> bool:
    """w = sum_i alpha_i x_i over the training images: at most MAX_ROWS finite numbers."""
    return (
        isinstance(value, list)
        and 0 < len(value) <= MAX_ROWS
        and all(_number(v, -1e300, 1e300) and math.isfinite(float(v)) for v in value)
    )


def _taught_rows(value) -> bool:
    """The learner's digits a run trained on beyond the train split, in row order (examples.py records)."""
    if not isinstance(value, list) or len(value) > MAX_ROWS:
        return False
    try:
        for record in value:
            examples.from_record(record)
    except ValueError:
        return False
    return True


def _training_record(value) -> bool:
    """The "trained" record: hyperparameters the table allows, and the iterations actually run."""
    if not isinstance(value, dict) or not value:
        return False
    rules = {h.name: h for h in HYPERPARAMETERS}
    for key, item in value.items():
        if key == "iterations_run":
            if not (isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= rules["iterations"].high):
                return False
        elif key not in rules or rules[key].problem(item) is not None:
            return False
    return True


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_SHA256 = re.compile(r"[0-9a-f]{64}")
METADATA = {  # field -> (what it must be, check); None is allowed where a split was not measured
    "trained": ("a training record", _training_record),
    "trained_by": ("a short text", _text),
    "trained_at": ("a UTC timestamp", lambda v: isinstance(v, str) and bool(_TIMESTAMP.fullmatch(v))),
    "data_sha256": ("a sha256 or null", lambda v: v is None or (isinstance(v, str) and bool(_SHA256.fullmatch(v)))),
    "train_accuracy": ("a fraction or null", lambda v: v is None or _number(v, 0, 1)),
    "test_accuracy": ("a fraction or null", lambda v: v is None or _number(v, 0, 1)),
    "train_loss": ("a loss or null", lambda v: v is None or _number(v, 0, 1e6)),
    "test_loss": ("a loss or null", lambda v: v is None or _number(v, 0, 1e6)),
    "your_digits": ("a count", lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10_000),
    "training_images": ("a count", lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 100_000),
    "imported_from": ("a short text", _text),
    "alpha": ("a list of numbers, one per training image", lambda v: _alpha(v)),
    "taught_rows": ("a list of taught digits", _taught_rows),
    "digits": ("two digits, smaller first", lambda v: isinstance(v, list) and len(v) == 2 and all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 9 for d in v) and v[0] < v[1]),
}  # fmt: skip


def normalise_meta(
    data: dict, rules: dict | None = None, skip: tuple = ("w", "b", "format"), kind: str = "weights"
) -> tuple[dict, list[str]]:
    """(the metadata this code understands, the fields dropped with the reason); `rules` by default METADATA."""
    rules = METADATA if rules is None else rules
    meta, ignored = {}, []
    for key, value in data.items():
        if key in skip:
            continue
        rule = rules.get(key)
        if rule is None:
            ignored.append(f"{str(key)[:40]} (not a field of {kind})")
        elif rule[1](value):
            meta[key] = value
        else:
            ignored.append(f"{key} (not {rule[0]})")
    return meta, ignored


def weights_from_json(text: str | bytes) -> Weights:
    """Parse and validate; raise WeightsError naming the first problem."""
    return weights_from_dict(parse_json(text))


def weights_from_dict(data) -> Weights:
    if not isinstance(data, dict):
        raise WeightsError(f'expected a JSON object with "w" and "b", got {json_type(data)}')
    if "format" in data and data["format"] != FORMAT:
        shown = data["format"][:40] if isinstance(data["format"], str) else json_type(data["format"])
        raise WeightsError(f"format {shown!r} is not {FORMAT!r}, the one this page reads")
    missing = [key for key in ("w", "b") if key not in data]
    if missing:
        raise WeightsError(f"missing field {' and '.join(repr(k) for k in missing)}")
    w = data["w"]
    if not isinstance(w, list):
        raise WeightsError(f'"w" must be an array of {IMAGE_PIXELS} numbers, got {json_type(w)}')
    if len(w) != IMAGE_PIXELS:
        raise WeightsError(f'"w" has {len(w)} numbers; it must have {IMAGE_PIXELS} (28x28)')
    weights = [_finite(v, f"w[{i}]") for i, v in enumerate(w)]
    bias = _finite(data["b"], '"b"')
    check_scores(weights, bias)
    meta, ignored = normalise_meta(data)
    return Weights(weights, bias, meta, ignored)


def largest_score(w, b: float) -> float:
    """The largest |w.x + b| over every input x in [0, 1]^784: all the positive weights inked, or all the negative."""
    return max(abs(b + sum(v for v in w if v > 0)), abs(b + sum(v for v in w if v < 0)))


def check_scores(w, b: float) -> None:
    """Refuse weights that would give some drawing a score no float arithmetic downstream can be trusted with."""
    largest = largest_score(w, b)
    if not largest <= MAX_SCORE:
        reach = f"{largest:.3g}" if math.isfinite(largest) else "beyond the largest float"
        raise WeightsError(f"some drawing would score |w·x + b| = {reach}; a model's scores stay under {MAX_SCORE:.0e}")


def digits_of(weights: Weights) -> tuple[int, int]:
    """The pair these weights read; files from before pairs existed (no "digits") read 0 versus 1."""
    return tuple(weights.meta.get("digits", (0, 1)))


# ---- every pair's shipped weights in one compact file: float32, little-endian, base64

PAIRS_FORMAT = "digitlab-pairs/1"


def pairs_to_json(pairs: dict[str, Weights], record: dict) -> str:
    """{"format", **record, "pairs": {"3-5": {"alpha": base64 float32, "b", **meta}}} for weights/pairs.json.

    Only alpha is stored: w = sum_i alpha_i x_i is rebuilt from the pair's training images, so the
    page's "which images taught it this" adds up to z exactly, and the file stays compact.
    """
    entries = {}
    for name, weights in pairs.items():
        alpha = weights.meta["alpha"]
        packed = base64.b64encode(struct.pack(f"<{len(alpha)}f", *alpha)).decode()
        entries[name] = {**{k: v for k, v in weights.meta.items() if k != "alpha"}, "alpha": packed, "b": weights.b}
    return json.dumps({"format": PAIRS_FORMAT, **record, "pairs": entries}, indent=1)


def pairs_from_json(text: str | bytes) -> dict:
    """weights/pairs.json parsed once: its entries by pair name (each opened by pair_weights)."""
    data = parse_json(text, max_bytes=4 * MAX_BYTES)
    if not isinstance(data, dict) or data.get("format") != PAIRS_FORMAT or not isinstance(data.get("pairs"), dict):
        raise WeightsError(f"not a {PAIRS_FORMAT} file")
    return data["pairs"]


def pair_weights(pairs: dict, name: str, train_set) -> Weights:
    """One pair's shipped weights, w rebuilt as X^T alpha over `train_set` (a Design)."""
    entry = pairs.get(name)
    if not isinstance(entry, dict) or not isinstance(entry.get("alpha"), str):
        raise WeightsError(f"no weights for the pair {name}")
    try:
        alpha = list(struct.unpack(f"<{train_set.n}f", base64.b64decode(entry["alpha"], validate=True)))
    except (ValueError, struct.error):
        raise WeightsError(f"the weights of {name} are not {train_set.n} float32 values") from None
    w = [0.0] * IMAGE_PIXELS
    for column in train_set.columns:
        w[column.pixel] = sumprod(column.gather(alpha), column.values)
    return weights_from_dict({**entry, "w": w, "alpha": alpha})


def load_weights(path) -> Weights:
    with open(path, "rb") as handle:
        return weights_from_json(handle.read(MAX_BYTES + 1))


# ---- the ten-digit model: {"format", "classes": [0..9], "W": ten rows of 784, "b": ten floats, ...metadata}

TEN_FORMAT = "digitlab-ten/1"
CLASSES = list(range(10))


@dataclass
class TenWeights:
    """Softmax weights: W's ten rows (one template per digit) and ten biases; the class for digit k is row k."""

    W: list[list[float]]
    b: list[float]
    meta: dict = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[list[float]]:
        """The weights as pictures: one template per digit."""
        return self.W

    def to_json(self, packed: bool = False) -> str:
        """The weights file; `packed` writes W as base64 float32 (the shipped file: ~42 KB instead of ~130 KB)."""
        W = base64.b64encode(struct.pack("<7840f", *(v for row in self.W for v in row))).decode() if packed else self.W
        return json.dumps({"format": TEN_FORMAT, "classes": CLASSES, **self.meta, "W": W, "b": self.b}, indent=1)


def _ten_rows(value) -> list[list[float]]:
    if isinstance(value, str):
        try:
            flat = struct.unpack("<7840f", base64.b64decode(value, validate=True))
        except (ValueError, struct.error):
            raise WeightsError('"W" as text must be 7,840 float32 values in base64') from None
        value = [list(flat[k * IMAGE_PIXELS : (k + 1) * IMAGE_PIXELS]) for k in range(10)]
    if not isinstance(value, list) or len(value) != 10:
        raise WeightsError(f'"W" must be ten rows of {IMAGE_PIXELS} numbers, one per digit')
    rows = []
    for k, row in enumerate(value):
        if not isinstance(row, list) or len(row) != IMAGE_PIXELS:
            raise WeightsError(f'"W" row {k} must be {IMAGE_PIXELS} numbers (28x28), got {json_type(row)}')
        rows.append([_finite(v, f"W[{k}][{j}]") for j, v in enumerate(row)])
    return rows


TEN_METADATA = {key: rule for key, rule in METADATA.items() if key not in ("alpha", "taught_rows", "digits")}


def ten_weights_from_dict(data) -> TenWeights:
    if not isinstance(data, dict):
        raise WeightsError(f'expected a JSON object with "W" and "b", got {json_type(data)}')
    if data.get("format") != TEN_FORMAT or data.get("classes") != CLASSES:
        raise WeightsError(f"not {TEN_FORMAT} weights for the classes 0-9")
    missing = [key for key in ("W", "b") if key not in data]
    if missing:
        raise WeightsError(f"missing field {' and '.join(repr(k) for k in missing)}")
    W = _ten_rows(data["W"])
    if not isinstance(data["b"], list) or len(data["b"]) != 10:
        raise WeightsError('"b" must be ten numbers, one bias per digit')
    b = [_finite(v, f"b[{k}]") for k, v in enumerate(data["b"])]
    for row, bias in zip(W, b):
        check_scores(row, bias)
    meta, ignored = normalise_meta(data, TEN_METADATA, ("W", "b", "format", "classes"), "ten-digit weights")
    return TenWeights(W, b, meta, ignored)


def any_weights_from_json(text: str | bytes) -> Weights | TenWeights:
    """A weights file of either kind (a pair's or the ten digits'), told apart by its format."""
    data = parse_json(text)
    if isinstance(data, dict) and (data.get("format") == TEN_FORMAT or "W" in data):
        return ten_weights_from_dict(data)
    return weights_from_dict(data)


def what_it_holds(weights: Weights | TenWeights) -> str:
    """'the ten-digit model' or 'a 3-versus-5 model', for messages about a file."""
    if isinstance(weights, TenWeights):
        return "the ten-digit model"
    a, b = digits_of(weights)
    return f"a {a}-versus-{b} model"


def ten_from_training(progress: Progress, config: TrainConfig, trained_by: str, data_sha256: str | None, **extra):
    """The ten-digit weights of `progress` with the record of how they came about."""
    pair_style = from_training(progress, config, trained_by, data_sha256, **extra)
    meta = {k: v for k, v in pair_style.meta.items() if k in TEN_METADATA}
    return TenWeights([list(row) for row in progress.w], list(progress.b), meta)
