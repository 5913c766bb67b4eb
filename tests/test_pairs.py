"""Every pair's shipped weights against scikit-learn, and the pairs file itself."""

from pathlib import Path

import numpy as np
import pytest

from digitlab.data import PAIRS, pair_name, read_pair
from digitlab.weights import WeightsError, load_weights, pair_weights, pairs_from_json
from oracle import bundle_arrays

ROOT = Path(__file__).resolve().parents[1]
PAIRS_FILE = ROOT / "weights" / "pairs.json"


@pytest.fixture(scope="module")
def pairs():
    return pairs_from_json(PAIRS_FILE.read_text())


@pytest.mark.retrain
def test_every_pair_is_within_half_a_point_of_scikit_learn_on_the_held_out_split(pairs, sklearn_pair_errors):
    """LogisticRegression(C=1) trained on the same train split, both scored on the test split."""
    behind = {}
    for a, b in PAIRS:
        bundle = read_pair(ROOT / "site" / "data", a, b)[0]
        X, y, Xt, yt = bundle_arrays(bundle)
        theirs = sklearn_pair_errors[pair_name(a, b)]
        weights = pair_weights(pairs, pair_name(a, b), design(bundle))
        np.testing.assert_allclose(X.T @ np.array(weights.meta["alpha"]), weights.w, atol=1e-9)
        ours = np.mean(((Xt @ np.array(weights.w) + weights.b) >= 0) != (yt == 1))
        behind[pair_name(a, b)] = (ours - theirs) * 100
    assert max(behind.values()) <= 0.5, {k: round(v, 2) for k, v in behind.items() if v > 0.5}


def test_the_pairs_file_carries_digits_and_data_hashes_and_matches_the_full_precision_0_1(pairs):
    zero_one = pair_weights(pairs, "0-1", design(read_pair(ROOT / "site" / "data", 0, 1)[0]))
    shipped = load_weights(ROOT / "weights" / "mnist01.json")
    assert zero_one.meta["digits"] == [0, 1] == shipped.meta["digits"]
    assert zero_one.meta["data_sha256"] == shipped.meta["data_sha256"] == read_pair(ROOT / "site" / "data", 0, 1)[1]
    assert max(abs(a - b) for a, b in zip(zero_one.w, shipped.w)) < 1e-5 * max(map(abs, shipped.w))
    three_five = design(read_pair(ROOT / "site" / "data", 3, 5)[0])
    assert pair_weights(pairs, "3-5", three_five).meta["digits"] == [3, 5]
    with pytest.raises(WeightsError, match="no weights for the pair 5-3"):
        pair_weights(pairs, "5-3", three_five)
    with pytest.raises(WeightsError, match="float32"):
        pair_weights(pairs, "0-1", three_five)  # alpha must match the pair's training images


@pytest.mark.parametrize("pair", [(3, 5), (4, 9)])
def test_a_pair_retrained_from_the_code_is_the_one_in_the_pairs_file(pairs, pair):
    """What `build.py train` writes, made again now by the same code with the settings the file records."""
    import json

    from digitlab.cli import DEFAULT_DATA, train_weights
    from digitlab.config import TrainConfig

    record = json.loads(PAIRS_FILE.read_text())["trained"]
    config = TrainConfig(**{k: v for k, v in record.items() if k != "iterations_run"})
    again = train_weights(config, DEFAULT_DATA, pair, log=lambda *_: None)
    shipped = pair_weights(pairs, pair_name(*pair), design(read_pair(ROOT / "site" / "data", *pair)[0]))
    alpha = np.array(again.meta["alpha"], np.float32)  # the file keeps alpha as float32
    assert np.array_equal(alpha, np.array(shipped.meta["alpha"], np.float32))
    assert abs(again.b - shipped.b) < 1e-12 and np.allclose(again.w, shipped.w, rtol=0, atol=1e-5)


def design(bundle):
    from digitlab.sparse import Design

    return Design(bundle.train.pixels, bundle.train.labels)
