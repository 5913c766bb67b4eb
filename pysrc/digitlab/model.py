"""Logistic regression, fast: the formulas of reference.py on the sparse layout of sparse.py.

    p(1 | x) = sigmoid(z),   z = w . x + b
    loss(w, b) = mean_i [ log(1 + e^z_i) - y_i z_i ]  +  (l2 / 2) |w|^2

x is a 784-vector (28x28 row-major, 0.0 background, 1.0 ink) and y is 1 for the digit
"1", 0 for "0". log(1 + e^z) - y z is the cross-entropy -[y log p + (1-y) log(1-p)]
rewritten so that it never takes log(0). The bias is not penalised.

Read top to bottom: sigmoid, the loss, its gradient, one step, the training loop.
Standard library only, so it runs unchanged under CPython and in the browser.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat

from . import IMAGE_PIXELS
from .config import TrainConfig
from .sparse import Design, Vector, sumprod

# ---- 1. sigmoid


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), without overflow for any finite z."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def predict_proba(w: Sequence[float], b: float, x: Sequence[float]) -> float:
    """p(digit is 1) for one 784-vector x."""
    return sigmoid(b + sumprod(w, x))


# ---- 2. the loss


def log1pexp(z: float) -> float:
    """log(1 + e^z) without overflow or loss of precision (cut-offs as scikit-learn's)."""
    if z <= -37.0:
        return math.exp(z)
    if z <= 18.0:
        return math.log1p(math.exp(z))
    if z <= 33.3:
        return z + math.exp(-z)
    return z


@dataclass(frozen=True)
class Evaluation:
    loss: float  # mean cross-entropy, without the L2 term
    accuracy: float  # at threshold 0.5, i.e. z >= 0
    residuals: Vector  # p_i - y_i: what the gradient needs


def evaluate_logits(z: Sequence[float], labels: Sequence[int], weights: Sequence[float] | None = None) -> Evaluation:
    """The mean cross-entropy of the scores z, their accuracy and residuals, in one pass.

    With `weights`, image i counts as weights[i] images in the means.
    """
    total, correct, residuals = 0.0, 0.0, []
    for zi, yi, si in zip(z, labels, weights or repeat(1, len(labels))):
        total += si * (log1pexp(zi) - yi * zi)
        correct += si * ((zi >= 0) == (yi == 1))
        residuals.append(sigmoid(zi) - yi)
    n = (sum(weights) if weights else len(residuals)) or 1
    return Evaluation(total / n, correct / n, residuals)


# ---- 3. its gradient


class LogisticLoss:
    """The loss of the module docstring on one Design, and its gradient:

        d loss / d w = (1/n) X^T r + l2 w,    d loss / d b = (1/n) sum_i r_i,    r_i = p_i - y_i

    X^T r is computed one pixel column at a time (Design.columns); a mini-batch takes
    the same mean over its images only. Weighted images (Design.weights) count as that
    many copies in every mean.
    """

    def __init__(self, design: Design, l2: float = 0.0):
        self.design = design
        self.l2 = l2

    def value(self, w: Sequence[float], b: float) -> float:
        data_loss = evaluate_logits(self.design.logits(w, b), self.design.labels, self.design.weights).loss
        return data_loss + 0.5 * self.l2 * sumprod(w, w)

    def scaled(self, residuals: Sequence[float]) -> Vector:
        """Each image's share of the gradient: r_i / n (times its weight, over the total weight)."""
        weights = self.design.weights
        if weights is None:
            n = self.design.n
            return [r / n for r in residuals]
        n = sum(weights)
        return [r * s / n for r, s in zip(residuals, weights)]

    def alpha_gradient(self, alpha: Sequence[float], residuals: Sequence[float]) -> Vector:
        """The gradient in image space: w = sum_i alpha_i x_i, so d loss / d w = sum_i (this)_i x_i."""
        l2 = self.l2
        return [sc + l2 * a for sc, a in zip(self.scaled(residuals), alpha)]

    def gradient(self, w: Sequence[float], residuals: Sequence[float]) -> tuple[Vector, float]:
        """Full-batch gradient from the residuals p_i - y_i at the current weights."""
        scaled = self.scaled(residuals)
        grad_w = [0.0] * IMAGE_PIXELS
        for column in self.design.columns:
            grad_w[column.pixel] = sumprod(column.gather(scaled), column.values)
        return self._add_l2(grad_w, w), sum(scaled)

    def batch_gradient(self, w: Sequence[float], b: float, batch: Sequence[int]) -> tuple[Vector, float, Vector]:
        """The same gradient with the mean taken over the images in `batch` only; and each image's share."""
        grad_w, grad_b, rows, labels = [0.0] * IMAGE_PIXELS, 0.0, self.design.rows, self.design.labels
        weights = self.design.weights
        scale = 1.0 / (sum(weights[i] for i in batch) if weights else len(batch))
        shares = []
        for i in batch:
            row = rows[i]
            share = scale if weights is None else weights[i] * scale
            r = (sigmoid(b + sumprod(row.gather(w), row.values)) - labels[i]) * share
            shares.append(r)
            grad_b += r
            for k, v in zip(row.indices, row.values):
                grad_w[k] += r * v
        return self._add_l2(grad_w, w), grad_b, shares

    def _add_l2(self, grad_w: Vector, w: Sequence[float]) -> Vector:
        if not self.l2:
            return grad_w
        l2 = self.l2
        return [g + l2 * wj for g, wj in zip(grad_w, w)]


# ---- 4. one step


def gradient_step(w: Vector, b: float, grad_w: Sequence[float], grad_b: float, learning_rate: float):
    """One descent step: move against the gradient."""
    return [wj - learning_rate * gj for wj, gj in zip(w, grad_w)], b - learning_rate * grad_b


# ---- 4b. a better step: L-BFGS


class QuasiNewton:
    """L-BFGS: step along -H g, where H, built from the last `memory` steps s and gradient changes y,
    approximates the inverse of the loss's curvature (its Hessian); then a backtracking line search
    halves the step until the loss drops enough (Armijo). Weights and bias travel as one vector.

    The two-loop recursion below is reference.lbfgs_direction; tests hold the two together.
    """

    ARMIJO = 1e-4  # the loss must fall by at least this fraction of what the slope promises
    HALVINGS = 30  # a step 2^-30 the size that still does not lower the loss: converged

    def __init__(self, objective: LogisticLoss, memory: int = 10):
        self.objective = objective
        self.memory = memory
        # (s, y, 1 / y.s, and s and y in image space, or None when alpha is not tracked), oldest first
        self.history: list[tuple] = []
        self.gradient: Vector | None = None  # at the current point, weights then bias
        self.alpha_gradient: Vector | None = None  # the same in image space

    def value(self, fit: Evaluation, w: Sequence[float]) -> float:
        return fit.loss + 0.5 * self.objective.l2 * sumprod(w, w)

    def full_gradient(self, w: Sequence[float], fit: Evaluation) -> Vector:
        grad_w, grad_b = self.objective.gradient(w, fit.residuals)
        return [*grad_w, grad_b]

    def direction(self, g: Vector, g_alpha: Vector | None) -> tuple[Vector, Vector | None]:
        """-H g by the two-loop recursion; every combination is applied to the image-space twins too."""
        q, q_alpha, coefficients = list(g), g_alpha, []

        def combine(u, u_alpha, c, v, v_alpha):  # u + c v, in both spaces
            both = [ui + c * vi for ui, vi in zip(u, v)]
            return both, None if u_alpha is None else [ui + c * vi for ui, vi in zip(u_alpha, v_alpha)]

        for s, y, rho, _, y_alpha in reversed(self.history):
            a = rho * sumprod(s, q)
            q, q_alpha = combine(q, q_alpha, -a, y, y_alpha)
            coefficients.append(a)
        if self.history:
            s, y = self.history[-1][:2]
            gamma = sumprod(s, y) / sumprod(y, y)
            q, q_alpha = combine([0.0] * len(q), None if q_alpha is None else [0.0] * len(q_alpha), gamma, q, q_alpha)
        for (s, y, rho, s_alpha, _), a in zip(self.history, reversed(coefficients)):
            beta = rho * sumprod(y, q)
            q, q_alpha = combine(q, q_alpha, a - beta, s, s_alpha)
        return [-qi for qi in q], None if q_alpha is None else [-qi for qi in q_alpha]

    def step(self, w: Vector, b: float, fit: Evaluation, alpha: Vector | None = None):
        """(w, b, evaluation, alpha) at the next point, or None once no step lowers the loss (converged)."""
        design, g = self.objective.design, self.gradient or self.full_gradient(w, fit)
        if alpha is not None and self.alpha_gradient is None:
            self.alpha_gradient = self.objective.alpha_gradient(alpha, fit.residuals)
        g_alpha = None if alpha is None else self.alpha_gradient
        d, d_alpha = self.direction(g, g_alpha)
        slope = sumprod(g, d)
        if slope >= 0:  # not downhill (round-off in the memory): forget it, go straight down
            self.history, d = [], [-gi for gi in g]
            d_alpha = None if g_alpha is None else [-gi for gi in g_alpha]
            slope = -sumprod(g, g)
        start, t = self.value(fit, w), 1.0
        for _ in range(self.HALVINGS):
            new_w, new_b = [wj + t * dj for wj, dj in zip(w, d)], b + t * d[-1]
            new_fit = evaluate_logits(design.logits(new_w, new_b), design.labels, design.weights)
            if self.value(new_fit, new_w) <= start + self.ARMIJO * t * slope:
                break
            t /= 2
        else:
            return None
        new_g = self.full_gradient(new_w, new_fit)
        s, y = [t * di for di in d], [ni - gi for ni, gi in zip(new_g, g)]
        new_alpha = s_alpha = y_alpha = None
        if alpha is not None:
            new_alpha = [a + t * da for a, da in zip(alpha, d_alpha)]
            new_g_alpha = self.objective.alpha_gradient(new_alpha, new_fit.residuals)
            s_alpha, y_alpha = [t * da for da in d_alpha], [n - o for n, o in zip(new_g_alpha, g_alpha)]
            self.alpha_gradient = new_g_alpha
        if (ys := sumprod(y, s)) > 1e-12:  # keep only pairs that say the loss curves upward
            self.history = [*self.history, (s, y, 1.0 / ys, s_alpha, y_alpha)][-self.memory :]
        self.gradient = new_g
        return new_w, new_b, new_fit, new_alpha


# ---- 5. training


def minibatches(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    """One epoch: a seeded shuffle of range(n) cut into batches (the last may be smaller)."""
    order = list(range(n))
    rng.shuffle(order)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]


# Mean cross-entropy above this means the steps overshoot so far that the model is
# confidently wrong by ~100 logits: call it divergence rather than wait for a NaN.
DIVERGED_LOSS = 100.0


class TrainingDiverged(ArithmeticError):
    """The loss blew up (not finite, or above DIVERGED_LOSS): the learning rate is too large."""

    def __init__(self, iteration: int, loss: float):
        super().__init__(f"training diverged: loss is {loss:.4g} at iteration {iteration}; lower the learning rate")
        self.iteration = iteration
        self.loss = loss


@dataclass(frozen=True)
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
    alpha: Vector | None = field(default=None, repr=False)  # w = sum_i alpha_i x_i over the training images

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
    alpha: Sequence[float] | None = None,
) -> Iterator[Progress | None]:
    """Training from (w, b) (zeros by default) by config.method, yielding Progress after every iteration.

    Stop iterating at any time: the last Progress is consistent. Raises TrainingDiverged if the
    loss blows up. With `heartbeat` (seconds) a long mini-batch epoch also yields None that often.
    Every step adds training images to w, so from w = 0, w = sum_i alpha_i x_i: Progress.alpha
    (from a given w, pass its alpha, or none is tracked).
    """
    start, rng, objective = time.perf_counter(), random.Random(config.seed), LogisticLoss(train_set, config.l2)
    (w, alpha), b = starting_point(train_set, w, alpha), float(b)
    quasi_newton = QuasiNewton(objective) if config.method == "lbfgs" else None
    fit = None
    for iteration in range(config.iterations + 1):
        # 1. Measure the current weights (the forward pass doubles as the gradient's input).
        fit = fit or evaluate_logits(train_set.logits(w, b), train_set.labels, train_set.weights)
        if not (fit.loss <= DIVERGED_LOSS and math.isfinite(b)):
            raise TrainingDiverged(iteration, fit.loss)
        test = evaluate_logits(test_set.logits(w, b), test_set.labels) if test_set else None
        yield Progress(
            iteration=iteration,
            iterations=config.iterations,
            loss=fit.loss,
            train_accuracy=fit.accuracy,
            test_loss=test.loss if test else None,
            test_accuracy=test.accuracy if test else None,
            elapsed=time.perf_counter() - start,
            w=w,
            b=b,
            alpha=alpha,
        )
        if iteration == config.iterations:
            return
        # 2. Step: L-BFGS with its line search, one full-batch step, or one shuffled epoch of mini-batch steps.
        if quasi_newton:
            if (moved := quasi_newton.step(w, b, fit, alpha)) is None:
                return  # converged: no step lowers the loss any more
            w, b, fit, alpha = moved  # the line search already measured the new point
        else:
            w, b, alpha = yield from gradient_pass(objective, w, b, alpha, fit, config, rng, heartbeat)
            fit = None


def starting_point(train_set: Design, w, alpha) -> tuple[Vector, Vector | None]:
    """w = 0 (so alpha = 0), or the given w with its alpha if it has one."""
    if w is None:
        return [0.0] * IMAGE_PIXELS, [0.0] * train_set.n
    return [float(v) for v in w], None if alpha is None else [float(a) for a in alpha]


def gradient_pass(objective: LogisticLoss, w, b, alpha, fit: Evaluation, config: TrainConfig, rng, heartbeat):
    """One full-batch step, or one shuffled epoch of mini-batch steps yielding None every `heartbeat` seconds;
    returns (w, b, alpha), alpha stepped the same way in image space."""
    lr = config.learning_rate
    if config.batch_size == 0 or config.batch_size >= objective.design.n:
        grad_w, grad_b = objective.gradient(w, fit.residuals)
        if alpha is not None:
            alpha = [a - lr * g for a, g in zip(alpha, objective.alpha_gradient(alpha, fit.residuals))]
        return (*gradient_step(w, b, grad_w, grad_b, lr), alpha)
    last_beat = time.perf_counter()
    scale = 1.0  # alpha = scale * beta: L2's shrink of every alpha is one multiplication of scale
    beta = None if alpha is None else list(alpha)
    for batch in minibatches(objective.design.n, config.batch_size, rng):
        grad_w, grad_b, shares = objective.batch_gradient(w, b, batch)
        w, b = gradient_step(w, b, grad_w, grad_b, lr)
        if beta is not None:
            scale *= 1.0 - lr * objective.l2
            if abs(scale) < 1e-100:  # fold the scale back in before it underflows (or is exactly 0)
                beta, scale = [scale * v for v in beta], 1.0
            for i, share in zip(batch, shares):
                beta[i] -= lr * share / scale
        if heartbeat is not None and time.perf_counter() - last_beat >= heartbeat:
            last_beat = time.perf_counter()
            yield None
    return w, b, None if beta is None else [scale * v for v in beta]


def fit(train_set: Design, test_set: Design | None, config: TrainConfig, **start) -> Progress:
    """Run `train` to the end and return the final Progress."""
    progress = None
    for progress in train(train_set, test_set, config, **start):  # noqa: B007 - the last one is the result
        pass
    return progress
