"""Boot: first and return visits of the app against a bare PyScript hello world on the same runtime, on localhost and
an emulated 10 Mbit/s link; WebKit's first visit on the slow link.
"""

from __future__ import annotations

import time
from pathlib import Path

from tools.bench.common import TEN_MBIT, cold_boot, median, warm_revisit


def bench_boot(browser, base: str, rounds: int) -> dict:
    """The app against a bare PyScript hello world on the same runtime files, alternated (A B A B) so
    drift on a shared machine hits both alike; on localhost and on an emulated 10 Mbit/s link."""
    app, hello = base + "app/", base + "hello/"
    cold_boot(browser, hello)  # warm the OS file cache for both
    cold_boot(browser, app)
    kinds = {
        "cold": (cold_boot, None, rounds),
        "revisit": (warm_revisit, None, rounds),
        "cold_10mbit": (cold_boot, TEN_MBIT, max(1, rounds // 2)),
        "revisit_10mbit": (warm_revisit, TEN_MBIT, max(1, rounds // 2)),
    }
    result = {}
    for kind, (boot, link, n) in kinds.items():
        times = {"app": [], "hello": []}
        how = set()
        for _ in range(n):
            seconds, booted = boot(browser, app, link)
            times["app"].append(seconds)
            how.add(booted)
            times["hello"].append(boot(browser, hello, link)[0])
        result[kind] = {
            "app_s": times["app"],
            "hello_s": times["hello"],
            "app_median_s": median(times["app"]),
            "hello_median_s": median(times["hello"]),
            "app_booted": sorted(how),
        }
    for kind in kinds:  # every ratio is against the hello world booted cold on the same link
        reference = result["cold_10mbit" if "10mbit" in kind else "cold"]["hello_median_s"]
        result[kind]["ratio"] = result[kind]["app_median_s"] / reference
    return result


def bench_webkit_slow_link(base: str, rounds: int) -> dict:
    """First visits in WebKitGTK over a 10 Mbit/s link (every answer paced by the test server, WebKit's driver
    cannot throttle): the app against the hello world, alternated; wall time from navigation to ready."""
    from engines import WebKit, available

    from browser import Link, serve_with_faults

    if why := available("webkit"):
        return {"skipped": why}
    server, url, faults = serve_with_faults(Path(base))
    faults["*"] = ("rate", Link(10e6 / 8))
    times = {"app": [], "hello": []}
    boots = set()
    for _ in range(rounds):
        for name in ("app", "hello"):
            engine = WebKit()  # a fresh, empty profile each time: a first visit
            try:
                started = time.perf_counter()
                engine.goto(f"{url}{name}/")
                engine.wait("document.body.dataset.ready === 'true'", 180)
                times[name].append(time.perf_counter() - started)
                if name == "app":
                    boots.add(engine.eval("document.body.dataset.boot"))
            finally:
                engine.quit()
    server.release.set()
    server.shutdown()
    return {"app_s": times["app"], "hello_s": times["hello"], "ratio": median(times["app"]) / median(times["hello"]),
            "app_booted": sorted(boots)}  # fmt: skip
