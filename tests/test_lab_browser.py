"""Training, judging, teaching and keeping weights, in the real page."""

import json
from pathlib import Path

import pytest

from browser import clear, ellipse_points, line_points, stroke, verdict, verdicts
from digitlab.cli import load_designs
from digitlab.metrics import probabilities
from digitlab.model import TrainConfig, fit

SHIPPED = Path(__file__).resolve().parents[1] / "weights" / "mnist01.json"
TRAINING_DONE = 'body[data-training="false"]'


def accuracy_value(page) -> float:
    return float(page.locator('[data-testid="test-accuracy"]').get_attribute("data-value"))


def train(page, timeout=120_000, **fields):
    for name, value in fields.items():
        page.fill(f'[data-testid="{name}"]', str(value))
    page.click('[data-testid="train"]')
    page.wait_for_function(
        "document.body.dataset.training === 'false' && window.digitlab.lastRun !== undefined", timeout=timeout
    )


def export(page) -> dict:
    with page.expect_download() as info:
        page.click('[data-testid="export-weights"]')
    return json.loads(Path(info.value.path()).read_text())


def active(page) -> str:
    return page.locator('[data-testid="active-weights"]').inner_text()


def error_text(page) -> str:
    error = page.locator('[data-testid="error"]')
    return error.inner_text() if error.is_visible() else ""


@pytest.fixture(scope="module")
def designs():
    train_set, test_set, _ = load_designs(__import__("digitlab.cli").cli.DEFAULT_DATA)
    return train_set, test_set


def test_default_training_reaches_99_percent_and_equals_the_cli(app, designs):
    train(app)
    run = app.evaluate("window.digitlab.lastRun")
    assert run["how"] == "browser" and run["iterations"] == 20
    assert run["loss"][-1] < run["loss"][1] < run["loss"][0]
    assert accuracy_value(app) >= 0.99
    assert "trained in this browser" in active(app)
    exported = export(app)
    reference = fit(designs[0], None, TrainConfig())
    assert max(abs(a - b) for a, b in zip(exported["w"], reference.w)) < 1e-9
    assert abs(exported["b"] - reference.b) < 1e-9
    assert exported["trained"]["learning_rate"] == 1.0


def test_minibatch_training_in_the_browser_equals_the_cli(app, designs):
    train(app, iterations=3, **{"batch-size": 64, "seed": 7, "lr": 0.5, "l2": 0.001})
    exported = export(app)
    reference = fit(designs[0], None, TrainConfig(0.5, 3, 64, 0.001, 7))
    assert max(abs(a - b) for a, b in zip(exported["w"], reference.w)) < 1e-9


def test_cancel_stops_promptly_and_the_app_keeps_working(app):
    app.fill('[data-testid="iterations"]', "5000")
    app.click('[data-testid="train"]')
    app.wait_for_function("document.querySelector('[data-testid=progress]').value >= 2", polling=50)
    # Drawing still works while training runs.
    assert app.evaluate("document.body.dataset.training") == "true"
    stroke(app, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(app)[0] == "1"
    app.click('[data-testid="cancel"]')
    app.wait_for_selector(TRAINING_DONE)
    run = app.evaluate("window.digitlab.lastRun")
    assert run["iterations"] < 100
    assert "Cancelled" in app.locator('[data-testid="train-status"]').inner_text()
    assert f"after {run['iterations']} of 5000" in app.locator('[data-testid="train-status"]').inner_text()
    clear(app)
    stroke(app, ellipse_points(0.5, 0.5, 0.28, 0.32))
    assert verdict(app)[0] == "0"


def test_double_click_on_train_runs_once(app):
    app.fill('[data-testid="iterations"]', "3")
    app.dblclick('[data-testid="train"]')
    app.wait_for_selector(TRAINING_DONE)
    app.wait_for_function("window.digitlab.lastRun !== undefined")
    assert app.evaluate("window.digitlab.lastRun.iterations") == 3
    assert not error_text(app)


def test_reload_keeps_trained_weights_and_reset_restores_the_shipped(app, make_page):
    train(app, iterations=2)
    trained = export(app)
    assert trained["trained"]["iterations"] == 2
    app.reload()
    app.wait_for_selector('body[data-ready="true"]')
    assert "trained in this browser" in active(app)
    assert export(app)["w"] == trained["w"]
    app.click('[data-testid="reset"]')
    assert "shipped" in active(app)
    shipped = json.loads(SHIPPED.read_text())
    assert export(app)["w"] == shipped["w"]
    app.reload()
    app.wait_for_selector('body[data-ready="true"]')
    assert "shipped" in active(app)


def test_export_then_import_round_trips_exactly(app, tmp_path):
    train(app, iterations=4, lr=0.7)
    exported = export(app)
    app.click('[data-testid="reset"]')
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(exported))
    app.set_input_files('[data-testid="import-weights"]', str(path))
    app.wait_for_function("document.querySelector('[data-testid=active-weights]').textContent.includes('mine.json')")
    again = export(app)
    assert again["w"] == exported["w"] and again["b"] == exported["b"]
    assert not error_text(app)


@pytest.mark.parametrize(
    "content,message",
    [
        ("this is not json", "not JSON"),
        ("", "empty"),
        ('{"w": [0.1, 0.2], "b": 0}', "2 numbers"),
        ('{"w": [' + ",".join(["0"] * 784) + '], "b": NaN}', "NaN"),
        ('{"w": [' + ",".join(["0"] * 784) + '], "b": 1e999}', "finite"),
        ('{"w": [' + ",".join(["Infinity"] * 784) + '], "b": 0}', "Infinity"),
        ('{"w": [' + ",".join(['"0"'] * 784) + '], "b": 0}', "not a number"),
        ('{"b": 0}', "missing"),
    ],
)
def test_invalid_weight_files_are_refused_and_nothing_changes(app, tmp_path, content, message):
    before = export(app)
    path = tmp_path / "bad.json"
    path.write_text(content)
    app.set_input_files('[data-testid="import-weights"]', str(path))
    app.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert message in error_text(app) and "did not change" in error_text(app)
    assert export(app)["w"] == before["w"]
    assert "shipped" in active(app)


def test_a_huge_file_is_refused_before_reading(app, tmp_path):
    path = tmp_path / "noise.json"
    path.write_bytes(bytes(range(256)) * 20_000)
    app.set_input_files('[data-testid="import-weights"]', str(path))
    app.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert "bytes" in error_text(app)


@pytest.mark.parametrize(
    "field,value",
    [
        ("lr", ""),
        ("lr", "abc"),
        ("lr", "-1"),
        ("lr", "0"),
        ("iterations", "1000000"),
        ("iterations", "2.5"),
        ("batch-size", "-1"),
        ("l2", "lots"),
        ("seed", "x"),
    ],
)
def test_invalid_hyperparameters_are_refused_with_a_message(app, field, value):
    app.fill(f'[data-testid="{field}"]', value)
    app.click('[data-testid="train"]')
    app.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert "Cannot train" in error_text(app)
    assert app.get_attribute(f'[data-testid="{field}"]', "aria-invalid") == "true"
    assert app.evaluate("document.body.dataset.training") == "false"
    assert "shipped" in active(app)


def test_a_divergent_learning_rate_stops_and_restores_the_weights(app):
    before = accuracy_value(app)
    train(app, lr="1000000", iterations=20)
    assert "diverged" in error_text(app) and "previous weights" in error_text(app)
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
    shown = app.eval_on_selector_all('[data-testid="misclassified"] figure', "fs => fs.map(f => +f.dataset.index)")
    assert shown == expected and len(expected) > 0
    assert int(strict[2]) == sum(1 for i in expected if designs[1].labels[i] == 1)


def test_teaching_fixes_a_drawing_the_model_got_wrong(app):
    narrow_zero = ellipse_points(0.5, 0.5, 0.075, 0.36)
    stroke(app, narrow_zero)
    assert verdict(app)[0] == "1"  # the shipped weights read a narrow 0 as a 1
    app.click('[data-testid="teach-0"]')
    app.wait_for_function(
        "window.digitlab.lastRun !== undefined && document.body.dataset.training === 'false'", timeout=120_000
    )
    assert app.evaluate("window.digitlab.lastRun.how") == "taught"
    assert verdict(app)[0] == "0"
    assert 0.9 <= accuracy_value(app) <= 1.0
    assert "test accuracy" in app.locator('[data-testid="train-status"]').inner_text()
    assert app.locator('[data-testid="example-count"]').inner_text() == "1"
    app.reload()
    app.wait_for_selector('body[data-ready="true"]')
    assert app.locator('[data-testid="example-count"]').inner_text() == "1"
    assert "taught your digits" in active(app)
    app.click('[data-testid="clear-examples"]')
    assert app.locator('[data-testid="example-count"]').inner_text() == "0"


def test_the_code_panel_shows_the_running_source(app):
    app.wait_for_function("document.querySelector('[data-testid=source]').textContent.includes('def train')")
    source = app.locator('[data-testid="source"]').inner_text()
    for name in ("def log1pexp", "def gradient_step", "class LogisticLoss", "def gradient"):
        assert name in source
    assert "/home/pyodide/digitlab/model.py" in source


def test_garbage_in_local_storage_is_dropped_with_a_note(make_page):
    page = make_page()
    page.evaluate("localStorage.setItem('digitlab.weights', '{not json')")
    page.evaluate("localStorage.setItem('digitlab.examples', '42')")
    page.reload()
    page.wait_for_selector('body[data-ready="true"]')
    assert "unreadable" in error_text(page)
    assert "shipped" in active(page)
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(page)[0] == "1"
    assert verdicts(page) >= 1


def test_teaching_a_drawing_it_already_reads_right_is_harmless(app):
    stroke(app, line_points(0.5, 0.15, 0.5, 0.85))
    app.click('[data-testid="teach-1"]')
    app.wait_for_function("window.digitlab.lastRun !== undefined && document.body.dataset.training === 'false'")
    assert "in 0 steps" in app.locator('[data-testid="train-status"]').inner_text()
    assert verdict(app)[0] == "1"
    assert app.locator('[data-testid="example-count"]').inner_text() == "1"


def test_small_batches_keep_the_page_responsive_and_cancel_mid_epoch(app):
    """Batch size 1 makes one iteration (an epoch) ~0.5 s of work: the page still draws and cancels inside it."""
    app.fill('[data-testid="batch-size"]', "1")
    app.fill('[data-testid="lr"]', "0.05")
    app.fill('[data-testid="iterations"]', "40")
    app.click('[data-testid="train"]')
    app.wait_for_function("document.querySelector('[data-testid=progress]').value >= 1", polling=50)
    stroke(app, ellipse_points(0.5, 0.5, 0.28, 0.32))
    assert verdict(app)[0] == "0"
    assert app.evaluate("document.body.dataset.training") == "true"
    app.click('[data-testid="cancel"]')
    app.wait_for_selector(TRAINING_DONE)
    run = app.evaluate("window.digitlab.lastRun")
    assert 1 <= run["iterations"] < 40
    exported = export(app)
    assert exported["trained"]["batch_size"] == 1 and exported["trained"]["iterations_run"] == run["iterations"]
