"""What the runtime's memory snapshot holds, so a visit starts with Python already warm.

build.py boots the pinned Pyodide under Node, runs prepare() and saves the interpreter's memory
(make_snapshot.mjs). The page restores that memory instead of starting Python from nothing
(site/js/runtime.mjs), and falls back to a normal start when the snapshot is missing or wrong.

Only code that needs no browser may run here: the snapshot is made where there is no page, and
any JavaScript object Python held at that moment would have to be found again by name.
"""

from __future__ import annotations

import importlib
import sys

# What the page imports after Python starts, as measured in the browser (sys.modules at ready),
# less PyScript's own modules and the page layer, which need a page. The digitlab core is here
# too: a restored interpreter has compiled and executed it already.
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
    "gzip",
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
    "tarfile",
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
# Only in the runtime: Pyodide's own Python that PyScript uses while it starts (its event loop,
# unpacking the files), and the page layer, which reaches the page through `js` only when called.
IN_PYODIDE = ("pyodide.code", "pyodide.ffi", "pyodide.webloop", "pyodide._package_loader", "digitlab.page")
DIGITLAB = (
    "digitlab.boot",
    "digitlab.config",
    "digitlab.data",
    "digitlab.flip",
    "digitlab.lab",
    "digitlab.metrics",
    "digitlab.model",
    "digitlab.novelty",
    "digitlab.preprocess",
    "digitlab.reference",
    "digitlab.render",
    "digitlab.sparse",
    "digitlab.weights",
)


def prepare() -> list[str]:
    """Import everything the snapshot should hold and build the page's start state from the files
    in the current folder (boot.py); returns the module names, for build.py to report."""
    names = STDLIB + DIGITLAB + (IN_PYODIDE if sys.platform == "emscripten" else ())
    for name in names:
        importlib.import_module(name)
    importlib.import_module("digitlab.boot").prepare()
    return list(names)
