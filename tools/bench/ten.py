"""All ten digits in the page: opening the mode, stroke to verdict, the default run, Cancel."""

from __future__ import annotations

import time

from browser import (
    line_points,
    stroke,
)
from tools.bench.common import CLICK_TO_WEIGHTS, long_tasks, median, open_app, p95, watch_long_tasks

TEN_STROKES = [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)], line_points(0.5, 0.15, 0.5, 0.85)]


def bench_ten(browser, base: str, strokes: int) -> dict:
    """Ten-digit mode: opening it (the eight other digits fetched), stroke to verdict, the default training run
    (click to weights, test accuracy, longest task), and how long Cancel takes to stop a run."""
    context, page = open_app(browser, base)
    started = time.perf_counter()
    page.select_option('[data-testid="mode"]', "ten")
    page.wait_for_selector('body[data-model="ten"][data-ready="true"]')
    open_s = time.perf_counter() - started
    marks = "performance.getEntriesByName('stroke-to-verdict').length"
    first = page.evaluate(marks)
    for k in range(strokes):
        page.click('[data-testid="clear"]')
        stroke(page, TEN_STROKES[k % 2])
    in_page = page.evaluate(f"performance.getEntriesByName('stroke-to-verdict').slice({first}).map(e => e.duration)")
    in_page = in_page[1::2]  # the pen strokes, not Clear's empty verdicts
    watch_long_tasks(page)
    run = page.evaluate(CLICK_TO_WEIGHTS)
    accuracy = float(page.get_attribute('[data-testid="test-accuracy"]', "data-value"))
    tasks = long_tasks(page)
    cancel_ms = page.evaluate("""() => new Promise((resolve) => {
        document.querySelector('[data-testid=train]').click();
        setTimeout(() => {
            const pressed = performance.now();
            new MutationObserver((_, seen) => {
                if (document.body.dataset.training !== 'false') return;
                seen.disconnect();
                const stopped = performance.getEntriesByName('digitlab:run-stopped').at(-1).startTime;
                resolve({stopped: stopped - pressed, idle: performance.now() - pressed});
            }).observe(document.body, {attributes: true});
            document.querySelector('[data-testid=cancel]').click();
        }, 3000);
    })""")
    context.close()
    return {
        "open_s": open_s,
        "stroke_in_page_median_ms": median(in_page),
        "stroke_in_page_p95_ms": p95(in_page),
        "train_click_to_weights_ms": run["ms"],
        "train_iterations": run["iterations"],
        "test_accuracy": accuracy,
        "during_training": tasks,
        "cancel_ms": cancel_ms["stopped"],  # the run's last step over
        "cancel_to_idle_ms": cancel_ms["idle"],  # and its weights measured on the test split, shown
    }
