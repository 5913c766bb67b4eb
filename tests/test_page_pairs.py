"""Any two digits: the picker, the URL, the words and numbers that follow the pair, and training to sklearn's level."""

import json

import numpy as np
import pytest

from browser import READY, accuracy_value, active, clear, error_text, export, line_points, stroke, train, verdict
from digitlab.data import read_pair
from oracle import bundle_arrays

pytestmark = pytest.mark.browser
THREE = [
    (0.3, 0.2),
    (0.5, 0.12),
    (0.7, 0.2),
    (0.65, 0.4),
    (0.45, 0.5),
    (0.7, 0.6),
    (0.72, 0.8),
    (0.5, 0.9),
    (0.3, 0.82),
]


def choose(page, a: int, b: int) -> None:
    page.select_option('[data-testid="digit-a"]', str(a))
    page.select_option('[data-testid="digit-b"]', str(b))
    page.wait_for_selector(f'body[data-pair="{min(a, b)}-{max(a, b)}"][data-ready="true"]')


def sklearn_accuracy(a: int, b: int) -> float:
    from sklearn.linear_model import LogisticRegression

    from browser import ROOT

    X, y, Xt, yt = bundle_arrays(read_pair(ROOT / "site" / "data", a, b)[0])
    return LogisticRegression(C=1.0, max_iter=2000).fit(X, y).score(Xt, yt)


def test_picking_3_and_5_reads_a_drawn_3_finds_real_mistakes_and_trains_to_sklearns_level(app):
    choose(app, 3, 5)
    assert app.evaluate("location.hash") == "#pair=3-5"
    assert app.locator("#draw-title").inner_text() == "Draw a 3 or a 5"
    assert app.locator('[data-testid="teach-0"]').inner_text() == "It is a 3"
    assert app.locator('[data-testid="confusion"] thead').inner_text().split() == ["predicted", "3", "predicted", "5"]
    assert app.locator('[data-count="test"]').first.inner_text() == "378"
    stroke(app, THREE, steps_between=3)
    digit, p5 = verdict(app)
    assert digit == "3" and float(p5) < 0.5
    assert "p(3)" in app.locator('[data-testid="message"]').inner_text()
    mistakes = int(app.get_attribute('[data-testid="misclassified"]', "data-count"))
    assert 5 <= mistakes <= 40  # a linear model's limits, in plain view
    assert app.locator('[data-testid="misclassified"] figcaption').first.inner_text().startswith("is ")
    app.locator('[data-testid="threshold"]').fill("0.9")
    assert int(app.get_attribute('[data-testid="misclassified"]', "data-count")) != mistakes  # the threshold matters
    app.locator('[data-testid="threshold"]').fill("0.5")
    train(app)
    assert accuracy_value(app) >= sklearn_accuracy(3, 5) - 0.005
    exported = export(app)
    assert exported["digits"] == [3, 5] and exported["trained"]["method"] == "lbfgs"


def test_each_pair_keeps_its_own_weights_and_refuses_another_pairs_file(app, tmp_path):
    choose(app, 4, 9)
    train(app, iterations=2)
    trained = export(app)
    choose(app, 0, 1)
    assert "shipped" in active(app)
    path = tmp_path / "4-9.json"
    path.write_text(json.dumps(trained))
    app.set_input_files('[data-testid="import-weights"]', str(path))
    app.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert "it holds a 4-versus-9 model, and this page reads 0 versus 1" in error_text(app)
    choose(app, 9, 4)
    assert "trained in this browser" in active(app)
    assert np.allclose(export(app)["w"], trained["w"])
    choose(app, 0, 1)


def test_two_equal_digits_are_refused_and_the_pair_stays(app):
    app.select_option('[data-testid="digit-b"]', "0")
    app.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert "two different digits" in error_text(app)
    assert app.get_attribute("body", "data-pair") == "0-1"
    app.select_option('[data-testid="digit-b"]', "1")
    clear(app)
    stroke(app, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(app)[0] == "1"


def test_a_link_opens_its_pair(make_page):
    page = make_page("#pair=7-9")
    page.wait_for_selector(READY)
    assert page.get_attribute("body", "data-pair") == "7-9"
    assert page.locator('[data-testid="digit-a"]').input_value() == "7"
    assert "shipped" in active(page)
    assert 0.9 < accuracy_value(page) < 1.0
