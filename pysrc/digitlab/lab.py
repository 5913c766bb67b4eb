"""The app's state and verbs without the page: read a drawing, judge the weights, train, teach.

The page layer (digitlab/page/) wires these to the DOM; everything here is plain Python, tested under CPython.
"""

from __future__ import annotations

import datetime
import functools
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from .config import TrainConfig
from .data import Bundle
from .examples import MAX_EXAMPLES, Example, example_from_image, from_records, to_records
from .honesty import Honesty, judge
from .metrics import Rates, accuracy, auc, brier, confusion, misclassified, probabilities, rates, reliability, roc_curve
from .model import Progress, predict_proba, sigmoid, train
from .preprocess import Stages, preprocess_rgba
from .softmax import scores, softmax
from .sparse import Design, sparse_row, sumprod
from .weights import Weights, from_training
from .words import either

TEACH_WEIGHT = 100.0  # a taught digit counts as this many training images, so a few steps can fix it
# At most 60 full-batch gradient steps from the weights in use, stopping once the taught digits are right.
TEACH_CONFIG = TrainConfig(method="gd", learning_rate=1.0, iterations=60, l2=0.0)
TEACH_MARGIN = 0.1  # stop once each taught digit is read right with p >= 0.6: a bare flip would not survive a redraw


@dataclass(frozen=True)
class Reading:
    """What the model made of one drawing."""

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


def explain(weights: Weights, x: Sequence[float], stages: Stages, digits: tuple[int, int] = (0, 1)) -> Reading:
    contributions = [wj * xj for wj, xj in zip(weights.w, x)]
    z = weights.b + sumprod(weights.w, x)
    return Reading(stages, contributions, weights.b, z, sigmoid(z), digits)


@dataclass(frozen=True)
class TestReport:
    accuracy: float
    confusion: dict[str, int]
    mistakes: list[tuple[int, int, float]]  # (test index, true label, p1)


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


@dataclass(frozen=True)
class Plan:
    """What a run trains on and where it starts: the train split, then `taught` (the learner's digits, each
    weighing `weights` of the design), and train()'s start (from zero when empty)."""

    design: Design
    taught: list[Example]
    start: dict


class Lab:
    """Data, the weights in use, the shipped weights and the user's own digits."""

    def __init__(self, bundle: Bundle, shipped: Weights, ten=None, train_set: Design | None = None):
        self.bundle = bundle
        self.ten = ten  # the ten-digit weights in use (weights.TenWeights): is the drawing one of the pair at all?
        self.digits = bundle.digits
        self.words = either(self.digits)
        self.shipped = shipped
        self.weights = shipped
        self.examples: list[Example] = []
        self._test_set: Design | None = None
        self._train_set = train_set
        self._test_p1: tuple[Weights, list[float]] | None = None

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

    # ---- reading
    def read(self, rgba: bytes, width: int, height: int) -> Reading:
        """Preprocess a canvas and explain the verdict; raises NotADigit for an empty canvas."""
        return self.explain(preprocess_rgba(rgba, width, height, self.words))

    def explain(self, stages: Stages) -> Reading:
        """The verdict on stages.image, with its honesty (sure, unsure, or not one of the pair)."""
        reading = explain(self.weights, stages.image, stages, self.digits)
        if self.ten is None:
            return reading
        ten = softmax(scores(self.ten.W, self.ten.b, stages.image))
        return replace(reading, honesty=judge(max(reading.p1, 1 - reading.p1), ten, self.digits))

    def p1(self, x: Sequence[float]) -> float:
        return predict_proba(self.weights.w, self.weights.b, x)

    def sample(self, rng: random.Random) -> tuple[int, int, bytes]:
        """A random test image: (index, label: 0 for the pair's smaller digit, 784 uint8 pixels)."""
        i = rng.randrange(self.bundle.test.n)
        return i, self.bundle.test.labels[i], self.bundle.test.image_bytes(i)

    # ---- judging
    def measuring(self) -> Iterator[None]:
        """TenLab.measuring's counterpart: one score per image, ~40 ms in the page, so in one go."""
        self.test_probabilities()
        yield

    def test_probabilities(self) -> list[float]:
        if self._test_p1 is None or self._test_p1[0] is not self.weights:
            self._test_p1 = (self.weights, probabilities(self.test_set, self.weights.w, self.weights.b))
        return self._test_p1[1]

    def test_report(self, threshold: float = 0.5) -> TestReport:
        p1, labels = self.test_probabilities(), self.test_set.labels
        return TestReport(
            accuracy(p1, labels, threshold),
            confusion(p1, labels, threshold),
            [(i, labels[i], p1[i]) for i in misclassified(p1, labels, threshold)],
        )

    def test_quality(self, threshold: float = 0.5) -> TestQuality:
        return kept_test_quality(tuple(self.test_probabilities()), tuple(self.test_set.labels), threshold)

    # ---- which training images taught it this
    def taught_rows(self, weights: Weights) -> list[Example] | None:
        """The learner's digits that `weights` were trained on after the train split, in row order; None
        when the weights carry no record of their rows (alpha) over this pair's training images."""
        alpha, records = weights.meta.get("alpha"), weights.meta.get("taught_rows", [])
        if alpha is None or len(alpha) != self.bundle.train.n + len(records):
            return None
        return from_records(records)[0]

    def attribution(self, x: Sequence[float]) -> Attribution | str:
        """Each training image's share of z(x) under the weights in use, or why they cannot say."""
        taught = self.taught_rows(self.weights)
        if taught is None:
            return (
                "These weights carry no record of which images taught them (imported without one, or trained "
                "on from weights that had none). Press Train to start from w = 0 and keep that record."
            )
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

    # ---- changing the weights
    def use(self, weights: Weights) -> None:
        self.weights = weights

    def reset(self) -> None:
        self.weights = self.shipped

    def plan(self, start: Weights | None = None) -> Plan:
        """From zero: the train split and the learner's digits. From `start`: its own rows as well, so that
        w = sum_i alpha_i x_i goes on holding (a digit forgotten since weighs nothing in the loss but stays a
        row of w), then the digits it has not seen yet, from alpha = 0."""
        carried = [] if start is None else self.taught_rows(start)
        kept = set(self.examples)
        new = [e for e in self.examples if e not in set(carried or ())]
        taught = [*(carried or ()), *new]
        if taught:
            train = self.bundle.train
            pixels = train.pixels + b"".join(e.pixels for e in taught)
            labels = [*train.labels, *(e.label for e in taught)]
            sample_weights = [1.0] * train.n + [TEACH_WEIGHT if e in kept else 0.0 for e in taught]
            design = Design(pixels, labels, sample_weights)
        else:
            design = self.train_set
        if start is None:
            return Plan(design, taught, {})
        alpha = None if carried is None else [*start.meta["alpha"], *([0.0] * len(new))]
        return Plan(design, taught if carried is not None else new, {"w": start.w, "b": start.b, "alpha": alpha})

    def training_run(
        self, config: TrainConfig, plan: Plan, heartbeat: float | None = None
    ) -> Iterator[Progress | None]:
        """Train on the plan's rows from its start (zeros, as the CLI does, or the weights it continues)."""
        return train(plan.design, self.test_set, config, heartbeat=heartbeat, **plan.start)

    def adopt(self, progress: Progress, config: TrainConfig, how: str, plan: Plan) -> Weights:
        """Make the weights of `progress` the ones in use, with a record of how they came about."""
        sha256 = self.shipped.meta.get("data_sha256")
        extra = {"your_digits": len(self.examples), "digits": list(self.digits)}
        if progress.alpha is not None and plan.taught:
            extra["taught_rows"] = to_records(plan.taught)
        self.weights = from_training(progress, config, how, sha256, **extra)
        return self.weights

    # ---- teaching
    def add_example(self, x: Sequence[float], label: int) -> Example:
        if len(self.examples) >= MAX_EXAMPLES:
            raise ValueError(f"you already taught {MAX_EXAMPLES} digits: forget some first")
        example = example_from_image(x, label)
        if example not in self.examples:
            self.examples.append(example)
        return example

    def examples_right(self, w: Sequence[float], b: float, margin: float = 0.0) -> bool:
        """Is every taught digit read as its label, with p at least `margin` past 0.5?"""
        for example in self.examples:
            p1 = predict_proba(w, b, [v / 255 for v in example.pixels])
            if (p1 - 0.5 if example.label == 1 else 0.5 - p1) < margin:
                return False
        return True

    def teaching_run(self, plan: Plan, heartbeat: float | None = None) -> Iterator[Progress]:
        """Gradient descent from the weights in use on train + the learner's digits, until every one of
        theirs is read right with a margin (the plan starts from the weights in use)."""
        for progress in train(plan.design, self.test_set, TEACH_CONFIG, heartbeat=heartbeat, **plan.start):
            yield progress
            if progress is not None and self.examples_right(progress.w, progress.b, TEACH_MARGIN):
                return


def describe(weights: Weights, shipped: bool, measured_accuracy: float) -> str:
    """One line for the page: which weights are in use, where they came from, and how good this page measured them.

    Only measurements are shown: a file's own claims (its test_accuracy) are not.
    """
    tail = f"; test accuracy here {measured_accuracy * 100:.2f}%"
    meta = weights.meta
    if shipped:
        return f"shipped (trained under CPython){tail}"
    if "imported_from" in meta:
        name = meta["imported_from"]
        return f"imported from {name if len(name) <= 60 else name[:57] + '…'}{tail}"
    how = {"browser": "trained in this browser", "taught": "taught your digits"}.get(meta.get("trained_by"), "trained")
    return f"{how} {for_people(meta.get('trained_at'))}{tail}"


# weights.from_training's "%Y-%m-%dT%H:%M:%SZ", read without strptime: its first call imports and sets up
# _strptime, measured at ~250 ms in the page, all of it in the task that shows newly trained weights.
TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z", re.ASCII)


def for_people(timestamp: str | None) -> str:
    """'on 28 Nov 2026 at 17:10 UTC' from '2026-11-28T17:10:39Z'."""
    try:
        when = datetime.datetime(*map(int, TIMESTAMP.fullmatch(timestamp or "").groups()))
    except (AttributeError, ValueError):  # not that format; or, say, month 13
        return "at an unknown time"
    return f"on {when.day} {when:%b %Y} at {when:%H:%M} UTC"


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
