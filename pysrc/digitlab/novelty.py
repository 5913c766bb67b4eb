"""Does a drawing look like the pair's digits at all? A logistic regression always answers one of
its two classes, so the page asks a second question the model cannot: how far is the input from
the nearest training image of the pair (every PROTOTYPE_STEP-th one, after the same preprocessing)?

The radius for each pair is the QUANTILE of the same distance over the pair's own test images:
genuine digits fall inside it 97% of the time. build.py train writes the 45 radii to
weights/novelty.json; the verdict also admits doubt when max(p, 1 - p) < SURE.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .data import PAIRS, Bundle, pair_name
from .sparse import sparse_row, sumprod

PROTOTYPE_STEP = 4
QUANTILE = 0.97
SURE = 0.9  # below this confidence the page says the model is unsure


class Prototypes:
    """Every PROTOTYPE_STEP-th training image of a pair, sparse, with its squared norm, grouped by label."""

    def __init__(self, bundle: Bundle):
        train = bundle.train
        self.by_label: tuple[list, list] = ([], [])
        for i in range(0, train.n, PROTOTYPE_STEP):
            row = sparse_row(train.image_bytes(i))
            self.by_label[train.labels[i]].append((row, sumprod(row.values, row.values)))

    def nearest(self, x: Sequence[float]) -> float:
        """Euclidean distance to the nearest prototype: |x - p|^2 = |x|^2 + |p|^2 - 2 x.p."""
        return self.nearest_within(x, -1.0)

    def nearest_within(self, x: Sequence[float], radius: float, label: int = 0) -> float:
        """The nearest distance, or, as soon as one prototype lies within `radius`, that one's distance.

        Genuine digits find a close prototype of their own label in a few tries: scanning that
        label first makes the common case cheap; only drawings far from everything pay a full scan.
        """
        xx, limit, closest = sumprod(x, x), radius * radius, math.inf
        for row, norm in (*self.by_label[label], *self.by_label[1 - label]):
            squared = xx + norm - 2 * sumprod(row.gather(x), row.values)
            if squared < closest:
                closest = squared
                if closest <= limit:
                    break
        return math.sqrt(max(closest, 0.0))


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (numpy's default)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def radius(bundle: Bundle) -> float:
    """The distance within which QUANTILE of the pair's own test images fall."""
    prototypes = Prototypes(bundle)
    test = bundle.test
    distances = [prototypes.nearest([v / 255 for v in test.image_bytes(i)]) for i in range(test.n)]
    return round(quantile(distances, QUANTILE), 4)


def radii(bundles) -> dict:
    """The novelty.json record: the rule and one radius per pair."""
    return {
        "rule": __doc__.split("\n\n")[1].replace("\n", " "),
        "prototype_step": PROTOTYPE_STEP,
        "quantile": QUANTILE,
        "radius": {pair_name(a, b): radius(bundles(a, b)) for a, b in PAIRS},
    }


@dataclass(frozen=True)
class Honesty:
    """Whether the page may state its verdict plainly, and if not, why."""

    confident: bool  # max(p, 1 - p) >= SURE
    unlike: bool  # the drawing is farther from every training image of the pair than genuine digits are
    distance: float
    radius: float

    @property
    def sure(self) -> bool:
        return self.confident and not self.unlike


def judge(p1: float, distance: float, pair_radius: float) -> Honesty:
    return Honesty(max(p1, 1 - p1) >= SURE, distance > pair_radius, distance, pair_radius)
