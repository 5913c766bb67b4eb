"""The code stays ruff-clean and formatted (ruff is one of the pinned test requirements)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_check_and_format():
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_only_app_touches_the_page():
    for path in (ROOT / "pysrc" / "digitlab").glob("*.py"):
        imports_page = re.search(r"^\s*(import (js|pyscript)\b|from (js|pyscript|pyodide)\b)", path.read_text(), re.M)
        assert bool(imports_page) == (path.name == "app.py"), path.name
