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

from . import IMAGE_PIXELS
from .data import PAIRS, Bundle, pair_name
from .sparse import sparse_row, sumprod

PROTOTYPE_STEP = 4
QUANTILE = 0.97
SURE = 0.9  # below this confidence the page says the model is unsure


class Prototypes:
    """Every PROTOTYPE_STEP-th training image of a pair, sparse, with its squared norm."""

    def __init__(self, bundle: Bundle):
        pixels = bundle.train.pixels
        starts = range(0, bundle.train.n * IMAGE_PIXELS, PROTOTYPE_STEP * IMAGE_PIXELS)
        self.rows = [sparse_row(pixels[start : start + IMAGE_PIXELS]) for start in starts]
        self.norms = [sumprod(row.values, row.values) for row in self.rows]

    def nearest(self, x: Sequence[float]) -> float:
        """Euclidean distance to the nearest prototype: |x - p|^2 = |x|^2 + |p|^2 - 2 x.p."""
        closest = min(norm - 2 * sumprod(row.gather(x), row.values) for row, norm in zip(self.rows, self.norms))
        return math.sqrt(max(sumprod(x, x) + closest, 0.0))


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
