"""Can the verdict be stated plainly? A pair's model always answers one of its two digits, so the page asks a
second question that model cannot: what does the ten-digit model make of the drawing? When it gives the
pair's two digits together less than PAIR_SHARE, the drawing is flagged as neither, with the digit it looks
like. And any verdict below SURE is said to be unsure.

PAIR_SHARE was chosen on the bundled test split (images no model trained on), over all 45 pairs, with the
shipped ten-digit weights: at 0.15 it flags at least 90.6% of the other eight digits (worst pair 8-9) and at
most 5.0% of the pair's own (worst 3-5); tests/test_ten.py measures it again from the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SURE = 0.9  # below this confidence the page says the model is unsure
PAIR_SHARE = 0.15


@dataclass(frozen=True)
class Honesty:
    """Whether the page may state its verdict plainly, and if not, why."""

    confident: bool  # the verdict's own probability is at least SURE
    unlike: bool  # the ten-digit model gives the pair's digits together less than PAIR_SHARE
    looks_like: int  # the digit the ten-digit model reads
    share: float  # p(a) + p(b) under the ten-digit model

    @property
    def sure(self) -> bool:
        return self.confident and not self.unlike


def judge(p: float, ten_probabilities: Sequence[float], digits: Sequence[int]) -> Honesty:
    """`p`: the probability of the verdict; `ten_probabilities`: the ten-digit model's on the same input."""
    share = sum(ten_probabilities[d] for d in digits)
    looks_like = max(range(len(ten_probabilities)), key=ten_probabilities.__getitem__)
    return Honesty(p >= SURE, share < PAIR_SHARE, looks_like, share)
