"""Benchmarks, side by side in one run: `python3 build.py bench` (which builds dist/ and finds Chromium), or
`python -m tools.bench [--only PART]`. Prints the report and writes bench/results.json. Figures, not assertions:
the machine is shared, so each comparison is a ratio of two things measured in the same run, alternated where
possible.
"""

from __future__ import annotations

import argparse
import json
import os
import platform

from browser import (
    ROOT,
    launch,
    serve,
)
from tools.bench.boot import bench_boot, bench_webkit_slow_link
from tools.bench.common import bench_root
from tools.bench.reading import bench_honesty, bench_prediction
from tools.bench.report import print_table
from tools.bench.size import bench_size
from tools.bench.ten import bench_ten
from tools.bench.training import bench_cpython_train, bench_pairs, bench_training_browser, bench_training_cpython


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boot-rounds", type=int, default=5)
    parser.add_argument("--train-rounds", type=int, default=3)
    parser.add_argument("--strokes", type=int, default=24)
    parser.add_argument("--only", choices=["boot", "train", "predict", "size", "pairs", "ten", "webkit"],
                        help="one browser part")  # fmt: skip
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = bench_root()
    server, base = serve(root)
    results = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    }
    with sync_playwright() as playwright:
        browser = launch(playwright)
        results["chromium"] = browser.version
        parts = {
            "boot": lambda: bench_boot(browser, base, args.boot_rounds),
            "train_browser": lambda: bench_training_browser(browser, base, args.train_rounds),
            "predict": lambda: bench_prediction(browser, base, args.strokes),
            "size": lambda: bench_size(browser, base),
            "pairs": lambda: bench_pairs(browser, base),
            "ten": lambda: bench_ten(browser, base, args.strokes),
        }
        for name, measure in parts.items():
            if args.only in (None, name.split("_")[0]):
                results[name] = measure()
        browser.close()
    if args.only in (None, "webkit"):
        results["webkit"] = bench_webkit_slow_link(str(root), max(1, args.boot_rounds // 2))
    server.shutdown()
    if args.only:
        if "size" in results:  # the totals; the per-file table is long
            results["size"] = {k: v for k, v in results["size"].items() if k != "files"}
        print(json.dumps(results, indent=1))
        return
    results["train_cpython"] = bench_training_cpython(args.train_rounds)
    results["honesty"] = bench_honesty()
    results["cpython"] = bench_cpython_train()
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print_table(results)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
