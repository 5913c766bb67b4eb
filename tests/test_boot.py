"""While the runtime loads: determinate progress from the bytes arriving, and a pad that says it is not ready."""

import pytest

from browser import DIST, wait_ready

pytestmark = pytest.mark.browser


def test_boot_shows_progress_and_a_pad_that_is_not_ready_until_python_is(make_page):
    page = make_page(wait=False)
    page.wait_for_selector('[data-testid="boot-progress"]', state="visible")
    if page.evaluate("document.body.dataset.ready") == "false":
        pad_style = "getComputedStyle(document.querySelector('[data-testid=pad]')).pointerEvents"
        assert page.evaluate(pad_style) == "none"
    page.wait_for_function("document.querySelector('[data-testid=boot-progress]').value > 0")
    wait_ready(page)
    assert page.locator('[data-testid="boot-progress"]').is_hidden()
    # Every byte the boot needs was counted against the total build.py wrote into the page.
    assert page.evaluate("document.querySelector('[data-testid=boot-progress]').value") >= 0.95
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=pad]')).pointerEvents") == "auto"


def test_the_page_knows_how_many_bytes_the_boot_downloads():
    html = (DIST / "index.html").read_text()
    total = int(html.split('data-boot-bytes="')[1].split('"')[0])
    assert total > (DIST / "vendor" / "pyodide" / "pyodide.asm.wasm").stat().st_size
