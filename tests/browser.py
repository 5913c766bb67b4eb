"""Helpers for driving the built page: a local server, Chromium, and real pointer strokes."""

from __future__ import annotations

import http.server
import math
import os
import shutil
import threading
from pathlib import Path

from build import make_server

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


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` the way `build.py serve` does, at a free port in a daemon thread; returns (server, URL)."""
    server = make_server(directory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


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
