"""Benchmarks, side by side in one run: `python3 build.py bench` (which builds dist/ and finds Chromium).

Prints a table and writes bench/results.json. Figures, not assertions: the machine is shared,
so each comparison is a ratio of two things measured in the same run, alternated where possible.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from browser import (
    DIST,
    READY,
    ROOT,
    ellipse_points,
    launch,
    line_points,
    new_context,
    serve,
    stroke,
    wait_ready,
)
from digitlab.config import TrainConfig
from digitlab.data import read_pair
from digitlab.model import fit, train
from digitlab.sparse import Design
from oracle import bundle_arrays, full_batch_run

DEFAULT = TrainConfig()
GD = TrainConfig(method="gd", iterations=20)  # the seed's method, for the numpy comparison
DATA = ROOT / "site" / "data"
HARD_PAIRS = [(3, 5), (4, 9), (7, 9), (5, 8)]
HELLO = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="../app/vendor/pyscript/core.js"></script></head>
<body data-ready="false">
<script type="py" config="./pyscript.json">
from pyscript import document
document.body.dataset.ready = "true"
</script></body></html>
"""
# Compressed bytes to a model at 99.5% test accuracy, timed inside a page of its own that loads
# the app's Python and data: the measurement stays out of the app.
PIPELINE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="../app/vendor/pyscript/core.js"></script></head>
<body data-ready="false">
<script type="py" config="./pyscript.json">
import json, time
from pyscript import document
from digitlab.config import TrainConfig
from digitlab.data import decode_digit, pair_bundle
from digitlab.model import train
from digitlab.sparse import Design
started = time.perf_counter()
digits = []
for d in (0, 1):
    with open(f"data/digit-{d}.bin", "rb") as handle:
        digits.append(decode_digit(handle.read()))
bundle = pair_bundle(*digits)
decoded = time.perf_counter()
train_set = Design(bundle.train.pixels, bundle.train.labels)
test_set = Design(bundle.test.pixels, bundle.test.labels)
for progress in train(train_set, test_set, TrainConfig(method="gd", iterations=100)):
    if progress.test_accuracy >= 0.995:
        break
done = time.perf_counter()
result = {"ms": (done - started) * 1000, "decode_ms": (decoded - started) * 1000, "iterations": progress.iteration}
document.body.dataset.result = json.dumps(result)
document.body.dataset.ready = "true"
</script></body></html>
"""


def median(values):
    return statistics.median(values)


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench_root() -> Path:
    """A folder serving the app at /app/ and a bare PyScript hello world at /hello/, same runtime files."""
    root = Path(tempfile.mkdtemp(prefix="digitlab-bench-"))
    (root / "app").symlink_to(DIST)
    (root / "hello").mkdir()
    (root / "hello" / "index.html").write_text(HELLO)
    (root / "hello" / "pyscript.json").write_text(json.dumps({"interpreter": "../app/vendor/pyodide/pyodide.mjs"}))
    (root / "pipeline").mkdir()
    (root / "pipeline" / "index.html").write_text(PIPELINE)
    files = {"../app/pysrc.tar.gz": "./*"}
    files |= {f"../app/data/digit-{d}.bin": f"./data/digit-{d}.bin" for d in (0, 1)}
    config = {"interpreter": "../app/vendor/pyodide/pyodide.mjs", "files": files}
    (root / "pipeline" / "pyscript.json").write_text(json.dumps(config))
    return root


TEN_MBIT = {"offline": False, "latency": 20, "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8}


# The moment body[data-ready] turns "true", on the page's own clock (from navigation start), told to
# the bench by a console line. Playwright's own wait (wait_for_selector) would notice it only at its
# next poll (every 100-500 ms), and would first inject its selector engine into the page: ~40 ms of
# script to compile on the main thread the boot needs, which a visitor's page does not pay.
READY_SIGNAL = "bench: ready"
READY_AT = f"""new MutationObserver((_, observer) => {{
    if (document.body?.dataset.ready !== "true") return;
    window.digitlabReadyAt = performance.now();
    observer.disconnect();
    console.debug("{READY_SIGNAL}");
}}).observe(document, {{ attributes: true, subtree: true, attributeFilter: ["data-ready"] }});"""


def visit(context, url: str, link: dict | None = None) -> tuple[float, str]:
    """Seconds from navigation to ready in a new tab of `context`, and how Python started (data-boot)."""
    page = context.new_page()
    page.add_init_script(READY_AT)
    notes = []
    page.on("console", lambda message: notes.append(message.text) if "digitlab:" in message.text else None)
    if link:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", link)
    with page.expect_console_message(lambda message: message.text == READY_SIGNAL):
        page.goto(url)
    elapsed = page.evaluate("window.digitlabReadyAt") / 1000
    how = page.evaluate("document.body.dataset.boot || ''")
    page.close()
    return elapsed, how + "".join(f" ({note})" for note in notes)


def cold_boot(browser, url: str, link: dict | None = None) -> tuple[float, str]:
    """A first visit: an empty context, so no HTTP cache and no service worker yet (the page may register one)."""
    context = new_context(browser, service_workers="allow")
    try:
        return visit(context, url, link)
    finally:
        context.close()


# What a first visit leaves behind once it has settled: the service worker in charge with its cache
# full, and the inflated snapshot kept (the hello world has neither).
SETTLED = """async () => {
    if (!document.querySelector('[data-testid=offline-badge]')) return;
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) =>
        navigator.serviceWorker.addEventListener('controllerchange', r, {once: true}));
    while (document.body.dataset.snapshot === 'downloaded' && document.body.dataset.snapshotKept !== 'true') {
        await new Promise((r) => setTimeout(r, 50));
    }
}"""


def warm_revisit(browser, url: str, link: dict | None = None) -> tuple[float, str]:
    """A return visit: first visit, the service worker (if the page has one) installed and in charge, then
    the page again in a new tab of the same browser profile. Only the return visit is timed."""
    context = new_context(browser, service_workers="allow")
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(READY, state="attached")
        page.evaluate(SETTLED)
        page.close()
        return visit(context, url, link)
    finally:
        context.close()


def bench_boot(browser, base: str, rounds: int) -> dict:
    """The app against a bare PyScript hello world on the same runtime files, alternated (A B A B) so
    drift on a shared machine hits both alike; on localhost and on an emulated 10 Mbit/s link."""
    app, hello = base + "app/", base + "hello/"
    cold_boot(browser, hello)  # warm the OS file cache for both
    cold_boot(browser, app)
    kinds = {
        "cold": (cold_boot, None, rounds),
        "revisit": (warm_revisit, None, rounds),
        "cold_10mbit": (cold_boot, TEN_MBIT, max(1, rounds // 2)),
        "revisit_10mbit": (warm_revisit, TEN_MBIT, max(1, rounds // 2)),
    }
    result = {}
    for kind, (boot, link, n) in kinds.items():
        times = {"app": [], "hello": []}
        how = set()
        for _ in range(n):
            seconds, booted = boot(browser, app, link)
            times["app"].append(seconds)
            how.add(booted)
            times["hello"].append(boot(browser, hello, link)[0])
        result[kind] = {
            "app_s": times["app"],
            "hello_s": times["hello"],
            "app_median_s": median(times["app"]),
            "hello_median_s": median(times["hello"]),
            "app_booted": sorted(how),
        }
    for kind in kinds:  # every ratio is against the hello world booted cold on the same link
        reference = result["cold_10mbit" if "10mbit" in kind else "cold"]["hello_median_s"]
        result[kind]["ratio"] = result[kind]["app_median_s"] / reference
    return result


def open_app(browser, base: str):
    context = new_context(browser)
    page = context.new_page()
    page.goto(base + "app/")
    wait_ready(page)
    return context, page


# Click Train, resolve when the progress element records one more finished run.
CLICK_TO_WEIGHTS = """() => new Promise((resolve) => {
  const record = document.querySelector('[data-testid=progress]').dataset;
  const before = +record.runs;
  const started = performance.now();
  const seen = new MutationObserver(() => {
    if (+record.runs > before) {
      seen.disconnect();
      resolve({ms: performance.now() - started, iterations: +record.iterations, elapsedMs: +record.elapsedMs});
    }
  });
  seen.observe(document.querySelector('[data-testid=progress]'), {attributes: true});
  document.querySelector('[data-testid=train]').click();
})"""


def bench_pipeline(browser, base: str) -> dict:
    context = new_context(browser)
    page = context.new_page()
    page.goto(base + "pipeline/")
    page.wait_for_selector(READY, state="attached")
    result = json.loads(page.get_attribute("body", "data-result"))
    context.close()
    return result


LONG_TASK = 250  # ms: the most the main thread may be busy at once after ready (issue: "never frozen")


def watch_long_tasks(page) -> None:
    """Record every task over 50 ms (the browser's definition of a long task) from now on."""
    page.evaluate("""() => {
        window.longTasks = [];
        new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
            .observe({type: 'longtask'});
    }""")


def long_tasks(page) -> dict:
    durations = page.evaluate("window.longTasks")
    return {
        "long_tasks": len(durations),
        "longest_task_ms": max(durations, default=0.0),
        "tasks_over_limit": sum(d > LONG_TASK for d in durations),
    }


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


def bench_webkit_slow_link(base: str, rounds: int) -> dict:
    """First visits in WebKitGTK over a 10 Mbit/s link (every answer paced by the test server, WebKit's driver
    cannot throttle): the app against the hello world, alternated; wall time from navigation to ready."""
    from engines import WebKit, available

    from browser import Link, serve_with_faults

    if why := available("webkit"):
        return {"skipped": why}
    server, url, faults = serve_with_faults(Path(base))
    faults["*"] = ("rate", Link(10e6 / 8))
    times = {"app": [], "hello": []}
    boots = set()
    for _ in range(rounds):
        for name in ("app", "hello"):
            engine = WebKit()  # a fresh, empty profile each time: a first visit
            try:
                started = time.perf_counter()
                engine.goto(f"{url}{name}/")
                engine.wait("document.body.dataset.ready === 'true'", 180)
                times[name].append(time.perf_counter() - started)
                if name == "app":
                    boots.add(engine.eval("document.body.dataset.boot"))
            finally:
                engine.quit()
    server.release.set()
    server.shutdown()
    return {"app_s": times["app"], "hello_s": times["hello"], "ratio": median(times["app"]) / median(times["hello"]),
            "app_booted": sorted(boots)}  # fmt: skip


def bench_size(browser, base: str) -> dict:
    context, page = open_app(browser, base)
    page.wait_for_function("document.querySelector('[data-testid=source]').textContent.includes('class SoftmaxLoss')")
    entries = page.evaluate("performance.getEntriesByType('resource').map(e => [e.name, e.encodedBodySize])")
    entries.append([base + "app/index.html", (DIST / "index.html").stat().st_size])
    context.close()
    sizes = {"runtime": [0, 0], "app": [0, 0]}
    files = {}
    for url, transferred in entries:
        relative = url.split("/app/", 1)[1].split("?")[0]
        path = DIST / relative
        if not path.is_file():
            continue
        kind = "runtime" if relative.startswith("vendor/") else "app"
        compressed = len(gzip.compress(path.read_bytes(), 9))
        sizes[kind][0] += transferred or path.stat().st_size
        sizes[kind][1] += compressed
        files[relative] = {"bytes": path.stat().st_size, "gzip": compressed}
    return {
        "runtime_bytes": sizes["runtime"][0],
        "runtime_gzip": sizes["runtime"][1],
        "app_bytes": sizes["app"][0],
        "app_gzip": sizes["app"][1],
        "files": files,
    }


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boot-rounds", type=int, default=5)
    parser.add_argument("--train-rounds", type=int, default=3)
    parser.add_argument("--strokes", type=int, default=24)
    parser.add_argument("--only", choices=["boot", "train", "predict", "size", "pairs", "ten", "webkit"],
                        help="one browser part")  # fmt: skip
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = bench_root()
    server, base = serve(root)
    results = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    }
    with sync_playwright() as playwright:
        browser = launch(playwright)
        results["chromium"] = browser.version
        parts = {
            "boot": lambda: bench_boot(browser, base, args.boot_rounds),
            "train_browser": lambda: bench_training_browser(browser, base, args.train_rounds),
            "predict": lambda: bench_prediction(browser, base, args.strokes),
            "size": lambda: bench_size(browser, base),
            "pairs": lambda: bench_pairs(browser, base),
            "ten": lambda: bench_ten(browser, base, args.strokes),
        }
        for name, measure in parts.items():
            if args.only in (None, name.split("_")[0]):
                results[name] = measure()
        browser.close()
    if args.only in (None, "webkit"):
        results["webkit"] = bench_webkit_slow_link(str(root), max(1, args.boot_rounds // 2))
    server.shutdown()
    if args.only:
        if "size" in results:  # the totals; the per-file table is long
            results["size"] = {k: v for k, v in results["size"].items() if k != "files"}
        print(json.dumps(results, indent=1))
        return
    results["train_cpython"] = bench_training_cpython(args.train_rounds)
    results["honesty"] = bench_honesty()
    results["cpython"] = bench_cpython_train()
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print_table(results)
    print(f"\nwrote {out}")


def boot_rows(boot: dict) -> list[tuple[str, str, str]]:
    goals = {"cold": "target <= 0.6x", "revisit": "target <= 0.35x"}
    rows = []
    for kind, row in boot.items():
        link = "10 Mbit/s" if "10mbit" in kind else "localhost"
        visit = "revisit" if kind.startswith("revisit") else "cold"
        how = "/".join(sorted({kind.split(" ")[0] for kind in row["app_booted"]}))
        rows.append((f"boot {visit}, {link}: app ({how}), median", f"{row['app_median_s']:.2f} s", ""))
        rows.append((f"boot {visit}, {link}: hello world, median", f"{row['hello_median_s']:.2f} s", ""))
        rows.append(
            (f"boot {visit}, {link}: app / hello cold", f"{row['ratio']:.2f}x", goals.get(kind, "")),
        )
    return rows


def long_task_rows(when: str, tasks: dict) -> list[tuple[str, str, str]]:
    return [
        (
            f"long tasks {when}: longest",
            f"{tasks['longest_task_ms']:.0f} ms",
            f"{tasks['long_tasks']} over 50 ms, {tasks['tasks_over_limit']} over {LONG_TASK} (target 0)",
        )
    ]


def print_table(r: dict) -> None:
    boot, tb, tc, pr, size = r["boot"], r["train_browser"], r["train_cpython"], r["predict"], r["size"]
    rows = [
        *boot_rows(boot),
        (
            "train: default run in browser, click to weights",
            f"{tb['click_to_weights_median_ms']:.0f} ms",
            "target < 3 s",
        ),
        ("train: browser ms per iteration", f"{tb['ms_per_iteration']:.1f} ms", ""),
        (
            "train: 20 GD iterations, numpy under CPython",
            f"{tc['numpy_default_run_ms']:.1f} ms",
            f"browser / numpy {tb['click_to_weights_median_ms'] / tc['numpy_default_run_ms']:.0f}x",
        ),
        (
            "train: 20 GD iterations, pure Python under CPython",
            f"{tc['cpython_pure_default_run_ms']:.0f} ms",
            f"browser / CPython {tb['click_to_weights_median_ms'] / tc['cpython_pure_default_run_ms']:.2f}x",
        ),
        ("train: iterations to 99.5% test accuracy", f"{tc['iterations_to_99_5']}", ""),
        (
            "pipeline: compressed bytes to 99.5% model, browser",
            f"{tb['pipeline_ms']:.0f} ms",
            f"{tb['pipeline_iterations']} iterations",
        ),
        (
            "pipeline: same in numpy under CPython",
            f"{tc['numpy_pipeline_ms']:.1f} ms",
            f"browser / numpy {tb['pipeline_ms'] / tc['numpy_pipeline_ms']:.1f}x (target <= 3x)",
        ),
        (
            "predict: stroke end to verdict, in page",
            f"median {pr['in_page_median_ms']:.1f} ms",
            f"p95 {pr['in_page_p95_ms']:.1f} ms (target median < 15)",
        ),
        (
            "predict: seen from Playwright",
            f"median {pr['playwright_median_ms']:.1f} ms",
            f"p95 {pr['playwright_p95_ms']:.1f} ms (targets 50 / 100)",
        ),
        ("predict: preprocessing + prediction alone", f"median {pr['preprocess_and_predict_median_ms']:.1f} ms", ""),
        *long_task_rows(f"after ready, drawing {pr['strokes']} strokes", pr["while_drawing"]),
        *long_task_rows(f"during {len(tb['click_to_weights_ms'])} default training runs", tb["during_training"]),
        (
            "size: runtime (Pyodide + PyScript) cold load",
            f"{size['runtime_bytes'] / 1e6:.2f} MB",
            f"gzip {size['runtime_gzip'] / 1e6:.2f} MB",
        ),
        (
            "size: app's own files cold load",
            f"{size['app_bytes'] / 1e3:.0f} KB",
            f"gzip {size['app_gzip'] / 1e3:.0f} KB (target < 400)",
        ),
        ("cpython: build.py train wall time", f"{r['cpython']['build_train_s']:.2f} s", ""),
    ]
    for name, row in r["pairs"].items():
        rows.append(
            (
                f"pair {name}: default run in browser, click to weights",
                f"{row['train_ms']:.0f} ms",
                f"error {row['error'] * 100:.2f}% vs sklearn {row['sklearn_error'] * 100:.2f}% (target <= +0.5, 3 s)",
            )
        )
        rows.append((f"pair {name}: selection to data-pair, first fetch", f"{row['switch_ms']:.0f} ms", "target 1500"))
    ten, honesty, webkit = r["ten"], r["honesty"], r["webkit"]
    rows += [
        ("ten: mode opened (8 digit files fetched)", f"{ten['open_s']:.2f} s", ""),
        ("ten: stroke end to verdict, in page", f"median {ten['stroke_in_page_median_ms']:.1f} ms",
         f"p95 {ten['stroke_in_page_p95_ms']:.1f} ms (target median <= 15)"),
        ("ten: default run in browser, click to weights", f"{ten['train_click_to_weights_ms'] / 1000:.1f} s",
         f"{ten['train_iterations']} iterations, test accuracy {ten['test_accuracy']:.3f} (targets 30 s, 0.88)"),
        *long_task_rows("during the ten-digit run", ten["during_training"]),
        ("ten: Cancel to the run stopped", f"{ten['cancel_ms']:.0f} ms", "target <= 100 ms"),
        ("ten: Cancel to idle, the weights measured on 2,000 test images", f"{ten['cancel_to_idle_ms']:.0f} ms", ""),
        ("honest verdict: other digits flagged, worst pair", f"{honesty['worst_other'][1]:.1%}",
         f"{honesty['worst_other'][0]} (target >= 90%)"),
        ("honest verdict: genuine digits flagged, worst pair", f"{honesty['worst_genuine'][1]:.1%}",
         f"{honesty['worst_genuine'][0]} (target <= 6%)"),
    ]  # fmt: skip
    if "ratio" in webkit:
        rows.append(("WebKit first visit, 10 Mbit/s: app / hello world", f"{webkit['ratio']:.2f}x",
                     f"app {median(webkit['app_s']):.1f} s ({'/'.join(webkit['app_booted'])}), "
                     f"hello {median(webkit['hello_s']):.1f} s"))  # fmt: skip
    width = max(len(name) for name, _, _ in rows)
    print(f"\nmachine: {r['machine']['cpus']} CPUs, {r['machine']['platform']}, Chromium {r['chromium']}")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>18}  {note}")


if __name__ == "__main__":
    main()
