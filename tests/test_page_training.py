"""Training, judging and teaching in the real page, against the same algorithm under CPython."""

import json
import math
from pathlib import Path

import pytest

from browser import (
    accuracy_value,
    active,
    clear,
    ellipse_points,
    error_text,
    export,
    line_points,
    runs,
    stroke,
    teach,
    train,
    verdict,
)
from digitlab.cli import DEFAULT_DATA, load_designs
from digitlab.config import TrainConfig
from digitlab.metrics import probabilities
from digitlab.model import fit

pytestmark = pytest.mark.browser
SHIPPED = Path(__file__).resolve().parents[1] / "weights" / "mnist01.json"
TRAINING_DONE = 'body[data-training="false"]'
# A run is under way and past its first iteration (the progress bar keeps the last run's numbers until then).
RUNNING = "document.body.dataset.training === 'true' && document.querySelector('[data-testid=progress]').value >= 1"


@pytest.fixture(scope="module")
def designs():
    train_set, test_set, _ = load_designs(DEFAULT_DATA)
    return train_set, test_set


def record(page) -> dict:
    return page.evaluate("({...document.querySelector('[data-testid=progress]').dataset})")


def test_default_training_reaches_99_percent_and_equals_the_cli(app, designs):
    train(app)
    assert record(app)["how"] == "train" and record(app)["iterations"] == "30"
    assert accuracy_value(app) >= 0.99
    assert "trained in this browser" in active(app)
    exported = export(app)
    reference = fit(designs[0], None, TrainConfig())
    assert max(abs(a - b) for a, b in zip(exported["w"], reference.w)) < 1e-9
    assert abs(exported["b"] - reference.b) < 1e-9
    assert exported["trained"]["method"] == "lbfgs" and exported["digits"] == [0, 1]
    assert exported["train_loss"] < math.log(2) / 10


def test_enter_in_a_field_trains_with_what_was_typed(app, designs):
    before = runs(app)
    app.fill('[data-testid="iterations"]', "3")
    app.press('[data-testid="iterations"]', "Enter")
    app.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")
    assert record(app)["iterations"] == "3"


def test_minibatch_training_in_the_browser_equals_the_cli(app, designs):
    train(app, iterations=3, **{"method": "gd", "batch-size": 64, "seed": 7, "lr": 0.5, "l2": 0.001})
    exported = export(app)
    reference = fit(designs[0], None, TrainConfig("gd", 0.5, 3, 64, 0.001, 7))
    assert max(abs(a - b) for a, b in zip(exported["w"], reference.w)) < 1e-9


def test_cancel_stops_promptly_drawing_works_meanwhile_and_other_controls_are_locked(app):
    app.fill('[data-testid="iterations"]', "5000")
    app.click('[data-testid="train"]')
    app.wait_for_function(f"{RUNNING} && document.querySelector('[data-testid=progress]').max == 5000", polling=50)
    assert app.locator('[data-testid="reset"]').is_disabled()
    assert app.locator('[data-testid="import-weights"]').is_disabled()
    app.evaluate("document.querySelector('[data-testid=reset]').dispatchEvent(new MouseEvent('click'))")
    assert app.evaluate("document.body.dataset.training") == "true"
    stroke(app, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(app)[0] == "1"
    app.evaluate(
        """() => document.querySelector('[data-testid=cancel]').addEventListener('click',
            () => { window.cancelledAt = document.querySelector('[data-testid=progress]').value; }, {capture: true})"""
    )
    app.click('[data-testid="cancel"]')
    app.wait_for_selector(TRAINING_DONE)
    iterations = int(record(app)["iterations"])
    assert iterations - app.evaluate("window.cancelledAt") <= 1  # at most the iteration under way when it was pressed
    status = app.locator('[data-testid="train-status"]').inner_text()
    assert "Cancelled" in status and f"after {iterations} of 5000" in status
    clear(app)
    stroke(app, ellipse_points(0.5, 0.5, 0.28, 0.32))
    assert verdict(app)[0] == "0"


def test_double_click_on_train_runs_once(app):
    before = runs(app)
    app.fill('[data-testid="iterations"]', "3")
    app.dblclick('[data-testid="train"]')
    app.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")
    app.wait_for_selector(TRAINING_DONE)
    assert runs(app) == before + 1 and record(app)["iterations"] == "3"
    assert not error_text(app)


def test_a_divergent_learning_rate_stops_and_restores_the_weights(app):
    before = accuracy_value(app)
    train(app, method="gd", lr="1000000", iterations=20)
    assert "diverged" in error_text(app) and "weights in use did not change" in error_text(app)
    assert "shipped" in active(app)
    assert accuracy_value(app) == before


def test_threshold_changes_the_confusion_matrix_and_the_gallery_lists_exactly_the_mistakes(app, designs):
    def matrix():
        return [app.locator(f'[data-testid="cm-{k}"]').inner_text() for k in ("0-0", "0-1", "1-0", "1-1")]

    default = matrix()
    app.locator('[data-testid="threshold"]').fill("0.99")
    assert app.locator('[data-testid="threshold-value"]').inner_text() == "0.99"
    strict = matrix()
    assert strict != default
    shipped = json.loads(SHIPPED.read_text())
    p1 = probabilities(designs[1], shipped["w"], shipped["b"])
    expected = [i for i, (p, y) in enumerate(zip(p1, designs[1].labels)) if (p >= 0.99) != (y == 1)]
    if app.locator('[data-testid="show-all-mistakes"]').count():
        app.click('[data-testid="show-all-mistakes"]')
    shown = app.eval_on_selector_all('[data-testid="misclassified"] figure', "fs => fs.map(f => +f.dataset.index)")
    assert shown == expected and len(expected) > 0
    assert int(strict[2]) == sum(1 for i in expected if designs[1].labels[i] == 1)


def test_teaching_fixes_a_drawing_the_model_got_wrong_and_is_kept(app):
    stroke(app, ellipse_points(0.5, 0.5, 0.075, 0.36))
    assert verdict(app)[0] == "1"  # the shipped weights read a narrow 0 as a 1
    before = accuracy_value(app)
    teach(app, 0)
    assert record(app)["how"] == "teach"
    assert verdict(app)[0] == "0"
    assert 0.9 <= accuracy_value(app) <= 1.0
    status = app.locator('[data-testid="teach-status"]').inner_text()
    change = f"test accuracy {before * 100:.2f}% → {accuracy_value(app) * 100:.2f}%"
    assert status.startswith("Learned your 0 in") and change in status, status
    assert app.locator('[data-testid="example-count"]').inner_text() == "1"
    assert app.locator('[data-testid="your-digits"] figure').count() == 1
    app.reload()
    app.wait_for_selector('body[data-ready="true"]')
    assert app.locator('[data-testid="example-count"]').inner_text() == "1"
    assert "taught your digits" in active(app)
    app.click('[data-testid="clear-examples"]')
    assert app.locator('[data-testid="example-count"]').inner_text() == "0"


def test_teaching_a_drawing_it_already_reads_right_is_harmless(app):
    stroke(app, line_points(0.5, 0.15, 0.5, 0.85))
    teach(app, 1)
    status = app.locator('[data-testid="teach-status"]').inner_text()
    assert status == "Already read as a 1; your 1 is kept as an example for later training."
    assert verdict(app)[0] == "1" and "shipped" in active(app)
    assert app.locator('[data-testid="example-count"]').inner_text() == "1"
    app.click('[data-testid="your-digits"] .remove')  # each thumbnail can be forgotten on its own
    assert app.locator('[data-testid="example-count"]').inner_text() == "0"
    assert app.locator('[data-testid="your-digits"] figure').count() == 0
    assert app.evaluate("localStorage.getItem('digitlab:/:0-1:examples')") == "[]"


def test_small_batches_keep_the_page_responsive_and_cancel_mid_epoch(app):
    """Batch size 1 makes one iteration (an epoch) ~0.5 s of work: the page still draws and cancels inside it."""
    app.select_option('[data-testid="method"]', "gd")
    app.fill('[data-testid="batch-size"]', "1")
    app.fill('[data-testid="lr"]', "0.05")
    app.fill('[data-testid="iterations"]', "40")
    app.click('[data-testid="train"]')
    app.wait_for_function(f"{RUNNING} && document.querySelector('[data-testid=progress]').max == 40", polling=50)
    stroke(app, ellipse_points(0.5, 0.5, 0.28, 0.32))
    assert verdict(app)[0] == "0"
    assert app.evaluate("document.body.dataset.training") == "true"
    app.click('[data-testid="cancel"]')
    app.wait_for_selector(TRAINING_DONE)
    iterations = int(record(app)["iterations"])
    assert 1 <= iterations < 40
    exported = export(app)
    assert exported["trained"]["batch_size"] == 1 and exported["trained"]["iterations_run"] == iterations


def test_the_code_panel_shows_the_reference_first_then_the_fast_code(app):
    app.wait_for_function("document.querySelector('[data-testid=source]').textContent.includes('class SoftmaxLoss')")
    source = app.locator('[data-testid="source"]').inner_text()
    assert source.index("digitlab/reference.py") < source.index("def gradient(w: Vector, b: float, X")
    assert source.index("def gradient(w: Vector, b: float, X") < source.index("class LogisticLoss")
    for name in ("def step(", "def gradient_step", "def run(", "class SoftmaxLoss"):
        assert name in source
    # The textbook module whole, as it is in the files that ship (the snapshot holds the text read when
    # it was made, from those very files).
    text = app.evaluate("document.querySelector('[data-testid=source]').textContent")
    assert (SHIPPED.parents[1] / "pysrc" / "digitlab" / "reference.py").read_text() in text


def test_step_and_continue_go_on_from_the_weights_in_use_and_focus_returns_to_train(app, designs):
    shipped = json.loads(SHIPPED.read_text())
    before = runs(app)
    app.click('[data-testid="step"]')
    app.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")
    assert app.evaluate("document.activeElement.dataset.testid") == "step"  # focus stays where it was
    stepped = export(app)
    one_step = fit(designs[0], None, TrainConfig(iterations=1), w=shipped["w"], b=shipped["b"])
    assert max(abs(a - b) for a, b in zip(stepped["w"], one_step.w)) < 1e-9
    app.fill('[data-testid="iterations"]', "2")
    before = runs(app)
    app.click('[data-testid="continue"]')
    app.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")
    continued = fit(designs[0], None, TrainConfig(iterations=2), w=one_step.w, b=one_step.b)
    assert max(abs(a - b) for a, b in zip(export(app)["w"], continued.w)) < 1e-9


def chart_summary(page, testid="loss-chart") -> str:
    return page.get_attribute(f'[data-testid="{testid}"]', "aria-label")


def label_ink(page, testid: str, left: int, right: int) -> int:
    """Dark pixels in the y-label band between x = left and right (CSS pixels), below the axis title."""
    return page.evaluate(
        """([id, left, right]) => {
        const c = document.querySelector(`[data-testid="${id}"]`);
        const dpr = c.width / c.clientWidth;
        const d = c.getContext('2d').getImageData(left * dpr, 16 * dpr, (right - left) * dpr, c.height - 46 * dpr).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 128) n++;
        return n;
    }""",
        [testid, left, right],
    )


def test_charts_label_the_true_range_scale_to_the_run_and_mark_divergence(app):
    train(app, iterations=4)
    # Labels start at x = 4 (left-aligned): their right part is inked (a centred label would be cut off).
    assert label_ink(app, "loss-chart", 18, 30) > 20 and label_ink(app, "accuracy-chart", 18, 30) > 20
    assert "over 4 iterations" in chart_summary(app)
    app.fill('[data-testid="iterations"]', "5000")
    app.click('[data-testid="train"]')
    this_run = "document.querySelector('[data-testid=progress]').max == 5000"  # not the last run's numbers
    app.wait_for_function(f"{RUNNING} && {this_run} && document.querySelector('[data-testid=progress]').value >= 3")
    app.click('[data-testid="cancel"]')
    app.wait_for_selector(TRAINING_DONE)
    run = int(record(app)["iterations"])
    assert f"over {run} iterations" in chart_summary(app)  # not "over 5000"
    train(app, method="gd", lr="1000000", iterations=20)
    assert "Diverged at iteration 1" in chart_summary(app)


def test_roc_auc_rates_and_calibration_are_the_shipped_weights_exact_figures(app, designs):
    from digitlab.metrics import auc, brier, rates

    shipped = json.loads(SHIPPED.read_text())
    p1 = probabilities(designs[1], shipped["w"], shipped["b"])
    labels = designs[1].labels
    assert float(app.get_attribute('[data-testid="auc"]', "data-value")) == auc(p1, labels)
    # Probabilities agree to round-off (the browser sums with math.sumprod), the AUC's ranks exactly.
    assert float(app.get_attribute('[data-testid="brier"]', "data-value")) == pytest.approx(brier(p1, labels), 1e-9)
    app.locator('[data-testid="threshold"]').fill("0.99")
    expected = rates(p1, labels, 0.99)
    text = app.locator('[data-testid="rates"]').inner_text()
    assert f"precision {expected.precision:.3f}, recall {expected.recall:.3f}, F1 {expected.f1:.3f}" in text
    assert "at threshold 0.99" in app.get_attribute('[data-testid="roc-chart"]', "aria-label")


def test_a_cancel_in_the_same_tick_as_train_is_not_lost(app):
    before = runs(app)
    app.evaluate(
        """() => { document.querySelector('[data-testid=train]').click();
                   document.querySelector('[data-testid=cancel]').click(); }"""
    )
    app.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")
    assert "Cancelled before the first step" in app.locator('[data-testid="train-status"]').inner_text()
    assert "shipped" in active(app)
