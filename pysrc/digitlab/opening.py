"""What opening a Choice takes, and the Lab it opens: a pair needs its two digits' data and its shipped weights
(from weights/pairs.json, w rebuilt from alpha over its training images); the ten digits need all ten digits'
data and come with their shipped weights. The page's loader fetches what `files_for` names, then calls `open`.
"""

from __future__ import annotations

from .choice import TEN, Choice, Pair
from .data import Digit, digit_file, pair_bundle, ten_bundle
from .lab import Lab
from .pair import PairLab
from .sparse import Design
from .ten import TenLab
from .weights import TenWeights, pair_weights

PAIRS_FILE = "weights/pairs.json"


def files_for(choice: Choice, digits: dict[int, Digit], pairs: dict | None) -> set[str]:
    """The site's files that opening `choice` still has to download, given the digits and pairs file at hand."""
    wanted = {f"data/{digit_file(d)}" for d in choice.digits if d not in digits}
    return wanted | ({PAIRS_FILE} if isinstance(choice, Pair) and pairs is None else set())


def open_lab(choice: Choice, digits: dict[int, Digit], ten: TenWeights, pairs: dict | None, shipped: dict) -> Lab:
    """A fresh Lab for `choice`, from its digits' data, the shipped ten-digit weights and the pairs file.
    `shipped` keeps each pair's shipped weights once made (0/1's come with the page, at full precision)."""
    if choice == TEN:
        return TenLab(ten_bundle([digits[d] for d in choice.digits]), ten)
    bundle = pair_bundle(digits[choice.first], digits[choice.second])
    train_set = Design(bundle.train.pixels, bundle.train.labels)
    if choice not in shipped:
        shipped[choice] = pair_weights(pairs, choice.name, train_set)
    return PairLab(bundle, shipped[choice], train_set=train_set)
