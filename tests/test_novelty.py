"""The honest verdict: digits outside the pair are flagged, the pair's own digits are not."""

import json
from pathlib import Path

import pytest

from digitlab.data import decode_digit, digit_file, read_pair
from digitlab.model import predict_proba
from digitlab.novelty import SURE, Prototypes, judge, quantile, radius
from digitlab.weights import load_weights

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "site" / "data"
RADII = json.loads((ROOT / "weights" / "novelty.json").read_text())["radius"]


def test_quantile_matches_numpy():
    import numpy as np

    values = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6, 5.0]
    for q in (0.0, 0.5, 0.97, 1.0):
        assert quantile(values, q) == pytest.approx(np.quantile(values, q))


def test_nearest_distance_is_the_euclidean_minimum():
    import numpy as np

    bundle = read_pair(DATA, 3, 8)[0]
    prototypes = Prototypes(bundle)
    P = np.frombuffer(bundle.train.pixels, np.uint8).reshape(-1, 784)[::4] / 255
    x = [v / 255 for v in bundle.test.image_bytes(7)]
    assert prototypes.nearest(x) == pytest.approx(np.sqrt(((P - np.array(x)) ** 2).sum(1)).min(), rel=1e-9)


@pytest.mark.parametrize("pair", [(0, 1), (4, 9)])
def test_the_shipped_radii_are_what_the_rule_gives(pair):
    assert RADII[f"{pair[0]}-{pair[1]}"] == pytest.approx(radius(read_pair(DATA, *pair)[0]), abs=1e-4)
    assert len(RADII) == 45


def test_on_the_0_1_model_other_digits_are_flagged_and_zeros_and_ones_are_not():
    weights = load_weights(ROOT / "weights" / "mnist01.json")
    prototypes = Prototypes(read_pair(DATA, 0, 1)[0])

    def flagged(digit: int) -> tuple[int, int]:
        test = decode_digit((DATA / digit_file(digit)).read_bytes()).test
        count = 0
        for start in range(0, len(test), 784):
            x = [v / 255 for v in test[start : start + 784]]
            count += not judge(predict_proba(weights.w, weights.b, x), prototypes.nearest(x), RADII["0-1"]).sure
        return count, len(test) // 784

    own = [flagged(d) for d in (0, 1)]
    others = [flagged(d) for d in range(2, 10)]
    assert sum(c for c, _ in own) / sum(n for _, n in own) <= 0.05
    assert sum(c for c, _ in others) / sum(n for _, n in others) >= 0.80


def test_unsure_below_the_confidence_the_page_shows():
    assert judge(0.5 + SURE / 2, 0.0, 1.0).sure and not judge(0.85, 0.0, 1.0).sure
    assert not judge(0.999, 2.0, 1.0).sure and judge(0.999, 2.0, 1.0).unlike


def test_stopping_at_the_first_prototype_inside_the_radius_gives_the_same_answer():
    bundle = read_pair(DATA, 0, 1)[0]
    prototypes = Prototypes(bundle)
    for digit in (0, 1, 7):
        test = decode_digit((DATA / digit_file(digit)).read_bytes()).test
        for start in range(0, 40 * 784, 784):
            x = [v / 255 for v in test[start : start + 784]]
            nearest = prototypes.nearest(x)
            quick = prototypes.nearest_within(x, RADII["0-1"], label=int(digit == 1))
            assert (quick > RADII["0-1"]) == (nearest > RADII["0-1"])
            assert quick >= nearest - 1e-9
