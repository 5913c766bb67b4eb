"""The textbook reference against the fast code, path by path, and against numpy and scikit-learn.

The README's claims: the fast loss, gradient and gradient descent (full batch and seeded mini-batches,
with sample weights, alpha included) equal reference.py within 1e-12 on real images; L-BFGS within 1e-9."""

from pathlib import Path

import numpy as np
import pytest

from digitlab import reference
from digitlab.config import TrainConfig
from digitlab.data import read_pair
from digitlab.model import LogisticLoss, Twin, complete, evaluate_logits, fit, gradient_step, sigmoid
from digitlab.sparse import Design
from oracle import loss_and_gradient

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def images():
    """120 real training images of 3 and 5 as a Design and as the reference's dense lists, with sample weights
    (two of them weigh 100, one nothing: what teaching and forgetting make)."""
    bundle = read_pair(ROOT / "site" / "data", 3, 5)[0]
    picks = list(range(0, bundle.train.n, bundle.train.n // 120))[:120]
    pixels = b"".join(bundle.train.image_bytes(i) for i in picks)
    labels = [bundle.train.labels[i] for i in picks]
    weights = [100.0 if k in (3, 70) else 0.0 if k == 11 else 1.0 for k in range(len(picks))]
    design, weighted = Design(pixels, labels), Design(pixels, labels, weights)
    X = [design.image(i) for i in range(design.n)]
    return design, weighted, X, labels, weights


@pytest.fixture(scope="module")
def trained(images):
    """Weights after a few full-batch steps: far from zero, with confident and unsure images alike."""
    progress = fit(images[0], None, TrainConfig(method="gd", learning_rate=1.0, iterations=4))
    return progress.w, progress.b


def close(u, v, tolerance):
    return len(u) == len(v) and max(abs(a - b) for a, b in zip(u, v)) <= tolerance


def test_sigmoid_agrees_everywhere():
    for z in (-800.0, -40.0, -3.5, 0.0, 1e-9, 2.0, 35.0, 800.0):
        assert reference.sigmoid(z) == pytest.approx(sigmoid(z), rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("l2", [0.0, 0.01])
@pytest.mark.parametrize("weighted", [False, True])
def test_fast_loss_and_gradient_equal_the_reference(images, trained, l2, weighted):
    design, weighted_design, X, y, s = images
    design, s = (weighted_design, s) if weighted else (design, None)
    w, b = trained
    objective = LogisticLoss(design, l2)
    assert abs(objective.value(w, b) - reference.loss(w, b, X, y, l2, s)) <= 1e-12
    fit = evaluate_logits(design.logits(w, b), design.labels, design.weights)
    fast = complete(objective.gradient(Twin([*w, b]), fit)).x
    ref_w, ref_b = reference.gradient(w, b, X, y, l2, s)
    assert close(fast[:-1], ref_w, 1e-12) and abs(fast[-1] - ref_b) <= 1e-12


def test_fast_step_equals_the_reference_step(trained):
    w, b = trained
    grad_w, grad_b = [0.001 * (j % 7 - 3) for j in range(784)], 0.25
    assert gradient_step(w, b, grad_w, grad_b, 0.5) == reference.step(w, b, grad_w, grad_b, 0.5)


@pytest.mark.parametrize("batch_size", [0, 16], ids=["full-batch", "mini-batch"])
@pytest.mark.parametrize("weighted", [False, True])
def test_fast_gradient_descent_and_its_alpha_equal_the_textbook_loop(images, batch_size, weighted):
    design, weighted_design, X, y, s = images
    design, s = (weighted_design, s) if weighted else (design, None)
    config = TrainConfig(method="gd", learning_rate=0.5, iterations=3, l2=0.001, batch_size=batch_size, seed=5)
    w, b, alpha = reference.gradient_descent(X, y, 0.001, 0.5, 3, batch_size, seed=5, s=s)
    fast = fit(design, None, config)
    assert close(fast.w, w, 1e-12) and abs(fast.b - b) <= 1e-12 and close(fast.alpha, alpha, 1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_fast_lbfgs_and_its_alpha_equal_the_textbook_lbfgs(images, weighted):
    """Twelve L-BFGS steps (past the memory of ten, line search and all) land where the textbook's land."""
    design, weighted_design, X, y, s = images
    design, s = (weighted_design, s) if weighted else (design, None)
    w, b, alpha = reference.lbfgs(X, y, l2=0.001, iterations=12, s=s)
    fast = fit(design, None, TrainConfig(method="lbfgs", iterations=12, l2=0.001))
    assert fast.iteration == 12
    assert close(fast.w, w, 1e-9) and abs(fast.b - b) <= 1e-9 and close(fast.alpha, alpha, 1e-9)


def test_the_reference_alpha_is_what_its_name_says(images):
    """w = sum_i alpha_i x_i for the textbook's own loops (numpy as the judge)."""
    _, _, X, y, s = images
    for w, _, alpha in (reference.gradient_descent(X, y, 0.01, 1.0, 2, 16, 1, s), reference.lbfgs(X, y, 0.01, 3, s=s)):
        np.testing.assert_allclose(np.array(X).T @ np.array(alpha), w, atol=1e-10)


@pytest.mark.parametrize(
    "config",
    [TrainConfig(method="gd", batch_size=0, iterations=2), TrainConfig(method="lbfgs", iterations=4, l2=0.001)],
    ids=["gradient-descent", "lbfgs"],
)
def test_a_weighted_image_trains_exactly_like_that_many_copies(images, config):
    """A taught digit weighs 100: the run must be the run on 100 copies of it (and a weight of 0, on none)."""
    _, weighted, _, y, s = images
    rows = [k for k, weight in enumerate(s) for _ in range(int(weight))]
    copies = Design(b"".join(weighted.pixels[k * 784 : (k + 1) * 784] for k in rows), [y[k] for k in rows])
    one, other = fit(weighted, None, config), fit(copies, None, config)
    assert close(one.w, other.w, 1e-9) and abs(one.b - other.b) <= 1e-9


def test_a_weighted_minibatch_epoch_equals_the_textbook_one(images):
    """Mini-batches are drawn by image, not by copy: the weights scale each image's pull within its batch."""
    _, weighted, X, y, s = images
    w, b, alpha = reference.gradient_descent(X, y, 0.01, 0.05, 2, 7, seed=3, s=s)
    fast = fit(
        weighted, None, TrainConfig(method="gd", learning_rate=0.05, iterations=2, l2=0.01, batch_size=7, seed=3)
    )
    assert close(fast.w, w, 1e-12) and close(fast.alpha, alpha, 1e-12)


def test_reference_equals_numpy(images, trained):
    design, _, X, y, _ = images
    w, b = trained
    loss_np, grad_w_np, grad_b_np = loss_and_gradient(np.array(X), np.array(y, float), np.array(w), b, 0.01)
    assert reference.loss(w, b, X, y, 0.01) == pytest.approx(loss_np, rel=1e-12)
    grad_w, grad_b = reference.gradient(w, b, X, y, 0.01)
    np.testing.assert_allclose(grad_w, grad_w_np, rtol=1e-10, atol=1e-14)
    assert grad_b == pytest.approx(grad_b_np, rel=1e-10)


def test_lbfgs_reaches_the_minimum_that_scikit_learn_finds(images):
    """Same objective as LogisticRegression(C=1): mean cross-entropy + |w|^2 / (2 C n)."""
    from sklearn.linear_model import LogisticRegression

    design, _, X, y, _ = images
    l2 = 1 / design.n
    fast = fit(design, None, TrainConfig(method="lbfgs", iterations=200, l2=l2))
    ours = LogisticLoss(design, l2).value(fast.w, fast.b)
    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(np.array(X), np.array(y))
    theirs = LogisticLoss(design, l2).value(list(model.coef_[0]), float(model.intercept_[0]))
    assert ours <= theirs + 1e-7
    assert ours == pytest.approx(theirs, rel=1e-5)
