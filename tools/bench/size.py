"""Size: the bytes a first visit loads, the runtime's and the app's own, raw and gzip."""

from __future__ import annotations

import gzip

from browser import (
    DIST,
)
from tools.bench.common import open_app


def bench_size(browser, base: str) -> dict:
    context, page = open_app(browser, base)
    page.wait_for_function("document.querySelector('[data-testid=source]').textContent.includes('class SoftmaxLoss')")
    entries = page.evaluate("performance.getEntriesByType('resource').map(e => [e.name, e.encodedBodySize])")
    entries.append([base + "app/index.html", (DIST / "index.html").stat().st_size])
    context.close()
    sizes = {"runtime": [0, 0], "app": [0, 0]}
    files = {}
    for url, transferred in entries:
        relative = url.split("/app/", 1)[1].split("?")[0]
        path = DIST / relative
        if not path.is_file():
            continue
        kind = "runtime" if relative.startswith("vendor/") else "app"
        compressed = len(gzip.compress(path.read_bytes(), 9))
        sizes[kind][0] += transferred or path.stat().st_size
        sizes[kind][1] += compressed
        files[relative] = {"bytes": path.stat().st_size, "gzip": compressed}
    return {
        "runtime_bytes": sizes["runtime"][0],
        "runtime_gzip": sizes["runtime"][1],
        "app_bytes": sizes["app"][0],
        "app_gzip": sizes["app"][1],
        "files": files,
    }
