"""Loading weights: the shipped file, and every way a file can be wrong."""

import json
from pathlib import Path

import pytest

from digitlab.data import read_pair
from digitlab.weights import Weights, WeightsError, load_weights, weights_from_json

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_weights_load_and_carry_their_training_record():
    weights = load_weights(ROOT / "weights" / "mnist01.json")
    assert len(weights.w) == 784
    assert weights.meta["test_accuracy"] >= 0.995
    assert set(weights.meta["trained"]) >= {"learning_rate", "iterations", "l2", "seed", "batch_size"}
    assert weights.meta["data_sha256"] == read_pair(ROOT / "site" / "data", 0, 1)[1]
    assert weights.meta["digits"] == [0, 1]


def test_round_trip_is_exact():
    original = Weights([i / 7 for i in range(784)], -0.1, {"imported_from": "x.json"})
    again = weights_from_json(original.to_json())
    assert again.w == original.w and again.b == original.b and again.meta == {"imported_from": "x.json"}


def valid(**changes):
    data = {"w": [0.0] * 784, "b": 0.0, **changes}
    return json.dumps(data)


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "empty"),
        ("{not json", "not JSON"),
        ("[1, 2, 3]", "JSON object"),
        ("null", "got null$"),
        (valid(w=None), "got null"),
        (valid(format="digitlab-weights/2"), "format 'digitlab-weights/2' is not"),
        (json.dumps({"b": 0.0}), "missing field 'w'"),
        (json.dumps({"w": [0.0] * 784}), "missing field 'b'"),
        (valid(w=[0.0] * 783), "783 numbers"),
        (valid(w="zeros"), "an array of 784 numbers, got a string"),
        (valid(w=["0"] * 784), "w\\[0\\] is a string"),
        (valid(w=[True] * 784), "not a number"),
        (valid(b=None), '"b" is null, not a number'),
        (valid(w=[10**400] + [0] * 783), "w\\[0\\] is a number too large"),
        (valid().replace('"b": 0.0', '"b": NaN'), "NaN"),
        (valid().replace('"b": 0.0', '"b": Infinity'), "Infinity"),
        (valid().replace('"b": 0.0', '"b": 1e999'), "not a finite number"),
        ("x" * 2_000_000, "bytes; weights are under"),
    ],
)
def test_bad_weights_are_refused_with_what_is_wrong(text, message):
    with pytest.raises(WeightsError, match=message):
        weights_from_json(text)


def test_binary_garbage_is_refused():
    with pytest.raises(WeightsError, match="^not text"):
        weights_from_json(b"\xff\xfe\x00garbage")


def test_deep_nesting_is_refused_before_the_parser_sees_it():
    with pytest.raises(WeightsError, match="nested more than 16"):
        weights_from_json("[" * 20_000)
    with pytest.raises(WeightsError, match="nested more than 16"):
        weights_from_json('{"w": ' + "[" * 100 + "]" * 100 + ', "b": 0}')
    # Brackets inside strings are text, not nesting.
    assert weights_from_json(valid(imported_from="[[[[" * 20)).meta["imported_from"].startswith("[[[[")


@pytest.mark.parametrize(
    "field,value",
    [
        ("test_accuracy", 10**400),
        ("test_accuracy", 1.5),
        ("test_accuracy", "100%"),
        ("trained_by", ["a", "list"]),
        ("trained_by", {"an": "object"}),
        ("trained_by", "x" * 900_000),
        ("trained", {"learning_rate": -1}),
        ("trained", {"iterations": 10**400}),
        ("trained_at", "yesterday"),
        ("your_digits", True),
        ("who_knows", 1),
    ],
)
def test_metadata_of_the_wrong_type_or_range_is_dropped_and_named(field, value):
    weights = weights_from_json(json.dumps({"w": [0.0] * 784, "b": 0.0, field: value}))
    assert field not in weights.meta
    assert [note.split(" ")[0] for note in weights.ignored] == [field]


def test_the_shipped_metadata_is_all_understood():
    weights = load_weights(ROOT / "weights" / "mnist01.json")
    assert weights.ignored == []
    assert weights_from_json(weights.to_json()).meta == weights.meta


def test_the_nesting_check_is_one_pass_that_agrees_with_a_parser_and_stops_at_the_limit():
    import random

    from digitlab.weights import MAX_NESTING, nesting_depth

    def depth(value) -> int:
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        return (1 + max(map(depth, children), default=0)) if isinstance(value, (list, dict)) else 0

    rng = random.Random(7)

    def made(level):
        if level > 6 or rng.random() < 0.3:
            return rng.choice([1, 'a"b', "\\", "x]y[{", '\\"', None, "[[[", "}}"])
        if rng.random() < 0.5:
            return [made(level + 1) for _ in range(rng.randrange(3))]
        return {f"k{rng.random()}": made(level + 1) for _ in range(rng.randrange(3))}

    for _ in range(500):
        value = made(0)
        assert nesting_depth(json.dumps(value), 100) == depth(value), value
    assert nesting_depth("[" * 1_000_000) == MAX_NESTING + 1  # stops as soon as it knows
    assert nesting_depth('"' + '\\"[' * 100_000 + '"') == 0  # brackets inside a string, escaped quotes


def test_hostile_json_gets_a_sentence_not_an_exception():
    from digitlab.course import Course
    from digitlab.weights import parse_json

    assert parse_json("[" + "9" * 5000 + "]") != [9]  # read as NaN: int() itself raises past 4,300 digits
    from digitlab.weights import weights_from_json

    with pytest.raises(WeightsError, match="finite"):  # a weight that long: the file is refused, with a sentence
        weights_from_json('{"w": [' + "9" * 5000 + "," + "0," * 782 + '0], "b": 0}')
    assert parse_json('\ufeff{"w": [1]}') == {"w": [1]}  # a byte-order mark is not a reason to refuse a file
    assert parse_json(b"\xef\xbb\xbf[1]") == [1]
    assert Course.from_json("[" * 10_000 + "]" * 10_000).done == set()  # killed Pyodide's stack at every start
    assert Course.from_json('["flip", ' + '"x", ' * 1000 + '"sum"]').done == set()  # over the size cap
    assert Course.from_json('{"generation": 0, "done": ["flip", "sum"]}').done == {"flip", "sum"}
