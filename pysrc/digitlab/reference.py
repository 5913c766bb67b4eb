"""Logistic regression as the textbook writes it: dense lists, one formula per function.

Read this file first. model.py computes the same numbers fast (sparse data, one C-level
call per dot product); tests/test_reference.py holds it to this file within 1e-12.

X is a list of n images, each a list of d pixel values; y is a list of n labels, 0 or 1.

    z_i = w . x_i + b                      the score of image i
    p_i = sigmoid(z_i) = 1 / (1 + e^-z_i)  the probability that image i is a 1

    loss(w, b) = -(1/n) sum_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ]  +  (l2/2) |w|^2

    d loss / d w_j = (1/n) sum_i (p_i - y_i) x_ij  +  l2 w_j
    d loss / d b   = (1/n) sum_i (p_i - y_i)

The first term of the loss is the mean cross-entropy; the second, L2, penalises large
weights but not the bias. Gradient descent repeats one step:

    w <- w - learning_rate * d loss / d w,     b <- b - learning_rate * d loss / d b

L-BFGS (the page's default) chooses the step better. It keeps the last few steps s and
gradient changes y; together they say how the loss curves, and the two-loop recursion
turns the gradient g into a direction d = -H g that is steep where the loss is flat and
gentle where it curves sharply. A line search then tries the whole step and halves it
until the loss drops by at least 1e-4 of what the slope g . d promises.
"""

from __future__ import annotations

import math

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


def loss(w: Vector, b: float, X: list[Vector], y: list[int], l2: float) -> float:
    """Mean cross-entropy plus (l2/2)|w|^2. Uses log(1 - sigmoid(z)) = log sigmoid(-z)."""
    n = len(X)
    total = 0.0
    for x_i, y_i in zip(X, y):
        z_i = dot(w, x_i) + b
        total += -(y_i * log_sigmoid(z_i) + (1 - y_i) * log_sigmoid(-z_i))
    return total / n + l2 / 2 * dot(w, w)


def gradient(w: Vector, b: float, X: list[Vector], y: list[int], l2: float) -> tuple[Vector, float]:
    """(d loss / d w, d loss / d b): each image pulls w along x_i by its error p_i - y_i."""
    n = len(X)
    grad_w = [l2 * w_j for w_j in w]
    grad_b = 0.0
    for x_i, y_i in zip(X, y):
        error = sigmoid(dot(w, x_i) + b) - y_i
        for j, x_ij in enumerate(x_i):
            grad_w[j] += error * x_ij / n
        grad_b += error / n
    return grad_w, grad_b


def step(w: Vector, b: float, grad_w: Vector, grad_b: float, learning_rate: float) -> tuple[Vector, float]:
    """One gradient-descent step: move against the gradient, scaled by the learning rate."""
    return [w_j - learning_rate * g_j for w_j, g_j in zip(w, grad_w)], b - learning_rate * grad_b


def lbfgs_direction(g: Vector, history: list[tuple[Vector, Vector]]) -> Vector:
    """d = -H g by the two-loop recursion; history holds (s, y) pairs, oldest first."""
    q, alphas = list(g), []
    for s, y in reversed(history):
        alpha = dot(s, q) / dot(y, s)
        q = [q_j - alpha * y_j for q_j, y_j in zip(q, y)]
        alphas.append(alpha)
    if history:
        s, y = history[-1]
        q = [dot(s, y) / dot(y, y) * q_j for q_j in q]
    for (s, y), alpha in zip(history, reversed(alphas)):
        beta = dot(y, q) / dot(y, s)
        q = [q_j + (alpha - beta) * s_j for q_j, s_j in zip(q, s)]
    return [-q_j for q_j in q]


def lbfgs(X: list[Vector], y: list[int], l2: float, iterations: int, memory: int = 10) -> tuple[Vector, float]:
    """L-BFGS from w = 0, b = 0; the weights and the bias travel as one vector x = (w, b)."""
    x = [0.0] * (len(X[0]) + 1)
    history: list[tuple[Vector, Vector]] = []

    def loss_and_gradient(x):
        grad_w, grad_b = gradient(x[:-1], x[-1], X, y, l2)
        return loss(x[:-1], x[-1], X, y, l2), grad_w + [grad_b]

    f, g = loss_and_gradient(x)
    for _ in range(iterations):
        d = lbfgs_direction(g, history)
        t = 1.0
        while True:  # backtracking line search (Armijo)
            x_new = [x_j + t * d_j for x_j, d_j in zip(x, d)]
            f_new, g_new = loss_and_gradient(x_new)
            if f_new <= f + 1e-4 * t * dot(g, d):
                break
            t /= 2
        s_k, y_k = [x_n - x_j for x_n, x_j in zip(x_new, x)], [g_n - g_j for g_n, g_j in zip(g_new, g)]
        if dot(y_k, s_k) > 1e-12:
            history = (history + [(s_k, y_k)])[-memory:]
        x, f, g = x_new, f_new, g_new
    return x[:-1], x[-1]
