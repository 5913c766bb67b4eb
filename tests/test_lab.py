"""The page's logic without the page: parsing the form, teaching, judging, stored digits, pictures."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from digitlab.config import TrainConfig
from digitlab.data import read_pair
from digitlab.examples import example_from_image, from_records, to_json
from digitlab.lab import describe
from digitlab.model import fit
from digitlab.pair import PairLab
from digitlab.preprocess import preprocess_gray
from digitlab.render import diverging_rgba, gray_rgba
from digitlab.weights import load_weights, parse_json
from drawings import zero
from oracle import gradient_of

ROOT = Path(__file__).resolve().parents[1]
PYSRC = ROOT / "pysrc"


@pytest.fixture(scope="module")
def bundle():
    return read_pair(ROOT / "site" / "data", 0, 1)[0]


@pytest.fixture
def lab(bundle):
    return PairLab(bundle, load_weights(ROOT / "weights" / "mnist01.json"))


def narrow_zero():
    """A 0 drawn narrow: the shipped weights read it as a 1."""
    return preprocess_gray(zero(box=(118, 40, 162, 240), width=22).tobytes(), 280, 280).image


def teach(lab, x, label):
    """Teach `x` as it the page does: keep it, then gradient steps from the weights in use; adopt the result."""
    lab.add_example(x, label)
    plan = lab.plan(lab.weights, teaching=True)
    *_, progress = [p for p in lab.teaching_run(plan) if p is not None]
    return lab.adopt(progress, lab.teach_config(), "taught", plan)


def test_training_run_equals_the_cli_algorithm(lab):
    *_, progress = lab.training_run(TrainConfig(iterations=5), lab.plan())
    reference = fit(lab.train_set, None, TrainConfig(iterations=5))
    assert progress.w == reference.w and progress.b == reference.b


def test_teaching_fixes_a_drawing_the_shipped_model_gets_wrong(lab):
    x = narrow_zero()
    assert lab.p1(x) > 0.5
    teach(lab, x, 0)
    assert lab.p1(x) <= 0.4  # right, with the teaching margin
    assert lab.examples_right(lab.weights.w, lab.weights.b, margin=0.1)
    assert lab.test_report().accuracy > 0.95
    assert lab.weights.meta["your_digits"] == 1


def test_quality_is_kept_for_the_same_weights_and_threshold_and_recomputed_otherwise(lab):
    from digitlab.pair import test_quality

    first = lab.test_quality(0.5)
    assert lab.test_quality(0.5) is first
    assert first == test_quality(lab.test_probabilities(), lab.test_set.labels, 0.5)
    strict = lab.test_quality(0.9999)
    assert strict.rates != first.rates and strict == test_quality(lab.test_probabilities(), lab.test_set.labels, 0.9999)
    teach(lab, narrow_zero(), 0)
    assert lab.test_quality(0.9999) == test_quality(lab.test_probabilities(), lab.test_set.labels, 0.9999)
    assert lab.test_quality(0.9999).brier != strict.brier


def test_report_counts_and_mistakes_follow_the_threshold(lab):
    from digitlab.metrics import confusion

    report = lab.test_report(0.5)
    assert sum(map(sum, report.confusion)) == 425
    assert len(report.mistakes) == report.confusion[0][1] + report.confusion[1][0]
    strict = lab.test_report(0.9999)
    assert strict.confusion != report.confusion
    p1 = lab.test_probabilities()
    labels = lab.test_set.labels
    counted = confusion(p1, labels, 0.9999)
    assert strict.confusion == [[counted["0-0"], counted["0-1"]], [counted["1-0"], counted["1-1"]]]
    assert [m.index for m in strict.mistakes] == [i for i in range(425) if (p1[i] >= 0.9999) != (labels[i] == 1)]
    assert all(m.read != m.truth and m.p == p1[m.index] for m in strict.mistakes)


def examples_from_json(text):
    return from_records(parse_json(text))


def test_examples_round_trip_and_each_damaged_one_is_skipped_alone():
    examples = [example_from_image([0.0, 0.5, 1.0] + [0.0] * 781, 1)]
    assert examples_from_json(to_json(examples)) == (examples, [])
    with pytest.raises(ValueError):
        examples_from_json('{"a": 1}')
    good = to_json(examples)[1:-1]
    for damaged, why in [
        ('{"label": 2, "pixels": ""}', "label is not 0 or 1"),
        ('{"label": 0, "pixels": "AAAA"}', "3 pixels"),
        ('{"label": 0, "pixels": "%%%"}', "not base64"),
        ('{"label": true, "pixels": ""}', "label is not 0 or 1"),
        ("17", "not a record"),
    ]:
        kept, problems = examples_from_json(f"[{damaged}, {good}]")
        assert kept == examples and len(problems) == 1 and why in problems[0], damaged
    # A label written 1.0 (another program's JSON) is the digit 1, not a reason to drop anything.
    assert examples_from_json(good.replace('"label": 1', '"label": 1.0').join("[]")) == (examples, [])


def test_reset_returns_to_shipped(lab):
    lab.adopt(fit(lab.train_set, None, TrainConfig(iterations=1)), TrainConfig(iterations=1), "browser", lab.plan())
    assert lab.weights is not lab.shipped
    lab.reset()
    assert lab.weights is lab.shipped


def test_pictures_have_four_bytes_per_pixel_and_the_right_colours():
    assert gray_rgba([0.0, 1.0]) == bytes([255, 255, 255, 255, 0, 0, 0, 255])
    pixels, scale = diverging_rgba([-2.0, 0.0, 2.0])
    assert scale == 2.0 and len(pixels) == 12
    assert pixels[4:8] == bytes([255, 255, 255, 255])
    assert pixels[0] > pixels[2] and pixels[10] > pixels[8]  # orange toward 0, blue toward 1


def test_metrics_on_a_tiny_case():
    from digitlab.metrics import accuracy, confusion, misclassified

    p1, labels = [0.9, 0.2, 0.6, 0.4], [1, 0, 0, 1]
    assert accuracy(p1, labels) == 0.5
    assert confusion(p1, labels) == {"0-0": 1, "0-1": 1, "1-0": 1, "1-1": 1}
    assert misclassified(p1, labels) == [2, 3]
    assert misclassified(p1, labels, threshold=0.3) == [2]


def test_the_weights_note_says_where_weights_came_from_and_what_was_measured(lab):
    def measured():
        return f"test accuracy here {lab.test_report().accuracy * 100:.2f}%"

    assert (
        describe(lab)
        == f"shipped (trained under CPython); {measured()}"
        == ("shipped (trained under CPython); test accuracy here 100.00%")
    )
    progress = fit(lab.train_set, lab.test_set, TrainConfig(iterations=1))
    lab.adopt(progress, TrainConfig(iterations=1), "browser", lab.plan())
    lab.weights.meta["trained_at"] = "2026-11-28T17:10:39Z"
    assert describe(lab) == f"trained in this browser on 28 Nov 2026 at 17:10 UTC; {measured()}"
    lab.weights.meta["imported_from"] = "mine.json"
    lab.weights.meta["test_accuracy"] = 0.1234  # the file's claim is not shown: the measurement is
    assert describe(lab) == f"imported from mine.json; {measured()}" and "12.34" not in describe(lab)
    lab.weights.meta["imported_from"] = "x" * 200
    assert len(describe(lab)) < 120


def test_a_training_time_is_read_strictly_and_without_strptime():
    from digitlab.lab import for_people

    assert for_people("2026-11-28T17:10:39Z") == "on 28 Nov 2026 at 17:10 UTC"
    assert for_people("2026-02-03T04:05:06Z") == "on 3 Feb 2026 at 04:05 UTC"
    odd_ones = (None, "", "2026-11-28", "2026-11-28T17:10:39", "2026-13-28T17:10:39Z", "x2026-11-28T17:10:39Z")
    for odd in (*odd_ones, "\u0662026-11-28T17:10:39Z"):  # an Arabic-Indic digit: int() would take it
        assert for_people(odd) == "at an unknown time", odd
    # strptime's first call sets up _strptime: ~250 ms in the page, in the task that shows new weights.
    check = "from digitlab.lab import for_people; import sys; for_people('2026-11-28T17:10:39Z'); "
    check += "assert '_strptime' not in sys.modules"
    subprocess.run([sys.executable, "-c", check], check=True, env={**os.environ, "PYTHONPATH": str(PYSRC)})


def test_teaching_a_digit_already_read_right_takes_no_step(lab):
    x = preprocess_gray(zero().tobytes(), 280, 280).image
    lab.add_example(x, 0)
    plan = lab.plan(lab.weights)
    steps = list(lab.teaching_run(plan))
    assert [p.iteration for p in steps] == [0]
    lab.adopt(steps[-1], lab.teach_config(), "taught", plan)
    assert lab.weights.w == lab.shipped.w and lab.weights.meta["trained"]["iterations_run"] == 0


def test_subnormal_values_still_make_a_map():
    pixels, scale = diverging_rgba([1e-310, -1e-310, 0.0, 5e-324])
    assert scale == 1e-310 and len(pixels) == 16
    assert pixels[0:4] == bytes([37, 99, 235, 255])  # full blue: the largest value
    assert pixels[4:8] == bytes([214, 96, 10, 255])  # full orange


def test_a_taught_digit_weighs_as_much_as_its_copies(lab):
    from digitlab.lab import TEACH_WEIGHT
    from digitlab.model import LogisticLoss, evaluate_logits
    from digitlab.sparse import Design

    lab.add_example(narrow_zero(), 0)
    weighted = lab.plan().design
    assert weighted.n == lab.bundle.train.n + 1
    copies = int(TEACH_WEIGHT)
    example = lab.examples[0]
    copied = Design(
        lab.bundle.train.pixels + example.pixels * copies, list(lab.bundle.train.labels) + [example.label] * copies
    )
    w, b = lab.shipped.w, lab.shipped.b
    for design in (weighted, copied):
        design.fit = evaluate_logits(design.logits(w, b), design.labels, design.weights)
    assert weighted.fit.loss == pytest.approx(copied.fit.loss, rel=1e-12)
    assert weighted.fit.accuracy == pytest.approx(copied.fit.accuracy, rel=1e-12)
    grad_weighted = gradient_of(LogisticLoss(weighted, 0.01), w, b, weighted.fit.residuals)
    grad_copied = gradient_of(LogisticLoss(copied, 0.01), w, b, copied.fit.residuals)
    assert max(abs(a - c) for a, c in zip(grad_weighted[0], grad_copied[0])) <= 1e-12
    assert grad_weighted[1] == pytest.approx(grad_copied[1], rel=1e-12)


def test_two_hundred_taught_digits_add_two_hundred_rows(lab):
    x = narrow_zero()
    for k in range(200):
        lab.add_example([v * (1 - k / 400) for v in x], k % 2)
    assert lab.plan().design.n == lab.bundle.train.n + 200
    with pytest.raises(ValueError, match="already taught 200"):
        lab.add_example([v / 3 for v in x], 0)


def test_stored_digits_nested_deeply_are_refused_before_parsing():
    with pytest.raises(ValueError, match="nested"):
        examples_from_json("[" * 20_000)


def test_roc_auc_rates_and_calibration_against_scikit_learn():
    import numpy as np
    from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score, roc_auc_score, roc_curve

    from digitlab.metrics import auc, brier, rates, reliability
    from digitlab.metrics import roc_curve as our_roc

    rng = np.random.default_rng(3)
    labels = list(rng.integers(0, 2, 300))
    p1 = [float(round(v, 2)) for v in np.clip(np.array(labels) * 0.3 + rng.random(300) * 0.7, 0, 1)]  # ties
    assert auc(p1, labels) == pytest.approx(roc_auc_score(labels, p1), abs=1e-12)
    fpr, tpr, _ = roc_curve(labels, p1, drop_intermediate=False)
    np.testing.assert_allclose(our_roc(p1, labels), np.column_stack([fpr, tpr]), atol=1e-12)
    called = [int(p >= 0.6) for p in p1]
    ours = rates(p1, labels, 0.6)
    assert ours.precision == pytest.approx(precision_score(labels, called))
    assert ours.recall == pytest.approx(recall_score(labels, called))
    assert ours.f1 == pytest.approx(f1_score(labels, called))
    assert brier(p1, labels) == pytest.approx(brier_score_loss(labels, p1))
    bins = reliability(p1, labels)
    assert sum(count for _, _, count in bins) == 300 and all(0 <= share <= 1 for _, share, _ in bins)
    # Away from the bins' edges (scikit-learn rounds those otherwise), and with some images at p = 1 exactly.
    from sklearn.calibration import calibration_curve

    smooth = [*np.clip(np.array(labels) * 0.3 + rng.random(300) * 0.7, 0, 1).tolist(), 1.0, 1.0, 0.97]
    outcomes = [*labels, 1, 0, 1]
    observed, predicted = calibration_curve(outcomes, smooth, n_bins=10)
    ours = reliability(smooth, outcomes)
    np.testing.assert_allclose([(mean, share) for mean, share, _ in ours], np.column_stack([predicted, observed]))


def test_the_training_images_contributions_add_up_to_z_for_shipped_weights(lab):
    from digitlab.weights import pair_weights, pairs_from_json

    x = narrow_zero()
    found = lab.attribute(x)
    z = lab.shipped.b + sum(w * v for w, v in zip(lab.shipped.w, x))
    assert abs(found.total - z) <= 1e-9
    assert len(found.contributions) == lab.bundle.train.n
    strongest = found.strongest(toward_larger=True)
    assert len(strongest) == 8 and all(c > 0 for _, c in strongest)
    assert strongest[0][1] == max(c for _, c in found.contributions)
    # A shipped pair: w is rebuilt from alpha, so the identity holds just as exactly.
    from digitlab.data import read_pair
    from digitlab.sparse import Design

    bundle = read_pair(ROOT / "site" / "data", 3, 5)[0]
    design = Design(bundle.train.pixels, bundle.train.labels)
    pair = PairLab(
        bundle,
        pair_weights(pairs_from_json((ROOT / "weights" / "pairs.json").read_text()), "3-5", design),
        train_set=design,
    )
    found = pair.attribute(x)
    assert abs(found.total - (pair.weights.b + sum(w * v for w, v in zip(pair.weights.w, x)))) <= 1e-9


def test_weights_without_alpha_say_why_the_view_is_empty(lab):
    from digitlab.weights import Weights

    lab.use(Weights(lab.shipped.w, lab.shipped.b, {}))
    assert "no record of which images taught them" in lab.attribute(narrow_zero()).why


def test_no_metric_loops_or_fails_on_scores_that_are_not_numbers():
    from digitlab.metrics import auc, reliability, roc_curve

    nan = float("nan")
    p1, labels = [nan, 0.2, nan, 0.9, 0.4], [0, 0, 1, 1, 1]
    assert 0 <= auc(p1, labels) <= 1 or auc(p1, labels) != auc(p1, labels)
    assert sum(count for *_, count in reliability(p1, labels)) == 3
    assert roc_curve(p1, labels)[-1] == (1.0, 1.0)


def test_weights_whose_scores_would_overflow_are_refused_naming_how_far_they_reach():
    import json

    from digitlab.weights import WeightsError, weights_from_json

    huge = json.dumps({"w": [1.7e308] * 2 + [0.0] * 782, "b": 0})
    with pytest.raises(WeightsError, match="beyond the largest float"):
        weights_from_json(huge)
    with pytest.raises(WeightsError, match=r"\|w·x \+ b\| = 7.84e\+09"):
        weights_from_json(json.dumps({"w": [1e7] * 784, "b": 0}))
    assert weights_from_json(json.dumps({"w": [1e-310] * 784, "b": 1e-310})).b == 1e-310


def test_thresholds_bins_and_defaults_on_a_case_worked_by_hand():
    from digitlab.metrics import accuracy, misclassified, rates, reliability

    p1, labels = [0.5, 0.05, 0.15, 0.95, 1.0, 0.55], [1, 0, 1, 1, 0, 0]
    # p = 0.5 at threshold 0.5 is called the larger digit (p >= threshold).
    assert accuracy(p1, labels) == 3 / 6 and misclassified(p1, labels) == [2, 4, 5]
    assert rates(p1, labels) == rates(p1, labels, 0.5) and rates(p1, labels).precision == 2 / 4
    # Ten bins of width 0.1; p = 1.0 falls in the last. Each: (mean p, share of the larger digit, count).
    assert reliability(p1, labels) == [
        (0.05, 0.0, 1), (0.15, 1.0, 1), (0.525, 0.5, 2), (0.975, 0.5, 2)
    ]  # fmt: skip


def test_the_attribution_stays_exact_with_more_taught_rows_than_a_learner_keeps_at_once(lab):
    """Weights trained on and on keep every taught digit as a row (forgotten ones too): 250 of them here, over
    the 200 a learner keeps at once; each row keeps its own alpha (the 201st used to take the next one's)."""
    import random

    from digitlab.examples import MAX_EXAMPLES, example_from_image, to_records
    from digitlab.weights import Weights

    rng = random.Random(3)
    taught = [example_from_image([v / 255 for v in lab.bundle.test.image_bytes(i)], i % 2) for i in range(250)]
    assert len(taught) > MAX_EXAMPLES and len(set(taught)) == len(taught)
    rows = [lab.bundle.train.image_bytes(i) for i in range(lab.bundle.train.n)] + [e.pixels for e in taught]
    alpha = [rng.uniform(-0.01, 0.01) for _ in rows]
    w = [sum(a * pixels[j] / 255 for a, pixels in zip(alpha, rows)) for j in range(784)]
    lab.use(Weights(w, 0.3, {"alpha": alpha, "taught_rows": to_records(taught)}))
    x = narrow_zero()
    found = lab.attribute(x)
    assert abs(found.total - (0.3 + sum(wj * xj for wj, xj in zip(w, x)))) < 1e-9
    assert lab.row_image(lab.bundle.train.n + 249)[0] == taught[249].pixels
