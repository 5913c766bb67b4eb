"""Two digits: a logistic regression reads, is judged at a threshold, and can say which training images
taught it a verdict. The pair's kind of lab.Lab; the page asks the ten-digit model whether a drawing is
either digit at all (honesty.py).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .choice import Pair, Refusal
from .config import TrainConfig
from .data import Bundle
from .examples import Example, from_record, to_records
from .flip import smallest_flip
from .honesty import Honesty, judge
from .lab import Lab, Mistake, Plan, Report
from .metrics import Rates, auc, brier, confusion, rates, reliability, roc_curve
from .model import Progress, predict_proba, sigmoid, train
from .preprocess import Stages
from .softmax import scores, softmax
from .sparse import Design, sparse_row, sumprod
from .weights import Weights, from_training


@dataclass(frozen=True)
class Reading:
    """What a pair's model made of one input (also a comparison of two of the ten digits: ten.compare)."""

    stages: Stages
    contributions: list[float]  # w_j * x_j per pixel
    bias: float
    z: float
    p1: float  # the probability of the pair's larger digit
    digits: tuple[int, int] = (0, 1)
    honesty: Honesty | None = None  # set when the ten-digit model is known (honesty.py)

    @property
    def digit(self) -> int:
        """The digit read: the larger of the pair when p1 >= 0.5."""
        return self.digits[self.p1 >= 0.5]

    @property
    def runner_up(self) -> int:
        return self.digits[self.p1 < 0.5]

    @property
    def p(self) -> float:
        """The probability of the digit read."""
        return max(self.p1, 1 - self.p1)

    @property
    def probabilities(self) -> list[float]:
        return [1 - self.p1, self.p1]

    @property
    def scores(self) -> list[float]:
        """Scores whose softmax is `probabilities`: a pair is softmax regression with the smaller digit's at 0."""
        return [0.0, self.z]


def explain(weights: Weights, x: Sequence[float], stages: Stages, digits: tuple[int, int] = (0, 1)) -> Reading:
    contributions = [wj * xj for wj, xj in zip(weights.w, x)]
    z = weights.b + sumprod(weights.w, x)
    return Reading(stages, contributions, weights.b, z, sigmoid(z), digits)


@dataclass(frozen=True)
class TestQuality:
    rates: Rates  # at the threshold
    operating_point: tuple[float, float]  # (false positive rate, true positive rate) at the threshold
    roc: list[tuple[float, float]]
    auc: float
    brier: float
    reliability: list[tuple[float, float, int]]


@dataclass(frozen=True)
class Attribution:
    """z(x) = b + sum_i alpha_i (x_i . x): what each training image adds to the score of x."""

    contributions: list[tuple[int, float]]  # (training row, alpha_i (x_i . x)), every row
    bias: float

    @property
    def total(self) -> float:
        return self.bias + sum(c for _, c in self.contributions)

    def strongest(self, toward_larger: bool, count: int = 8) -> list[tuple[int, float]]:
        ordered = sorted(self.contributions, key=lambda item: item[1], reverse=toward_larger)
        return [item for item in ordered[:count] if (item[1] > 0) == toward_larger and item[1] != 0]


NO_RECORD = Refusal(
    "These weights carry no record of which images taught them (imported without one, or trained "
    "on from weights that had none). Press Train to start from w = 0 and keep that record."
)


class PairLab(Lab):
    """A pair's data (label 0: the smaller digit), its weights, and the ten-digit weights that its verdict asks
    whether a drawing is either digit at all (`ten_weights`, None where unknown)."""

    threshold = True
    attribution = True

    def __init__(self, bundle: Bundle, shipped: Weights, ten_weights=None, train_set: Design | None = None):
        super().__init__(Pair(*bundle.digits), bundle, shipped)
        self.ask(ten_weights)
        self._test_set: Design | None = None
        self._train_set = train_set

    # ---- data, built on first use: the page is ready before any of it is needed
    @property
    def test_set(self) -> Design:
        if self._test_set is None:
            self._test_set = Design(self.bundle.test.pixels, self.bundle.test.labels)
        return self._test_set

    @property
    def train_set(self) -> Design:
        if self._train_set is None:
            self._train_set = Design(self.bundle.train.pixels, self.bundle.train.labels)
        return self._train_set

    def base_design(self, teaching: bool) -> Design:
        return self.train_set

    # ---- reading
    def explain(self, stages: Stages) -> Reading:
        """The verdict on stages.image, with its honesty (sure, unsure, or not one of the pair)."""
        reading = explain(self.weights, stages.image, stages, self.digits)
        if self.ten_weights is None:
            return reading
        ten = softmax(scores(self.ten_weights.W, self.ten_weights.b, stages.image))
        return replace(reading, honesty=judge(reading.p, ten, self.digits))

    def comparison(self, reading: Reading, other: int) -> Reading:
        """What the map and the written sum show: the reading itself (the other digit is the pair's)."""
        return reading

    def probabilities(self, w, b, x: Sequence[float]) -> list[float]:
        p1 = predict_proba(w, b, x)
        return [1 - p1, p1]

    def p1(self, x: Sequence[float]) -> float:
        return predict_proba(self.weights.w, self.weights.b, x)

    def flip_toward(self, before: Reading, target: int):
        """The smallest change that makes it read the pair's other digit (flip.py), or None."""
        return smallest_flip(self.weights.w, self.weights.b, before.stages.image)

    # ---- judging
    def score_rows(self, weights: Weights, rows) -> list[float]:
        return [sigmoid(weights.b + sumprod(row.gather(weights.w), row.values)) for row in rows]

    def test_report(self, threshold: float = 0.5) -> Report:
        p1, labels = self.test_probabilities(), self.test_set.labels
        counts = [[0, 0], [0, 0]]
        mistakes = []
        for i, (p, y) in enumerate(zip(p1, labels)):
            read = int(p >= threshold)
            counts[y][read] += 1
            if read != y:
                mistakes.append(Mistake(i, self.digits[y], self.digits[read], p))
        return Report((counts[0][0] + counts[1][1]) / (len(labels) or 1), counts, mistakes)

    def test_quality(self, threshold: float = 0.5) -> TestQuality:
        return kept_test_quality(tuple(self.test_probabilities()), tuple(self.test_set.labels), threshold)

    # ---- which training images taught it this
    def taught_rows(self, weights: Weights) -> list[Example] | None:
        alpha, records = weights.meta.get("alpha"), weights.meta.get("taught_rows", [])
        if alpha is None or len(alpha) != self.bundle.train.n + len(records):
            return None
        try:  # every record is a row, in order: none merged away, none past the 200 a learner keeps at once
            return [from_record(record) for record in records]
        except ValueError:
            return None

    def attribute(self, x: Sequence[float]) -> Attribution | Refusal:
        """Each training image's share of z(x) under the weights in use, or why they cannot say."""
        taught = self.taught_rows(self.weights)
        if taught is None:
            return NO_RECORD
        rows = self.train_set.rows + [sparse_row(e.pixels) for e in taught]
        products = [sumprod(row.gather(x), row.values) for row in rows]
        alpha = self.weights.meta["alpha"]
        return Attribution([(i, a * p) for i, (a, p) in enumerate(zip(alpha, products))], self.weights.b)

    def row_image(self, i: int) -> tuple[bytes, int, str]:
        """(uint8 pixels, digit, whose) of training row i of the weights in use: the train split ("a training
        image"), then the learner's digits they were trained on ("yours", or "yours, since forgotten")."""
        n = self.bundle.train.n
        if i < n:
            return self.bundle.train.image_bytes(i), self.digits[self.bundle.train.labels[i]], "training"
        example = self.taught_rows(self.weights)[i - n]
        return example.pixels, self.digits[example.label], "yours" if example in self.examples else "forgotten"

    # ---- training
    def trainer(self, design: Design, config: TrainConfig, plan: Plan, heartbeat: float | None):
        start = {} if plan.start is None else {"w": plan.start.w, "b": plan.start.b, "alpha": plan.alpha}
        return train(design, self.test_set, config, heartbeat=heartbeat, **start)

    def weights_from(self, progress: Progress, config: TrainConfig, how: str, plan: Plan) -> Weights:
        extra = {"your_digits": len(self.examples), "digits": list(self.digits)}
        if progress.alpha is not None and plan.taught:
            extra["taught_rows"] = to_records(plan.taught)
        return from_training(progress, config, how, self.shipped.meta.get("data_sha256"), **extra)


# Kept: the first paint's is computed into the memory snapshot (boot.py), ~30 ms less in the page.
@functools.lru_cache(maxsize=8)
def kept_test_quality(p1: tuple[float, ...], labels: tuple[int, ...], threshold: float) -> TestQuality:
    return test_quality(p1, labels, threshold)


def test_quality(p1: Sequence[float], labels: Sequence[int], threshold: float) -> TestQuality:
    """Rates at the threshold, the ROC with its AUC and the threshold's point on it, calibration."""
    counts = confusion(p1, labels, threshold)
    negatives, positives = counts["0-0"] + counts["0-1"], counts["1-0"] + counts["1-1"]
    point = (counts["0-1"] / (negatives or 1), counts["1-1"] / (positives or 1))
    return TestQuality(
        rates(p1, labels, threshold), point, roc_curve(p1, labels), auc(p1, labels), brier(p1, labels),
        reliability(p1, labels),
    )  # fmt: skip
