"""Training: the page's default runs (0/1 and the hard pairs, click to weights), the same math under CPython and numpy,
compressed bytes to a 99.5% model, and build.py train.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time

from browser import (
    READY,
    ROOT,
    new_context,
)
from digitlab.data import read_pair
from digitlab.model import fit, train
from digitlab.sparse import Design
from oracle import bundle_arrays, full_batch_run
from tools.bench.common import CLICK_TO_WEIGHTS, DATA, GD, HARD_PAIRS, long_tasks, median, open_app, watch_long_tasks


def bench_pipeline(browser, base: str) -> dict:
    context = new_context(browser)
    page = context.new_page()
    page.goto(base + "pipeline/")
    page.wait_for_selector(READY, state="attached")
    result = json.loads(page.get_attribute("body", "data-result"))
    context.close()
    return result


def bench_training_browser(browser, base: str, rounds: int) -> dict:
    context, page = open_app(browser, base)
    watch_long_tasks(page)
    runs = [page.evaluate(CLICK_TO_WEIGHTS) for _ in range(rounds)]
    training_tasks = long_tasks(page)
    context.close()
    pipelines = [bench_pipeline(browser, base) for _ in range(rounds)]
    return {
        "click_to_weights_ms": [r["ms"] for r in runs],
        "click_to_weights_median_ms": median([r["ms"] for r in runs]),
        "iterations": runs[-1]["iterations"],
        "ms_per_iteration": median([r["elapsedMs"] / r["iterations"] for r in runs]),
        "pipeline_ms": median([p["ms"] for p in pipelines]),
        "pipeline_iterations": pipelines[-1]["iterations"],
        "during_training": training_tasks,
    }


def bench_training_cpython(rounds: int) -> dict:
    numpy_ms, numpy_pipeline_ms, python_ms = [], [], []
    for _ in range(rounds):
        X, y, Xt, yt = bundle_arrays(read_pair(DATA, 0, 1)[0])
        started = time.perf_counter()
        full_batch_run(X, y, GD.learning_rate, GD.iterations)
        numpy_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        X, y, Xt, yt = bundle_arrays(read_pair(DATA, 0, 1)[0])
        _, _, numpy_iterations = full_batch_run(X, y, 1.0, 100, Xt=Xt, yt=yt, stop_at=0.995)
        numpy_pipeline_ms.append((time.perf_counter() - started) * 1000)
        bundle = read_pair(DATA, 0, 1)[0]
        train_set = Design(bundle.train.pixels, bundle.train.labels)
        test_set = Design(bundle.test.pixels, bundle.test.labels)
        started = time.perf_counter()
        fit(train_set, test_set, GD)
        python_ms.append((time.perf_counter() - started) * 1000)
    # The browser runs this very algorithm, so its curve is the same: read it here.
    curve = [p.test_accuracy for p in train(train_set, test_set, GD)]
    return {
        "numpy_default_run_ms": median(numpy_ms),
        "numpy_ms_per_iteration": median(numpy_ms) / GD.iterations,
        "numpy_pipeline_ms": median(numpy_pipeline_ms),
        "numpy_pipeline_iterations": numpy_iterations,
        "cpython_pure_default_run_ms": median(python_ms),
        "cpython_pure_ms_per_iteration": median(python_ms) / GD.iterations,
        "iterations_to_99_5": next((i for i, a in enumerate(curve) if a >= 0.995), None),
    }


SWITCH = """([a, b]) => new Promise((resolve) => {
  const started = performance.now();
  const seen = new MutationObserver(() => {
    if (document.body.dataset.pair === `${a}-${b}` && document.body.dataset.ready === "true") {
      seen.disconnect();
      resolve(performance.now() - started);
    }
  });
  seen.observe(document.body, {attributes: true});
  const [first, second] = [...document.querySelectorAll('[data-testid=digit-a], [data-testid=digit-b]')];
  first.value = String(a);
  second.value = String(b);
  second.dispatchEvent(new Event('change'));
})"""


def bench_pairs(browser, base: str) -> dict:
    """For each hard pair: selection to data-pair (first fetch included), the default run, our error vs sklearn's."""
    from sklearn.linear_model import LogisticRegression

    context, page = open_app(browser, base)
    rows = {}
    for a, b in HARD_PAIRS:
        switch_ms = page.evaluate(SWITCH, [a, b])
        run = page.evaluate(CLICK_TO_WEIGHTS)
        ours = 1 - float(page.get_attribute('[data-testid="test-accuracy"]', "data-value"))
        X, y, Xt, yt = bundle_arrays(read_pair(DATA, a, b)[0])
        theirs = 1 - LogisticRegression(C=1.0, max_iter=2000).fit(X, y).score(Xt, yt)
        rows[f"{a}-{b}"] = {"switch_ms": switch_ms, "train_ms": run["ms"], "error": ours, "sklearn_error": theirs}
    context.close()
    return rows


def bench_cpython_train() -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        subprocess.run(
            # every output in the scratch folder: the bench must not rewrite the shipped weights
            [
                sys.executable,
                str(ROOT / "build.py"),
                "train",
                "--out",
                f"{scratch}/w.json",
                "--pairs",
                f"{scratch}/p.json",
            ],
            check=True,
            capture_output=True,
        )
        return {"build_train_s": time.perf_counter() - started}
