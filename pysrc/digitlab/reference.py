"""Logistic regression as the textbook writes it: dense lists, one formula per function.

Read this file first. model.py computes the same numbers fast (sparse data, one C-level
call per dot product); tests/test_reference.py holds it to this file: the loss, the
gradient and gradient descent within 1e-12, L-BFGS within 1e-9 (its line search and
memory amplify the last bits of round-off).

X is a list of n images, each a list of d pixel values; y is a list of n labels, 0 or 1;
s (optional) gives each image a weight: image i counts as s_i images (s_i = 1 if not given).

    z_i = w . x_i + b                      the score of image i
    p_i = sigmoid(z_i) = 1 / (1 + e^-z_i)  the probability that image i is a 1

    loss(w, b) = -(1/S) sum_i s_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ]  +  (l2/2) |w|^2,   S = sum_i s_i

    d loss / d w_j = (1/S) sum_i s_i (p_i - y_i) x_ij  +  l2 w_j
    d loss / d b   = (1/S) sum_i s_i (p_i - y_i)

The first term of the loss is the mean cross-entropy; the second, L2, penalises large
weights but not the bias. Gradient descent repeats one step:

    w <- w - learning_rate * d loss / d w,     b <- b - learning_rate * d loss / d b

Every step adds training images to w (each image i is pulled along x_i by its error), so
from w = 0 the weights stay a weighted sum of the training images, w = sum_i alpha_i x_i:
alpha says which images taught the model what. Each function that trains returns it.

L-BFGS (the page's default) chooses the step better. It keeps the last few steps s and
gradient changes y; together they say how the loss curves, and the two-loop recursion
turns the gradient g into a direction d = -H g that is steep where the loss is flat and
gentle where it curves sharply. A line search then tries the whole step and halves it
until the loss drops by at least 1e-4 of what the slope g . d promises.
"""

from __future__ import annotations

import math
import random

Vector = list[float]


def dot(u: Vector, v: Vector) -> float:
    """u . v = sum_j u_j v_j"""
    return sum(u_j * v_j for u_j, v_j in zip(u, v))


def sigmoid(z: float) -> float:
    """sigmoid(z) = 1 / (1 + e^-z), written as e^z / (1 + e^z) for negative z so e^-z cannot overflow."""
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    return math.exp(z) / (1 + math.exp(z))


def log_sigmoid(z: float) -> float:
    """log sigmoid(z) = -log(1 + e^-z), without overflow and without taking log(0) when p rounds to 1."""
    return -(max(-z, 0.0) + math.log1p(math.exp(-abs(z))))


def loss(w: Vector, b: float, X: list[Vector], y: list[int], l2: float, s: Vector | None = None) -> float:
    """Mean cross-entropy (image i counted s_i times) plus (l2/2)|w|^2. Uses log(1 - sigmoid(z)) = log sigmoid(-z)."""
    s = s or [1.0] * len(X)
    total = 0.0
    for x_i, y_i, s_i in zip(X, y, s):
        z_i = dot(w, x_i) + b
        total += -s_i * (y_i * log_sigmoid(z_i) + (1 - y_i) * log_sigmoid(-z_i))
    return total / sum(s) + l2 / 2 * dot(w, w)


def pulls(w: Vector, b: float, X: list[Vector], y: list[int], s: Vector, batch: list[int]) -> dict[int, float]:
    """How hard the gradient pulls along each image of the batch: s_i (p_i - y_i) / S over the batch."""
    total = sum(s[i] for i in batch)
    return {i: s[i] * (sigmoid(dot(w, X[i]) + b) - y[i]) / total for i in batch}


def gradient(w: Vector, b: float, X: list[Vector], y: list[int], l2: float, s: Vector | None = None):
    """(d loss / d w, d loss / d b): each image pulls w along x_i by its weighted error."""
    s = s or [1.0] * len(X)
    grad_w = [l2 * w_j for w_j in w]
    grad_b = 0.0
    for i, pull in pulls(w, b, X, y, s, list(range(len(X)))).items():
        for j, x_ij in enumerate(X[i]):
            grad_w[j] += pull * x_ij
        grad_b += pull
    return grad_w, grad_b


def step(w: Vector, b: float, grad_w: Vector, grad_b: float, learning_rate: float) -> tuple[Vector, float]:
    """One gradient-descent step: move against the gradient, scaled by the learning rate."""
    return [w_j - learning_rate * g_j for w_j, g_j in zip(w, grad_w)], b - learning_rate * grad_b


def batches(n: int, batch_size: int, rng: random.Random) -> list[list[int]]:
    """One pass over the images: all at once (batch size 0), or shuffled and cut into batches."""
    if batch_size == 0 or batch_size >= n:
        return [list(range(n))]
    order = list(range(n))
    rng.shuffle(order)
    return [order[k : k + batch_size] for k in range(0, n, batch_size)]


def gradient_descent(X, y, l2: float, learning_rate: float, iterations: int, batch_size=0, seed=0, s=None):
    """(w, b, alpha) after `iterations` passes of gradient descent from w = 0, b = 0.

    A step on a batch pulls w along each of its images x_i by learning_rate * pull_i, so it moves
    alpha_i by the same; L2 shrinks w by (1 - learning_rate * l2), so it shrinks every alpha_j too.
    """
    s = s or [1.0] * len(X)
    w, b, alpha = [0.0] * len(X[0]), 0.0, [0.0] * len(X)
    rng = random.Random(seed)
    for _ in range(iterations):
        for batch in batches(len(X), batch_size, rng):
            pulled = pulls(w, b, X, y, s, batch)
            grad_w, grad_b = [l2 * w_j for w_j in w], sum(pulled.values())
            for i, pull in pulled.items():
                grad_w = [g_j + pull * x_ij for g_j, x_ij in zip(grad_w, X[i])]
            w, b = step(w, b, grad_w, grad_b, learning_rate)
            alpha = [a_i * (1 - learning_rate * l2) for a_i in alpha]
            for i, pull in pulled.items():
                alpha[i] -= learning_rate * pull
    return w, b, alpha


def lbfgs_direction(g: Vector, history: list[tuple], g_alpha: Vector | None = None):
    """d = -H g by the two-loop recursion; history holds (s, y, s_alpha, y_alpha), oldest first.

    Whatever the recursion does to q it also does to q's image-space twin, q_alpha: d_alpha is then
    the same direction written as a sum of training images (None when g_alpha is None)."""
    q, q_alpha, alphas = list(g), g_alpha and list(g_alpha), []
    for s, y, _, y_a in reversed(history):
        alpha = dot(s, q) / dot(y, s)
        q = [q_j - alpha * y_j for q_j, y_j in zip(q, y)]
        q_alpha = q_alpha and [q_j - alpha * y_j for q_j, y_j in zip(q_alpha, y_a)]
        alphas.append(alpha)
    if history:
        s, y, *_ = history[-1]
        gamma = dot(s, y) / dot(y, y)
        q = [gamma * q_j for q_j in q]
        q_alpha = q_alpha and [gamma * q_j for q_j in q_alpha]
    for (s, y, s_a, _), alpha in zip(history, reversed(alphas)):
        beta = dot(y, q) / dot(y, s)
        q = [q_j + (alpha - beta) * s_j for q_j, s_j in zip(q, s)]
        q_alpha = q_alpha and [q_j + (alpha - beta) * s_j for q_j, s_j in zip(q_alpha, s_a)]
    return [-q_j for q_j in q], q_alpha and [-q_j for q_j in q_alpha]


def lbfgs(X, y, l2: float, iterations: int, memory: int = 10, s: Vector | None = None):
    """(w, b, alpha) after L-BFGS from w = 0, b = 0; the weights and the bias travel as one vector x = (w, b).

    The gradient d loss / d w = sum_i pull_i x_i + l2 w is, in image space, pull_i + l2 alpha_i: every
    vector the method combines (gradients, steps, their differences) has that twin, and w = sum_i alpha_i x_i
    holds at every iterate."""
    s = s or [1.0] * len(X)
    x, x_alpha = [0.0] * (len(X[0]) + 1), [0.0] * len(X)
    history: list[tuple] = []

    def loss_and_gradient(x, x_alpha):
        w, b = x[:-1], x[-1]
        grad_w, grad_b = gradient(w, b, X, y, l2, s)
        pulled = pulls(w, b, X, y, s, list(range(len(X))))
        return loss(w, b, X, y, l2, s), grad_w + [grad_b], [pulled[i] + l2 * a for i, a in enumerate(x_alpha)]

    f, g, g_alpha = loss_and_gradient(x, x_alpha)
    for _ in range(iterations):
        d, d_alpha = lbfgs_direction(g, history, g_alpha)
        t = 1.0
        while True:  # backtracking line search (Armijo)
            x_new = [x_j + t * d_j for x_j, d_j in zip(x, d)]
            x_alpha_new = [a + t * d_a for a, d_a in zip(x_alpha, d_alpha)]
            f_new, g_new, g_alpha_new = loss_and_gradient(x_new, x_alpha_new)
            if f_new <= f + 1e-4 * t * dot(g, d):
                break
            t /= 2
        s_k, y_k = [t * d_j for d_j in d], [g_n - g_j for g_n, g_j in zip(g_new, g)]
        s_alpha, y_alpha = [t * d_a for d_a in d_alpha], [n - o for n, o in zip(g_alpha_new, g_alpha)]
        if dot(y_k, s_k) > 1e-12:
            history = (history + [(s_k, y_k, s_alpha, y_alpha)])[-memory:]
        x, x_alpha, f, g, g_alpha = x_new, x_alpha_new, f_new, g_new, g_alpha_new
    return x[:-1], x[-1], x_alpha


# ---- Ten digits: softmax regression, logistic regression's own generalisation to K classes
#
#     z_ik = W_k . x_i + b_k                      the score of class k for image i (one row W_k per class)
#     p_ik = e^z_ik / sum_c e^z_ic                softmax: the probability that image i is a k
#
#     loss(W, b) = -(1/S) sum_i s_i log p_i,y_i  +  (l2/2) sum_k |W_k|^2
#
#     d loss / d W_kj = (1/S) sum_i s_i (p_ik - [y_i = k]) x_ij  +  l2 W_kj
#     d loss / d b_k  = (1/S) sum_i s_i (p_ik - [y_i = k])
#
# With two classes it is the logistic regression above: p_i1 = sigmoid(z_i1 - z_i0). And any two digits
# a and b are compared by a written sum, log(p_a / p_b) = (W_a - W_b) . x + (b_a - b_b).


def softmax(z: Vector) -> Vector:
    """e^z_k / sum_c e^z_c, computed with max(z) taken out first so no e^z overflows."""
    top = max(z)
    e = [math.exp(z_k - top) for z_k in z]
    total = sum(e)
    return [e_k / total for e_k in e]


def log_softmax(z: Vector) -> Vector:
    """log p_k = z_k - log sum_c e^z_c, without overflow."""
    top = max(z)
    log_total = top + math.log(sum(math.exp(z_k - top) for z_k in z))
    return [z_k - log_total for z_k in z]


def scores(W: list[Vector], b: Vector, x: Vector) -> Vector:
    """z_k = W_k . x + b_k for every class k."""
    return [dot(W_k, x) + b_k for W_k, b_k in zip(W, b)]


def softmax_loss(W: list[Vector], b: Vector, X, y, l2: float, s: Vector | None = None) -> float:
    """Mean cross-entropy of the true class (image i counted s_i times) plus (l2/2) sum_k |W_k|^2."""
    s = s or [1.0] * len(X)
    total = sum(-s_i * log_softmax(scores(W, b, x_i))[y_i] for x_i, y_i, s_i in zip(X, y, s))
    return total / sum(s) + l2 / 2 * sum(dot(W_k, W_k) for W_k in W)


def softmax_gradient(W: list[Vector], b: Vector, X, y, l2: float, s: Vector | None = None):
    """(d loss / d W, d loss / d b): image i pulls each row W_k along x_i by s_i (p_ik - [y_i = k]) / S."""
    s = s or [1.0] * len(X)
    total = sum(s)
    grad_W = [[l2 * w for w in W_k] for W_k in W]
    grad_b = [0.0] * len(b)
    for x_i, y_i, s_i in zip(X, y, s):
        p = softmax(scores(W, b, x_i))
        for k, p_k in enumerate(p):
            pull = s_i * (p_k - (k == y_i)) / total
            grad_W[k] = [g + pull * x_ij for g, x_ij in zip(grad_W[k], x_i)]
            grad_b[k] += pull
    return grad_W, grad_b


def softmax_lbfgs(X, y, classes: int, l2: float, iterations: int, memory: int = 10, s: Vector | None = None):
    """(W, b) after L-BFGS from zero, with W and b travelling as one vector (the rows of W, then b): the same
    two-loop recursion and line search as lbfgs above, on the softmax loss."""
    d = len(X[0])

    def unpack(x):
        return [x[k * d : (k + 1) * d] for k in range(classes)], x[classes * d :]

    def loss_and_gradient(x):
        W, b = unpack(x)
        grad_W, grad_b = softmax_gradient(W, b, X, y, l2, s)
        return softmax_loss(W, b, X, y, l2, s), [g for row in grad_W for g in row] + grad_b

    x, history = [0.0] * (classes * (d + 1)), []
    f, g = loss_and_gradient(x)
    for _ in range(iterations):
        direction, _ = lbfgs_direction(g, history)
        t = 1.0
        while True:  # backtracking line search (Armijo)
            x_new = [x_j + t * d_j for x_j, d_j in zip(x, direction)]
            f_new, g_new = loss_and_gradient(x_new)
            if f_new <= f + 1e-4 * t * dot(g, direction):
                break
            t /= 2
        s_k, y_k = [t * d_j for d_j in direction], [g_n - g_j for g_n, g_j in zip(g_new, g)]
        if dot(y_k, s_k) > 1e-12:
            history = (history + [(s_k, y_k, None, None)])[-memory:]
        x, f, g = x_new, f_new, g_new
    return unpack(x)
