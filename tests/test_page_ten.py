"""All ten digits in the page: the mode, its verdict and exact comparisons, flipping toward a digit, judging,
training, teaching, export and import; and the honest verdict of a pair that uses the ten-digit model."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from browser import active, clear, error_text, export, line_points, runs, stroke, verdict

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]
TWO = [(0.3, 0.3), (0.45, 0.15), (0.65, 0.2), (0.65, 0.4), (0.3, 0.8), (0.75, 0.8)]


def ten_mode(page) -> None:
    page.select_option('[data-testid="mode"]', "ten")
    page.wait_for_selector('body[data-model="ten"][data-ready="true"]')


def pair_mode(page, a: int = 0, b: int = 1) -> None:
    page.select_option('[data-testid="mode"]', "pair")
    page.wait_for_selector('body[data-model="pair"][data-ready="true"]')
    if page.get_attribute("body", "data-pair") != f"{a}-{b}":
        page.select_option('[data-testid="digit-a"]', str(a))
        page.select_option('[data-testid="digit-b"]', str(b))
        page.wait_for_selector(f'body[data-pair="{a}-{b}"][data-ready="true"]')


@pytest.fixture
def ten(app):
    ten_mode(app)
    yield app
    pair_mode(app)


def shipped():
    from digitlab.weights import ten_weights_from_dict

    return ten_weights_from_dict(json.loads((ROOT / "weights" / "ten.json").read_text()))


def prediction(page, name: str):
    return page.get_attribute('[data-testid="prediction"]', f"data-{name}")


def test_ten_mode_reads_a_seven_and_every_number_is_the_models(ten):
    page = ten
    assert page.evaluate("location.hash") == "#ten"
    stroke(page, SEVEN, steps_between=3)
    probs, scores = json.loads(prediction(page, "probs")), json.loads(prediction(page, "scores"))
    assert len(probs) == 10 and prediction(page, "digit") == "7" == str(int(np.argmax(probs)))
    assert probs == pytest.approx(list(np.exp(scores) / np.sum(np.exp(scores))), rel=1e-12)
    # Why a 7 and not the runner-up: the written sum is the exact log-odds of the two.
    runner_up = int(np.argsort(probs)[-2])
    z = float(prediction(page, "z"))
    assert z == pytest.approx(math.log(probs[7] / probs[runner_up]), abs=1e-9)
    assert f"log(p7/p{runner_up})" in page.locator('[data-testid="equation"]').inner_text()
    assert float(page.get_attribute('[data-testid="equation"]', "data-z")) == z
    # Any other digit chosen: the comparison follows.
    page.select_option('[data-testid="compare-with"]', "1")
    assert "log(p7/p1)" in page.locator('[data-testid="equation"]').inner_text()
    assert float(prediction(page, "z")) == pytest.approx(math.log(probs[7] / probs[1]), abs=1e-9)
    # The page's own figures: test accuracy of the shipped weights, computed here with numpy.
    from digitlab.data import read_ten
    from oracle import bundle_arrays

    *_, Xt, yt = bundle_arrays(read_ten(ROOT / "site" / "data")[0])
    weights = shipped()
    accuracy = np.mean((Xt @ np.array(weights.W).T + np.array(weights.b)).argmax(1) == yt)
    assert float(page.get_attribute('[data-testid="test-accuracy"]', "data-value")) == pytest.approx(accuracy)
    assert page.locator('[data-testid="confusion-ten"] tbody tr').count() == 10
    page.select_option('[data-testid="compare-with"]', "")


def test_flip_toward_a_chosen_digit_and_say_when_a_third_wins(ten):
    page = ten
    stroke(page, SEVEN, steps_between=3)
    page.select_option('[data-testid="compare-with"]', "1")
    page.click('[data-testid="flip"]')
    page.wait_for_selector('[data-testid="flip-size"]:not([hidden])')
    probs = json.loads(prediction(page, "probs"))
    assert math.log(probs[1] / probs[7]) == pytest.approx(0.1, abs=1e-9)  # 1 now beats 7, by the margin
    said = page.locator('[data-testid="flip-size"]').inner_text()
    read = prediction(page, "digit")
    assert (
        ("turns a 7 into a 1" in said)
        if read == "1"
        else (f"but then a{'n' if read == '8' else ''} {read} wins" in said)
    )
    page.click('[data-testid="flip-back"]')
    page.select_option('[data-testid="compare-with"]', "")


def test_a_pair_flags_a_drawing_of_another_digit_with_what_it_looks_like(app):
    pair_mode(app, 3, 5)
    stroke(app, TWO, steps_between=3)
    assert prediction(app, "sure") == "false" and prediction(app, "looks-like") == "2"
    assert app.locator('[data-testid="message"]').inner_text().startswith("This looks like a 2: the 3-versus-5 model")


def test_training_teaching_export_and_import_act_on_the_ten_digit_model(ten, tmp_path):
    page = ten
    assert page.input_value('[data-testid="iterations"]') == "20" and page.input_value('[data-testid="l2"]') == "0.005"
    page.fill('[data-testid="iterations"]', "2")
    before = runs(page)
    page.click('[data-testid="train"]')
    page.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")
    assert "trained in this browser" in active(page)
    value = float(page.get_attribute('[data-testid="test-accuracy"]', "data-value"))
    assert f"test accuracy here {value * 100:.2f}%" in active(page) and 0.5 < value < 0.95
    exported = export(page)
    assert exported["format"] == "digitlab-ten/1" and len(exported["W"]) == 10 and len(exported["W"][0]) == 784
    page.click('[data-testid="reset"]')
    assert "shipped ten-digit model" in active(page)
    path = tmp_path / "ten.json"
    path.write_text(json.dumps(exported))
    page.set_input_files('[data-testid="import-weights"]', str(path))
    page.wait_for_function("document.querySelector('[data-testid=active-weights]').textContent.includes('ten.json')")
    # A pair's file in ten mode is refused, naming what it holds.
    pair = tmp_path / "pair.json"
    pair.write_text(json.dumps({"w": [0.0] * 784, "b": 0, "digits": [3, 5]}))
    page.set_input_files('[data-testid="import-weights"]', str(pair))
    page.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert "it holds a 3-versus-5 model, and this page reads all ten digits" in error_text(page)
    # Teaching: a digit picked from the picker.
    clear(page)
    stroke(page, SEVEN, steps_between=3)
    page.select_option('[data-testid="teach-digit"]', "1")
    before = runs(page)
    page.click('[data-testid="teach-chosen"]')
    page.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")
    assert page.locator('[data-testid="teach-status"]').inner_text().startswith("Learned your 1 in")
    assert prediction(page, "digit") == "1"
    page.click('[data-testid="clear-examples"]')
    page.click('[data-testid="reset"]')


def test_ten_digit_weights_are_refused_in_pair_mode(app, tmp_path):
    path = tmp_path / "ten.json"
    path.write_text((ROOT / "weights" / "ten.json").read_text())
    app.set_input_files('[data-testid="import-weights"]', str(path))
    app.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert "it holds the ten-digit model, and this page reads 0 versus 1: choose all ten digits" in error_text(app)


def test_a_link_opens_ten_mode(make_page):
    page = make_page("#ten")
    page.wait_for_selector('body[data-model="ten"][data-ready="true"]')
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(page)[0] == "1"
    assert page.evaluate("location.hash") == "#ten" and page.get_attribute("body", "data-ready") == "true"
