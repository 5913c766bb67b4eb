"""What would flip the verdict: the smallest change to the 28x28 input that makes the model read the
other digit, measured as the total ink moved, sum |dx_j|, with every pixel kept in [0, 1].

For a linear model this is exact. Changing pixel j by dx_j moves the score by w_j dx_j, so one
unit of change buys at most |w_j| of score, and pixel j can give at most x_j (ink removed) or
1 - x_j (ink added). Buying the needed score at the least total change is a fractional knapsack:
take pixels in order of |w_j|, each as far as it can go, and only part of the last one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .sparse import sumprod

MARGIN = 0.1  # the new score must be at least this far on the other side: |z| >= 0.1


@dataclass(frozen=True)
class Flip:
    delta: list[float]  # dx per pixel
    size: float  # sum |dx|
    x: list[float]  # the changed input
    z: float  # its score
    pixels: int  # how many pixels changed


def smallest_flip(w: Sequence[float], b: float, x: Sequence[float], margin: float = MARGIN) -> Flip | None:
    """The exact smallest flip, or None when no change within [0, 1] can move z that far."""
    z = b + sumprod(w, x)
    down = z >= 0  # reading the larger digit (p >= 0.5): push the score below -margin
    need = z + margin if down else margin - z
    delta = [0.0] * len(x)
    for j in sorted(range(len(w)), key=lambda j: -abs(w[j])):
        if need <= 0 or w[j] == 0:
            break
        adds_ink = (w[j] < 0) if down else (w[j] > 0)
        room = 1.0 - x[j] if adds_ink else x[j]
        step = min(room, need / abs(w[j]))
        if step > 0:
            delta[j] = step if adds_ink else -step
            need -= step * abs(w[j])
    if need > 1e-12:
        return None
    changed = [xj + dj for xj, dj in zip(x, delta)]
    size = sum(abs(d) for d in delta)
    return Flip(delta, size, changed, b + sumprod(w, changed), sum(1 for d in delta if d))
