"""The one report: every benchmark's figures as a table, with the targets beside them."""

from __future__ import annotations

from tools.bench.common import LONG_TASK, median


def boot_rows(boot: dict) -> list[tuple[str, str, str]]:
    goals = {"cold": "target <= 0.6x", "revisit": "target <= 0.35x"}
    rows = []
    for kind, row in boot.items():
        link = "10 Mbit/s" if "10mbit" in kind else "localhost"
        visit = "revisit" if kind.startswith("revisit") else "cold"
        how = "/".join(sorted({kind.split(" ")[0] for kind in row["app_booted"]}))
        rows.append((f"boot {visit}, {link}: app ({how}), median", f"{row['app_median_s']:.2f} s", ""))
        rows.append((f"boot {visit}, {link}: hello world, median", f"{row['hello_median_s']:.2f} s", ""))
        rows.append(
            (f"boot {visit}, {link}: app / hello cold", f"{row['ratio']:.2f}x", goals.get(kind, "")),
        )
    return rows


def long_task_rows(when: str, tasks: dict) -> list[tuple[str, str, str]]:
    return [
        (
            f"long tasks {when}: longest",
            f"{tasks['longest_task_ms']:.0f} ms",
            f"{tasks['long_tasks']} over 50 ms, {tasks['tasks_over_limit']} over {LONG_TASK} (target 0)",
        )
    ]


def print_table(r: dict) -> None:
    boot, tb, tc, pr, size = r["boot"], r["train_browser"], r["train_cpython"], r["predict"], r["size"]
    rows = [
        *boot_rows(boot),
        (
            "train: default run in browser, click to weights",
            f"{tb['click_to_weights_median_ms']:.0f} ms",
            "target < 3 s",
        ),
        ("train: browser ms per iteration", f"{tb['ms_per_iteration']:.1f} ms", ""),
        (
            "train: 20 GD iterations, numpy under CPython",
            f"{tc['numpy_default_run_ms']:.1f} ms",
            f"browser / numpy {tb['click_to_weights_median_ms'] / tc['numpy_default_run_ms']:.0f}x",
        ),
        (
            "train: 20 GD iterations, pure Python under CPython",
            f"{tc['cpython_pure_default_run_ms']:.0f} ms",
            f"browser / CPython {tb['click_to_weights_median_ms'] / tc['cpython_pure_default_run_ms']:.2f}x",
        ),
        ("train: iterations to 99.5% test accuracy", f"{tc['iterations_to_99_5']}", ""),
        (
            "pipeline: compressed bytes to 99.5% model, browser",
            f"{tb['pipeline_ms']:.0f} ms",
            f"{tb['pipeline_iterations']} iterations",
        ),
        (
            "pipeline: same in numpy under CPython",
            f"{tc['numpy_pipeline_ms']:.1f} ms",
            f"browser / numpy {tb['pipeline_ms'] / tc['numpy_pipeline_ms']:.1f}x (target <= 3x)",
        ),
        (
            "predict: stroke end to verdict, in page",
            f"median {pr['in_page_median_ms']:.1f} ms",
            f"p95 {pr['in_page_p95_ms']:.1f} ms (target median < 15)",
        ),
        (
            "predict: seen from Playwright",
            f"median {pr['playwright_median_ms']:.1f} ms",
            f"p95 {pr['playwright_p95_ms']:.1f} ms (targets 50 / 100)",
        ),
        ("predict: preprocessing + prediction alone", f"median {pr['preprocess_and_predict_median_ms']:.1f} ms", ""),
        *long_task_rows(f"after ready, drawing {pr['strokes']} strokes", pr["while_drawing"]),
        *long_task_rows(f"during {len(tb['click_to_weights_ms'])} default training runs", tb["during_training"]),
        (
            "size: runtime (Pyodide + PyScript) cold load",
            f"{size['runtime_bytes'] / 1e6:.2f} MB",
            f"gzip {size['runtime_gzip'] / 1e6:.2f} MB",
        ),
        (
            "size: app's own files cold load",
            f"{size['app_bytes'] / 1e3:.0f} KB",
            f"gzip {size['app_gzip'] / 1e3:.0f} KB (target < 400)",
        ),
        ("cpython: build.py train wall time", f"{r['cpython']['build_train_s']:.2f} s", ""),
    ]
    for name, row in r["pairs"].items():
        rows.append(
            (
                f"pair {name}: default run in browser, click to weights",
                f"{row['train_ms']:.0f} ms",
                f"error {row['error'] * 100:.2f}% vs sklearn {row['sklearn_error'] * 100:.2f}% (target <= +0.5, 3 s)",
            )
        )
        rows.append((f"pair {name}: selection to data-pair, first fetch", f"{row['switch_ms']:.0f} ms", "target 1500"))
    ten, honesty, webkit = r["ten"], r["honesty"], r["webkit"]
    rows += [
        ("ten: mode opened (8 digit files fetched)", f"{ten['open_s']:.2f} s", ""),
        ("ten: stroke end to verdict, in page", f"median {ten['stroke_in_page_median_ms']:.1f} ms",
         f"p95 {ten['stroke_in_page_p95_ms']:.1f} ms (target median <= 15)"),
        ("ten: default run in browser, click to weights", f"{ten['train_click_to_weights_ms'] / 1000:.1f} s",
         f"{ten['train_iterations']} iterations, test accuracy {ten['test_accuracy']:.3f} (targets 30 s, 0.88)"),
        *long_task_rows("during the ten-digit run", ten["during_training"]),
        ("ten: Cancel to the run stopped", f"{ten['cancel_ms']:.0f} ms", "target <= 100 ms"),
        ("ten: Cancel to idle, the weights measured on 2,000 test images", f"{ten['cancel_to_idle_ms']:.0f} ms", ""),
        ("honest verdict: other digits flagged, worst pair", f"{honesty['worst_other'][1]:.1%}",
         f"{honesty['worst_other'][0]} (target >= 90%)"),
        ("honest verdict: genuine digits flagged, worst pair", f"{honesty['worst_genuine'][1]:.1%}",
         f"{honesty['worst_genuine'][0]} (target <= 6%)"),
    ]  # fmt: skip
    if "ratio" in webkit:
        rows.append(("WebKit first visit, 10 Mbit/s: app / hello world", f"{webkit['ratio']:.2f}x",
                     f"app {median(webkit['app_s']):.1f} s ({'/'.join(webkit['app_booted'])}), "
                     f"hello {median(webkit['hello_s']):.1f} s"))  # fmt: skip
    width = max(len(name) for name, _, _ in rows)
    print(f"\nmachine: {r['machine']['cpus']} CPUs, {r['machine']['platform']}, Chromium {r['chromium']}")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>18}  {note}")
