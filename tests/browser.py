"""The one driver of the built page, for tests and benchmarks: a local server, Chromium, real strokes, and verbs."""

from __future__ import annotations

import functools
import http.server
import math
import os
import shutil
import threading
import time
from pathlib import Path

from tools.assemble import make_server

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY = 'body[data-ready="true"]'
# One generous timeout for everything a page does: a busy 2-core machine boots Pyodide in 20+ s.
TIMEOUT_MS = int(os.environ.get("DIGITLAB_TIMEOUT_MS", 180_000))


def serve(directory: Path, max_age: int | None = None) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` the way `build.py serve` does (or with Cache-Control: max-age, as GitHub Pages does),
    at a free port in a daemon thread; returns (server, URL)."""
    server = make_server(directory, max_age=max_age)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Faults(dict):
    """What a FaultyServer does to a path (its URL path without the leading folder), set by the test as it goes:
    ("hold", threading.Event)   answer only once the event is set
    ("stall", fraction)         send the headers and that share of the body, then nothing more (the connection open)
    ("truncate", fraction)      send that share of the body and close, the length header still saying all
    ("corrupt",)                send the body with bytes in its middle changed
    ("status", code)            answer with that status
    A fault given as ("once", fault) applies to the next request of that path only. Under the key "*":
    ("offline",)                every request is dropped unanswered, as with no network
    ("rate", Link(...))         every answer goes through that link, at its pace, as over a slow network"""

    def take(self, path: str):
        if self.get("*", ("",))[0] == "offline":
            return ("offline",)
        fault = self.get(path)
        if fault and fault[0] == "once":
            del self[path]
            return fault[1]
        return fault


class Link:
    """A network link of a given bandwidth (bytes per second), shared by every answer sent through it."""

    def __init__(self, rate: float):
        self.rate, self.free_at, self.lock = rate, 0.0, threading.Lock()

    def wait_for(self, size: int) -> None:
        """Wait until `size` more bytes have passed through the link."""
        with self.lock:
            self.free_at = max(time.monotonic(), self.free_at) + size / self.rate
            done = self.free_at
        time.sleep(max(0.0, done - time.monotonic()))


def faulty_handler(directory: Path, faults: Faults, released: threading.Event):
    from tools.assemble import QuietHandler

    class FaultyHandler(QuietHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0].split("#")[0].lstrip("/")
            faults.asked[path] = faults.asked.get(path, 0) + 1
            if path == "__offline__":  # a browser driven from another process can cut its own network
                faults["*"] = ("offline",)
                return self.send_error(204)
            fault = faults.take(path)
            if fault and fault[0] == "offline":
                self.close_connection = True
                return None
            link = faults.get("*", ("",))[0] == "rate" and faults["*"][1]
            if link and fault is None:
                fault = ("paced", link)
            if fault is None:
                return super().do_GET()
            if fault[0] == "hold":
                while not (fault[1].wait(0.1) or released.is_set()):
                    pass
                return super().do_GET()
            if fault[0] == "status":
                return self.send_error(fault[1])
            file = directory / path
            if file.is_dir():  # a folder's address answers with its index, as the plain server does
                file = file / "index.html"
            if not file.is_file():
                return self.send_error(404)
            body = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(file)))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if fault[0] == "paced":
                for start in range(0, len(body), 16384):
                    chunk = body[start : start + 16384]
                    fault[1].wait_for(len(chunk))
                    self.wfile.write(chunk)
                return None
            if fault[0] == "corrupt":
                middle = len(body) // 2
                self.wfile.write(
                    body[:middle] + bytes(b ^ 0x5A for b in body[middle : middle + 64]) + body[middle + 64 :]
                )
                return None
            self.wfile.write(body[: int(len(body) * fault[1])])
            self.wfile.flush()
            if fault[0] == "stall":
                released.wait(120)  # until the server stops, or the browser gives up on it
            self.close_connection = True
            return None

    return functools.partial(FaultyHandler, directory=str(directory))


def serve_with_faults(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str, Faults]:
    """Serve `directory` as serve() does, but each path can be held, stalled, truncated or corrupted (Faults)."""
    from tools.assemble import QuietServer

    faults, released = Faults(), threading.Event()
    faults.asked = {}  # path -> how many times it was asked for
    server = QuietServer(("127.0.0.1", 0), faulty_handler(directory, faults, released))
    server.release = released  # set by the test's teardown, so stalled answers end with the server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/", faults


def launch_options() -> dict:
    """System Chromium when there is one (what build.py found), else Playwright's own."""
    path = os.environ.get("DIGITLAB_CHROMIUM")
    if path is None:
        path = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)
        path = path or shutil.which("chromium") or ""
    options = {"args": CHROMIUM_ARGS}
    if path:
        options["executable_path"] = path
    return options


# Chromium 156 opens the omnibox's popup, a WebUI page, in a renderer of its own with every new window:
# ~1 s of CPU per tab, competing with the page under test on a 2-core machine (traced: that renderer's
# main thread was busy 1.0 s of a 1.4 s return visit). A headless browser never shows it, and a visitor's
# browser does not pay it per page; Puppeteer disables both by default (puppeteer/puppeteer#15278).
UNSEEN_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")


def launch(playwright):
    """Chromium with launch_options() and UNSEEN_FEATURES disabled beside Playwright's own list.

    Chromium keeps only the last --disable-features switch, so ours repeats Playwright's, read from
    chrome://version in a short-lived first launch rather than from Playwright's internals. Where that
    cannot be read, Playwright's list stays as it is (and test_harness says so)."""
    options = launch_options()
    probe = playwright.chromium.launch(**options)
    try:
        playwrights = disabled_features(probe)
    finally:
        probe.close()
    if playwrights is not None:
        features = dict.fromkeys([*playwrights, *UNSEEN_FEATURES])
        options["args"] = [*options["args"], "--disable-features=" + ",".join(features)]
    return playwright.chromium.launch(**options)


def disabled_features(browser) -> list[str] | None:
    """What the running browser was told to disable (the last --disable-features on its command line), or
    None if chrome://version does not show its command line."""
    from playwright.sync_api import Error

    page = browser.new_page()
    try:
        page.goto("chrome://version")
        command_line = page.locator("#command_line").inner_text(timeout=10_000)
    except Error:
        return None
    finally:
        page.close()
    switches = [arg for arg in command_line.split() if arg.startswith("--disable-features=")]
    return [name for name in switches[-1].removeprefix("--disable-features=").split(",") if name] if switches else []


def new_context(browser, **options):
    """A browser context with the suite's timeout; service workers blocked unless asked for."""
    options.setdefault("service_workers", "block")
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def wait_ready(page) -> None:
    """Python has loaded the weights and the judgement of them is on the page."""
    page.wait_for_selector(READY, state="attached")
    page.wait_for_function("document.querySelector('[data-testid=test-accuracy]').dataset.value !== ''")


def pad_box(page) -> dict:
    """The pad's box in viewport coordinates, scrolled into view first (pointer events need it on screen)."""
    pad = page.locator('[data-testid="pad"]')
    pad.scroll_into_view_if_needed()
    return pad.bounding_box()


def verdicts(page) -> int:
    return page.evaluate("performance.getEntriesByName('stroke-to-verdict').length")


def stroke(page, points, steps_between: int = 1) -> None:
    """Draw one stroke with the mouse through points given in pad units (0..1 of its size)."""
    box = pad_box(page)
    xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    before = verdicts(page)
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=steps_between)
    page.mouse.up()
    page.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")


def ellipse_points(cx, cy, rx, ry, tilt_degrees=0.0, gap_degrees=0.0, wobble=0.0, n=48):
    """Points around an ellipse in pad units, starting at the top, optionally left open and wobbly."""
    tilt = math.radians(tilt_degrees)
    sweep = 2 * math.pi - math.radians(gap_degrees)
    points = []
    for k in range(n + 1):
        a = -math.pi / 2 + sweep * k / n
        r = 1 + wobble * math.sin(5 * a)
        x, y = rx * r * math.cos(a), ry * r * math.sin(a)
        points.append((cx + x * math.cos(tilt) - y * math.sin(tilt), cy + x * math.sin(tilt) + y * math.cos(tilt)))
    if not gap_degrees:
        points.append(points[1])  # close with a little overlap, as people do
    return points


def line_points(x0, y0, x1, y1, n=12):
    return [(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(n + 1)]


def verdict(page) -> tuple[str, str]:
    locator = page.locator('[data-testid="prediction"]')
    return locator.get_attribute("data-digit"), locator.get_attribute("data-p1")


def clear(page) -> None:
    before = verdicts(page)
    page.click('[data-testid="clear"]')
    page.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")


def touch_stroke(page, points) -> None:
    """One finger stroke through points in pad units, as real touch events (CDP)."""
    box = pad_box(page)
    xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    cdp = page.context.new_cdp_session(page)
    before = verdicts(page)
    kinds = ["touchStart"] + ["touchMove"] * (len(xy) - 1)
    for kind, (x, y) in zip(kinds, xy):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function(f"performance.getEntriesByName('stroke-to-verdict').length > {before}")
    cdp.detach()


def runs(page) -> int:
    """How many training or teaching runs have finished in this page."""
    return int(page.get_attribute('[data-testid="progress"]', "data-runs"))


def train(page, **fields) -> None:
    """Fill the given hyperparameter fields, press Train, wait for the run to finish."""
    for name, value in fields.items():
        field = f'[data-testid="{name}"]'
        page.select_option(field, value) if name == "method" else page.fill(field, str(value))
    before = runs(page)
    page.click('[data-testid="train"]')
    page.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")


def teach(page, digit: int) -> None:
    before = runs(page)
    page.click(f'[data-testid="teach-{digit}"]')
    page.wait_for_function(f"document.querySelector('[data-testid=progress]').dataset.runs > {before}")


def export(page) -> dict:
    import json

    with page.expect_download() as info:
        page.click('[data-testid="export-weights"]')
    return json.loads(Path(info.value.path()).read_text())


def active(page) -> str:
    return page.locator('[data-testid="active-weights"]').inner_text()


def error_text(page) -> str:
    error = page.locator('[data-testid="error"]')
    return error.inner_text() if error.is_visible() else ""


def accuracy_value(page) -> float:
    return float(page.locator('[data-testid="test-accuracy"]').get_attribute("data-value"))
