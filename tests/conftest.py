"""Fixtures for the browser tests: one server and one Chromium per session, a watched page per test.

Every page fails its test on a console error, an uncaught page error, or any request that
would leave the server's origin (such requests are aborted and recorded).
"""

from __future__ import annotations

import pytest

from browser import DIST, READY, launch_options, serve

ARTIFACTS = DIST.parent / "test-artifacts"


@pytest.fixture(scope="session")
def site_url():
    if not (DIST / "index.html").exists():
        import build

        build.cmd_build()
    server, url = serve(DIST)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**launch_options())
        yield chromium
        chromium.close()


class Watch:
    """What a page did that a test must not allow."""

    def __init__(self, origin: str):
        self.origin = origin
        self.errors: list[str] = []
        self.offsite: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.origin) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.offsite.append(url)
            route.abort()

    def console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def page_error(self, error) -> None:
        self.errors.append(f"page error: {error}")


def open_page(browser, site_url, watch: Watch, path: str = "", viewport=None, **context_options):
    context = browser.new_context(
        service_workers="block", viewport=viewport or {"width": 1280, "height": 900}, **context_options
    )
    context.route("**/*", watch.route)
    page = context.new_page()
    page.on("console", watch.console)
    page.on("pageerror", watch.page_error)
    return context, page


@pytest.fixture
def watch(site_url):
    watch = Watch(site_url.rstrip("/"))
    yield watch
    assert not watch.offsite, f"requests left the origin: {watch.offsite}"
    assert not watch.errors, "\n".join(watch.errors)


@pytest.fixture
def make_page(browser, site_url, watch):
    """Open the app (more than once in a test if need be) in fresh or given contexts."""
    contexts = []

    def make(path: str = "", context=None, viewport=None, wait_ready=True, **context_options):
        if context is None:
            context, page = open_page(browser, site_url, watch, viewport=viewport, **context_options)
            contexts.append(context)
        else:
            page = context.new_page()
            page.on("console", watch.console)
            page.on("pageerror", watch.page_error)
        page.goto(site_url + path)
        if wait_ready:
            page.wait_for_selector(READY, timeout=90_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def app(make_page):
    """The app, ready, at desktop size."""
    page = make_page()
    page.wait_for_function("document.querySelector('[data-testid=test-accuracy]').dataset.value !== ''")
    return page


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def shared_app(browser, site_url):
    """One ready page for a whole module of tests that only draw (each test clears first)."""
    watch = Watch(site_url.rstrip("/"))
    context, page = open_page(browser, site_url, watch)
    page.goto(site_url)
    page.wait_for_selector(READY, timeout=90_000)
    yield page
    context.close()
    assert not watch.offsite, f"requests left the origin: {watch.offsite}"
    assert not watch.errors, "\n".join(watch.errors)


@pytest.fixture
def pad(shared_app):
    """The shared page with an empty pad."""
    from browser import clear

    clear(shared_app)
    return shared_app
