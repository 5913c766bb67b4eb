"""Stored state is a stranger's input, tabs merge, and lessons apply their settings once: on GitHub Pages every
project site of a user shares one origin, so anything in this app's localStorage may have been written by
someone else, and a classroom computer has several tabs open."""

import pytest
from conftest import Watch, open_page
from test_page_course import lesson_done, open_lesson

from browser import error_text, line_points, pad_box, stroke, verdict, verdicts, wait_ready

pytestmark = pytest.mark.browser
LESSONS_KEY = "digitlab:/:lessons"


def test_a_start_survives_hostile_stored_values(make_page):
    """Marks nested 10,000 deep killed Pyodide at every start; a 1 MB bracket string froze it; an integer of
    5,000 digits stopped an import without a word."""
    hostile = """
        localStorage.setItem('LESSONS', '['.repeat(10000) + ']'.repeat(10000));
        localStorage.setItem('digitlab:/:0-1:weights', '"' + '\\\\"['.repeat(300000) + '"');
        localStorage.setItem('digitlab:/:0-1:examples', '[' + '9'.repeat(5000) + ']');
        localStorage.setItem('digitlab:/:generation', '{"__proto__": 1}');
    """.replace("LESSONS", LESSONS_KEY)
    once = "if (!sessionStorage.getItem('seeded')) { HOSTILE sessionStorage.setItem('seeded', '1'); }"
    page = make_page(init_script=once.replace("HOSTILE", hostile))
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(page)[0] == "1"
    assert "shipped" in page.locator('[data-testid="active-weights"]').inner_text()
    assert not any(lesson_done(page, name) for name in ("flip", "sum"))


def test_a_stroke_the_system_cancels_is_not_read(make_page):
    page = make_page(viewport={"width": 1280, "height": 800}, has_touch=True)
    box = pad_box(page)
    before = verdicts(page)
    cdp = page.context.new_cdp_session(page)
    for kind, (x, y) in zip(["touchStart", "touchMove", "touchMove"], [(0.5, 0.2), (0.5, 0.5), (0.5, 0.8)]):
        point = {"x": box["x"] + x * box["width"], "y": box["y"] + y * box["height"]}
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchCancel", "touchPoints": []})
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)))")
    assert verdicts(page) == before and verdict(page) == ("", "")
    ink = page.evaluate(
        """() => { const c = document.querySelector('[data-testid=pad]');
            return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v); }"""
    )
    assert not ink


def test_two_tabs_merge_lesson_marks_and_start_over_in_one_is_honoured_by_the_other(browser, site_url):
    watch = Watch(site_url.rstrip("/"))
    context, first = open_page(browser, watch)
    first.goto(site_url)
    wait_ready(first)
    first.evaluate("localStorage.clear()")
    second = context.new_page()
    second.goto(site_url)
    wait_ready(second)
    second.bring_to_front()
    open_lesson(second, "flip", "4-9")
    stroke(second, [(0.6, 0.85), (0.6, 0.15), (0.25, 0.6), (0.75, 0.6)])
    second.click('[data-testid="flip"]')
    second.wait_for_function("document.querySelector('[data-testid=flip-size]').dataset.value !== ''")
    assert lesson_done(second, "flip")
    first.bring_to_front()
    first.wait_for_function("document.querySelector('[data-lesson=flip]').dataset.done === 'true'")
    open_lesson(first, "sum", "0-1")  # an older tab writes its marks: merged, the other tab's kept
    stroke(first, line_points(0.5, 0.15, 0.5, 0.85))
    z = float(first.get_attribute('[data-testid="equation"]', "data-z"))
    first.fill('[data-testid="lesson-answer"]', f"{z:.2f}")
    first.press('[data-testid="lesson-answer"]', "Enter")
    assert set(first.evaluate(f"JSON.parse(localStorage.getItem('{LESSONS_KEY}')).done")) == {"flip", "sum"}
    first.click('[data-testid="start-over"]')
    first.click('[data-testid="start-over-yes"]')
    second.bring_to_front()
    second.wait_for_function("document.querySelector('[data-lesson=flip]').dataset.done === 'false'")
    assert "Another tab started over" in second.locator('[data-testid="start-over-status"]').inner_text()
    stroke(second, line_points(0.5, 0.15, 0.5, 0.85))
    second.click('[data-testid="teach-1"]')  # after the other tab's Start over: its own writes go on, afresh
    second.wait_for_function("document.querySelector('[data-testid=progress]').dataset.runs > 0")
    assert first.evaluate(f"localStorage.getItem('{LESSONS_KEY}')") is None
    context.close()
    watch.check()


def test_a_lesson_opened_on_the_model_in_use_sets_its_settings_once(app):
    """It used to stay armed, and at the next model change overwrite that model's settings (ten digits then
    trained by gradient descent at learning rate 30: 38%)."""
    open_lesson(app, "diverge", "3-5")
    app.click('[data-testid="lesson-close"]')
    open_lesson(app, "lbfgs", "3-5")  # already on 3-5: no load, nothing armed
    app.click('[data-testid="lesson-close"]')
    app.select_option('[data-testid="mode"]', "ten")
    app.wait_for_selector('body[data-model="ten"][data-ready="true"]')
    assert app.input_value('[data-testid="method"]') == "lbfgs" and app.input_value('[data-testid="lr"]') != "30"


def test_a_lesson_chosen_during_a_run_opens_when_the_run_ends(app):
    app.fill('[data-testid="iterations"]', "40")
    app.click('[data-testid="train"]')
    app.wait_for_selector('body[data-training="true"]')
    app.click('[data-testid="lesson"][data-lesson="unknown"]')
    assert "opens once this is over" in error_text(app)
    app.click('[data-testid="cancel"]')
    app.wait_for_selector('body[data-pair="3-5"][data-ready="true"][data-activity="idle"]', timeout=60_000)
    assert app.locator('[data-testid="lesson-card"]').get_attribute("data-lesson") == "unknown"


def test_cancel_while_a_finished_run_is_measured_says_nothing_was_left_to_stop(app):
    app.select_option('[data-testid="mode"]', "ten")
    app.wait_for_selector('body[data-model="ten"][data-ready="true"]')
    app.fill('[data-testid="iterations"]', "1")
    app.click('[data-testid="train"]')
    app.wait_for_function(
        "document.querySelector('[data-testid=train-status]').textContent.startsWith('Done: measuring')",
        polling=10,
    )
    app.click('[data-testid="cancel"]')
    app.wait_for_selector('body[data-training="false"]')
    said = app.locator('[data-testid="train-status"]').inner_text()
    assert said.startswith("Trained: 1 of 1 iterations") and "nothing was left to stop" in said, said


def test_a_failed_start_offers_repair_at_once_which_can_forget_this_apps_stored_values(browser, site_url):
    from browser import new_context

    context = new_context(browser)
    context.route("**/pysrc.tar.gz", lambda route: route.fulfill(status=200, body=b"not a tar.gz"))
    page = context.new_page()
    page.add_init_script(
        "if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1');"
        " localStorage.setItem('digitlab:/:0-1:examples', '[]'); localStorage.setItem('another-site:x', 'kept'); }"
    )
    page.goto(site_url)
    page.wait_for_selector('[data-testid="repair"]:not([hidden])', timeout=30_000)  # not after 60 s
    page.check('[data-testid="repair-forget"]')
    with page.expect_navigation():
        page.click('[data-testid="repair-button"]')
    kept = page.evaluate("Object.keys(localStorage)")
    assert "another-site:x" in kept and not any(key.startswith("digitlab:/:0-1") for key in kept)
    context.close()


def test_lesson_two_can_be_done_from_the_keyboard(app):
    """No 0/1 test image is unsure, and there was no other way to make an input without a pointer."""
    open_lesson(app, "sigmoid", "1-7")
    app.focus('[data-testid="misclassified"] figure button')
    app.keyboard.press("Enter")
    app.wait_for_function("!document.querySelector('[data-testid=sample-label]').hidden")
    assert lesson_done(app, "sigmoid"), verdict(app)


FULL = """Storage.prototype.setItem = function () {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };"""


def test_with_storage_full_each_refused_write_says_so_where_its_effect_shows(make_page):
    page = make_page(init_script=FULL)
    open_lesson(page, "flip", "4-9")
    stroke(page, [(0.6, 0.85), (0.6, 0.15), (0.25, 0.6), (0.75, 0.6)])
    page.click('[data-testid="flip"]')
    page.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert lesson_done(page, "flip") and "lesson marks are not kept" in error_text(page)
    assert page.evaluate("document.querySelector('[data-testid=error]').closest('.course') !== null")
    page.click('[data-testid="flip-back"]')
    page.click(f'[data-testid="teach-{int(verdict(page)[0] == "4")}"]')  # the digit it does not read: it learns
    page.wait_for_function("document.querySelector('[data-testid=progress]').dataset.runs > 0")
    said = error_text(page)
    assert "Could not keep your digits" in said and "Could not keep the weights" in said, said
