"""The independent oracle: logistic regression in numpy, for the tests and the benchmarks."""

from __future__ import annotations

import random

import numpy as np

from digitlab.model import Evaluation, Twin, complete, minibatches


def as_numpy(design):
    """A Design's images as an (n, 784) float array (pixel/255) and its labels as floats."""
    X = np.frombuffer(design.pixels, dtype=np.uint8).reshape(design.n, 784) / 255.0
    return X, np.array(design.labels, dtype=float)


def bundle_arrays(bundle):
    """A pair's bundle as float arrays: X train, y train, X test, y test."""

    def arrays(split):
        pixels = np.frombuffer(split.pixels, np.uint8).reshape(split.n, 784) / 255.0
        return pixels, np.frombuffer(split.labels, np.uint8).astype(float)

    return (*arrays(bundle.train), *arrays(bundle.test))


def loss_and_gradient(X, y, w, b, l2):
    """(loss, d loss / d w, d loss / d b): mean cross-entropy + (l2/2)|w|^2."""
    z = X @ w + b
    loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * w @ w
    r = 1.0 / (1.0 + np.exp(-z)) - y
    return loss, X.T @ r / len(y) + l2 * w, r.mean()


def full_batch_run(X, y, lr, iterations, l2=0.0, Xt=None, yt=None, stop_at=None):
    """Gradient descent from zeros: (w, b, iterations run); with stop_at, stops at that test accuracy."""
    w, b = np.zeros(X.shape[1]), 0.0
    for iteration in range(iterations + 1):
        if stop_at is not None and np.mean(((Xt @ w + b) >= 0) == (yt == 1)) >= stop_at:
            return w, b, iteration
        if iteration == iterations:
            break
        _, gw, gb = loss_and_gradient(X, y, w, b, l2)
        w, b = w - lr * gw, b - lr * gb
    return w, b, iterations


def minibatch_run(X, y, lr, iterations, l2, batch_size, seed):
    """Seeded mini-batch SGD with the same shuffles as model.train."""
    w, b, rng = np.zeros(784), 0.0, random.Random(seed)
    for _ in range(iterations):
        for batch in minibatches(len(y), batch_size, rng):
            _, gw, gb = loss_and_gradient(X[batch], y[batch], w, b, l2)
            w, b = w - lr * gw, b - lr * gb
    return w, b


def gradient_of(objective, w, b, residuals):
    """(d loss / d w, d loss / d b) from the fast code's full-batch gradient (which works on Twins)."""
    g = complete(objective.gradient(Twin([*w, b]), Evaluation(0.0, 0.0, residuals)))
    return g.x[:-1], g.x[-1]


# ---- scikit-learn's verdicts, which tests compare the shipped models with. They take ~40 s and depend only on
# the bundled data, so conftest.py starts them in a second process as soon as a test that needs them is
# collected, and the rest of the suite runs on the other core meanwhile.


def sklearn_pair_errors(data_dir: str) -> dict[str, float]:
    """LogisticRegression(C=1) per pair, trained on the pair's train split: its error on the test split."""
    from sklearn.linear_model import LogisticRegression

    from digitlab.data import PAIRS, pair_name, read_pair

    errors = {}
    for a, b in PAIRS:
        X, y, Xt, yt = bundle_arrays(read_pair(data_dir, a, b)[0])
        errors[pair_name(a, b)] = 1 - LogisticRegression(C=1.0, max_iter=2000).fit(X, y).score(Xt, yt)
    return errors


def sklearn_ten_accuracy(data_dir: str, l2: float) -> float:
    """Multinomial LogisticRegression with the penalty l2 (C = 1 / (l2 n)) on all ten digits' train split,
    scored on the test split."""
    from sklearn.linear_model import LogisticRegression

    from digitlab.data import read_ten

    X, y, Xt, yt = bundle_arrays(read_ten(data_dir)[0])
    return LogisticRegression(C=1 / (l2 * len(y)), max_iter=3000).fit(X, y).score(Xt, yt)
