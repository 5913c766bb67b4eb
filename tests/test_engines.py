"""Every engine: the page in Firefox ESR and in WebKitGTK (Safari's engine family) boots, reads a drawn 0 and 1,
trains, switches pair and works offline after one visit, with no error and no Content-Security-Policy violation;
and in each, a damaged snapshot costs one download of the runtime, not two."""

import math

import pytest
from engines import Firefox, WebKit, available

from browser import DIST, serve_with_faults

pytestmark = pytest.mark.browser
ENGINES = {"firefox": Firefox, "webkit": WebKit}
READY = "document.body.dataset.ready === 'true' && document.querySelector('[data-testid=test-accuracy]').dataset.value"
ZERO = [(0.5 + 0.28 * math.sin(k / 24 * 2 * math.pi), 0.5 - 0.32 * math.cos(k / 24 * 2 * math.pi)) for k in range(26)]
ONE = [(0.5, 0.15 + 0.07 * k) for k in range(11)]


@pytest.fixture(params=list(ENGINES))
def engine(request):
    if why := available(request.param):
        pytest.skip(why)
    driver = ENGINES[request.param]()
    yield driver
    driver.quit()


@pytest.fixture
def server():
    server, url, faults = serve_with_faults(DIST)
    yield url, faults
    server.release.set()
    server.shutdown()


def verdict_after(engine, draw) -> str:
    before = engine.eval("performance.getEntriesByName('stroke-to-verdict').length")
    draw()
    engine.wait(f"performance.getEntriesByName('stroke-to-verdict').length > {before}", 30)
    return engine.eval("document.querySelector('[data-testid=prediction]').dataset.digit")


def test_the_page_works_in_every_engine(engine, server):
    url, faults = server
    engine.goto(url)
    engine.wait(READY)
    assert engine.eval("document.body.dataset.boot") == "snapshot", engine.notes()
    pad = '[data-testid="pad"]'
    assert verdict_after(engine, lambda: engine.stroke(pad, ZERO)) == "0"
    # Clear by script: WebKit's driver once lost a click on it right after a stroke (the strokes stay real).
    assert verdict_after(engine, lambda: engine.eval("document.querySelector('[data-testid=clear]').click()")) == ""
    assert verdict_after(engine, lambda: engine.stroke(pad, ONE)) == "1"
    engine.eval("document.querySelector('[data-testid=iterations]').value = '5'")
    engine.click('[data-testid="train"]')
    engine.wait("document.querySelector('[data-testid=progress]').dataset.runs === '1'", 120)
    assert "trained in this browser" in engine.eval(
        "document.querySelector('[data-testid=active-weights]').textContent"
    )
    engine.select('[data-testid="digit-a"]', "3")
    engine.select('[data-testid="digit-b"]', "5")
    engine.wait("document.body.dataset.pair === '3-5' && document.body.dataset.ready === 'true'", 60)
    # The unsure underline: longhands, which WebKit keeps (it dropped the wavy style of the shorthand).
    engine.eval("document.querySelector('[data-testid=prediction]').dataset.sure = 'false'")
    style = "getComputedStyle(document.querySelector('[data-testid=digit]'))"
    assert engine.eval(f"{style}.textDecorationStyle || {style}.webkitTextDecorationStyle") == "wavy"
    # Offline after one visit: the service worker has every file, the inflated snapshot is kept.
    engine.wait("!document.querySelector('[data-testid=offline-badge]').hidden", 120)
    engine.wait("document.body.dataset.snapshotKept === 'true'", 60)
    faults["*"] = ("offline",)
    engine.reload()
    engine.wait(READY)
    assert engine.eval("[document.body.dataset.boot, document.body.dataset.snapshot]") == ["snapshot", "kept"]
    assert engine.eval("document.body.dataset.pair") == "3-5"
    assert verdict_after(engine, lambda: engine.click('[data-testid="sample"]')) in ("3", "5")
    assert engine.eval("window.digitlab.problems") == []
    assert engine.console_errors() == []


def test_a_damaged_snapshot_costs_one_download_of_the_runtime(engine, server):
    url, faults = server
    faults["vendor/python.snapshot.gz"] = ("corrupt",)
    engine.goto(url)
    engine.wait(READY)
    assert engine.eval("document.body.dataset.boot") == "fresh"
    assert faults.asked["vendor/pyodide/pyodide.asm.wasm"] == 1
    assert verdict_after(engine, lambda: engine.stroke('[data-testid="pad"]', ONE)) == "1"
    assert engine.eval("window.digitlab.problems") == []


def test_a_damaged_snapshot_costs_one_download_of_the_runtime_in_chromium(browser):
    from conftest import Watch, open_page

    server, url, faults = serve_with_faults(DIST)
    faults["vendor/python.snapshot.gz"] = ("corrupt",)
    watch = Watch(url.rstrip("/"))
    context, page = open_page(browser, watch)
    page.goto(url)
    page.wait_for_function(READY)
    assert page.evaluate("document.body.dataset.boot") == "fresh"
    assert faults.asked["vendor/pyodide/pyodide.asm.wasm"] == 1
    context.close()
    server.release.set()
    server.shutdown()
    watch.check()
