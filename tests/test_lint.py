"""The code stays ruff-clean, the page layer stays in one place, and no unit grows into a wall."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pysrc" / "digitlab"


def test_ruff_check_and_format():
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_page_layer_touches_the_page():
    for path in PACKAGE.rglob("*.py"):
        imports_page = re.search(r"^\s*(import (js|pyscript)\b|from (js|pyscript|pyodide)\b)", path.read_text(), re.M)
        assert not imports_page or path.parent.name == "page", path.relative_to(PACKAGE)


def test_no_class_over_150_lines_and_no_function_over_50():
    walls = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                if size > (150 if isinstance(node, ast.ClassDef) else 50):
                    walls.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} is {size} lines")
    assert not walls, walls
