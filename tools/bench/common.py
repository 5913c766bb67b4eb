"""Shared by the benchmarks: the served folder (the app, a bare PyScript hello world, a pipeline page), visits timed to
the page's ready signal, long tasks, and small statistics.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from browser import (
    DIST,
    READY,
    ROOT,
    new_context,
    wait_ready,
)
from digitlab.config import TrainConfig

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
