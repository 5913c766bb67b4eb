"""The deployed site: offline after one visit, a strict CSP, nothing off-origin, a sub-path, installable."""

import json
import shutil

import pytest
from conftest import Watch, open_page

from browser import (
    DIST,
    READY,
    ROOT,
    active,
    ellipse_points,
    line_points,
    new_context,
    serve,
    stroke,
    train,
    verdict,
    wait_ready,
)

pytestmark = pytest.mark.browser


def test_service_worker_makes_the_app_work_offline(browser, site_url):
    """Load once with the service worker allowed; then cut the network, reload, draw, predict."""
    context = new_context(browser, service_workers="allow")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url)
    page.wait_for_selector(READY)
    page.wait_for_selector('[data-testid="offline-badge"]:not([hidden])')
    assert page.locator('[data-testid="offline-badge"]').is_visible()  # said once every file is cached
    context.set_offline(True)
    page.reload()
    page.wait_for_selector(READY)
    assert page.evaluate("document.body.dataset.boot") == "snapshot"  # the memory snapshot is cached too
    stroke(page, ellipse_points(0.5, 0.5, 0.28, 0.32))
    assert verdict(page)[0] == "0"
    z = page.get_attribute('[data-testid="prediction"]', "data-z")
    stroke(page, line_points(0.5, 0.1, 0.5, 0.2))  # more ink: still answers from the cache, anew
    assert page.get_attribute('[data-testid="prediction"]', "data-z") not in (z, "")
    # A pair never opened online: its digits and weights come from the service worker's cache.
    page.select_option('[data-testid="digit-a"]', "7")
    page.select_option('[data-testid="digit-b"]', "9")
    page.wait_for_selector('body[data-pair="7-9"][data-ready="true"]')
    assert "shipped" in active(page)
    context.close()
    assert not errors


def test_strict_csp_local_runtime_and_an_installable_manifest(make_page, watch):
    page = make_page()
    urls = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any(u.endswith("vendor/pyodide/pyodide.asm.wasm") for u in urls)
    assert all(u.startswith(watch.origin) for u in urls)
    config = json.loads(page.evaluate("fetch('pyscript.json').then(r => r.text())"))
    # PyScript's interpreter is our local module (runtime.mjs), which starts the vendored Pyodide.
    assert config["interpreter"] == "./js/runtime.mjs"
    assert 'from "../vendor/pyodide/pyodide.mjs"' in page.evaluate("fetch('js/runtime.mjs').then(r => r.text())")
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["start_url"] == "./" and manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert page.evaluate("(src) => fetch(src).then(r => r.status)", icon["src"]) == 200, icon["src"]
    policy = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["connect-src"] == "'self'"
    assert directives["style-src"] == "'self'" and directives["img-src"] == "'self'"
    for loose in ("'unsafe-inline'", "blob:", "data:", "http", "*"):
        assert loose not in policy  # no inline styles, no blob or data URLs, no remote source of any kind
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
    context, page = open_page(browser, watch)
    page.goto(base + "repo-name/")
    wait_ready(page)
    stroke(page, line_points(0.5, 0.15, 0.5, 0.85))
    assert verdict(page)[0] == "1"
    context.close()
    server.shutdown()
    watch.check()


def test_two_deployments_on_one_origin_keep_their_own_caches_and_storage(browser, tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).symlink_to(DIST)
    server, base = serve(tmp_path)
    context = new_context(browser, service_workers="allow")
    pages = {}
    for name in ("a", "b"):
        pages[name] = page = context.new_page()
        page.goto(f"{base}{name}/")
        wait_ready(page)
        page.wait_for_selector('[data-testid="offline-badge"]:not([hidden])')
        if name == "a":
            train(page, iterations=2)
    assert "shipped" in active(pages["b"])  # what /a/ trained stays in /a/
    names = pages["b"].evaluate("caches.keys()")
    workers = [n for n in names if n.startswith("digitlab:")]
    assert sorted(n.split(":", 1)[1].rsplit(":", 1)[0] for n in workers) == [f"{base}a/", f"{base}b/"]
    # Each keeps its own inflated snapshot (runtime.mjs) beside its service worker's cache.
    kept = sorted(n for n in names if n.startswith("digitlab-snapshot:"))
    assert kept == [f"digitlab-snapshot:{base}a/vendor/", f"digitlab-snapshot:{base}b/vendor/"]
    context.set_offline(True)
    pages["a"].reload()
    wait_ready(pages["a"])
    assert "trained in this browser" in active(pages["a"])
    context.close()
    server.shutdown()


def deploy(source, target, marker: str | None = None) -> str:
    """Copy a built site to `target` (vendor linked); with a marker, a changed index.html and main.js."""
    from tools.assemble import write_service_worker

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("vendor"))
    (target / "vendor").symlink_to(source / "vendor")
    if marker:
        index = target / "index.html"
        index.write_text(index.read_text().replace("<title>digitlab", f"<title>digitlab {marker}"))
        main = target / "js" / "main.js"
        main.write_text(main.read_text() + f"\n// {marker}\n")
    shutil.copy2(ROOT / "site" / "sw.js", target / "sw.js")
    return write_service_worker(target)


def test_a_new_deploy_under_max_age_is_offered_and_then_served_whole(browser, tmp_path):
    """GitHub Pages says max-age=600: the new version must still precache its own files, not the old ones."""
    site = tmp_path / "site"
    first = deploy(DIST, site)
    server, base = serve(site, max_age=600)
    context = new_context(browser, service_workers="allow")
    page = context.new_page()
    page.goto(base)
    wait_ready(page)
    page.wait_for_selector('[data-testid="offline-badge"]:not([hidden])')
    assert page.locator('[data-testid="update-ready"]').is_hidden()
    second = deploy(DIST, site, marker="B")
    assert second != first
    page.reload()
    wait_ready(page)
    assert "digitlab B" not in page.title()  # the open version stays until the user says so
    page.wait_for_selector('[data-testid="update-ready"]:not([hidden])')
    with page.expect_navigation():
        page.click('[data-testid="update-ready"]')
    wait_ready(page)
    assert page.title().startswith("digitlab B")
    assert page.evaluate("fetch('js/main.js').then(r => r.text())").endswith("// B\n")
    names = page.evaluate("caches.keys()")
    assert [n for n in names if n.startswith("digitlab:")] == [f"digitlab:{base}:{second}"]
    context.close()
    server.shutdown()


def test_a_tab_that_is_training_takes_an_update_only_once_it_is_idle_and_hidden(browser, tmp_path):
    """Tab B chooses the new version: B reloads at once; tab A finishes its run first (its work is not lost), and
    even idle it reloads only once nobody is looking at it (never mid-stroke or mid-lesson)."""
    site = tmp_path / "site"
    deploy(DIST, site)
    server, base = serve(site, max_age=600)
    context = new_context(browser, service_workers="allow")
    first = context.new_page()
    first.goto(base)
    wait_ready(first)
    first.wait_for_selector('[data-testid="offline-badge"]:not([hidden])')
    second = context.new_page()
    second.goto(base)
    wait_ready(second)
    deploy(DIST, site, marker="B")
    second.reload()
    wait_ready(second)
    second.wait_for_selector('[data-testid="update-ready"]:not([hidden])')
    first.fill('[data-testid="iterations"]', "5000")
    first.click('[data-testid="train"]')
    first.wait_for_function("document.body.dataset.training === 'true'")
    first.evaluate("window.stillHere = true")
    with second.expect_navigation():
        second.click('[data-testid="update-ready"]')
    wait_ready(second)
    assert second.title().startswith("digitlab B")
    first.bring_to_front()
    first.wait_for_function(
        "document.querySelector('[data-testid=update-ready]').textContent.includes('once you leave it idle')"
    )
    assert first.evaluate("window.stillHere") and first.evaluate("document.body.dataset.training") == "true"
    first.click('[data-testid="cancel"]')
    first.wait_for_selector('body[data-activity="idle"]')
    assert first.evaluate("window.stillHere")  # idle but in view: it stays
    with first.expect_navigation():  # the learner leaves it (headless tabs stay "visible": said for it)
        first.evaluate(
            """() => { Object.defineProperty(document, 'hidden', {value: true, configurable: true});
                document.dispatchEvent(new Event('visibilitychange')); }"""
        )
    wait_ready(first)
    assert first.title().startswith("digitlab B") and "trained in this browser" in active(first)
    context.close()
    server.shutdown()
