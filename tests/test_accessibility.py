"""Usable by keyboard, screen reader and finger: axe-core finds nothing, tap targets are big, the pad fits a phone."""

import json
import re

import pytest

from browser import DIST, ROOT, ellipse_points, new_context, stroke, train, wait_ready

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def open_page(browser, site_url):
    """The app with a drawing and a finished run, in a context that may inject axe (bypass_csp)."""
    context = new_context(browser, bypass_csp=True)
    page = context.new_page()
    page.goto(site_url)
    wait_ready(page)
    stroke(page, ellipse_points(0.5, 0.5, 0.28, 0.32))
    train(page, iterations=3)
    yield page
    context.close()


def test_axe_finds_no_violations(open_page):
    open_page.add_script_tag(path=str(AXE))
    result = open_page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert not problems, json.dumps(problems, indent=1)


def test_charts_are_images_with_a_text_summary(open_page):
    for testid in ("loss-chart", "accuracy-chart"):
        chart = open_page.locator(f'[data-testid="{testid}"]')
        assert chart.get_attribute("role") == "img"
        assert re.search(r"over 3 iterations: train [\d.e-]+ to [\d.e-]+, test", chart.get_attribute("aria-label"))


def test_tap_targets_are_at_least_44_px_on_a_phone(browser, site_url):
    context = new_context(browser, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site_url)
    wait_ready(page)
    small = page.evaluate(
        """() => [...document.querySelectorAll('button:not([hidden]), label.file')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.dataset.testid || e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44).map(([name]) => name)"""
    )
    assert not small
    context.close()


def test_the_pad_fits_a_landscape_phone_and_the_badge_does_not_wrap(browser, site_url):
    context = new_context(browser, viewport={"width": 844, "height": 390}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site_url)
    wait_ready(page)
    pad = page.locator('[data-testid="pad"]')
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box["height"] <= 390 and box["y"] >= 0 and box["y"] + box["height"] <= 390 + 1  # scrolled to a fraction
    page.set_viewport_size({"width": 360, "height": 740})
    page.evaluate("document.querySelector('[data-testid=offline-badge]').hidden = false")
    badge = page.locator('[data-testid="offline-badge"]').bounding_box()
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('[data-testid=offline-badge]')).lineHeight)"
    )
    assert badge["height"] < 1.6 * line
    context.close()


def test_no_emoji_that_a_missing_font_would_turn_into_tofu():
    for name in ("index.html", "style.css", "js/main.js"):
        text = (DIST / name).read_text()
        assert not re.search("[\U0001f000-\U0001faff\u2300-\u23ff\u2600-\u27bf]", text.replace("✓", "")), name


def test_the_keyboard_route_to_a_digit_is_said_near_the_pad():
    html = (DIST / "index.html").read_text()
    assert "No mouse or touch? <em>Real MNIST digit</em> puts a test image on the pad from the keyboard." in html
    assert '<pre data-testid="source" tabindex="0"' in html
