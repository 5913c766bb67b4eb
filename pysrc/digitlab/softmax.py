"""Ten digits, fast: reference.softmax_loss and softmax_gradient on the sparse layout of sparse.py, trained by
model.py's own loop and L-BFGS.

    z_ik = W_k . x_i + b_k,    p_ik = softmax(z_i)_k
    loss(W, b) = (1/S) sum_i s_i [ log sum_c e^z_ic - z_i,y_i ]  +  (l2/2) sum_k |W_k|^2

A point is a model.Twin of W's ten rows (784 each, one after the other) and then the ten biases. An image's
ten scores are ten sumprods over its inked pixels; the gradient is one gather per class and pixel column.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from . import IMAGE_PIXELS
from .config import TrainConfig
from .model import Breather, Evaluation, Progress, Twin, run
from .sparse import Design, Vector, sumprod

CLASSES = 10


def softmax(z: Sequence[float]) -> Vector:
    """reference.softmax: e^z_k / sum_c e^z_c, with max(z) taken out first."""
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


def scores(W: Sequence[Vector], b: Sequence[float], x: Sequence[float]) -> Vector:
    """z_k = W_k . x + b_k for a dense 784-vector x."""
    return [b_k + sumprod(W_k, x) for W_k, b_k in zip(W, b)]


def split(x: Sequence[float]) -> tuple[list[Vector], Vector]:
    """A point's vector as (W's rows, b)."""
    return [list(x[k * IMAGE_PIXELS : (k + 1) * IMAGE_PIXELS]) for k in range(CLASSES)], list(x[-CLASSES:])


def joined(W: Sequence[Sequence[float]], b: Sequence[float]) -> Vector:
    return [*(v for row in W for v in row), *b]


class SoftmaxLoss:
    """The loss of the module docstring on one Design (labels 0-9), and its gradient:

        d loss / d W_kj = sum_i pull_ik x_ij + l2 W_kj,   d loss / d b_k = sum_i pull_ik,
        pull_ik = s_i (p_ik - [y_i = k]) / S

    The objective model.QuasiNewton and model.run ask for: measure, penalised, gradient (these breathe).
    """

    def __init__(self, design: Design, l2: float = 0.0, breather: Breather | None = None):
        self.design = design
        self.l2 = l2
        self.breather = breather or Breather()

    def measure(self, at: Twin):
        """Evaluation at `at`: mean cross-entropy, accuracy, and residuals p_ik - [y_i = k] per class."""
        W, b = split(at.x)
        design, total, correct = self.design, 0.0, 0.0
        weights = design.weights or [1.0] * design.n
        residuals = [[0.0] * design.n for _ in range(CLASSES)]
        for start in range(0, design.n, Breather.CHUNK):
            for i in range(start, min(start + Breather.CHUNK, design.n)):
                row, y, s = design.rows[i], design.labels[i], weights[i]
                z = [b_k + sumprod(row.gather(W_k), row.values) for W_k, b_k in zip(W, b)]
                top = max(z)
                e = [math.exp(v - top) for v in z]
                norm = sum(e)
                total += s * (top + math.log(norm) - z[y])
                correct += s * (z[y] == top)
                for k, e_k in enumerate(e):
                    residuals[k][i] = e_k / norm - (k == y)
            yield from self.breather.breathe()
        weight = sum(weights) or 1.0
        return Evaluation(total / weight, correct / weight, residuals)

    def penalised(self, fit: Evaluation, at: Twin) -> float:
        W = at.x[: CLASSES * IMAGE_PIXELS]
        return fit.loss + 0.5 * self.l2 * sumprod(W, W)

    def gradient(self, at: Twin, fit: Evaluation):
        """The full-batch gradient at `at`, W's rows then b, one pixel column at a time."""
        design, l2 = self.design, self.l2
        weights = design.weights
        total = sum(weights) if weights else design.n
        pulls = [
            [r / total for r in residuals] if weights is None else [s * r / total for s, r in zip(weights, residuals)]
            for residuals in fit.residuals
        ]
        grad = [0.0] * (CLASSES * IMAGE_PIXELS)
        for n, column in enumerate(design.columns):
            for k, pull in enumerate(pulls):
                grad[k * IMAGE_PIXELS + column.pixel] = sumprod(column.gather(pull), column.values)
            if n % 32 == 31:
                yield from self.breather.breathe()
        if l2:
            grad = [g + l2 * w for g, w in zip(grad, at.x)]
        return Twin([*grad, *(sum(pull) for pull in pulls)])


def train(
    train_set: Design,
    test_set: Design | None,
    config: TrainConfig,
    W: Sequence[Sequence[float]] | None = None,
    b: Sequence[float] | None = None,
    heartbeat: float | None = None,
) -> Iterator[Progress | None]:
    """model.train for ten digits: from zero (or W, b) by config.method, yielding Progress (w = W's rows, b the
    ten biases) after every iteration and None every `heartbeat` seconds inside one."""
    if config.method == "gd" and 0 < config.batch_size < train_set.n:
        raise ValueError("ten digits train on full batches only: set the batch size to 0")
    breather = Breather(heartbeat)
    objective = SoftmaxLoss(train_set, config.l2, breather)
    test = SoftmaxLoss(test_set, 0.0, breather) if test_set else None
    start = [0.0] * (CLASSES * (IMAGE_PIXELS + 1)) if W is None else joined(W, b)
    return run(objective, test, Twin([float(v) for v in start]), config, lambda at: (*split(at.x), None))


def fit(train_set: Design, test_set: Design | None, config: TrainConfig, **start) -> Progress:
    progress = None
    for progress in train(train_set, test_set, config, **start):  # noqa: B007 - the last one is the result
        pass
    return progress
