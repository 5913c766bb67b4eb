"""What the runtime's memory snapshot holds, so a visit starts with Python already warm.

build.py boots the pinned Pyodide under Node, runs prepare() and saves the interpreter's memory
(make_snapshot.mjs). The page restores that memory instead of starting Python from nothing
(site/js/runtime.mjs), and falls back to a normal start when the snapshot is missing or wrong.

Only code that needs no browser may run here: the snapshot is made where there is no page, and
any JavaScript object Python held at that moment would have to be found again by name.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

# What the page imports from the standard library after Python starts, as measured in the browser
# (sys.modules at ready), less PyScript's own modules, which need a page.
STDLIB = (
    "asyncio",
    "base64",
    "bisect",
    "codeop",
    "contextlib",
    "copy",
    "dataclasses",
    "datetime",
    "dis",
    "fnmatch",
    "glob",
    "hashlib",
    "html",
    "inspect",
    "json",
    "logging",
    "random",
    "re",
    "shutil",
    "string",
    "struct",
    "tempfile",
    "textwrap",
    "threading",
    "tokenize",
    "traceback",
    "typing",
    "weakref",
    "zipfile",
    "zlib",
)
# Only in the runtime: Pyodide's own Python that PyScript uses while it starts (its event loop).
IN_PYODIDE = ("pyodide.code", "pyodide.ffi", "pyodide.webloop")
# Not the command line (CPython only) nor this module.
NOT_IN_THE_PAGE = {"digitlab.cli", "digitlab.__main__", "digitlab.snapshot"}


def digitlab_modules() -> tuple[str, ...]:
    """Every digitlab module the page uses, the page layer included (it reaches the page through `js`
    only when called, so importing it needs none); under CPython, without the page layer."""
    import digitlab

    found = pkgutil.walk_packages(digitlab.__path__, "digitlab.")
    names = sorted(m.name for m in found if m.name not in NOT_IN_THE_PAGE)
    return tuple(n for n in names if sys.platform == "emscripten" or not n.startswith("digitlab.page"))


def compile_packages(*packages: str) -> list[str]:
    """Bytecode for every module of these packages (folders in the current one), written where the
    import system looks for it; returns the files written.

    Checked-hash .pyc (PEP 552): the import system uses one only when the source beside it hashes
    to what it was compiled from, and compiles the source as usual otherwise. build.py ships PyScript's,
    which PyScript rewrites from source at every start (~60 ms of compiling). digitlab's own would
    help only a start without the snapshot, for 139 KB more to download: not shipped."""
    import py_compile
    from pathlib import Path

    checked = py_compile.PycInvalidationMode.CHECKED_HASH
    return [
        py_compile.compile(str(source), doraise=True, invalidation_mode=checked)
        for package in packages
        for source in sorted(Path(package).rglob("*.py"))
    ]


def prepare() -> list[str]:
    """Import everything the snapshot should hold and build the page's start state from the files
    in the current folder (boot.py); returns the module names, for build.py to report."""
    names = STDLIB + digitlab_modules() + (IN_PYODIDE if sys.platform == "emscripten" else ())
    for name in names:
        importlib.import_module(name)
    importlib.import_module("digitlab.boot").prepare()
    if "digitlab.page" in names:  # the code panel's text, read from the very files the snapshot imported
        importlib.import_module("digitlab.page").source_text()
    return list(names)
