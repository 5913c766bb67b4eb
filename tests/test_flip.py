"""The smallest flip is exact: checked against a linear program and by brute force on small cases."""

import random

import numpy as np
import pytest
from scipy.optimize import linprog

from digitlab.flip import MARGIN, smallest_flip


def lp_minimum(w, b, x, margin=MARGIN):
    """min sum(u + v) with dx = u - v, 0 <= x + dx <= 1, and the score pushed past the margin."""
    w, x, d = np.array(w), np.array(x), len(w)
    z = b + w @ x
    sign = 1 if z >= 0 else -1  # z >= 0: need w.dx <= -(z + margin); else w.dx >= margin - z
    a_ub = np.concatenate([sign * w, -sign * w])[None, :]
    b_ub = [-(z + margin)] if z >= 0 else [z - margin]
    bounds = [(0, 1 - xj) for xj in x] + [(0, xj) for xj in x]
    result = linprog(np.ones(2 * d), A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    return result.fun if result.status == 0 else None


@pytest.mark.parametrize("seed", range(40))
def test_the_knapsack_equals_the_linear_program(seed):
    rng = random.Random(seed)
    d = rng.randrange(2, 12)
    w = [rng.gauss(0, 1) for _ in range(d)]
    x = [rng.choice([0.0, 1.0, rng.random()]) for _ in range(d)]
    b = rng.gauss(0, 1.5)
    flip = smallest_flip(w, b, x)
    best = lp_minimum(w, b, x)
    if best is None:
        assert flip is None
        return
    assert flip.size == pytest.approx(best, abs=1e-9)
    assert all(-1e-12 <= v <= 1 + 1e-12 for v in flip.x)
    z = b + sum(wj * xj for wj, xj in zip(w, x))
    assert (flip.z <= -MARGIN + 1e-9) if z >= 0 else (flip.z >= MARGIN - 1e-9)


def test_brute_force_on_two_pixels():
    """Over a fine grid of every change of two pixels, none that flips is smaller than the knapsack's."""
    w, b, x = [2.0, -0.5], 0.3, [0.6, 0.2]
    flip = smallest_flip(w, b, x)
    grid = np.linspace(-1, 1, 801)
    best = min(
        abs(d0) + abs(d1)
        for d0 in grid
        for d1 in grid
        if 0 <= x[0] + d0 <= 1 and 0 <= x[1] + d1 <= 1 and b + w[0] * (x[0] + d0) + w[1] * (x[1] + d1) <= -MARGIN
    )
    assert flip.size <= best + 1e-12 and best - flip.size < 0.003
    assert flip.delta[0] == pytest.approx(-0.6)  # the heavier pixel gives up all its ink first,
    assert 0 < flip.delta[1] < 0.8  # then the lighter one adds only what is still needed


def test_no_flip_when_the_pixels_cannot_move_the_score_that_far():
    assert smallest_flip([0.1, 0.1], 5.0, [0.0, 0.0]) is None


@pytest.mark.parametrize("index", [0, 7, 101])
def test_the_flip_of_a_real_digit_equals_the_linear_program_at_784_pixels(index):
    """The 3-vs-5 shipped weights and a real test image: the knapsack's total equals the LP's optimum."""
    from pathlib import Path

    from digitlab.data import read_pair
    from digitlab.sparse import Design
    from digitlab.weights import pair_weights, pairs_from_json

    root = Path(__file__).resolve().parents[1]
    bundle = read_pair(root / "site" / "data", 3, 5)[0]
    design = Design(bundle.train.pixels, bundle.train.labels)
    weights = pair_weights(pairs_from_json((root / "weights" / "pairs.json").read_bytes()), "3-5", design)
    x = [v / 255 for v in bundle.test.image_bytes(index)]
    flip = smallest_flip(weights.w, weights.b, x)
    assert flip is not None and len(flip.x) == 784
    assert flip.size == pytest.approx(lp_minimum(weights.w, weights.b, x), rel=1e-7, abs=1e-9)


def test_a_score_of_exactly_zero_reads_the_larger_digit_so_the_flip_goes_down():
    flip = smallest_flip([1.0, -1.0], 0.0, [0.5, 0.5])  # z = 0: p = 0.5, read as the larger digit
    assert flip.z == pytest.approx(-MARGIN) and flip.delta == [pytest.approx(-0.1), 0.0]


def test_zero_weights_are_never_used_and_can_leave_no_flip():
    assert smallest_flip([0.0, 0.5, 0.0], 1.0, [0.0, 1.0, 0.0]) is None  # needs 1.1, the only weight gives 0.5
    flip = smallest_flip([0.0, 2.0, 1.0], -0.5, [0.0, 0.5, 1.0])  # z = 1.5: the weight of 2 first, then 1
    assert flip.delta == [0.0, -0.5, pytest.approx(-0.6)] and flip.pixels == 2 and flip.size == pytest.approx(1.1)
