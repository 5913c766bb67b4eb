"""Loading weights: the shipped file, and every way a file can be wrong."""

import json
from pathlib import Path

import pytest

from digitlab.weights import Weights, WeightsError, load_weights, weights_from_json

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_weights_load_and_carry_their_training_record():
    weights = load_weights(ROOT / "weights" / "mnist01.json")
    assert len(weights.w) == 784
    assert weights.meta["test_accuracy"] >= 0.995
    assert set(weights.meta["trained"]) >= {"learning_rate", "iterations", "l2", "seed", "batch_size"}
    manifest = json.loads((ROOT / "site" / "data" / "manifest.json").read_text())
    assert weights.meta["data_sha256"] == manifest["sha256"]


def test_round_trip_is_exact():
    original = Weights([i / 7 for i in range(784)], -0.1, {"note": "x"})
    again = weights_from_json(original.to_json())
    assert again.w == original.w and again.b == original.b and again.meta == {"note": "x"}


def valid(**changes):
    data = {"w": [0.0] * 784, "b": 0.0, **changes}
    return json.dumps(data)


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "empty"),
        ("{not json", "not JSON"),
        ("[1, 2, 3]", "JSON object"),
        (json.dumps({"b": 0.0}), "missing field 'w'"),
        (json.dumps({"w": [0.0] * 784}), "missing field 'b'"),
        (valid(w=[0.0] * 783), "783 numbers"),
        (valid(w="zeros"), "list"),
        (valid(w=["0"] * 784), "w\\[0\\] is str"),
        (valid(w=[True] * 784), "not a number"),
        (valid(b=None), "not a number"),
        (valid().replace('"b": 0.0', '"b": NaN'), "NaN"),
        (valid().replace('"b": 0.0', '"b": Infinity'), "Infinity"),
        (valid().replace('"b": 0.0', '"b": 1e999'), "not a finite number"),
        ("x" * 2_000_000, "bytes"),
    ],
)
def test_bad_weights_are_refused_with_what_is_wrong(text, message):
    with pytest.raises(WeightsError, match=message):
        weights_from_json(text)


def test_binary_garbage_is_refused():
    with pytest.raises(WeightsError, match="not text"):
        weights_from_json(b"\xff\xfe\x00garbage")
