"""Drawing on the page in Chromium: real mouse and touch strokes are read, and the page shows its reasoning."""

import math

import pytest

from browser import clear, ellipse_points, line_points, pad_box, stroke, touch_stroke, verdict, verdicts

pytestmark = pytest.mark.browser

ZEROS = {
    "round, centred": [ellipse_points(0.5, 0.5, 0.28, 0.32)],
    "tall ellipse": [ellipse_points(0.5, 0.5, 0.2, 0.36)],
    "small, top left": [ellipse_points(0.25, 0.27, 0.1, 0.14)],
    "off-centre, bottom right, wobbly": [ellipse_points(0.66, 0.64, 0.18, 0.25, wobble=0.07)],
    "tilted": [ellipse_points(0.5, 0.5, 0.18, 0.34, tilt_degrees=30)],
    "left slightly open": [ellipse_points(0.5, 0.5, 0.25, 0.33, gap_degrees=30)],
    "wide": [ellipse_points(0.5, 0.5, 0.38, 0.28)],
}
ONES = {
    "vertical": [line_points(0.5, 0.15, 0.5, 0.85)],
    "slanted right": [line_points(0.62, 0.15, 0.4, 0.85)],
    "slanted left": [line_points(0.38, 0.15, 0.6, 0.85)],
    "short": [line_points(0.5, 0.4, 0.5, 0.62)],
    "near the left edge": [line_points(0.06, 0.1, 0.08, 0.9)],
    "with a flag": [line_points(0.38, 0.3, 0.52, 0.14) + line_points(0.52, 0.14, 0.52, 0.86)[1:]],
}


def test_page_boots_ready_with_nothing_drawn(app):
    """Ready means weights loaded, buttons enabled, the empty verdict shown and the test accuracy known."""
    assert verdict(app) == ("", "")
    assert "draw" in app.locator('[data-testid="message"]').inner_text().lower()
    assert not app.locator('[data-testid="clear"]').is_disabled()
    assert float(app.locator('[data-testid="test-accuracy"]').get_attribute("data-value")) >= 0.995
    assert "shipped" in app.locator('[data-testid="active-weights"]').inner_text()
    assert float(app.locator('[data-testid="weight-scale"]').inner_text().lstrip("±")) > 0
    # Dataset sizes in the prose come from the data.
    assert app.locator('[data-count="train"]').first.inner_text() == "1,703"
    assert app.locator('[data-count="test"]').first.inner_text() == "425"


@pytest.mark.parametrize("name", list(ZEROS))
def test_drawn_zeros_read_as_zero(pad, name):
    for points in ZEROS[name]:
        stroke(pad, points)
    digit, p1 = verdict(pad)
    assert digit == "0", f"{name}: p1={p1}"
    assert float(p1) < 0.5


@pytest.mark.parametrize("name", list(ONES))
def test_drawn_ones_read_as_one(pad, name):
    for points in ONES[name]:
        stroke(pad, points)
    digit, p1 = verdict(pad)
    assert digit == "1", f"{name}: p1={p1}"
    assert float(p1) > 0.5


def test_touch_draws_and_predicts(make_page):
    page = make_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page.locator('[data-testid="pad"]').scroll_into_view_if_needed()
    scroll_before = page.evaluate("scrollY")
    touch_stroke(page, line_points(0.5, 0.15, 0.5, 0.85, n=20))
    assert verdict(page)[0] == "1"
    assert page.evaluate("scrollY") == scroll_before  # drawing does not scroll the page
    touch_stroke(page, ellipse_points(0.5, 0.5, 0.3, 0.35))
    clear(page)
    touch_stroke(page, ellipse_points(0.5, 0.5, 0.3, 0.35))
    assert verdict(page)[0] == "0"


def test_clear_and_undo_give_the_empty_verdict(pad):
    stroke(pad, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(pad)[0] == "1"
    clear(pad)
    assert verdict(pad) == ("", "")
    stroke(pad, line_points(0.5, 0.15, 0.5, 0.85))
    before = verdicts(pad)
    pad.click('[data-testid="undo"]')
    pad.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
    assert verdict(pad) == ("", "")


def test_a_dot_is_not_a_digit(pad):
    stroke(pad, [(0.5, 0.5), (0.505, 0.505)])
    assert verdict(pad) == ("", "")
    assert "dot" in pad.locator('[data-testid="message"]').inner_text()


def pixels_of(page, testid):
    return page.evaluate(
        """(id) => { const c = document.querySelector(`[data-testid="${id}"]`);
                    return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); }""",
        testid,
    )


def test_preview_and_contribution_map_follow_the_drawing(pad):
    stroke(pad, ellipse_points(0.5, 0.5, 0.28, 0.32))
    zero_input, zero_map = pixels_of(pad, "model-input"), pixels_of(pad, "contributions")
    assert len(zero_input) == 28 * 28 * 4
    clear(pad)
    stroke(pad, line_points(0.5, 0.15, 0.5, 0.85))
    one_input, one_map = pixels_of(pad, "model-input"), pixels_of(pad, "contributions")
    assert sum(a != b for a, b in zip(zero_input, one_input)) > 400
    assert sum(a != b for a, b in zip(zero_map, one_map)) > 400
    # The written-out sum agrees with the verdict: sigmoid(z) is p(1).
    equation = pad.locator('[data-testid="equation"]').inner_text()
    assert f"{float(verdict(pad)[1]):.4f}" in equation


def test_real_mnist_digit_button_shows_a_digit_and_its_true_label(pad):
    for _ in range(4):
        before = verdicts(pad)
        pad.click('[data-testid="sample"]')
        pad.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
        label = pad.locator('[data-testid="sample-label"]')
        assert label.is_visible()
        true_label = label.get_attribute("data-label")
        assert f"true label is {true_label}" in label.inner_text()
        assert verdict(pad)[0] == true_label
    stroke(pad, line_points(0.5, 0.15, 0.5, 0.85))
    assert pad.locator('[data-testid="sample-label"]').is_hidden()


def test_screenshots_after_drawing_a_zero_at_three_widths(pad, artifacts):
    try:
        for width in (1280, 390, 360):
            pad.set_viewport_size({"width": width, "height": 900})
            clear(pad)
            stroke(pad, ellipse_points(0.45, 0.5, 0.25, 0.33, wobble=0.05))
            assert verdict(pad)[0] == "0"
            assert pad.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
            pad.screenshot(path=str(artifacts / f"zero-{width}.png"), full_page=True)
    finally:
        pad.set_viewport_size({"width": 1280, "height": 900})


def test_controls_are_keyboard_reachable(app):
    app.locator("h1").click()
    reached = set()
    for _ in range(40):
        app.keyboard.press("Tab")
        reached.add(app.evaluate("document.activeElement.dataset.testid || ''"))
    assert {"clear", "undo", "sample", "train", "lr", "threshold", "export-weights"} <= reached
    app.locator('[data-testid="sample"]').focus()
    before = verdicts(app)
    app.keyboard.press("Enter")
    app.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
    assert_reads_the_test_image_on_the_pad(app)


def test_a_scribble_over_the_whole_canvas_gets_a_verdict(pad):
    zigzag = [(x / 10, 0.02 if k % 2 else 0.98) for k, x in enumerate(range(11))]
    stroke(pad, zigzag)
    digit, p1 = verdict(pad)
    z = float(pad.get_attribute('[data-testid="prediction"]', "data-z"))
    assert float(p1) == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-15) and digit == str(int(float(p1) >= 0.5))


def test_strokes_that_leave_the_canvas_are_finished_and_read(pad):
    box = pad_box(pad)
    before = verdicts(pad)
    pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    pad.mouse.down()
    pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.8, steps=8)
    pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] + 60, steps=4)  # off the bottom
    pad.mouse.move(box["x"] - 40, box["y"] + box["height"] + 80, steps=4)
    pad.mouse.up()  # released outside: pointer capture still ends the stroke
    pad.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
    assert verdict(pad)[0] == "1"


def test_resizing_the_window_mid_stroke(pad):
    box = pad_box(pad)
    before = verdicts(pad)
    try:
        pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15)
        pad.mouse.down()
        pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5, steps=5)
        pad.set_viewport_size({"width": 700, "height": 800})
        box = pad_box(pad)
        pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.85, steps=5)
        pad.mouse.up()
        pad.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
        assert verdict(pad)[0] == "1"  # one straight line, whatever the window did meanwhile
    finally:
        pad.set_viewport_size({"width": 1280, "height": 900})
    clear(pad)
    stroke(pad, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(pad)[0] == "1"


def css_size(page, testid: str) -> tuple[float, float, int, int]:
    return page.evaluate(
        """(id) => { const c = document.querySelector(`[data-testid="${id}"]`); const r = c.getBoundingClientRect();
                     return [r.width, r.height, c.width, c.height]; }""",
        testid,
    )


def test_previews_keep_their_aspect_and_the_fit_box_is_outlined(pad):
    stroke(pad, line_points(0.5, 0.1, 0.52, 0.9))  # tall and thin
    for testid in ("stage-crop", "stage-scaled"):
        width, height, pixels_wide, pixels_high = css_size(pad, testid)
        assert pixels_high > 3 * pixels_wide
        assert width / height == pytest.approx(pixels_wide / pixels_high, rel=0.05)
    box = pad.locator('[data-testid="fit-box"]')
    assert box.is_visible()
    frame, inner = pad.locator('[data-testid="model-input"]').bounding_box(), box.bounding_box()
    assert inner["height"] == pytest.approx(frame["height"] * 20 / 28, abs=2)
    assert frame["x"] <= inner["x"] and inner["x"] + inner["width"] <= frame["x"] + frame["width"] + 1


def test_undo_after_drawing_on_a_real_digit_goes_back_to_it(pad):
    before = verdicts(pad)
    pad.click('[data-testid="sample"]')
    pad.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
    label = pad.locator('[data-testid="sample-label"]').inner_text()
    stroke(pad, line_points(0.1, 0.1, 0.3, 0.3))
    assert pad.locator('[data-testid="sample-label"]').is_hidden()
    before = verdicts(pad)
    pad.click('[data-testid="undo"]')
    pad.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
    assert pad.locator('[data-testid="sample-label"]').inner_text() == label
    assert_reads_the_test_image_on_the_pad(pad)  # the image itself again, not a re-rasterised copy


NOT_ZERO_OR_ONE = {
    "two": [[(0.3, 0.3), (0.45, 0.15), (0.65, 0.2), (0.65, 0.4), (0.3, 0.8), (0.75, 0.8)]],
    "seven": [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]],
    "X": [line_points(0.25, 0.2, 0.75, 0.8), line_points(0.75, 0.2, 0.25, 0.8)],
    "four": [[(0.6, 0.85), (0.6, 0.15), (0.25, 0.6), (0.75, 0.6)]],
    "eight": [ellipse_points(0.5, 0.3, 0.15, 0.15) + ellipse_points(0.5, 0.7, 0.18, 0.18)],
}


@pytest.mark.parametrize("name", list(NOT_ZERO_OR_ONE))
def test_a_drawing_that_is_neither_digit_is_flagged_in_words(pad, name):
    for points in NOT_ZERO_OR_ONE[name]:
        stroke(pad, points, steps_between=2)
    prediction = pad.locator('[data-testid="prediction"]')
    assert prediction.get_attribute("data-sure") == "false"
    message = pad.locator('[data-testid="message"]').inner_text()
    looks_like = prediction.get_attribute("data-looks-like")
    assert looks_like not in ("0", "1")
    if looks_like:  # the ten-digit model's reading, and what the pair's model can and cannot say
        assert message.startswith(
            f"This looks like a{'n' if looks_like == '8' else ''} {looks_like}: the 0-versus-1 model"
        )
    else:
        assert message.startswith("Unsure:")


@pytest.mark.parametrize("name", ["round, centred", "tilted", "wide"])
def test_a_plain_zero_is_read_without_doubt(pad, name):
    stroke(pad, ZEROS[name][0])
    assert pad.get_attribute('[data-testid="prediction"]', "data-sure") == "true"
    z = float(pad.get_attribute('[data-testid="prediction"]', "data-z"))
    assert z < 0 and abs(1 / (1 + 2.718281828459045**-z) - float(verdict(pad)[1])) < 1e-9


def test_flip_applies_the_smallest_change_and_shows_it(pad):
    stroke(pad, ZEROS["round, centred"][0])
    z_before = float(pad.get_attribute('[data-testid="prediction"]', "data-z"))
    assert "z = " + f"{z_before:.2f}" in pad.locator('[data-testid="sigmoid-chart"]').get_attribute("aria-label")
    pad.click('[data-testid="flip"]')
    pad.wait_for_selector('[data-testid="flip-size"]:not([hidden])')
    assert verdict(pad)[0] == "1"
    z_after = float(pad.get_attribute('[data-testid="prediction"]', "data-z"))
    assert abs(z_after - 0.1) < 1e-9  # exactly at the margin: no ink more than needed
    size = float(pad.get_attribute('[data-testid="flip-size"]', "data-value"))
    assert 0 < size < 50 and "no smaller change does" in pad.locator('[data-testid="flip-size"]').inner_text()
    assert f"= {z_after:.2f}" in pad.locator('[data-testid="equation"]').inner_text()
    assert pad.locator('[data-testid="flip-figure"]').is_visible()
    stroke(pad, line_points(0.1, 0.1, 0.2, 0.2))  # a new stroke: the flip no longer applies
    assert pad.locator('[data-testid="flip-size"]').is_hidden()


def test_the_training_images_behind_a_verdict_add_up_to_its_score(pad):
    pad.locator('[data-testid="attribution-panel"] summary').click()
    stroke(pad, ZEROS["tall ellipse"][0])
    attribution = pad.locator('[data-testid="attribution"]')
    pad.wait_for_function("document.querySelector('[data-testid=attribution]').dataset.total !== ''")
    total = float(attribution.get_attribute("data-total"))
    assert abs(total - float(pad.get_attribute('[data-testid="prediction"]', "data-z"))) < 1e-9
    assert attribution.locator('.gallery[data-side="a"] figure').count() == 8
    assert attribution.locator('.gallery[data-side="b"] figure').count() == 8
    assert "b + the sum of all 1,703 contributions" in pad.locator('[data-testid="attribution-check"]').inner_text()
    pad.click('[data-testid="flip"]')  # the changed input is explained too: its sum is the z now shown
    pad.wait_for_selector('[data-testid="flip-size"]:not([hidden])')
    total = float(attribution.get_attribute("data-total"))
    assert abs(total - float(pad.get_attribute('[data-testid="prediction"]', "data-z"))) < 1e-9 and total > 0
    pad.locator('[data-testid="attribution-panel"] summary').click()  # closed, and opened after the flip:
    pad.locator('[data-testid="attribution-panel"] summary').click()  # it still explains the input on display
    pad.wait_for_function("document.querySelector('[data-testid=attribution]').dataset.total !== ''")
    assert float(attribution.get_attribute("data-total")) == total
    pad.locator('[data-testid="attribution-panel"] summary').click()  # closed again for the other tests


def assert_reads_the_test_image_on_the_pad(page):
    """The verdict is the shipped weights' on that very test image (the index the page names), to round-off."""
    from pathlib import Path

    from digitlab.data import read_pair
    from digitlab.weights import load_weights

    root = Path(__file__).resolve().parents[1]
    index = int(page.get_attribute('[data-testid="sample-label"]', "data-index"))
    x = [v / 255 for v in read_pair(root / "site" / "data", 0, 1)[0].test.image_bytes(index)]
    shipped = load_weights(root / "weights" / "mnist01.json")
    p1 = 1 / (1 + math.exp(-(shipped.b + sum(w * v for w, v in zip(shipped.w, x)))))
    assert float(verdict(page)[1]) == pytest.approx(p1, rel=1e-12, abs=1e-15)
