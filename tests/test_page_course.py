"""The course in the page, followed as a learner would: each lesson opens beside its section with its model and
settings, its mark turns done only after the real action, a near miss leaves it open with a hint, progress
survives a reload, a link opens a lesson, and Start over clears it."""

import re

import pytest

from browser import READY, clear, ellipse_points, line_points, runs, stroke, teach, verdict

pytestmark = pytest.mark.browser
SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]
TWO = [(0.3, 0.3), (0.45, 0.15), (0.65, 0.2), (0.65, 0.4), (0.3, 0.8), (0.75, 0.8)]
FOUR = [(0.6, 0.85), (0.6, 0.15), (0.25, 0.6), (0.75, 0.6)]


def lesson_done(page, name: str) -> bool:
    return page.get_attribute(f'[data-testid="lesson"][data-lesson="{name}"]', "data-done") == "true"


def hint(page) -> str:
    return page.locator('[data-testid="lesson-hint"]').inner_text()


def open_lesson(page, name: str, model: str) -> None:
    page.click(f'[data-testid="lesson"][data-lesson="{name}"]')
    page.wait_for_selector(f'[data-testid="lesson-card"][data-lesson="{name}"]:not([hidden])')
    ready = 'body[data-model="ten"]' if model == "ten" else f'body[data-pair="{model}"][data-model="pair"]'
    page.wait_for_selector(f'{ready}[data-activity="idle"]')


def section_of_card(page) -> str:
    """Where the open lesson's card is: its place (site/index.html's data-place), beside what it is about."""
    return page.evaluate("document.querySelector('[data-testid=lesson-card]').closest('[data-place]').dataset.place")


def run_and_wait(page, testid: str = "train") -> None:
    before = runs(page)
    page.click(f'[data-testid="{testid}"]')
    page.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")


def test_the_course_is_the_first_thing_a_visitor_sees(course):
    strip = course.locator('[data-testid="course"]').bounding_box()
    assert strip["y"] < course.locator('[data-testid="pad"]').bounding_box()["y"]
    names = course.eval_on_selector_all('[data-testid="lesson"]', "chips => chips.map(c => c.dataset.lesson)")
    assert len(names) == 12 and {"diverge", "threshold", "unknown", "wrong-label", "regularise", "flip"} <= set(names)
    assert not any(lesson_done(course, name) for name in names)


def test_reading_the_sum_and_the_sigmoid(course):
    open_lesson(course, "sum", "0-1")
    assert section_of_card(course) == "why"
    clear(course)
    stroke(course, line_points(0.5, 0.15, 0.5, 0.85))
    z = float(course.get_attribute('[data-testid="equation"]', "data-z"))
    course.fill('[data-testid="lesson-answer"]', f"{-z:.2f}")
    course.press('[data-testid="lesson-answer"]', "Enter")
    assert not lesson_done(course, "sum") and "sign" in hint(course)
    course.fill('[data-testid="lesson-answer"]', f"{z:.2f}")
    course.press('[data-testid="lesson-answer"]', "Enter")
    assert lesson_done(course, "sum") and "Done" in hint(course)
    open_lesson(course, "sigmoid", "1-7")
    assert section_of_card(course) == "curves"
    clear(course)
    stroke(course, line_points(0.5, 0.15, 0.5, 0.85))  # "Draw a 1": sure, so not this lesson yet
    assert not lesson_done(course, "sigmoid")
    stroke(course, [(0.3, 0.2), (0.5, 0.15)])  # "then add a short flag at its top ... a fifth of the pad long"
    assert lesson_done(course, "sigmoid"), verdict(course)


def test_flip_unknown_mistakes_and_threshold(course):
    open_lesson(course, "flip", "4-9")
    clear(course)
    stroke(course, FOUR, steps_between=3)
    assert not lesson_done(course, "flip")
    course.click('[data-testid="flip"]')
    course.wait_for_selector('[data-testid="flip-size"]:not([hidden])')
    assert lesson_done(course, "flip")
    course.click('[data-testid="flip-back"]')
    open_lesson(course, "unknown", "3-5")
    assert section_of_card(course) == "draw"
    clear(course)
    stroke(course, TWO, steps_between=3)
    assert lesson_done(course, "unknown")
    open_lesson(course, "mistakes", "3-5")
    course.click('[data-testid="sample"]')  # a test digit, but not one of its mistakes
    course.wait_for_function("!document.querySelector('[data-testid=sample-label]').hidden")
    assert not lesson_done(course, "mistakes")
    course.locator('[data-testid="misclassified"] figure button').first.click()
    assert lesson_done(course, "mistakes")
    open_lesson(course, "threshold", "3-5")
    course.locator('[data-testid="threshold"]').fill("0.6")
    assert not lesson_done(course, "threshold")
    course.locator('[data-testid="threshold"]').fill("0.99")
    assert lesson_done(course, "threshold")
    course.locator('[data-testid="threshold"]').fill("0.5")


def test_diverge_lbfgs_and_regularise(course):
    open_lesson(course, "diverge", "3-5")
    assert section_of_card(course) == "train"
    assert course.input_value('[data-testid="method"]') == "gd" and course.input_value('[data-testid="lr"]') == "30"
    course.fill('[data-testid="lr"]', "10")  # a near miss: the loss bounces, but settles
    run_and_wait(course)
    assert not lesson_done(course, "diverge") and "larger learning rate" in hint(course)
    course.fill('[data-testid="lr"]', "30")
    run_and_wait(course)
    assert lesson_done(course, "diverge")
    open_lesson(course, "lbfgs", "3-5")
    run_and_wait(course)
    assert not lesson_done(course, "lbfgs") and "L-BFGS" in hint(course)
    course.select_option('[data-testid="method"]', "lbfgs")
    run_and_wait(course)
    assert lesson_done(course, "lbfgs")
    open_lesson(course, "regularise", "3-5")
    assert course.input_value('[data-testid="l2"]') == "0.0006"
    run_and_wait(course)
    course.fill('[data-testid="l2"]', "0.003")  # five times: not yet
    run_and_wait(course)
    assert not lesson_done(course, "regularise")
    course.fill('[data-testid="l2"]', "0.06")
    run_and_wait(course)
    assert lesson_done(course, "regularise")


def test_a_wrong_label_and_the_ten_digit_lessons(course):
    open_lesson(course, "wrong-label", "1-7")
    clear(course)
    stroke(course, SEVEN, steps_between=3)
    assert verdict(course)[0] == "7"
    teach(course, 1)  # "It is a 7": what it read, so no lesson in it
    assert not lesson_done(course, "wrong-label") and "did not give" in hint(course)
    teach(course, 0)  # "It is a 1"
    status = course.locator('[data-testid="teach-status"]').inner_text()
    before, after = (float(v) for v in re.search(r"([\d.]+)% → ([\d.]+)%", status).groups())
    assert lesson_done(course, "wrong-label") == (after < before)
    course.click('[data-testid="clear-examples"]')
    open_lesson(course, "ten", "ten")
    clear(course)
    stroke(course, SEVEN, steps_between=3)
    course.select_option('[data-testid="compare-with"]', "1")
    assert lesson_done(course, "ten")
    course.select_option('[data-testid="compare-with"]', "")
    open_lesson(course, "teach", "ten")
    figure = course.locator('[data-testid="misclassified"] figure').first
    figure.locator("button").click()  # a digit it reads wrong
    course.wait_for_function("!document.querySelector('[data-testid=sample-label]').hidden")
    truth = course.get_attribute('[data-testid="sample-label"]', "data-label")
    course.select_option('[data-testid="teach-digit"]', truth)
    run_and_wait(course, "teach-chosen")
    assert lesson_done(course, "teach") and verdict(course)[0] == truth
    course.click('[data-testid="clear-examples"]')
    course.click('[data-testid="reset"]')


def test_progress_is_kept_across_a_reload_and_start_over_clears_it(course):
    open_lesson(course, "flip", "4-9")
    clear(course)
    stroke(course, FOUR, steps_between=3)
    course.click('[data-testid="flip"]')
    course.reload()
    course.wait_for_selector(READY)
    assert lesson_done(course, "flip")
    course.click('[data-testid="start-over"]')
    course.click('[data-testid="start-over-yes"]')
    assert not lesson_done(course, "flip")


def test_a_link_opens_a_lesson_with_its_model_and_settings(make_page):
    page = make_page("#lesson=diverge")
    page.wait_for_selector('body[data-pair="3-5"][data-activity="idle"]')
    assert page.get_attribute('[data-testid="lesson-card"]', "data-lesson") == "diverge"
    assert page.input_value('[data-testid="lr"]') == "30" and page.input_value('[data-testid="method"]') == "gd"
    stroke(page, ellipse_points(0.5, 0.5, 0.28, 0.32))  # the page works as usual around it
    assert page.get_attribute('[data-testid="prediction"]', "data-z") == page.get_attribute(
        '[data-testid="equation"]', "data-z"
    )
