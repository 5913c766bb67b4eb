"""Keeping weights in the page: export, import, reload, reset, and every bad file or store refused safely.

The messages themselves are checked under CPython (test_weights.py, test_config.py); here the
browser checks the wiring, on one shared page wherever a fresh one is not the point.
"""

import json
import os
from pathlib import Path

import pytest

from browser import READY, active, clear, error_text, export, line_points, stroke, train, verdict

pytestmark = pytest.mark.browser
SHIPPED = Path(__file__).resolve().parents[1] / "weights" / "mnist01.json"
ZEROS = ",".join(["0"] * 784)
BAD_FILES = [
    ("this is not json", "not JSON"),
    ("", "empty"),
    ('{"w": [0.1, 0.2], "b": 0}', "2 numbers"),
    ('{"w": [' + ZEROS + '], "b": NaN}', "NaN"),
    ('{"w": [' + ZEROS + '], "b": 1e999}', "finite"),
    ('{"w": [' + ",".join(["Infinity"] * 784) + '], "b": 0}', "Infinity"),
    ('{"w": [' + ",".join(['"0"'] * 784) + '], "b": 0}', "not a number"),
    ('{"b": 0}', "missing"),
]
BAD_FIELDS = [
    ("lr", ""),
    ("lr", "abc"),
    ("lr", "-1"),
    ("lr", "0"),
    ("iterations", "1000000"),
    ("iterations", "2.5"),
    ("batch-size", "-1"),
    ("l2", "lots"),
    ("seed", "x"),
]


def still_works(page):
    clear(page)
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(page)[0] == "1"


def import_file(page, path: Path) -> None:
    page.set_input_files('[data-testid="import-weights"]', str(path))


def test_export_then_import_round_trips_exactly(app, tmp_path):
    train(app, iterations=4, lr=0.7)
    exported = export(app)
    app.click('[data-testid="reset"]')
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(exported))
    import_file(app, path)
    app.wait_for_function("document.querySelector('[data-testid=active-weights]').textContent.includes('mine.json')")
    again = export(app)
    assert again["w"] == exported["w"] and again["b"] == exported["b"]
    assert not error_text(app)


def test_every_bad_file_and_bad_field_is_refused_and_nothing_changes(app, tmp_path):
    """The 17 refusals, one after another on one page: each shows its message and keeps the shipped weights."""
    shipped = export(app)
    for k, (content, message) in enumerate(BAD_FILES):
        path = tmp_path / f"bad{k}.json"
        path.write_text(content)
        app.evaluate("document.querySelector('[data-testid=error]').hidden = true")
        import_file(app, path)
        app.wait_for_selector('[data-testid="error"]:not([hidden])')
        assert message in error_text(app) and "did not change" in error_text(app), content[:40]
    for field, value in BAD_FIELDS:
        app.evaluate("document.querySelector('[data-testid=error]').hidden = true")
        app.fill(f'[data-testid="{field}"]', value)
        app.click('[data-testid="train"]')
        app.wait_for_selector('[data-testid="error"]:not([hidden])')
        assert "Cannot train" in error_text(app)
        assert app.get_attribute(f'[data-testid="{field}"]', "aria-invalid") == "true"
        assert app.evaluate("document.body.dataset.training") == "false"
        app.fill(f'[data-testid="{field}"]', {"lr": "1", "iterations": "20", "batch-size": "0"}.get(field, "0"))
    assert export(app)["w"] == shipped["w"] and "shipped" in active(app)
    still_works(app)


def test_noise_and_huge_files_are_refused_before_reading(app, tmp_path):
    noise = tmp_path / "noise.json"
    noise.write_bytes(os.urandom(5 * 1024 * 1024))
    import_file(app, noise)
    app.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert "bytes" in error_text(app)
    assert "shipped" in active(app)


def test_reload_keeps_trained_weights_and_reset_restores_the_shipped(app):
    train(app, iterations=2)
    trained = export(app)
    assert trained["trained"]["iterations"] == 2
    app.reload()
    app.wait_for_selector(READY)
    assert "trained in this browser" in active(app)
    assert export(app)["w"] == trained["w"]
    app.click('[data-testid="reset"]')
    assert "shipped" in active(app)
    assert export(app)["w"] == json.loads(SHIPPED.read_text())["w"]


def test_garbage_in_local_storage_is_dropped_with_a_note(app):
    app.evaluate("localStorage.setItem('digitlab.weights', '{not json')")
    app.evaluate("localStorage.setItem('digitlab.examples', '42')")
    app.reload()
    app.wait_for_selector(READY)
    assert "unreadable" in error_text(app)
    assert "shipped" in active(app)
    assert app.evaluate("localStorage.getItem('digitlab.weights')") is None
    assert app.evaluate("localStorage.getItem('digitlab.examples')") is None
    still_works(app)


def test_full_local_storage_keeps_the_trained_weights_in_use(make_page):
    page = make_page(
        init_script="""Storage.prototype.setItem = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };"""
    )
    train(page, iterations=2)
    error = error_text(page)
    assert "would not save" in error and "QuotaExceededError" in error
    assert "trained in this browser" in active(page)
    still_works(page)


def test_unavailable_local_storage_still_boots_trains_and_predicts(make_page):
    page = make_page(
        init_script="""Object.defineProperty(window, 'localStorage', {
        get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });"""
    )
    still_works(page)
    train(page, iterations=2)
    assert "would not save" in error_text(page)
    still_works(page)
