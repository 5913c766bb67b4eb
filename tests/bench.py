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

import numpy as np

from browser import DIST, READY, ROOT, ellipse_points, launch_options, line_points, serve, stroke
from digitlab.data import decode_bundle
from digitlab.model import Design, TrainConfig, fit

DEFAULT = TrainConfig()
HELLO = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="../app/vendor/pyscript/core.js"></script></head>
<body data-ready="false">
<script type="py" config="./pyscript.json">
from pyscript import document
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
    return root


def time_boot(browser, url: str) -> float:
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(READY, state="attached", timeout=90_000)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def bench_boot(browser, base: str, rounds: int) -> dict:
    app, hello = [], []
    time_boot(browser, base + "hello/")  # warm the OS file cache for both
    time_boot(browser, base + "app/")
    for _ in range(rounds):  # A B A B: drift on a shared machine hits both alike
        app.append(time_boot(browser, base + "app/"))
        hello.append(time_boot(browser, base + "hello/"))
    return {
        "app_s": app,
        "hello_s": hello,
        "app_median_s": median(app),
        "hello_median_s": median(hello),
        "ratio": median(app) / median(hello),
    }


def open_app(browser, base: str):
    context = browser.new_context(service_workers="block", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "app/")
    page.wait_for_selector(READY, state="attached", timeout=90_000)
    page.wait_for_function("document.querySelector('[data-testid=test-accuracy]').dataset.value !== ''")
    return context, page


CLICK_TO_WEIGHTS = """() => new Promise((resolve) => {
  const started = performance.now();
  const seen = new MutationObserver(() => {
    if (document.body.dataset.training === "false" && window.digitlab.lastRun) {
      seen.disconnect();
      resolve({ms: performance.now() - started, run: window.digitlab.lastRun});
    }
  });
  seen.observe(document.body, {attributes: true});
  window.digitlab.lastRun = undefined;
  document.querySelector('[data-testid=train]').click();
})"""


def bench_training_browser(browser, base: str, rounds: int) -> dict:
    context, page = open_app(browser, base)
    runs = [page.evaluate(CLICK_TO_WEIGHTS) for _ in range(rounds)]
    pipelines = [page.evaluate("window.digitlab.benchPipeline()") for _ in range(rounds)]
    context.close()
    run = runs[-1]["run"]
    first = next((i for i, a in enumerate(run["testAccuracy"]) if a >= 0.995), None)
    return {
        "click_to_weights_ms": [r["ms"] for r in runs],
        "click_to_weights_median_ms": median([r["ms"] for r in runs]),
        "iterations": run["iterations"],
        "ms_per_iteration": median([r["run"]["elapsed"] * 1000 / r["run"]["iterations"] for r in runs]),
        "iterations_to_99_5": first,
        "pipeline_ms": median([p["ms"] for p in pipelines]),
        "pipeline_iterations": pipelines[-1]["iterations"],
    }


def numpy_gd(X, y, Xt, yt, iterations, stop_at=None):
    """The same algorithm as model.train with the defaults (full batch, lr 1, zeros), in numpy."""
    w, b = np.zeros(X.shape[1]), 0.0
    for iteration in range(iterations + 1):
        if stop_at is not None and np.mean(((Xt @ w + b) >= 0) == (yt == 1)) >= stop_at:
            return w, b, iteration
        if iteration == iterations:
            break
        z = X @ w + b
        r = 1.0 / (1.0 + np.exp(-z)) - y
        w, b = w - 1.0 * (X.T @ r) / len(y), b - 1.0 * r.mean()
    return w, b, iterations


def numpy_arrays(blob: bytes):
    """The bundle as float arrays (X train, y train, X test, y test), pixel/255 as in the model."""
    bundle = decode_bundle(blob)

    def arrays(split):
        pixels = np.frombuffer(split.pixels, np.uint8).reshape(split.n, 784) / 255.0
        return pixels, np.frombuffer(split.labels, np.uint8).astype(float)

    return (*arrays(bundle.train), *arrays(bundle.test))


def bench_training_cpython(rounds: int) -> dict:
    blob = (ROOT / "site" / "data" / "mnist01.bin").read_bytes()
    numpy_ms, numpy_pipeline_ms, python_ms = [], [], []
    for _ in range(rounds):
        X, y, Xt, yt = numpy_arrays(blob)
        started = time.perf_counter()
        numpy_gd(X, y, Xt, yt, DEFAULT.iterations)
        numpy_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        X, y, Xt, yt = numpy_arrays(blob)
        _, _, numpy_iterations = numpy_gd(X, y, Xt, yt, 100, stop_at=0.995)
        numpy_pipeline_ms.append((time.perf_counter() - started) * 1000)
        bundle = decode_bundle(blob)
        started = time.perf_counter()
        fit(
            Design(bundle.train.pixels, bundle.train.labels),
            Design(bundle.test.pixels, bundle.test.labels),
            TrainConfig(),
        )
        python_ms.append((time.perf_counter() - started) * 1000)
    return {
        "numpy_default_run_ms": median(numpy_ms),
        "numpy_ms_per_iteration": median(numpy_ms) / DEFAULT.iterations,
        "numpy_pipeline_ms": median(numpy_pipeline_ms),
        "numpy_pipeline_iterations": numpy_iterations,
        "cpython_pure_default_run_ms": median(python_ms),
        "cpython_pure_ms_per_iteration": median(python_ms) / DEFAULT.iterations,
    }


def bench_prediction(browser, base: str, strokes: int) -> dict:
    context, page = open_app(browser, base)
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
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))  # the helper still works after the run
    context.close()
    return {
        "in_page_median_ms": median(in_page),
        "in_page_p95_ms": p95(in_page),
        "playwright_median_ms": median(seen_from_playwright),
        "playwright_p95_ms": p95(seen_from_playwright),
        "preprocess_and_predict_median_ms": median(preprocess),
        "strokes": len(in_page),
    }


def bench_size(browser, base: str) -> dict:
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.goto(base + "app/")
    page.wait_for_selector(READY, state="attached", timeout=90_000)
    page.wait_for_function("document.querySelector('[data-testid=source]').textContent.includes('def train')")
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
            [sys.executable, str(ROOT / "build.py"), "train", "--out", f"{scratch}/w.json"],
            check=True,
            capture_output=True,
        )
        return {"build_train_s": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boot-rounds", type=int, default=5)
    parser.add_argument("--train-rounds", type=int, default=3)
    parser.add_argument("--strokes", type=int, default=24)
    parser.add_argument("--only", choices=["boot", "train", "predict", "size"], help="one browser part, for profiling")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = bench_root()
    server, base = serve(root)
    results = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        results["chromium"] = browser.version
        parts = {
            "boot": lambda: bench_boot(browser, base, args.boot_rounds),
            "train_browser": lambda: bench_training_browser(browser, base, args.train_rounds),
            "predict": lambda: bench_prediction(browser, base, args.strokes),
            "size": lambda: bench_size(browser, base),
        }
        for name, measure in parts.items():
            if args.only in (None, name.split("_")[0]):
                results[name] = measure()
        browser.close()
    server.shutdown()
    if args.only:
        print(json.dumps({k: v for k, v in results.items() if k != "size"}, indent=1))
        return
    results["train_cpython"] = bench_training_cpython(args.train_rounds)
    results["cpython"] = bench_cpython_train()
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print_table(results)
    print(f"\nwrote {out}")


def print_table(r: dict) -> None:
    boot, tb, tc, pr, size = r["boot"], r["train_browser"], r["train_cpython"], r["predict"], r["size"]
    rows = [
        ("boot: app, median", f"{boot['app_median_s']:.2f} s", ""),
        ("boot: bare PyScript hello world, median", f"{boot['hello_median_s']:.2f} s", ""),
        ("boot: app / hello", f"{boot['ratio']:.2f}x", "target <= 1.15x"),
        (
            "train: default run in browser, click to weights",
            f"{tb['click_to_weights_median_ms']:.0f} ms",
            "target < 1500 ms",
        ),
        ("train: browser ms per iteration", f"{tb['ms_per_iteration']:.1f} ms", ""),
        (
            "train: same run, numpy under CPython",
            f"{tc['numpy_default_run_ms']:.1f} ms",
            f"browser / numpy {tb['click_to_weights_median_ms'] / tc['numpy_default_run_ms']:.0f}x",
        ),
        (
            "train: same run, pure Python under CPython",
            f"{tc['cpython_pure_default_run_ms']:.0f} ms",
            f"browser / CPython {tb['click_to_weights_median_ms'] / tc['cpython_pure_default_run_ms']:.2f}x",
        ),
        ("train: iterations to 99.5% test accuracy", f"{tb['iterations_to_99_5']}", ""),
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
    width = max(len(name) for name, _, _ in rows)
    print(f"\nmachine: {r['machine']['cpus']} CPUs, {r['machine']['platform']}, Chromium {r['chromium']}")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>18}  {note}")


if __name__ == "__main__":
    main()
