"""While the runtime loads: determinate progress from the bytes arriving, and a pad that says it is not ready."""

import gzip
import json
import threading
import zlib

import pytest
from conftest import Watch, open_page

from browser import DIST, READY, ellipse_points, serve_with_faults, stroke, verdict, wait_ready

pytestmark = pytest.mark.browser


def test_boot_shows_progress_and_a_pad_that_is_not_ready_until_python_is(browser):
    server, url, faults = serve_with_faults(DIST)
    release = faults["weights.json"] = ("hold", threading.Event())  # the page cannot be ready before it comes
    watch = Watch(url.rstrip("/"))
    context, page = open_page(browser, watch)
    page.goto(url)
    page.wait_for_selector('[data-testid="boot-progress"]', state="visible")
    page.wait_for_function("document.querySelector('[data-testid=boot-progress]').value > 0")
    assert page.evaluate("document.body.dataset.ready") == "false"
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=pad]')).pointerEvents") == "none"
    assert "Python is starting" in page.evaluate(
        "getComputedStyle(document.querySelector('.pad-wrap'), '::after').content"
    )
    release[1].set()
    wait_ready(page)
    assert page.locator('[data-testid="boot-progress"]').is_hidden()
    # Every byte the boot needs was counted against the total build.py wrote into the page.
    assert page.evaluate("document.querySelector('[data-testid=boot-progress]').value") >= 0.95
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=pad]')).pointerEvents") == "auto"
    # No service worker here (blocked), so nothing is cached: the page must not claim to work offline.
    assert page.locator('[data-testid="offline-badge"]').is_hidden()
    # Python came from the memory snapshot build.py made, not from a normal start.
    assert page.evaluate("document.body.dataset.boot") == "snapshot"
    # ...with the start state (data, shipped weights, test design) built from these very files.
    assert page.evaluate("document.body.dataset.startState") == "prepared"
    assert page.evaluate("document.body.dataset.snapshot") == "downloaded"
    context.close()
    server.release.set()
    server.shutdown()
    watch.check()


def test_the_page_knows_how_many_bytes_the_boot_downloads():
    html = (DIST / "index.html").read_text()
    total = int(html.split('data-boot-bytes="')[1].split('"')[0])
    assert total > (DIST / "vendor" / "pyodide" / "pyodide.asm.wasm").stat().st_size


# ---- the memory snapshot, and what happens when it is not the right one ----------------------------

SNAPSHOT_URL = "**/vendor/python.snapshot.gz"
RUNTIME_URL = "**/js/runtime.mjs"


def shipped_snapshot() -> tuple[bytes, bytes]:
    packed = (DIST / "vendor" / "python.snapshot.gz").read_bytes()
    return packed, gzip.decompress(packed)


def patient_runtime(snapshot: dict | None = None) -> str:
    """runtime.mjs as built, but never dropping the snapshot for a slow link (Playwright hands these
    routed snapshots over slowly), and expecting `snapshot` when given."""
    runtime = (DIST / "js" / "runtime.mjs").read_text()
    runtime = runtime.replace("const WORTH_WAITING_S = 2.5;", "const WORTH_WAITING_S = Infinity;")
    if snapshot:
        start = runtime.index("const SNAPSHOT = ") + len("const SNAPSHOT = ")
        runtime = runtime[:start] + json.dumps(snapshot) + runtime[runtime.index(";", start) :]
    assert "Infinity;" in runtime
    return runtime


def route_snapshot(route_page, packed: bytes, snapshot: dict | None = None) -> None:
    runtime = patient_runtime(snapshot)
    route_page.route(SNAPSHOT_URL, lambda route: route.fulfill(body=packed, content_type="application/gzip"))
    route_page.route(RUNTIME_URL, lambda route: route.fulfill(body=runtime, content_type="text/javascript"))


def other_runtime(route_page) -> None:
    """A snapshot whose Pyodide build id is another's, with runtime.mjs expecting exactly that file: only
    Pyodide's own check can refuse it, the way it refuses one a different Pyodide release made."""
    _, memory = shipped_snapshot()
    build_id = slice(16, 48)  # Pyodide's snapshot header: magic, offset, json length, padding, build id
    memory = memory[: build_id.start] + bytes(reversed(memory[build_id])) + memory[build_id.stop :]
    packed = gzip.compress(memory, 1)
    expected = {"file": "vendor/python.snapshot.gz", "bytes": len(memory), "crc32": zlib.crc32(memory)}
    route_snapshot(route_page, packed, expected | {"packed": len(packed)})


def damaged(route_page) -> None:
    packed, _ = shipped_snapshot()
    middle = len(packed) // 2
    broken = packed[:middle] + bytes(b ^ 0x5A for b in packed[middle : middle + 64]) + packed[middle + 64 :]
    route_snapshot(route_page, broken)


def truncated(route_page) -> None:
    packed, _ = shipped_snapshot()
    route_snapshot(route_page, packed[: len(packed) // 3])


def from_another_build(route_page) -> None:
    """A whole, valid gzip of a snapshot that is not this build's (a stale cache, a half-finished deploy)."""
    _, memory = shipped_snapshot()
    memory = memory[:-1] + bytes([memory[-1] ^ 1])
    route_snapshot(route_page, gzip.compress(memory, 1))


def missing(route_page) -> None:
    route_page.route(SNAPSHOT_URL, lambda route: route.fulfill(status=404, body="not found"))


REFUSED_BY = {
    missing: "without the snapshot (python.snapshot.gz: HTTP 404)",
    damaged: "without the snapshot (python.snapshot.gz is damaged: it does not inflate)",
    truncated: "without the snapshot (python.snapshot.gz is damaged: it does not inflate)",
    from_another_build: "without the snapshot (python.snapshot.gz is not the one this build made)",
    other_runtime: "the snapshot was refused (Snapshot build id mismatch",
}


@pytest.mark.parametrize("spoil", list(REFUSED_BY))
def test_a_bad_snapshot_means_a_normal_start_and_a_working_page(browser, site_url, watch, spoil):
    # Spoilt before the first visit: a visit with the good one would keep its inflated copy for the next.
    context, page = open_page(browser, watch)
    try:
        spoil(page)
        notes = []
        page.on("console", lambda message: notes.append(message.text) if "digitlab:" in message.text else None)
        page.goto(site_url)
        wait_ready(page)
        assert page.evaluate("document.body.dataset.boot") == "fresh"
        assert page.evaluate("document.body.dataset.startState") == "built"
        # The progress bar stopped waiting for the bytes of a snapshot that was not used.
        assert page.evaluate("document.querySelector('[data-testid=boot-progress]').value") >= 0.95
        # Refused where it should be and for what it is: by Pyodide's build-id check, or before Pyodide saw it.
        assert any(REFUSED_BY[spoil] in note for note in notes), notes
        assert page.locator('[data-testid="error"]').is_hidden()
        stroke(page, ellipse_points(0.5, 0.5, 0.22, 0.32))
        assert verdict(page)[0] == "0"
        # The watch fails the test on any console error: the fallback is silent but for an info line.
        # Chromium's own line for the 404 is the one error a missing file must cause.
        watch.errors = [e for e in watch.errors if not (spoil is missing and "status of 404" in e)]
    finally:
        context.close()


@pytest.mark.parametrize("answer", [{"status": 404, "body": "not found"}, {"body": b"\x1f\x8b not gzip at all"}])
def test_without_the_shipped_bytecode_python_compiles_and_the_page_works(browser, site_url, watch, answer):
    context, page = open_page(browser, watch)
    try:
        page.route("**/pyscript-bytecode.tar.gz", lambda route: route.fulfill(**answer))
        notes = []
        page.on("console", lambda message: notes.append(message.text) if "digitlab:" in message.text else None)
        page.goto(site_url)
        wait_ready(page)
        assert any("Python compiles its modules itself" in note for note in notes), notes
        assert page.evaluate("document.querySelector('[data-testid=boot-progress]').value") >= 0.95
        stroke(page, ellipse_points(0.5, 0.5, 0.22, 0.32))
        assert verdict(page)[0] == "0"
        watch.errors = [e for e in watch.errors if "status of 404" not in e]
    finally:
        context.close()


def test_a_slow_first_visit_starts_python_normally_and_the_next_visit_has_the_snapshot(browser, site_url, watch):
    """On a 10 Mbit/s link the snapshot's 7-8 MB cost more than they save: Python starts normally, and
    the service worker caches the snapshot once the page is ready, for the next visit."""
    context, page = open_page(browser, watch, service_workers="allow")
    notes = []
    page.on("console", lambda message: notes.append(message.text) if "digitlab:" in message.text else None)
    link = context.new_cdp_session(page)
    link.send("Network.enable")
    ten_mbit = 10e6 / 8
    link.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": ten_mbit, "uploadThroughput": ten_mbit},
    )
    # The decision is taken when PyScript asks for Python; once taken, the rest of the boot may go at full speed.
    with page.expect_console_message(lambda message: "too slow to download now" in message.text, timeout=60_000):
        page.goto(site_url)
    link.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    wait_ready(page)
    assert page.evaluate("document.body.dataset.boot") == "fresh"
    assert any("too slow to download now" in note for note in notes), notes
    assert page.evaluate("document.querySelector('[data-testid=boot-progress]').value") >= 0.95
    page.wait_for_selector('[data-testid="offline-badge"]:not([hidden])')  # the service worker's cache is full
    again = context.new_page()
    again.goto(site_url)
    again.wait_for_selector(READY, state="attached")
    assert again.evaluate("document.body.dataset.boot") == "snapshot"
    context.close()


KEPT = """async () => {
    const name = (await caches.keys()).find((n) => n.startsWith('digitlab-snapshot:'));
    return name ? (await (await caches.open(name)).keys()).map((r) => r.url) : [];
}"""
DAMAGE_KEPT = """async () => {
    const cache = await caches.open((await caches.keys()).find((n) => n.startsWith('digitlab-snapshot:')));
    const [key] = await cache.keys();
    const memory = new Uint8Array(await (await cache.match(key)).arrayBuffer());
    memory[memory.length >> 1] ^= 0xff;  // one byte in the middle of Python's heap
    await cache.put(key, new Response(memory));
}"""


def test_the_next_visit_reads_the_inflated_snapshot_kept_and_checked_and_a_damaged_one_is_replaced(make_page):
    page = make_page()
    assert page.evaluate("document.body.dataset.snapshot") == "downloaded"
    page.wait_for_selector('body[data-snapshot-kept="true"]', state="attached")
    assert page.evaluate(KEPT) == [
        page.evaluate("new URL('vendor/python.snapshot.gz', location).href")
        + "?inflated="
        + page.evaluate("fetch('js/runtime.mjs').then(r => r.text())").split('"sha256": "')[1][:64]
    ]
    page.reload()
    wait_ready(page)
    assert page.evaluate("[document.body.dataset.boot, document.body.dataset.snapshot]") == ["snapshot", "kept"]
    page.evaluate(DAMAGE_KEPT)
    page.reload()
    wait_ready(page)
    # Its SHA-256 is not the build's: downloaded and inflated again, as on a first visit, and kept anew.
    assert page.evaluate("[document.body.dataset.boot, document.body.dataset.snapshot]") == ["snapshot", "downloaded"]
    stroke(page, ellipse_points(0.5, 0.5, 0.22, 0.32))
    assert verdict(page)[0] == "0"
    page.wait_for_selector('body[data-snapshot-kept="true"]', state="attached")
    page.reload()
    wait_ready(page)
    assert page.evaluate("document.body.dataset.snapshot") == "kept"
