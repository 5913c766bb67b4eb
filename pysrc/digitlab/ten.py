"""All ten digits without the page: read a drawing, compare any two digits exactly, flip toward a digit, judge,
train and teach. The ten-digit counterpart of lab.py, on softmax.py's model.

Any two digits a and b are compared by a written sum, log(p_a / p_b) = (W_a - W_b) . x + (b_a - b_b): a
comparison is shown with lab.Reading, as if the pair (b, a) had the weights W_a - W_b and the bias b_a - b_b,
so every view of a pair's reading (the map, the sum, the sigmoid, the flip) shows it as it is.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from . import softmax
from .config import TrainConfig
from .data import DIGITS, Bundle
from .examples import MAX_EXAMPLES, Example, example_from_image
from .flip import Flip, smallest_flip
from .honesty import Honesty, judge
from .lab import TEACH_WEIGHT, Reading, for_people
from .model import Progress
from .preprocess import Stages, preprocess_rgba
from .sparse import Design, sumprod
from .weights import TenWeights, Weights, ten_from_training

# Teaching fine-tunes on the taught digits and a small sample of the train split (every 16th: ~500 images),
# so that each gradient step stays short in the browser; the sample keeps the other digits from being forgotten.
TEACH_CONFIG = TrainConfig(method="gd", learning_rate=1.0, iterations=60, l2=0.0)
TEACH_SAMPLE = 4  # of the 2,000 images the page trains on
TEACH_MARGIN = 0.6  # stop once each taught digit is read right with p >= this
MEASURE_CHUNK = 200  # test images per task when measuring new weights (~40 ms in the page)


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


def difference(weights: TenWeights, a: int, b: int) -> Weights:
    """The weights of 'a rather than b': W_a - W_b and b_a - b_b, with which z = log(p_a / p_b)."""
    return Weights([wa - wb for wa, wb in zip(weights.W[a], weights.W[b])], weights.b[a] - weights.b[b])


def compare(weights: TenWeights, stages: Stages, a: int, b: int) -> Reading:
    """Why a and not b, as a pair's reading with digits (b, a): z = log(p_a / p_b), p1 = p(a | a or b)."""
    from .lab import explain

    return explain(difference(weights, a, b), stages.image, stages, (b, a))


@dataclass(frozen=True)
class TenFlip:
    """The smallest change that makes `target` beat the digit read, and what the model reads then."""

    flip: Flip
    target: int
    before: TenReading
    after: TenReading


def flip_toward(weights: TenWeights, reading: TenReading, target: int) -> TenFlip | None:
    """Exact, as for a pair: the flip of 'read rather than target' pushes log(p_read / p_target) to -0.1. Another
    digit may then win over both (TenFlip.after says)."""
    flip = smallest_flip(*astuple(difference(weights, reading.digit, target)), reading.stages.image)
    if flip is None:
        return None
    after = read(weights, replace(reading.stages, image=flip.x))
    return TenFlip(flip, target, reading, after)


def astuple(weights: Weights) -> tuple[list[float], float]:
    return weights.w, weights.b


def read(weights: TenWeights, stages: Stages) -> TenReading:
    z = softmax.scores(weights.W, weights.b, stages.image)
    p = softmax.softmax(z)
    return TenReading(stages, z, p, judge(max(p), p, DIGITS))


@dataclass(frozen=True)
class TenReport:
    accuracy: float
    confusion: list[list[int]]  # [true digit][digit read]
    per_digit: list[float]  # the share of each digit's test images read right
    mistakes: list[tuple[int, int, int, float]]  # (test index, true digit, digit read, p of the digit read)


@dataclass(frozen=True)
class Plan:
    design: Design
    start: dict


class TenLab:
    """The ten digits' data (the train split thinned to what the page trains on, the test split whole), the
    shipped and in-use ten-digit weights, and the learner's digits (labels 0-9)."""

    def __init__(self, bundle: Bundle, shipped: TenWeights):
        self.bundle = bundle
        self.digits = DIGITS
        self.words = "any digit"
        self.shipped = self.weights = shipped
        self.examples: list[Example] = []
        self._designs: dict[str, Design] = {}
        self._test: tuple[TenWeights, list[list[float]]] | None = None

    def design(self, name: str) -> Design:
        """'train' (what the page trains on), 'test' (the whole test split), 'live' (every 4th test image, for
        the curves while training) and 'teach' (the sample teaching fine-tunes with), built on first use."""
        if name not in self._designs:
            split = self.bundle.test if name in ("test", "live") else self.bundle.train
            every = {"train": 1, "test": 1, "live": 4, "teach": TEACH_SAMPLE}[name]
            picks = range(0, split.n, every)
            pixels = b"".join(split.image_bytes(i) for i in picks) if every > 1 else split.pixels
            self._designs[name] = Design(pixels, [split.labels[i] for i in picks])
        return self._designs[name]

    # ---- reading
    def read(self, rgba: bytes, width: int, height: int) -> TenReading:
        return self.explain(preprocess_rgba(rgba, width, height, self.words))

    def explain(self, stages: Stages) -> TenReading:
        return read(self.weights, stages)

    def sample(self, rng: random.Random) -> tuple[int, int, bytes]:
        i = rng.randrange(self.bundle.test.n)
        return i, self.bundle.test.labels[i], self.bundle.test.image_bytes(i)

    # ---- judging
    def measuring(self) -> Iterator[None]:
        """The test probabilities of the weights in use, computed MEASURE_CHUNK images at a time with a yield
        between: ten scores for each of 2,000 images take ~0.4 s in the page, too long for one task."""
        if self._test is not None and self._test[0] is self.weights:
            return
        weights, rows = self.weights, self.design("test").rows
        probabilities = []
        for start in range(0, len(rows), MEASURE_CHUNK):
            probabilities += [
                softmax.softmax([b_k + sumprod(row.gather(W_k), row.values) for W_k, b_k in zip(weights.W, weights.b)])
                for row in rows[start : start + MEASURE_CHUNK]
            ]
            yield
        self._test = (weights, probabilities)

    def test_probabilities(self) -> list[list[float]]:
        for _ in self.measuring():
            pass
        return self._test[1]

    def test_report(self) -> TenReport:
        labels = self.design("test").labels
        confusion = [[0] * 10 for _ in DIGITS]
        mistakes = []
        for i, (p, y) in enumerate(zip(self.test_probabilities(), labels)):
            read_as = max(DIGITS, key=p.__getitem__)
            confusion[y][read_as] += 1
            if read_as != y:
                mistakes.append((i, y, read_as, p[read_as]))
        per_digit = [confusion[d][d] / (sum(confusion[d]) or 1) for d in DIGITS]
        return TenReport(sum(confusion[d][d] for d in DIGITS) / len(labels), confusion, per_digit, mistakes)

    # ---- changing the weights
    def use(self, weights: TenWeights) -> None:
        self.weights = weights

    def reset(self) -> None:
        self.weights = self.shipped

    def plan(self, start: TenWeights | None = None, sample: str = "train") -> Plan:
        """The rows a run trains on: the page's train sample and the learner's digits (each weighing
        TEACH_WEIGHT images); from zero, or from `start`."""
        base = self.design(sample)
        if self.examples:
            pixels = base.pixels + b"".join(e.pixels for e in self.examples)
            labels = [*base.labels, *(e.label for e in self.examples)]
            design = Design(pixels, labels, [1.0] * base.n + [TEACH_WEIGHT] * len(self.examples))
        else:
            design = base
        return Plan(design, {} if start is None else {"W": start.W, "b": start.b})

    def training_run(
        self, config: TrainConfig, plan: Plan, heartbeat: float | None = None
    ) -> Iterator[Progress | None]:
        return softmax.train(plan.design, self.design("live"), config, heartbeat=heartbeat, **plan.start)

    def adopt(self, progress: Progress, config: TrainConfig, how: str, plan: Plan) -> TenWeights:
        sha256 = self.shipped.meta.get("data_sha256")
        extra = {"your_digits": len(self.examples), "training_images": plan.design.n}
        self.weights = ten_from_training(progress, config, how, sha256, **extra)
        return self.weights

    # ---- teaching
    def add_example(self, x: Sequence[float], digit: int) -> Example:
        if len(self.examples) >= MAX_EXAMPLES:
            raise ValueError(f"you already taught {MAX_EXAMPLES} digits: forget some first")
        example = example_from_image(x, digit)
        if example not in self.examples:
            self.examples.append(example)
        return example

    def examples_right(self, W, b, margin: float = 0.0) -> bool:
        """Is every taught digit read as its label, with p at least `margin`?"""
        for example in self.examples:
            p = softmax.softmax(softmax.scores(W, b, [v / 255 for v in example.pixels]))
            if max(DIGITS, key=p.__getitem__) != example.label or p[example.label] < margin:
                return False
        return True

    def teaching_run(self, plan: Plan, heartbeat: float | None = None) -> Iterator[Progress | None]:
        """Gradient descent from the weights in use on the teaching sample and the learner's digits, until every
        one of theirs is read right with p >= TEACH_MARGIN."""
        for progress in softmax.train(
            plan.design, self.design("live"), TEACH_CONFIG, heartbeat=heartbeat, **plan.start
        ):
            yield progress
            if progress is not None and self.examples_right(progress.w, progress.b, TEACH_MARGIN):
                return


def describe(weights: TenWeights, shipped: bool, measured_accuracy: float) -> str:
    """lab.describe for ten-digit weights."""
    tail = f"; test accuracy here {measured_accuracy * 100:.2f}%"
    if shipped:
        return f"shipped ten-digit model (trained under CPython){tail}"
    if "imported_from" in weights.meta:
        name = weights.meta["imported_from"]
        return f"imported from {name if len(name) <= 60 else name[:57] + '…'}{tail}"
    how = {"browser": "trained in this browser", "taught": "taught your digits"}.get(
        weights.meta.get("trained_by"), "trained"
    )
    return f"{how} {for_people(weights.meta.get('trained_at'))}{tail}"
