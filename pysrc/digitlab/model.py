"""The whole model: logistic regression, its loss and gradient, and gradient descent.

    p(1 | x) = sigmoid(z),   z = w . x + b
    loss(w, b) = mean_i [ log(1 + e^z_i) - y_i z_i ]  +  (l2 / 2) |w|^2

x is a 784-vector (28x28 row-major, 0.0 background, 1.0 ink), y is 1 for the digit
"1" and 0 for "0". The mean term is the binary cross-entropy written in a form
that never takes log(0). The bias is not penalised.

Standard library only, so it runs unchanged under CPython and in the browser.
Speed comes from the representation: an MNIST image has ~140 ink pixels out of
784, so the data is kept as sparse rows (for z = Xw) and sparse pixel columns
(for the gradient X^T r), and every dot product is one C-level call.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, mul

from . import IMAGE_PIXELS

Vector = list[float]

try:
    sumprod = math.sumprod  # Python >= 3.12, which is what Pyodide runs
except AttributeError:  # CPython 3.11: same result up to round-off

    def sumprod(p, q):
        return sum(map(mul, p, q))


PIXEL_VALUE = tuple(v / 255 for v in range(256))


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), without overflow for any finite z."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def log1pexp(z: float) -> float:
    """log(1 + e^z) without overflow or loss of precision (cut-offs as scikit-learn's)."""
    if z <= -37.0:
        return math.exp(z)
    if z <= 18.0:
        return math.log1p(math.exp(z))
    if z <= 33.3:
        return z + math.exp(-z)
    return z


def predict_proba(w: Sequence[float], b: float, x: Sequence[float]) -> float:
    """p(digit is 1) for one 784-vector x."""
    return sigmoid(b + sumprod(w, x))


def _getter(indices: Sequence[int]):
    """A C-level gather: getter(seq) -> tuple of seq[i] for i in indices, any length."""
    if len(indices) == 0:
        return lambda seq: ()
    if len(indices) == 1:
        only = indices[0]
        return lambda seq: (seq[only],)
    return itemgetter(*indices)


class Design:
    """n images and their labels, stored sparsely; built from uint8 pixels (n x 784 bytes).

    Rows (index tuple, gather, values) serve z = Xw; columns, built on first use,
    serve the full-batch gradient X^T r.
    """

    def __init__(self, pixels: bytes, labels: Sequence[int]):
        n = len(labels)
        if len(pixels) != n * IMAGE_PIXELS:
            raise ValueError(f"expected {n} images of {IMAGE_PIXELS} bytes, got {len(pixels)} bytes")
        self.n = n
        self.pixels = bytes(pixels)
        self.labels = [int(y) for y in labels]
        self.rows = [_sparse(self.pixels[i * IMAGE_PIXELS : (i + 1) * IMAGE_PIXELS]) for i in range(n)]
        self._columns: list | None = None

    @property
    def columns(self) -> list:
        """(pixel index, gather over images, values) for every pixel that is ever inked."""
        if self._columns is None:
            n, every_image = self.n, tuple(range(self.n))
            self._columns = []
            for j in range(IMAGE_PIXELS):
                column = self.pixels[j::IMAGE_PIXELS]
                if column.count(0) != n:
                    self._columns.append((j, _getter(tuple(compress(every_image, column))), _values(column)))
        return self._columns

    def image(self, i: int) -> Vector:
        return list(map(PIXEL_VALUE.__getitem__, self.pixels[i * IMAGE_PIXELS : (i + 1) * IMAGE_PIXELS]))

    def logits(self, w: Sequence[float], b: float) -> Vector:
        return [b + sumprod(gather(w), values) for _, gather, values in self.rows]


# Prebuilt, so that compress() only passes references around instead of making 784 ints per image:
# in Pyodide this halves the time to build a Design.
EVERY_PIXEL = tuple(range(IMAGE_PIXELS))


def _values(pixels: bytes) -> tuple[float, ...]:
    """The non-zero pixels as floats, in order: one C-level gather from the 256-entry table."""
    return tuple(_getter(pixels.translate(None, b"\0"))(PIXEL_VALUE))


def _sparse(image: bytes) -> tuple:
    indices = tuple(compress(EVERY_PIXEL, image))
    return indices, _getter(indices), _values(image)


@dataclass(frozen=True)
class Evaluation:
    loss: float  # mean binary cross-entropy, without the L2 term
    accuracy: float
    residuals: Vector  # p_i - y_i, what the gradient needs


def evaluate_logits(z: Sequence[float], labels: Sequence[int]) -> Evaluation:
    """Loss, accuracy (threshold 0.5, i.e. z >= 0) and residuals in one pass."""
    total, correct, residuals = 0.0, 0, []
    for zi, yi in zip(z, labels):
        total += log1pexp(zi) - yi * zi
        correct += (zi >= 0) == (yi == 1)
        residuals.append(sigmoid(zi) - yi)
    n = max(len(residuals), 1)
    return Evaluation(total / n, correct / n, residuals)


class LogisticLoss:
    """The objective of the module docstring on one Design; owns the loss and its gradient."""

    def __init__(self, design: Design, l2: float = 0.0):
        self.design = design
        self.l2 = l2

    def value(self, w: Sequence[float], b: float) -> float:
        data_loss = evaluate_logits(self.design.logits(w, b), self.design.labels).loss
        return data_loss + 0.5 * self.l2 * sumprod(w, w)

    def gradient(self, w: Sequence[float], residuals: Sequence[float]) -> tuple[Vector, float]:
        """Full-batch gradient from the residuals p_i - y_i at the current weights."""
        n = self.design.n
        scaled = [r / n for r in residuals]
        grad_w = [0.0] * IMAGE_PIXELS
        for j, gather, values in self.design.columns:
            grad_w[j] = sumprod(gather(scaled), values)
        return self._add_l2(grad_w, w), sum(scaled)

    def batch_gradient(self, w: Sequence[float], b: float, batch: Sequence[int]) -> tuple[Vector, float]:
        """Gradient of the same objective with the mean taken over the images in `batch` only."""
        grad_w, grad_b, rows, labels = [0.0] * IMAGE_PIXELS, 0.0, self.design.rows, self.design.labels
        scale = 1.0 / len(batch)
        for i in batch:
            indices, gather, values = rows[i]
            r = (sigmoid(b + sumprod(gather(w), values)) - labels[i]) * scale
            grad_b += r
            for k, v in zip(indices, values):
                grad_w[k] += r * v
        return self._add_l2(grad_w, w), grad_b

    def _add_l2(self, grad_w: Vector, w: Sequence[float]) -> Vector:
        if not self.l2:
            return grad_w
        l2 = self.l2
        return [g + l2 * wj for g, wj in zip(grad_w, w)]


def gradient_step(w: Vector, b: float, grad_w: Sequence[float], grad_b: float, learning_rate: float):
    """One descent step: move against the gradient."""
    return [wj - learning_rate * gj for wj, gj in zip(w, grad_w)], b - learning_rate * grad_b


def minibatches(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    """One epoch: a seeded shuffle of range(n) cut into batches (the last may be smaller)."""
    order = list(range(n))
    rng.shuffle(order)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]


MAX_ITERATIONS = 10_000


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters. batch_size 0 means full batch; one iteration is one pass over the data."""

    learning_rate: float = 1.0
    iterations: int = 20
    batch_size: int = 0
    l2: float = 0.0
    seed: int = 0

    def __post_init__(self):
        problems = []
        lr, its, bs, l2, seed = self.learning_rate, self.iterations, self.batch_size, self.l2, self.seed
        if not _is_number(lr) or not (0 < lr <= 1e6):
            problems.append("learning rate must be a number above 0 (and at most 1e6)")
        if not _is_int(its) or not (1 <= its <= MAX_ITERATIONS):
            problems.append(f"iterations must be a whole number from 1 to {MAX_ITERATIONS}")
        if not _is_int(bs) or bs < 0:
            problems.append("batch size must be a whole number, 0 for the full batch")
        if not _is_number(l2) or not (0 <= l2 <= 10):
            problems.append("L2 must be a number from 0 to 10")
        if not _is_int(seed) or not (0 <= seed < 2**32):
            problems.append("seed must be a whole number from 0 to 4294967295")
        if problems:
            raise ValueError("; ".join(problems))

    def as_dict(self) -> dict:
        return {
            "learning_rate": self.learning_rate,
            "iterations": self.iterations,
            "batch_size": self.batch_size,
            "l2": self.l2,
            "seed": self.seed,
        }


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Mean cross-entropy above this means the steps overshoot so far that the model is
# confidently wrong by ~100 logits: call it divergence rather than wait for a NaN.
DIVERGED_LOSS = 100.0


class TrainingDiverged(ArithmeticError):
    """The loss blew up (not finite, or above DIVERGED_LOSS): the learning rate is too large."""


@dataclass
class Progress:
    """The state after `iteration` passes; iteration 0 is the starting point."""

    iteration: int
    iterations: int
    loss: float
    train_accuracy: float
    test_loss: float | None
    test_accuracy: float | None
    elapsed: float
    w: Vector = field(repr=False)
    b: float = 0.0

    @property
    def done(self) -> bool:
        return self.iteration == self.iterations


def train(
    train_set: Design,
    test_set: Design | None,
    config: TrainConfig,
    w: Sequence[float] | None = None,
    b: float = 0.0,
    heartbeat: float | None = None,
) -> Iterator[Progress | None]:
    """Gradient descent from (w, b) (zeros by default), yielding Progress after every iteration.

    The caller may stop iterating at any time; the weights of the last Progress are
    consistent. Raises TrainingDiverged if the loss blows up. With `heartbeat` (seconds),
    a long mini-batch epoch also yields None that often, so a page can breathe mid-epoch;
    it changes nothing in the arithmetic.
    """
    start = last_beat = time.perf_counter()
    objective = LogisticLoss(train_set, config.l2)
    rng = random.Random(config.seed)
    w = [0.0] * IMAGE_PIXELS if w is None else [float(v) for v in w]
    b = float(b)
    full_batch = config.batch_size == 0 or config.batch_size >= train_set.n
    for iteration in range(config.iterations + 1):
        # 1. Measure the current weights (the forward pass doubles as the gradient's input).
        fit = evaluate_logits(train_set.logits(w, b), train_set.labels)
        if not (fit.loss <= DIVERGED_LOSS and math.isfinite(b)):
            raise TrainingDiverged(
                f"training diverged: loss is {fit.loss:.4g} at iteration {iteration}; lower the learning rate"
            )
        test = evaluate_logits(test_set.logits(w, b), test_set.labels) if test_set else None
        yield Progress(
            iteration,
            config.iterations,
            fit.loss,
            fit.accuracy,
            test.loss if test else None,
            test.accuracy if test else None,
            time.perf_counter() - start,
            w,
            b,
        )
        if iteration == config.iterations:
            return
        # 2. Step: one full-batch step, or one shuffled epoch of mini-batch steps.
        if full_batch:
            grad_w, grad_b = objective.gradient(w, fit.residuals)
            w, b = gradient_step(w, b, grad_w, grad_b, config.learning_rate)
        else:
            for batch in minibatches(train_set.n, config.batch_size, rng):
                grad_w, grad_b = objective.batch_gradient(w, b, batch)
                w, b = gradient_step(w, b, grad_w, grad_b, config.learning_rate)
                if heartbeat is not None and time.perf_counter() - last_beat >= heartbeat:
                    last_beat = time.perf_counter()
                    yield None


def fit(train_set: Design, test_set: Design | None, config: TrainConfig, **start) -> Progress:
    """Run `train` to the end and return the final Progress."""
    progress = None
    for progress in train(train_set, test_set, config, **start):  # noqa: B007 - the last one is the result
        pass
    return progress
