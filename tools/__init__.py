"""Project tooling beside the app and its tests, run through `python3 build.py ...`: the site's assembly
(assemble.py), the machine setup tests need (machine.py), the benchmarks (bench/) and the mutation check
(mutation.py). Here: the project's paths and a logged subprocess, which they share.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYSRC = ROOT / "pysrc"
SITE = ROOT / "site"
DIST = ROOT / "dist"
DATA_DIR = SITE / "data"
WEIGHTS = ROOT / "weights" / "mnist01.json"
NODE_MODULES = ROOT / "node_modules"

if str(PYSRC) not in sys.path:
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
