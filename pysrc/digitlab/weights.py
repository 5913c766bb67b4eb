"""The weights file: `{"w": [784 floats, row-major 28x28], "b": float, ...metadata}`.

One format for weights/mnist01.json, the page's export and its import, and
localStorage. Loading validates everything and says exactly what is wrong.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field

from . import IMAGE_PIXELS
from .config import TrainConfig
from .model import Progress

MAX_BYTES = 1_000_000  # a real weights file is ~20 KB; refuse anything absurd before parsing it
FORMAT = "digitlab-weights/1"


class WeightsError(ValueError):
    """The weights are unusable; the message says why, in words for the page."""


@dataclass
class Weights:
    w: list[float]
    b: float
    meta: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **self.meta, "w": self.w, "b": self.b}, indent=1)


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
    return Weights(list(progress.w), progress.b, meta)


def _reject_constant(name: str):
    raise WeightsError(f"weights contain {name}, which is not a number")


def _finite(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise WeightsError(f"{where} is {type(value).__name__} {str(value)[:20]!r}, not a number")
    if not math.isfinite(value):
        raise WeightsError(f"{where} is {value}, not a finite number")
    return float(value)


def weights_from_json(text: str | bytes) -> Weights:
    """Parse and validate; raise WeightsError naming the first problem."""
    if len(text) > MAX_BYTES:
        raise WeightsError(f"file is {len(text):,} bytes; a weights file is under {MAX_BYTES:,}")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise WeightsError("file is not text (not UTF-8), so not a weights JSON file") from None
    if not text.strip():
        raise WeightsError("file is empty")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise WeightsError(f"file is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise WeightsError("file is not a weights JSON file (nested too deeply)") from None
    return weights_from_dict(data)


def weights_from_dict(data) -> Weights:
    if not isinstance(data, dict):
        raise WeightsError(f'expected a JSON object with "w" and "b", got a {type(data).__name__}')
    missing = [key for key in ("w", "b") if key not in data]
    if missing:
        raise WeightsError(f"missing field {' and '.join(repr(k) for k in missing)}")
    w = data["w"]
    if not isinstance(w, list):
        raise WeightsError(f'"w" must be a list of {IMAGE_PIXELS} numbers, got {type(w).__name__}')
    if len(w) != IMAGE_PIXELS:
        raise WeightsError(f'"w" has {len(w)} numbers; it must have {IMAGE_PIXELS} (28x28)')
    weights = [_finite(v, f"w[{i}]") for i, v in enumerate(w)]
    bias = _finite(data["b"], '"b"')
    meta = {k: v for k, v in data.items() if k not in ("w", "b", "format")}
    return Weights(weights, bias, meta)


def load_weights(path) -> Weights:
    with open(path, "rb") as handle:
        return weights_from_json(handle.read(MAX_BYTES + 1))
