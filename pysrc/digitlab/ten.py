"""All ten digits: a softmax regression (softmax.py) reads, compares any two digits exactly and flips toward
a digit. The ten digits' kind of lab.Lab.

Any two digits a and b are compared by a written sum, log(p_a / p_b) = (W_a - W_b) . x + (b_a - b_b): a
comparison is shown with pair.Reading, as if the pair (b, a) had the weights W_a - W_b and the bias b_a - b_b,
so every view of a pair's reading (the map, the sum, the sigmoid, the flip) shows it as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import softmax
from .choice import TEN
from .config import TEN_DEFAULTS, TrainConfig
from .data import DIGITS, Bundle
from .flip import Flip, smallest_flip
from .honesty import Honesty, judge
from .lab import Lab, Mistake, Plan, Report
from .model import Progress
from .pair import Reading, explain
from .preprocess import Stages
from .sparse import Design, sumprod
from .weights import TenWeights, Weights, ten_from_training

TRAIN_EVERY = 4  # Train in the page uses every 4th training image of each digit (2,004): an iteration ~1 s there


@dataclass(frozen=True)
class TenReading:
    """What the ten-digit model made of one input: its ten scores and probabilities and the digit read."""

    stages: Stages
    scores: list[float]
    probabilities: list[float]
    honesty: Honesty

    @property
    def digit(self) -> int:
        return max(DIGITS, key=self.probabilities.__getitem__)

    @property
    def runner_up(self) -> int:
        return max((d for d in DIGITS if d != self.digit), key=self.probabilities.__getitem__)

    @property
    def p(self) -> float:
        return self.probabilities[self.digit]

    @property
    def p1(self) -> float:
        """What the verdict shows as prediction[data-p1]: the probability of the digit read."""
        return self.p

    @property
    def digits(self) -> tuple[int, ...]:
        return DIGITS


def difference(weights: TenWeights, a: int, b: int) -> Weights:
    """The weights of 'a rather than b': W_a - W_b and b_a - b_b, with which z = log(p_a / p_b)."""
    return Weights([wa - wb for wa, wb in zip(weights.W[a], weights.W[b])], weights.b[a] - weights.b[b])


def compare(weights: TenWeights, stages: Stages, a: int, b: int) -> Reading:
    """Why a and not b, as a pair's reading with digits (b, a): z = log(p_a / p_b), p1 = p(a | a or b)."""
    return explain(difference(weights, a, b), stages.image, stages, (b, a))


def read(weights: TenWeights, stages: Stages) -> TenReading:
    z = softmax.scores(weights.W, weights.b, stages.image)
    p = softmax.softmax(z)
    return TenReading(stages, z, p, judge(max(p), p, DIGITS))


class TenLab(Lab):
    """The ten digits' data (the train split thinned to what the page trains on, the test split whole), the
    shipped and in-use ten-digit weights, and the learner's digits (labels 0-9)."""

    shipped_words = "shipped ten-digit model (trained under CPython)"
    defaults = TEN_DEFAULTS

    def __init__(self, bundle: Bundle, shipped: TenWeights):
        super().__init__(TEN, bundle, shipped)
        self._designs: dict[str, Design] = {}

    @property
    def ten_weights(self) -> TenWeights:
        """Its own weights in use: what every pair's honest verdict asks."""
        return self.weights

    def ask(self, ten_weights) -> None:
        """Its verdict needs no other model."""

    def design(self, name: str) -> Design:
        """'train' (what Train in the page trains on), 'all' (every training image: what the shipped model was
        trained on, and what teaching goes on minimising), 'test' (the whole test split) and 'live' (every 4th test
        image, for the curves while training), built on first use."""
        if name not in self._designs:
            split = self.bundle.test if name in ("test", "live") else self.bundle.train
            every = {"train": TRAIN_EVERY, "all": 1, "test": 1, "live": 4}[name]
            picks = each_digits(split.labels, every) if name == "train" else range(0, split.n, every)
            pixels = b"".join(split.image_bytes(i) for i in picks) if every > 1 else split.pixels
            self._designs[name] = Design(pixels, [split.labels[i] for i in picks])
        return self._designs[name]

    @property
    def test_set(self) -> Design:
        return self.design("test")

    @property
    def live_test(self) -> Design:
        return self.design("live")

    def base_design(self, teaching: bool) -> Design:
        return self.design("all" if teaching else "train")

    # ---- reading
    def explain(self, stages: Stages) -> TenReading:
        return read(self.weights, stages)

    def comparison(self, reading: TenReading, other: int) -> Reading:
        """The digit read against `other`: log(p_read / p_other) = (W_read - W_other) . x + (b_read - b_other)."""
        return compare(self.weights, reading.stages, reading.digit, other)

    def probabilities(self, W, b, x: Sequence[float]) -> list[float]:
        return softmax.softmax(softmax.scores(W, b, x))

    def flip_toward(self, before: TenReading, target: int) -> Flip | None:
        """Exact, as for a pair: the flip of 'read rather than target' pushes log(p_read / p_target) to -0.1.
        Another digit may then win over both (the reading after it says)."""
        return smallest_flip(*astuple(difference(self.weights, before.digit, target)), before.stages.image)

    # ---- judging
    def score_rows(self, weights: TenWeights, rows) -> list[list[float]]:
        return [
            softmax.softmax([b_k + sumprod(row.gather(W_k), row.values) for W_k, b_k in zip(weights.W, weights.b)])
            for row in rows
        ]

    def test_report(self, threshold: float = 0.5) -> Report:
        """Accuracy, the 10x10 confusion and the mistakes (no threshold: the digit read is the likeliest)."""
        labels = self.test_set.labels
        counts = [[0] * 10 for _ in DIGITS]
        mistakes = []
        for i, (p, y) in enumerate(zip(self.test_probabilities(), labels)):
            read_as = max(DIGITS, key=p.__getitem__)
            counts[y][read_as] += 1
            if read_as != y:
                mistakes.append(Mistake(i, y, read_as, p[read_as]))
        return Report(sum(counts[d][d] for d in DIGITS) / (len(labels) or 1), counts, mistakes)

    # ---- training
    def trainer(self, design: Design, config: TrainConfig, plan: Plan, heartbeat: float | None):
        start = {} if plan.start is None else {"W": plan.start.W, "b": plan.start.b}
        return softmax.train(design, self.live_test, config, heartbeat=heartbeat, **start)

    def weights_from(self, progress: Progress, config: TrainConfig, how: str, plan: Plan) -> TenWeights:
        extra = {"your_digits": len(self.examples), "training_images": plan.design.n}
        return ten_from_training(progress, config, how, self.shipped.meta.get("data_sha256"), **extra)


def each_digits(labels, every: int) -> list[int]:
    """The positions of every `every`-th image of each digit, in order (data.ten_bundle's thinning)."""
    seen = [0] * 10
    picks = []
    for i, digit in enumerate(labels):
        if seen[digit] % every == 0:
            picks.append(i)
        seen[digit] += 1
    return picks


def astuple(weights: Weights) -> tuple[list[float], float]:
    return weights.w, weights.b
