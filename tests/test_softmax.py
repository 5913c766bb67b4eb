"""Ten digits: the fast softmax against the textbook's (reference.py), numpy and scikit-learn."""

from pathlib import Path

import numpy as np
import pytest

from digitlab import reference, softmax
from digitlab.config import TrainConfig
from digitlab.data import DIGITS, decode_digit, digit_file
from digitlab.model import Twin, complete
from digitlab.sparse import Design

ROOT = Path(__file__).resolve().parents[1]


def ten_design(every: int, split: str = "train", weights=None) -> Design:
    """Every `every`-th image of each digit's split, all ten digits, labels 0-9."""
    digits = [decode_digit((ROOT / "site" / "data" / digit_file(d)).read_bytes()) for d in DIGITS]
    pixels, labels = [], []
    for digit in digits:
        images = getattr(digit, split)
        for i in range(0, len(images) // 784, every):
            pixels.append(images[i * 784 : (i + 1) * 784])
            labels.append(digit.digit)
    return Design(b"".join(pixels), labels, weights and weights(len(labels)))


@pytest.fixture(scope="module")
def small():
    """~80 training images of all ten digits, some weighted (taught ones weigh 100, a forgotten one nothing)."""
    design = ten_design(100, weights=lambda n: [100.0 if k in (3, 40) else 0.0 if k == 7 else 1.0 for k in range(n)])
    X = [design.image(i) for i in range(design.n)]
    return design, X, design.labels, design.weights


@pytest.fixture(scope="module")
def somewhere():
    rng = np.random.default_rng(5)
    return [list(rng.normal(0, 0.05, 784)) for _ in range(10)], list(rng.normal(0, 0.5, 10))


def close(u, v, tolerance):
    return len(u) == len(v) and max(abs(a - b) for a, b in zip(u, v)) <= tolerance


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_loss_and_gradient_equal_the_reference(small, somewhere, l2):
    design, X, y, s = small
    W, b = somewhere
    objective = softmax.SoftmaxLoss(design, l2)
    point = Twin(softmax.joined(W, b))
    fit = complete(objective.measure(point))
    assert abs(objective.penalised(fit, point) - reference.softmax_loss(W, b, X, y, l2, s)) <= 1e-12
    grad_W, grad_b = reference.softmax_gradient(W, b, X, y, l2, s)
    assert close(complete(objective.gradient(point, fit)).x, softmax.joined(grad_W, grad_b), 1e-12)


def test_the_reference_equals_numpy(small, somewhere):
    design, X, y, s = small
    W, b = somewhere
    Xa, Wa, ba, sa = np.array(X), np.array(W), np.array(b), np.array(s)
    Z = Xa @ Wa.T + ba
    logp = Z - np.logaddexp.reduce(Z, axis=1, keepdims=True)
    loss = -np.sum(sa * logp[np.arange(len(y)), y]) / sa.sum() + 0.005 * (Wa * Wa).sum()
    assert reference.softmax_loss(W, b, X, y, 0.01, s) == pytest.approx(loss, rel=1e-12)
    R = (np.exp(logp) - np.eye(10)[y]) * sa[:, None] / sa.sum()
    grad_W, grad_b = reference.softmax_gradient(W, b, X, y, 0.01, s)
    np.testing.assert_allclose(grad_W, R.T @ Xa + 0.01 * Wa, atol=1e-13)
    np.testing.assert_allclose(grad_b, R.sum(0), atol=1e-13)


def test_lbfgs_equals_the_textbook_lbfgs(small):
    design, X, y, s = small
    W, b = reference.softmax_lbfgs(X, y, 10, l2=0.01, iterations=5, s=s)
    fast = softmax.fit(design, None, TrainConfig(iterations=5, l2=0.01))
    assert fast.iteration == 5 and close(softmax.joined(fast.w, fast.b), softmax.joined(W, b), 1e-9)


def test_two_classes_are_logistic_regression(small, somewhere):
    """p(b | a or b) = sigmoid((W_b - W_a) . x + (b_b - b_a)): a pair's verdict is a written sum."""
    _, X, _, _ = small
    W, b = somewhere
    from digitlab.model import sigmoid

    for x in X[:10]:
        p = softmax.softmax(softmax.scores(W, b, x))
        z = sum((W[5][j] - W[3][j]) * x[j] for j in range(784)) + b[5] - b[3]
        assert p[5] / (p[3] + p[5]) == pytest.approx(sigmoid(z), rel=1e-12)


def test_gradient_descent_matches_numpy_and_breathes(small):
    design, X, y, s = small
    config = TrainConfig(method="gd", learning_rate=0.5, iterations=3, l2=0.001)
    steps = list(softmax.train(design, None, config, heartbeat=0.0))
    final = [p for p in steps if p is not None][-1]
    Xa, Y, sa = np.array(X), np.eye(10)[y], np.array(s)
    Wn, bn = np.zeros((10, 784)), np.zeros(10)
    for _ in range(3):
        Z = Xa @ Wn.T + bn
        P = np.exp(Z - np.logaddexp.reduce(Z, axis=1, keepdims=True))
        R = (P - Y) * sa[:, None] / sa.sum()
        Wn, bn = Wn - 0.5 * (R.T @ Xa + 0.001 * Wn), bn - 0.5 * R.sum(0)
    np.testing.assert_allclose(final.w, Wn, atol=1e-12)
    np.testing.assert_allclose(final.b, bn, atol=1e-12)
    assert len(steps) > 4  # heartbeats inside the passes


def test_mini_batches_are_refused_for_ten_digits(small):
    with pytest.raises(ValueError, match="full batches"):
        softmax.train(small[0], None, TrainConfig(method="gd", batch_size=8))


def test_softmax_and_the_accuracy_it_reports_are_numpys(small, somewhere):
    design, X, y, s = small
    W, b = somewhere
    for z in ([0.0] * 10, [float(v) for v in np.linspace(-700, 700, 10)], [3.0, -1.0, 0.5, 2.0, 2.0, 0, 0, 0, 0, 1.0]):
        expected = np.exp(np.array(z) - np.logaddexp.reduce(z))
        np.testing.assert_allclose(softmax.softmax(z), expected, rtol=1e-12, atol=1e-300)
    fit = complete(softmax.SoftmaxLoss(design).measure(Twin(softmax.joined(W, b))))
    read_as = (np.array(X) @ np.array(W).T + np.array(b)).argmax(1)
    assert fit.accuracy == pytest.approx(np.sum(np.array(s) * (read_as == np.array(y))) / np.sum(s), abs=1e-12)
    assert 0 < fit.accuracy < 1
