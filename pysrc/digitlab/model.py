"""Logistic regression, fast: the formulas of reference.py on the sparse layout of sparse.py.

    p(y = 1 | x) = sigmoid(z),   z = w . x + b
    loss(w, b) = (1/S) sum_i s_i [ log(1 + e^z_i) - y_i z_i ]  +  (l2 / 2) |w|^2

x is a 784-vector (28x28 row-major, 0.0 background, 1.0 ink) and y is 1 for the pair's
larger digit, 0 for the smaller; image i counts s_i times (S = sum_i s_i; s_i = 1 unless the
learner taught it). log(1 + e^z) - y z is the cross-entropy -[y log p + (1-y) log(1-p)]
rewritten so that it never takes log(0). The bias is not penalised.

Read top to bottom beside reference.py: each section names the function it computes fast.
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

# ---- 1. sigmoid (reference.sigmoid)


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), without overflow for any finite z."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def predict_proba(w: Sequence[float], b: float, x: Sequence[float]) -> float:
    """p(digit is 1) for one 784-vector x."""
    return sigmoid(b + sumprod(w, x))


# ---- 2. the loss (reference.loss, reference.log_sigmoid)


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


# ---- 3. its gradient (reference.pulls, reference.gradient)


class Breather:
    """Where a long computation lets the page paint and take input: `breathe()` yields None whenever
    `seconds` have passed since it last did (never, with seconds None: the command line)."""

    CHUNK = 256  # images between two looks at the clock

    def __init__(self, seconds: float | None = None):
        self.seconds, self.last = seconds, time.perf_counter()

    def breathe(self):
        if self.seconds is not None and time.perf_counter() - self.last >= self.seconds:
            self.last = time.perf_counter()
            yield None


def complete(computation):
    """Run a breathing computation (a generator) to its end without pauses; its result."""
    while True:
        try:
            next(computation)
        except StopIteration as done:
            return done.value


class LogisticLoss:
    """The loss of the module docstring on one Design, and its gradient:

        d loss / d w = X^T pull + l2 w,    d loss / d b = sum_i pull_i,    pull_i = s_i (p_i - y_i) / S

    X^T pull is computed one pixel column at a time (Design.columns); a mini-batch takes the same
    sums over its images only. Weighted images (Design.weights, s_i) count as that many copies.
    A point is a Twin of (w, b); `measure` and `gradient` breathe (yield None) on long designs.
    """

    def __init__(self, design: Design, l2: float = 0.0, breather: Breather | None = None):
        self.design = design
        self.l2 = l2
        self.breather = breather or Breather()

    def value(self, w: Sequence[float], b: float) -> float:
        data_loss = evaluate_logits(self.design.logits(w, b), self.design.labels, self.design.weights).loss
        return data_loss + 0.5 * self.l2 * sumprod(w, w)

    def measure(self, at: Twin):
        """The scores at `at` and their Evaluation (loss, accuracy, residuals), a chunk of images at a time."""
        w, b, rows, z = at.x[:-1], at.x[-1], self.design.rows, []
        for start in range(0, len(rows), Breather.CHUNK):
            z += [b + sumprod(row.gather(w), row.values) for row in rows[start : start + Breather.CHUNK]]
            yield from self.breather.breathe()
        return evaluate_logits(z, self.design.labels, self.design.weights)

    def penalised(self, fit: Evaluation, at: Twin) -> float:
        """The loss with its L2 term, at `at` measured as `fit` (the bias is not penalised)."""
        w = at.x[:-1]
        return fit.loss + 0.5 * self.l2 * sumprod(w, w)

    def pulls(self, residuals: Sequence[float]) -> Vector:
        """reference.pulls over every image: s_i (p_i - y_i) / S, from the residuals p_i - y_i."""
        weights = self.design.weights
        if weights is None:
            n = self.design.n
            return [r / n for r in residuals]
        total = sum(weights)
        return [s * r / total for r, s in zip(residuals, weights)]

    def gradient(self, at: Twin, fit: Evaluation):
        """The full-batch gradient at `at`, and its image-space twin pull_i + l2 alpha_i when `at` has alpha."""
        pull, l2, w = self.pulls(fit.residuals), self.l2, at.x[:-1]
        grad_w = [0.0] * IMAGE_PIXELS
        for k, column in enumerate(self.design.columns):
            grad_w[column.pixel] = sumprod(column.gather(pull), column.values)
            if k % 64 == 63:
                yield from self.breather.breathe()
        if l2:
            grad_w = [g + l2 * wj for g, wj in zip(grad_w, w)]
        alpha = None if at.alpha is None else [p + l2 * a for p, a in zip(pull, at.alpha)]
        return Twin([*grad_w, sum(pull)], alpha)

    def batch_gradient(self, w: Sequence[float], b: float, batch: Sequence[int]) -> tuple[Vector, float, Vector]:
        """The gradient with the sums over the images in `batch` only, and each one's pull."""
        grad_w, grad_b, rows, labels = [0.0] * IMAGE_PIXELS, 0.0, self.design.rows, self.design.labels
        weights = self.design.weights
        total = sum(weights[i] for i in batch) if weights else len(batch)
        pulls = []
        for i in batch:
            row = rows[i]
            error = sigmoid(b + sumprod(row.gather(w), row.values)) - labels[i]
            pull = (1.0 if weights is None else weights[i]) * error / total
            pulls.append(pull)
            grad_b += pull
            for k, v in zip(row.indices, row.values):
                grad_w[k] += pull * v
        if self.l2:
            grad_w = [g + self.l2 * wj for g, wj in zip(grad_w, w)]
        return grad_w, grad_b, pulls


# ---- 4. one step (reference.step)


def gradient_step(w: Vector, b: float, grad_w: Sequence[float], grad_b: float, learning_rate: float):
    """One descent step: move against the gradient."""
    return [wj - learning_rate * gj for wj, gj in zip(w, grad_w)], b - learning_rate * grad_b


class Twin:
    """A point or direction (all the weights, then the biases, as one vector) and, when tracked, its twin in
    image space: the alpha with w = sum_i alpha_i x_i. Sums and multiples are taken in both spaces; dot
    products in weight space only. The optimisers below are written on Twins, so w = X^T alpha holds
    without a line about it."""

    __slots__ = ("x", "alpha")

    def __init__(self, x: Vector, alpha: Vector | None = None):
        self.x, self.alpha = x, alpha

    def dot(self, other: Twin) -> float:
        return sumprod(self.x, other.x)

    def plus(self, c: float, other: Twin) -> Twin:
        """self + c * other, in one pass per space."""
        alpha = None if self.alpha is None else [u + c * v for u, v in zip(self.alpha, other.alpha)]
        return Twin([u + c * v for u, v in zip(self.x, other.x)], alpha)

    def times(self, c: float) -> Twin:
        return Twin([c * u for u in self.x], None if self.alpha is None else [c * u for u in self.alpha])


# ---- 4b. a better step: L-BFGS (reference.lbfgs_direction, reference.lbfgs)


class QuasiNewton:
    """L-BFGS: step along -H g, where H, built from the last `memory` steps s and gradient changes y,
    approximates the inverse of the loss's curvature (its Hessian); then a backtracking line search
    halves the step until the loss drops enough (Armijo). For any objective with measure, penalised and
    gradient (LogisticLoss here, softmax.SoftmaxLoss for ten digits).
    """

    ARMIJO = 1e-4  # the loss must fall by at least this fraction of what the slope promises
    HALVINGS = 30  # a step 2^-30 the size that still does not lower the loss: converged

    def __init__(self, objective, memory: int = 10):
        self.objective = objective
        self.memory = memory
        self.history: list[tuple[Twin, Twin, float]] = []  # (s, y, 1 / y.s), oldest first
        self.g: Twin | None = None  # the gradient at the current point

    def direction(self, g: Twin) -> Twin:
        """-H g by the two-loop recursion, as reference.lbfgs_direction writes it."""
        q, coefficients = g, []
        for s, y, rho in reversed(self.history):
            a = rho * s.dot(q)
            q = q.plus(-a, y)
            coefficients.append(a)
        if self.history:
            s, y, _ = self.history[-1]
            q = q.times(s.dot(y) / y.dot(y))
        for (s, y, rho), a in zip(self.history, reversed(coefficients)):
            beta = rho * y.dot(q)
            q = q.plus(a - beta, s)
        return q.times(-1.0)

    def step(self, point: Twin, fit):
        """(the next point, its evaluation), or None once no step lowers the loss (converged); breathes."""
        objective = self.objective
        g = self.g or (yield from objective.gradient(point, fit))
        d = self.direction(g)
        slope = g.dot(d)
        if slope >= 0:  # not downhill (round-off in the memory): forget it, go straight down
            self.history, d, slope = [], g.times(-1.0), -g.dot(g)
        start, t = objective.penalised(fit, point), 1.0
        for _ in range(self.HALVINGS):  # backtracking line search (Armijo)
            new = point.plus(t, d)
            new_fit = yield from objective.measure(new)
            if objective.penalised(new_fit, new) <= start + self.ARMIJO * t * slope:
                break
            t /= 2
        else:
            return None
        self.g = yield from objective.gradient(new, new_fit)
        s, y = d.times(t), self.g.plus(-1.0, g)
        if (ys := y.dot(s)) > 1e-12:  # keep only pairs that say the loss curves upward
            self.history = [*self.history, (s, y, 1.0 / ys)][-self.memory :]
        return new, new_fit


# ---- 5. training (reference.gradient_descent, reference.lbfgs)


def minibatches(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    """One epoch: a seeded shuffle of range(n) cut into batches (the last may be smaller), as reference.batches."""
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
    """The state after `iteration` passes; iteration 0 is the starting point. w and b are the weights and the
    bias (for ten digits, softmax.py: W's ten rows and the ten biases)."""

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
    objective: float | None = None  # loss + its L2 term: what the optimiser lowers (loss alone may rise)

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
    loss blows up. With `heartbeat` (seconds) a long iteration also yields None that often.
    From w = 0, w = sum_i alpha_i x_i all along (Progress.alpha); from a given w, only if its alpha is given.
    """
    breather = Breather(heartbeat)
    objective = LogisticLoss(train_set, config.l2, breather)
    test = LogisticLoss(test_set, 0.0, breather) if test_set else None
    point = starting_point(train_set, w, b, alpha)
    return run(objective, test, point, config, lambda at: (at.x[:-1], at.x[-1], at.alpha))


def run(objective, test, point: Twin, config: TrainConfig, unpack) -> Iterator[Progress | None]:
    """The training loop, for any objective (LogisticLoss, softmax.SoftmaxLoss): measure, report, step."""
    start, rng = time.perf_counter(), random.Random(config.seed)
    quasi_newton = QuasiNewton(objective) if config.method == "lbfgs" else None
    fit = None
    for iteration in range(config.iterations + 1):
        # 1. Measure the current weights (the forward pass doubles as the gradient's input).
        fit = fit or (yield from objective.measure(point))
        if not (fit.loss <= DIVERGED_LOSS and all(map(math.isfinite, point.x))):
            raise TrainingDiverged(iteration, fit.loss)
        tested = (yield from test.measure(point)) if test else None
        w, b, alpha = unpack(point)
        yield Progress(
            iteration=iteration,
            iterations=config.iterations,
            loss=fit.loss,
            train_accuracy=fit.accuracy,
            test_loss=tested.loss if tested else None,
            test_accuracy=tested.accuracy if tested else None,
            elapsed=time.perf_counter() - start,
            w=w,
            b=b,
            alpha=alpha,
            objective=objective.penalised(fit, point),
        )
        if iteration == config.iterations:
            return
        # 2. Step: L-BFGS with its line search, one full-batch step, or one shuffled epoch of mini-batch steps.
        if quasi_newton:
            if (moved := (yield from quasi_newton.step(point, fit))) is None:
                return  # converged: no step lowers the loss any more
            point, fit = moved  # the line search already measured the new point
        elif config.batch_size == 0 or config.batch_size >= objective.design.n:
            point, fit = point.plus(-config.learning_rate, (yield from objective.gradient(point, fit))), None
        else:
            point = yield from minibatch_epoch(objective, point, config.learning_rate, rng, config.batch_size)
            fit = None


def starting_point(train_set: Design, w, b: float, alpha) -> Twin:
    """w = 0 (so alpha = 0), or the given w with its alpha if it has one."""
    if w is None:
        return Twin([0.0] * IMAGE_PIXELS + [float(b)], [0.0] * train_set.n)
    return Twin([*map(float, w), float(b)], None if alpha is None else [float(a) for a in alpha])


def minibatch_epoch(objective: LogisticLoss, point: Twin, lr: float, rng, batch_size: int):
    """One shuffled epoch of mini-batch steps (reference.gradient_descent's inner loop), breathing between
    batches; returns the new point.

    A step changes alpha only on its batch, but L2 shrinks every alpha_j: alpha is kept as scale * beta,
    so that shrink is one multiplication of scale rather than a pass over all n."""
    w, b = point.x[:-1], point.x[-1]
    scale, beta = 1.0, None if point.alpha is None else list(point.alpha)
    for batch in minibatches(objective.design.n, batch_size, rng):
        grad_w, grad_b, pulls = objective.batch_gradient(w, b, batch)
        w, b = gradient_step(w, b, grad_w, grad_b, lr)
        if beta is not None:
            scale *= 1.0 - lr * objective.l2
            if abs(scale) < 1e-100:  # fold the scale back in before it underflows (or is exactly 0)
                beta, scale = [scale * v for v in beta], 1.0
            for i, pull in zip(batch, pulls):
                beta[i] -= lr * pull / scale
        yield from objective.breather.breathe()
    return Twin([*w, b], None if beta is None else [scale * v for v in beta])


def fit(train_set: Design, test_set: Design | None, config: TrainConfig, **start) -> Progress:
    """Run `train` to the end and return the final Progress."""
    progress = None
    for progress in train(train_set, test_set, config, **start):  # noqa: B007 - the last one is the result
        pass
    return progress
