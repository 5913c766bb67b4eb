"""Reading a drawing: stroke end to verdict in the page and as Playwright sees it; the honest verdict on the test
split.
"""

from __future__ import annotations

import json
import time

from browser import (
    ROOT,
    ellipse_points,
    line_points,
    stroke,
)
from oracle import bundle_arrays
from tools.bench.common import DATA, long_tasks, median, open_app, p95, watch_long_tasks


def bench_prediction(browser, base: str, strokes: int) -> dict:
    context, page = open_app(browser, base)
    watch_long_tasks(page)  # from the moment the page says it is ready
    seen_from_playwright = []
    shapes = [line_points(0.5, 0.15, 0.5, 0.85), ellipse_points(0.5, 0.5, 0.28, 0.32)]
    for k in range(strokes):
        page.click('[data-testid="clear"]')
        points = shapes[k % 2]
        box = page.locator('[data-testid="pad"]').bounding_box()
        xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
        before = page.evaluate("performance.getEntriesByName('stroke-to-verdict').length")
        page.mouse.move(*xy[0])
        page.mouse.down()
        for x, y in xy[1:]:
            page.mouse.move(x, y)
        started = time.perf_counter()
        page.mouse.up()
        page.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}", polling=1)
        seen_from_playwright.append((time.perf_counter() - started) * 1000)
    in_page = page.evaluate("performance.getEntriesByName('stroke-to-verdict').map(e => e.duration)")
    # Only pointer strokes: every other measure is the Clear button's empty verdict.
    in_page = in_page[1::2]
    preprocess = page.evaluate("performance.getEntriesByName('preprocess-and-predict').map(e => e.duration)")
    drawing_tasks = long_tasks(page)
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))  # the helper still works after the run
    context.close()
    return {
        "in_page_median_ms": median(in_page),
        "in_page_p95_ms": p95(in_page),
        "playwright_median_ms": median(seen_from_playwright),
        "playwright_p95_ms": p95(seen_from_playwright),
        "preprocess_and_predict_median_ms": median(preprocess),
        "strokes": len(in_page),
        "while_drawing": drawing_tasks,
    }


def bench_honesty() -> dict:
    """The honest verdict of every pair on the bundled test split (CPython, numpy): the share of other digits
    flagged and of genuine ones, the worst pair of each."""
    import numpy as np

    from digitlab.data import PAIRS, read_ten
    from digitlab.honesty import PAIR_SHARE
    from digitlab.weights import ten_weights_from_dict

    weights = ten_weights_from_dict(json.loads((ROOT / "weights" / "ten.json").read_text()))
    *_, Xt, yt = bundle_arrays(read_ten(DATA)[0])
    Z = Xt @ np.array(weights.W).T + np.array(weights.b)
    P = np.exp(Z - np.logaddexp.reduce(Z, axis=1, keepdims=True))
    others, genuine = {}, {}
    for a, b in PAIRS:
        flagged, other = P[:, a] + P[:, b] < PAIR_SHARE, (yt != a) & (yt != b)
        others[f"{a}-{b}"], genuine[f"{a}-{b}"] = float(flagged[other].mean()), float(flagged[~other].mean())
    worst_other, worst_genuine = min(others, key=others.get), max(genuine, key=genuine.get)
    return {"others_flagged": others, "genuine_flagged": genuine, "worst_other": [worst_other, others[worst_other]],
            "worst_genuine": [worst_genuine, genuine[worst_genuine]]}  # fmt: skip
