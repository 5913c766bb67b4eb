"""The fast model math against an independent numpy implementation and against finite differences."""

import math
import random

import numpy as np
import pytest

from digitlab.config import TrainConfig
from digitlab.model import (
    LogisticLoss,
    TrainingDiverged,
    evaluate_logits,
    fit,
    log1pexp,
    predict_proba,
    sigmoid,
    train,
)
from digitlab.sparse import Design
from oracle import as_numpy, full_batch_run, gradient_of, loss_and_gradient, minibatch_run


def random_design(n=40, seed=1, density=0.2):
    rng = random.Random(seed)
    pixels = bytes(rng.randrange(1, 256) if rng.random() < density else 0 for _ in range(n * 784))
    labels = [rng.randrange(2) for _ in range(n)]
    return Design(pixels, labels)


def random_weights(seed=2, scale=0.05):
    rng = random.Random(seed)
    return [rng.gauss(0, scale) for _ in range(784)], rng.gauss(0, 0.5)


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_loss_and_gradient_match_numpy(l2):
    design = random_design()
    w, b = random_weights()
    objective = LogisticLoss(design, l2)
    residuals = evaluate_logits(design.logits(w, b), design.labels).residuals
    grad_w, grad_b = gradient_of(objective, w, b, residuals)
    X, y = as_numpy(design)
    loss_np, grad_w_np, grad_b_np = loss_and_gradient(X, y, np.array(w), b, l2)
    assert objective.value(w, b) == pytest.approx(loss_np, rel=1e-9)
    np.testing.assert_allclose(grad_w, grad_w_np, rtol=1e-9, atol=1e-15)
    assert grad_b == pytest.approx(grad_b_np, rel=1e-9)


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_gradient_matches_central_finite_differences(l2):
    design = random_design(n=25, seed=3)
    w, b = random_weights(seed=4)
    objective = LogisticLoss(design, l2)
    residuals = evaluate_logits(design.logits(w, b), design.labels).residuals
    grad_w, grad_b = gradient_of(objective, w, b, residuals)
    h = 1e-5
    for j in [j for j in range(784) if grad_w[j] != 0][:25] + [0, 783]:
        plus, minus = list(w), list(w)
        plus[j] += h
        minus[j] -= h
        numeric = (objective.value(plus, b) - objective.value(minus, b)) / (2 * h)
        assert grad_w[j] == pytest.approx(numeric, rel=1e-6, abs=1e-10)
    numeric_b = (objective.value(w, b + h) - objective.value(w, b - h)) / (2 * h)
    assert grad_b == pytest.approx(numeric_b, rel=1e-6)


def test_batch_gradient_matches_numpy_on_the_batch():
    design = random_design(n=30, seed=5)
    w, b = random_weights(seed=6)
    batch = [3, 7, 11, 12, 29]
    grad_w, grad_b, _ = LogisticLoss(design, 0.02).batch_gradient(w, b, batch)
    X, y = as_numpy(design)
    _, grad_w_np, grad_b_np = loss_and_gradient(X[batch], y[batch], np.array(w), b, 0.02)
    np.testing.assert_allclose(grad_w, grad_w_np, rtol=1e-9, atol=1e-15)
    assert grad_b == pytest.approx(grad_b_np, rel=1e-9)


@pytest.mark.parametrize("z", [1e4, -1e4, 800.0, -800.0, 0.0, 36.9, -37.1, 18.5, 33.5])
def test_sigmoid_and_loss_are_stable(z):
    assert 0.0 <= sigmoid(z) <= 1.0
    assert math.isfinite(log1pexp(z))
    assert log1pexp(z) == pytest.approx(float(np.logaddexp(0.0, z)), rel=1e-12)
    for y in (0, 1):
        fit_ = evaluate_logits([z], [y])
        assert math.isfinite(fit_.loss) and math.isfinite(fit_.residuals[0])


def test_extreme_logits_give_finite_loss_and_gradient():
    design = random_design(n=10, seed=7)
    w = [1e4 if j % 2 else -1e4 for j in range(784)]
    objective = LogisticLoss(design, 0.0)
    residuals = evaluate_logits(design.logits(w, 0.0), design.labels).residuals
    grad_w, grad_b = gradient_of(objective, w, 0.0, residuals)
    assert math.isfinite(objective.value(w, 0.0))
    assert all(math.isfinite(g) for g in grad_w) and math.isfinite(grad_b)


@pytest.mark.parametrize("batch_size,l2", [(0, 0.0), (0, 0.001), (7, 0.0), (16, 0.01)])
def test_training_run_matches_numpy(batch_size, l2):
    design = random_design(n=48, seed=8)
    config = TrainConfig(method="gd", learning_rate=0.5, iterations=12, batch_size=batch_size, l2=l2, seed=3)
    final = fit(design, None, config)
    X, y = as_numpy(design)
    if batch_size:
        w_np, b_np = minibatch_run(X, y, 0.5, 12, l2, batch_size, 3)
    else:
        w_np, b_np, _ = full_batch_run(X, y, 0.5, 12, l2)
    np.testing.assert_allclose(final.w, w_np, rtol=1e-9, atol=1e-12)
    assert final.b == pytest.approx(b_np, rel=1e-9, abs=1e-12)


def test_same_seed_same_weights_and_different_seed_different_weights():
    design = random_design(n=50, seed=9)
    config = TrainConfig(method="gd", learning_rate=0.3, iterations=5, batch_size=8, seed=11)
    first, second = fit(design, None, config), fit(design, None, config)
    assert first.w == second.w and first.b == second.b
    other = fit(design, None, TrainConfig(method="gd", learning_rate=0.3, iterations=5, batch_size=8, seed=12))
    assert other.w != first.w


def test_progress_reports_every_iteration_and_can_stop_early():
    design = random_design(n=30, seed=10)
    test = random_design(n=10, seed=11)
    seen = []
    for progress in train(design, test, TrainConfig(method="gd", learning_rate=0.5, iterations=6)):
        seen.append(progress)
        if progress.iteration == 3:
            break
    assert [p.iteration for p in seen] == [0, 1, 2, 3]
    assert seen[0].loss == pytest.approx(math.log(2))
    assert seen[-1].loss < seen[0].loss
    assert all(0 <= p.test_accuracy <= 1 and p.elapsed >= 0 for p in seen)


def test_huge_learning_rate_is_reported_as_divergence():
    design = random_design(n=30, seed=12)
    with pytest.raises(TrainingDiverged, match="lower the learning rate"):
        fit(design, None, TrainConfig(method="gd", learning_rate=1e6, iterations=5))


def test_nan_weights_are_reported_as_divergence():
    design = random_design(n=5, seed=13)
    with pytest.raises(TrainingDiverged):
        fit(design, None, TrainConfig(method="gd", iterations=1), w=[math.nan] * 784)


def test_predict_proba_on_sparse_and_dense_agree():
    design = random_design(n=5, seed=14)
    w, b = random_weights(seed=15)
    z = design.logits(w, b)
    for i in range(design.n):
        assert predict_proba(w, b, design.image(i)) == pytest.approx(sigmoid(z[i]), rel=1e-12)


def test_design_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match="784"):
        Design(bytes(100), [0])


@pytest.mark.parametrize(
    "config",
    [TrainConfig(method="gd", learning_rate=0.3, iterations=3, batch_size=1, seed=2), TrainConfig(iterations=3)],
    ids=["mini-batch", "lbfgs"],
)
def test_heartbeats_change_nothing_but_are_yielded_inside_long_iterations(config):
    design = random_design(n=600, seed=16)  # more than one chunk of images: the passes over them breathe too
    with_beats = list(train(design, None, config, heartbeat=0.0))
    progress = [p for p in with_beats if p is not None]
    assert len(with_beats) > 2 * len(progress) and len(progress) == 4
    assert progress[-1].w == fit(design, None, config).w


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig(method="gd", learning_rate=0.5, iterations=6, l2=0.01),
        TrainConfig(method="gd", learning_rate=0.3, iterations=3, batch_size=7, l2=0.02, seed=4),
        TrainConfig(method="lbfgs", iterations=8, l2=0.001),
        TrainConfig(method="lbfgs", iterations=8, l2=0.0),
    ],
    ids=["full-batch", "mini-batch", "lbfgs", "lbfgs-no-l2"],
)
def test_the_weights_stay_a_weighted_sum_of_the_training_images(config):
    """w = sum_i alpha_i x_i to 1e-9, whichever optimiser, so z(x) = b + sum_i alpha_i (x_i . x) exactly."""
    design = random_design(n=40, seed=21)
    final = fit(design, None, config)
    X, _ = as_numpy(design)
    np.testing.assert_allclose(X.T @ np.array(final.alpha), final.w, rtol=0, atol=1e-9)
    x = np.array(design.image(3))
    z = final.b + float(np.array(final.alpha) @ (X @ x))
    assert z == pytest.approx(final.b + float(np.array(final.w) @ x), abs=1e-9)


def test_alpha_is_carried_on_from_a_given_start_and_absent_without_one():
    design = random_design(n=30, seed=22)
    first = fit(design, None, TrainConfig(method="lbfgs", iterations=3, l2=0.001))
    more = fit(
        design, None, TrainConfig(method="lbfgs", iterations=3, l2=0.001), w=first.w, b=first.b, alpha=first.alpha
    )
    X, _ = as_numpy(design)
    np.testing.assert_allclose(X.T @ np.array(more.alpha), more.w, atol=1e-9)
    assert fit(design, None, TrainConfig(iterations=1), w=first.w, b=first.b).alpha is None


def test_columns_built_in_chunks_equal_columns_built_at_once():
    design, again = random_design(n=20, seed=30), random_design(n=20, seed=30)
    steps = sum(1 for _ in again.build_columns(chunk=100))
    assert steps == 7 and [c.pixel for c in again.columns] == [c.pixel for c in design.columns]
    assert all(a.values == b.values for a, b in zip(again.columns, design.columns))


def test_the_evaluation_counts_exactly_what_numpy_counts():
    """Loss, accuracy (z >= 0 reads the larger digit, z = 0 included) and residuals of given scores, weighted too."""
    z, labels, weights = [-2.0, 0.0, 0.5, 3.0, -0.25], [0, 1, 0, 1, 1], [1.0, 2.0, 1.0, 0.5, 4.0]
    for s in (None, weights):
        found = evaluate_logits(z, labels, s)
        s_ = np.ones(5) if s is None else np.array(s)
        zs, ys = np.array(z), np.array(labels)
        assert found.loss == pytest.approx(np.sum(s_ * (np.logaddexp(0, zs) - ys * zs)) / s_.sum(), rel=1e-14)
        assert found.accuracy == pytest.approx(np.sum(s_ * ((zs >= 0) == (ys == 1))) / s_.sum(), rel=1e-14)
        np.testing.assert_allclose(found.residuals, 1 / (1 + np.exp(-zs)) - ys, rtol=1e-14)


def test_progress_says_when_it_is_done_and_how_long_it_took():
    steps = list(train(random_design(n=20, seed=31), None, TrainConfig(method="gd", iterations=3)))
    assert [p.done for p in steps] == [False, False, False, True]
    elapsed = [p.elapsed for p in steps]
    assert elapsed[0] >= 0 and elapsed == sorted(elapsed) and elapsed[-1] < 60


def test_an_image_with_no_ink_scores_its_bias_and_adds_no_column():
    pixels = bytes(784) + bytes([0] * 783 + [255])
    design = Design(pixels, [0, 1])
    assert design.logits([0.5] * 784, -1.25) == [-1.25, -0.75]
    assert [column.pixel for column in design.columns] == [783]
    for row in design.rows:
        assert len(row.values) == len(row.indices)  # each image's own ink only, none of the next one's
