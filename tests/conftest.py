"""Fixtures: for the browser tests one server and one Chromium per session, booted pages shared where they can be;
for the CPython tests scikit-learn's verdicts, computed in a second process while the rest of the suite runs.

Every page fails its test (or its module, for shared pages) on a console error, an uncaught
page error, or any request that would leave the server's origin (aborted and recorded).
"""

from __future__ import annotations

import concurrent.futures

import pytest

import oracle
from browser import DIST, ROOT, clear, launch, new_context, serve, wait_ready
from digitlab.config import HYPERPARAMETERS

ARTIFACTS = DIST.parent / "test-artifacts"
TEN_L2 = 0.00125  # the shipped ten-digit model's penalty (build.py's TEN_SHIPPED; a test checks the two agree)
# Fixture name -> the oracle's computation, started once a test that asks for it is collected.
BACKGROUND = {
    "sklearn_pair_errors": (oracle.sklearn_pair_errors, str(ROOT / "site" / "data")),
    "sklearn_ten_accuracy": (oracle.sklearn_ten_accuracy, str(ROOT / "site" / "data"), TEN_L2),
}
started: dict[str, concurrent.futures.Future] = {}


def pytest_collection_finish(session) -> None:
    wanted = sorted(
        {name for item in session.items for name in getattr(item, "fixturenames", ()) if name in BACKGROUND}
    )
    if wanted:
        pool = concurrent.futures.ProcessPoolExecutor(1)
        for name in wanted:
            function, *args = BACKGROUND[name]
            started[name] = pool.submit(function, *args)
        pool.shutdown(wait=False)


@pytest.fixture(scope="session")
def sklearn_pair_errors() -> dict[str, float]:
    return started["sklearn_pair_errors"].result()


@pytest.fixture(scope="session")
def sklearn_ten_accuracy() -> float:
    return started["sklearn_ten_accuracy"].result()


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
        chromium = launch(playwright)
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

    def attach(self, page) -> None:
        page.on("console", self.console)
        page.on("pageerror", self.page_error)

    def check(self) -> None:
        assert not self.offsite, f"requests left the origin: {self.offsite}"
        assert not self.errors, "\n".join(self.errors)


def open_page(browser, watch: Watch, **context_options):
    context = new_context(browser, **context_options)
    context.route("**/*", watch.route)
    page = context.new_page()
    watch.attach(page)
    return context, page


@pytest.fixture
def watch(site_url):
    watch = Watch(site_url.rstrip("/"))
    yield watch
    watch.check()


@pytest.fixture
def make_page(browser, site_url, watch):
    """Open the app in a fresh context (for tests that need their own browser state)."""
    contexts = []

    def make(path: str = "", wait=True, init_script: str | None = None, **context_options):
        context, page = open_page(browser, watch, **context_options)
        contexts.append(context)
        if init_script:
            page.add_init_script(init_script)
        page.goto(site_url + path)
        if wait:
            wait_ready(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def shared_page(browser, site_url):
    """One booted page for a whole module; the fixtures below put it back in a known state per test."""
    watch = Watch(site_url.rstrip("/"))
    context, page = open_page(browser, watch)
    page.goto(site_url)
    wait_ready(page)
    yield page
    context.close()
    watch.check()


@pytest.fixture
def pad(shared_page):
    """The shared page with an empty pad."""
    clear(shared_page)
    return shared_page


@pytest.fixture
def app(shared_page):
    """The shared page as a new visitor finds it: shipped weights, default form, no digits of theirs, empty pad."""
    page = shared_page
    if page.evaluate("document.body.dataset.training") == "true":
        page.click('[data-testid="cancel"]')
        page.wait_for_selector('body[data-training="false"]')
    if page.get_attribute("body", "data-model") == "ten":
        page.select_option('[data-testid="mode"]', "pair")
        page.wait_for_selector('body[data-model="pair"][data-ready="true"]')
    if page.locator('[data-testid="lesson-close"]').is_visible():
        page.click('[data-testid="lesson-close"]')
    if page.get_attribute("body", "data-pair") != "0-1":
        page.select_option('[data-testid="digit-a"]', "0")
        page.select_option('[data-testid="digit-b"]', "1")
        page.wait_for_selector('body[data-pair="0-1"][data-ready="true"]')
    page.evaluate("localStorage.clear()")
    if "shipped" not in page.locator('[data-testid="active-weights"]').inner_text():
        page.click('[data-testid="reset"]')
    if page.locator('[data-testid="clear-examples"]').is_enabled():
        page.click('[data-testid="clear-examples"]')
    for h in HYPERPARAMETERS:
        field = f'[data-testid="{h.key}"]'
        page.select_option(field, h.default) if h.choices else page.fill(field, h.default_text)
    page.locator('[data-testid="threshold"]').fill("0.5")
    page.evaluate("document.querySelector('[data-testid=error]').hidden = true")
    clear(page)
    return page


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def course(app):
    """The shared page with no lesson done (the course's tests)."""
    app.evaluate("localStorage.clear()")
    app.click('[data-testid="start-over"]')
    app.click('[data-testid="start-over-yes"]')
    return app
