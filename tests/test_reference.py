"""The textbook reference against the fast code (to 1e-12 on real images) and against numpy."""

from pathlib import Path

import numpy as np
import pytest

from digitlab import reference
from digitlab.config import TrainConfig
from digitlab.data import read_pair
from digitlab.model import LogisticLoss, evaluate_logits, fit, gradient_step, sigmoid
from digitlab.sparse import Design
from oracle import loss_and_gradient

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def images():
    """120 real training images (both digits) as a Design and as the reference's dense lists."""
    bundle = read_pair(ROOT / "site" / "data", 0, 1)[0]
    picks = list(range(0, bundle.train.n, bundle.train.n // 120))[:120]
    pixels = b"".join(bundle.train.image_bytes(i) for i in picks)
    design = Design(pixels, [bundle.train.labels[i] for i in picks])
    X = [design.image(i) for i in range(design.n)]
    return design, X, design.labels


@pytest.fixture(scope="module")
def trained(images):
    """Weights after a few full-batch steps: far from zero, with confident and unsure images alike."""
    design = images[0]
    progress = fit(design, None, TrainConfig(method="gd", learning_rate=1.0, iterations=4))
    return progress.w, progress.b


def test_sigmoid_agrees_everywhere():
    for z in (-800.0, -40.0, -3.5, 0.0, 1e-9, 2.0, 35.0, 800.0):
        assert reference.sigmoid(z) == pytest.approx(sigmoid(z), rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_fast_loss_and_gradient_equal_the_reference_on_real_images(images, trained, l2):
    design, X, y = images
    w, b = trained
    objective = LogisticLoss(design, l2)
    assert abs(objective.value(w, b) - reference.loss(w, b, X, y, l2)) <= 1e-12
    residuals = evaluate_logits(design.logits(w, b), design.labels).residuals
    fast_w, fast_b = objective.gradient(w, residuals)
    ref_w, ref_b = reference.gradient(w, b, X, y, l2)
    assert max(abs(f - r) for f, r in zip(fast_w, ref_w)) <= 1e-12
    assert abs(fast_b - ref_b) <= 1e-12


def test_fast_step_equals_the_reference_step(trained):
    w, b = trained
    grad_w, grad_b = [0.001 * (j % 7 - 3) for j in range(784)], 0.25
    assert gradient_step(w, b, grad_w, grad_b, 0.5) == reference.step(w, b, grad_w, grad_b, 0.5)


def test_reference_training_equals_the_fast_training(images):
    """Three textbook steps from zero land where model.train lands."""
    design, X, y = images
    w, b = [0.0] * 784, 0.0
    for _ in range(3):
        grad_w, grad_b = reference.gradient(w, b, X, y, 0.001)
        w, b = reference.step(w, b, grad_w, grad_b, 1.0)
    fast = fit(design, None, TrainConfig(method="gd", learning_rate=1.0, iterations=3, l2=0.001))
    assert max(abs(a - c) for a, c in zip(w, fast.w)) <= 1e-12 and abs(b - fast.b) <= 1e-12


def test_reference_equals_numpy(images, trained):
    design, X, y = images
    w, b = trained
    loss_np, grad_w_np, grad_b_np = loss_and_gradient(np.array(X), np.array(y, float), np.array(w), b, 0.01)
    assert reference.loss(w, b, X, y, 0.01) == pytest.approx(loss_np, rel=1e-12)
    grad_w, grad_b = reference.gradient(w, b, X, y, 0.01)
    np.testing.assert_allclose(grad_w, grad_w_np, rtol=1e-10, atol=1e-14)
    assert grad_b == pytest.approx(grad_b_np, rel=1e-10)


def test_the_reference_states_its_formulas():
    doc = reference.__doc__
    assert "loss(w, b) = -(1/n) sum_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ]  +  (l2/2) |w|^2" in doc
    assert "d loss / d w_j = (1/n) sum_i (p_i - y_i) x_ij  +  l2 w_j" in doc


def test_fast_lbfgs_equals_the_textbook_lbfgs(images):
    """Six L-BFGS steps (memory, line search and all) land where the textbook's land."""
    design, X, y = images
    w_ref, b_ref = reference.lbfgs(X, y, l2=0.001, iterations=6)
    fast = fit(design, None, TrainConfig(method="lbfgs", iterations=6, l2=0.001))
    assert fast.iteration == 6
    assert max(abs(a - c) for a, c in zip(w_ref, fast.w)) <= 1e-9 and abs(b_ref - fast.b) <= 1e-9


def test_lbfgs_reaches_the_minimum_that_scikit_learn_finds(images):
    """Same objective as LogisticRegression(C=1): mean cross-entropy + |w|^2 / (2 C n)."""
    from sklearn.linear_model import LogisticRegression

    design, X, y = images
    l2 = 1 / design.n
    fast = fit(design, None, TrainConfig(method="lbfgs", iterations=200, l2=l2))
    ours = LogisticLoss(design, l2).value(fast.w, fast.b)
    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(np.array(X), np.array(y))
    theirs = LogisticLoss(design, l2).value(list(model.coef_[0]), float(model.intercept_[0]))
    assert ours <= theirs + 1e-7
    assert ours == pytest.approx(theirs, rel=1e-5)
