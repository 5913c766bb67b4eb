"""The site's assembly: dist/ from site/, pysrc/, weights/ and the pinned runtime from node_modules (only the
files the page loads), the memory snapshot and bytecode made under Node, the generated form and palette, the
service worker's hashes; and the static servers (`build.py serve`, the tests). Standard library only.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import shutil
import sys
import tarfile
from pathlib import Path

from tools import DIST, NODE_MODULES, PYSRC, ROOT, SITE, WEIGHTS, ensure_node_modules, run

# The only runtime files the page loads; everything else in the packages stays out.
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
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


def build_site() -> Path:
    """The self-contained site in dist/: the page, the vendored runtime, pysrc, weights, snapshot, hashes."""
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
