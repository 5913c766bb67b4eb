"""The code stays ruff-clean and formatted (ruff is one of the pinned test requirements)."""

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
        source = path.read_text()
        if path.name != "app.py":
            assert "pyscript" not in source and "import js" not in source, path.name
