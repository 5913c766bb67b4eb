"""Keeping weights in the page: export, import, reload, reset, and every bad file or store refused safely.

The messages themselves are checked under CPython (test_weights.py, test_config.py); here the
browser checks the wiring, on one shared page wherever a fresh one is not the point.
"""

import json
import os
from pathlib import Path

import pytest

from browser import (
    READY,
    accuracy_value,
    active,
    clear,
    error_text,
    export,
    line_points,
    runs,
    stroke,
    teach,
    train,
    verdict,
)

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
    ('{"digits": [3, 5], "w": [' + ZEROS + '], "b": 0}', "it holds a 3-versus-5 model, and this page reads 0 versus 1"),
    ('{"format": "digitlab-weights/9", "w": [' + ZEROS + '], "b": 0}', "is not 'digitlab-weights/1'"),
    ("[" * 20_000, "nested more than"),
    ('{"w": [' + "9" * 401 + "," + ",".join(["0"] * 783) + '], "b": 0}', "too large"),
    ('{"w": [' + ",".join(["1.7e308"] * 784) + '], "b": 0}', "would score |w·x + b| = beyond the largest float"),
    ('{"w": [' + ",".join(["1e7"] * 784) + '], "b": 0}', "would score |w·x + b| = 7.84e+09"),
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
    """The refusals, one after another on one page: each shows its message and keeps the shipped weights."""
    shipped = export(app)
    app.evaluate("scrollTo(0, document.body.scrollHeight)")
    for k, (content, message) in enumerate(BAD_FILES):
        path = tmp_path / f"bad{k}.json"
        path.write_text(content)
        app.evaluate("document.querySelector('[data-testid=error]').hidden = true")
        import_file(app, path)
        app.wait_for_selector('[data-testid="error"]:not([hidden])')
        assert message in error_text(app) and "did not change" in error_text(app), content[:40]
        # Next to the import button, and brought into view.
        assert app.evaluate("document.querySelector('[data-testid=error]').closest('section').className") == "keep"
        assert app.evaluate(
            "document.querySelector('[data-testid=error]').getBoundingClientRect().bottom <= innerHeight"
        )
    for field, value in BAD_FIELDS:
        app.evaluate("document.querySelector('[data-testid=error]').hidden = true")
        app.fill(f'[data-testid="{field}"]', value)
        app.click('[data-testid="train"]')
        app.wait_for_selector('[data-testid="error"]:not([hidden])')
        assert "Cannot train" in error_text(app)
        assert app.get_attribute(f'[data-testid="{field}"]', "aria-invalid") == "true"
        assert app.evaluate("document.body.dataset.training") == "false"
        app.fill(f'[data-testid="{field}"]', {"lr": "1", "iterations": "30", "batch-size": "0"}.get(field, "0"))
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
    app.evaluate("localStorage.setItem('digitlab:/:0-1:weights', '['.repeat(20000))")
    app.evaluate("localStorage.setItem('digitlab:/:0-1:examples', '42')")
    app.reload()
    app.wait_for_selector(READY)
    assert "unreadable" in error_text(app)
    assert "shipped" in active(app)
    assert app.evaluate("localStorage.getItem('digitlab:/:0-1:weights')") is None
    assert app.evaluate("localStorage.getItem('digitlab:/:0-1:examples')") is None
    still_works(app)


def test_full_local_storage_keeps_what_is_in_use_and_says_so_where_it_happened(make_page):
    page = make_page(
        init_script="""for (const verb of ['setItem', 'removeItem']) Storage.prototype[verb] = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };"""
    )
    train(page, iterations=2)
    error = error_text(page)
    assert "would not save" in error and "QuotaExceededError" in error
    assert "trained in this browser" in active(page)
    page.click('[data-testid="reset"]')  # removeItem fails too: reset must not claim it forgot them
    assert "Back to the shipped weights for now, but this browser would not forget" in error_text(page)
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))
    teach(page, 1)
    # The "not saved" message outlives the teaching run that follows it.
    assert "Could not keep your digits" in error_text(page)
    assert page.evaluate("document.querySelector('[data-testid=error]').closest('.teach') !== null")
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


def weights_json(w, b=0.0, **meta) -> str:
    return json.dumps({"w": w, "b": b, **meta})


def test_a_crafted_file_is_normalised_and_cannot_brick_the_page(app, tmp_path):
    crafted = tmp_path / "crafted.json"
    claims = {
        "test_accuracy": 10**400,
        "trained_by": ["a", "list"],
        "trained": {"x": {}},
        "imported_from": "y" * 900_000,
    }
    crafted.write_text(weights_json([0.001 * ((j % 7) - 3) for j in range(784)], **claims))
    import_file(app, crafted)
    app.wait_for_function("document.querySelector('[data-testid=active-weights]').textContent.includes('crafted')")
    status = app.locator('[data-testid="keep-status"]').inner_text()
    for field in claims:
        assert field in status.split("Ignored:")[1]
    header = active(app)
    assert header.startswith("imported from crafted.json; test accuracy here ") and len(header) < 120
    assert float(header.split("here ")[1].rstrip("%")) == pytest.approx(accuracy_value(app) * 100, abs=0.01)
    # Stored metadata gets the same treatment at start-up: the page boots, says what it dropped.
    app.evaluate(
        "(text) => localStorage.setItem('digitlab:/:0-1:weights', text)",
        weights_json([0.0] * 784, test_accuracy=10**400, trained_by={"an": "object"}),
    )
    app.reload()
    app.wait_for_selector(READY)
    assert "Ignored in the saved weights: test_accuracy" in error_text(app)
    still_works(app)


def test_subnormal_weights_and_learning_rates_keep_the_maps_working(app, tmp_path):
    tiny = tmp_path / "tiny.json"
    tiny.write_text(weights_json([1e-310] * 784, 1e-310))
    import_file(app, tiny)
    app.wait_for_function("document.querySelector('[data-testid=active-weights]').textContent.includes('tiny')")
    stroke(app, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(app) == ("1", "0.5")  # z is a few 1e-308: p = 1/2 exactly, read as the larger digit
    scale = float(app.locator('[data-testid="weight-scale"]').inner_text().lstrip("±"))
    assert 0 < scale < float("inf")  # the model's one colour scale: the tiny weights draw as white, not as noise
    train(app, method="gd", lr="1e-308", iterations=20)
    assert app.locator('[data-testid="train-status"]').inner_text().startswith("Trained: 20 of 20 iterations")


def test_an_import_racing_a_train_click_does_not_land_mid_run(app):
    """The file is chosen and Train pressed in the same tick: the run wins, and the page says the import did not."""
    before = runs(app)
    app.evaluate(
        """(text) => {
        const input = document.querySelector('[data-testid=import-weights]');
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], 'racer.json', {type: 'application/json'}));
        input.files = transfer.files;
        input.dispatchEvent(new Event('change'));
        document.querySelector('[data-testid=train]').click();
    }""",
        weights_json([0.01] * 784),
    )
    app.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")
    assert "Did not import racer.json: training is running" in error_text(app)
    assert "trained in this browser" in active(app)
    assert export(app)["w"] != [0.01] * 784


def test_the_gallery_shows_24_then_all_and_a_click_puts_a_digit_on_the_pad(app, tmp_path):
    always_one = tmp_path / "always-one.json"
    always_one.write_text(weights_json([0.0] * 784, 0.5))  # every test 0 is a mistake
    import_file(app, always_one)
    app.wait_for_function("document.querySelector('[data-testid=misclassified]').dataset.count === '200'")
    gallery = app.locator('[data-testid="misclassified"] figure')
    assert gallery.count() == 24
    assert app.locator('[data-testid="misclassified"] figcaption').first.inner_text() == "is 0, p(1)=0.622"
    app.click('[data-testid="show-all-mistakes"]')
    assert gallery.count() == 200
    index = gallery.nth(5).get_attribute("data-index")
    gallery.nth(5).locator("button").click()
    app.wait_for_function("!document.querySelector('[data-testid=sample-label]').hidden")
    assert (
        app.locator('[data-testid="sample-label"]')
        .inner_text()
        .startswith(f"Test image #{index}: its true label is 0.")
    )
    assert verdict(app)[0] == "1"  # these weights read everything as a 1


def test_a_digit_taught_in_one_tab_is_not_lost_by_another(make_page, site_url):
    first = make_page()
    second = first.context.new_page()
    second.goto(site_url)
    second.wait_for_selector(READY)
    first.bring_to_front()  # a person uses the tab in front: a hidden one paints (and takes strokes) rarely
    for page, points in ((first, line_points(0.5, 0.15, 0.5, 0.85)), (first, line_points(0.6, 0.15, 0.4, 0.85))):
        clear(page)
        stroke(page, points)
        teach(page, 1)
    second.bring_to_front()
    clear(second)
    stroke(second, line_points(0.4, 0.15, 0.6, 0.85))
    teach(second, 1)
    stored = json.loads(first.evaluate("localStorage.getItem('digitlab:/:0-1:examples')"))
    assert len(stored) == 3
    first.wait_for_function("document.querySelector('[data-testid=example-count]').textContent === '3'")


def test_imported_weights_without_alpha_say_why_no_training_images_are_shown(app, tmp_path):
    bare = tmp_path / "bare.json"
    bare.write_text(weights_json(json.loads(SHIPPED.read_text())["w"], 0.1))
    import_file(app, bare)
    app.wait_for_function("document.querySelector('[data-testid=active-weights]').textContent.includes('bare')")
    app.locator('[data-testid="attribution-panel"] summary').click()
    stroke(app, line_points(0.5, 0.15, 0.5, 0.85))
    assert "no record of which images taught them" in app.locator('[data-testid="attribution-note"]').inner_text()
    assert app.get_attribute('[data-testid="attribution"]', "data-total") == ""
    app.locator('[data-testid="attribution-panel"] summary').click()
