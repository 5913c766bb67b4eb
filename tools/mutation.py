"""A mutation check of the core modules: do the CPython tests notice when the code is wrong?

    .venv/bin/python tools/mutation.py [module ...] [--per-module N] [--jobs J] [--report FILE]

Each mutant changes one thing (an arithmetic or comparison operator, a constant, a boolean operator, a unary
minus, a returned value) inside a function, or one number a module-level constant holds, in a copy of the
project, and runs the tests that cover that module against the copy. A mutant is killed when a test fails
(or the run takes 10x as long as the clean one: a loop that no longer ends). Survivors are read: those that
cannot change any result are listed in EQUIVALENT with the reason; the others are missing tests.

The report (tools/mutation-report.md, committed) gives each module's score over the non-equivalent mutants.
The two tests that retrain a shipped model (~30 s each, marked `retrain`) are left out of the mutant runs:
the tests beside them check the same code against the textbook and numpy in milliseconds.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import copy
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = {  # module -> the test files that cover it
    "reference": ["test_reference.py", "test_softmax.py"],
    "model": ["test_model.py", "test_reference.py"],
    "sparse": ["test_model.py", "test_reference.py"],
    "flip": ["test_flip.py", "test_session.py"],
    "metrics": ["test_lab.py"],
    "preprocess": ["test_preprocess.py", "test_session.py", "test_edges.py"],
    "honesty": ["test_ten.py"],
    "softmax": ["test_softmax.py", "test_ten.py", "test_edges.py"],
    "lab": ["test_lab.py", "test_session.py", "test_ten.py", "test_edges.py"],
    "pair": ["test_lab.py", "test_session.py", "test_edges.py"],
    "ten": ["test_ten.py", "test_session.py", "test_edges.py"],
    "session": ["test_session.py", "test_course.py", "test_edges.py"],
    "examples": ["test_lab.py", "test_weights.py", "test_edges.py"],
    "weights": ["test_weights.py", "test_ten.py", "test_pairs.py", "test_edges.py"],
    "config": ["test_config.py", "test_edges.py"],
    "course": ["test_course.py", "test_edges.py"],
    "choice": ["test_session.py", "test_edges.py"],
    "address": ["test_session.py", "test_edges.py"],
}
# Survivors that cannot change any result: (module, the mutated line's text, kind) -> why.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("reference", "if f_new <= f + 1e-4 * t * dot(g, d):", "comparison"):
        "the Armijo test differs only when the new loss equals its bound exactly",
    ("sparse", "if j % chunk == chunk - 1:", "constant"):
        "only when the column builder lets the page paint: the columns built are the same",
    ("flip", "adds_ink = (w[j] < 0) if down else (w[j] > 0)", "comparison"):
        "a pixel with w_j = 0 is skipped before this line, so < and <= (> and >=) agree on every pixel it sees",
    ("flip", "if need > 1e-12:", "constant"): "a score still needed below 2e-12 moves the flip by less than round-off",
    ("lab", "return False", "return"): "None is as false as False to every caller of examples_right",
    ("ten", "seen[digit] += 1", "operator"):
        "counting down picks the same positions: -k % every == 0 exactly when k % every == 0",
    ("weights", "return False", "return"): "None is as false as False to the metadata checks that call _number",
}  # fmt: skip
SWAPS = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.And: ast.Or, ast.Or: ast.And, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}  # fmt: skip


def sites(tree: ast.Module) -> list[tuple[int, str]]:
    """Every place a mutant can be made inside a function body, or a number in a module-level constant:
    (node index in ast.walk order, kind)."""
    inside = {
        id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(f)
    }
    constants = {
        id(n)
        for statement in tree.body
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None
        for n in ast.walk(statement.value)
        if isinstance(n, ast.Constant)
    }
    found = []
    for k, node in enumerate(ast.walk(tree)):
        if id(node) in constants and type(node.value) in (int, float) and not isinstance(node.value, bool):
            found.append((k, "constant"))
        if id(node) not in inside:
            continue
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in SWAPS:
            found.append((k, "operator"))
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in SWAPS:
            found.append((k, "comparison"))
        elif isinstance(node, ast.BoolOp):
            found.append((k, "boolean"))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
            found.append((k, "constant"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            found.append((k, "unary"))
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            found.append((k, "return"))
    return found


def mutate(tree: ast.Module, index: int, kind: str) -> tuple[ast.Module, int]:
    """A copy of `tree` with the node at `index` changed; and its line."""
    tree = copy.deepcopy(tree)
    node = list(ast.walk(tree))[index]
    if kind == "operator":
        node.op = SWAPS[type(node.op)]()
    elif kind == "comparison":
        node.ops[0] = SWAPS[type(node.ops[0])]()
    elif kind == "boolean":
        node.op = SWAPS[type(node.op)]()
    elif kind == "constant":
        node.value = node.value + 1 if node.value in (0, 1) or isinstance(node.value, int) else node.value * 2
    elif kind == "unary":
        node.__class__ = ast.UnaryOp
        node.op = ast.UAdd() if isinstance(node.op, ast.USub) else node.op
        if isinstance(node.op, ast.Not):  # not x -> x
            node.op = ast.UAdd()
            node.operand = ast.Call(ast.Name("bool", ast.Load()), [node.operand], [])
    elif kind == "return":
        node.value = ast.Constant(None)
    return ast.fix_missing_locations(tree), node.lineno


# What the CPython tests read.
PROJECT = ("pysrc", "tests", "tools", "site", "weights", "build.py", "pyproject.toml", "README.md")


def copy_project(folder: str) -> Path:
    """The project as the tests see it, in `folder`: its tests then import its pysrc/, and only that one."""
    copy = Path(folder) / "project"
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy2(source, copy / name)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")  # read only by tests that are not run here
    return copy


def run_tests(project: Path, files: list[str], timeout: float) -> bool:
    """True when the tests pass (the mutant survives)."""
    marks = "not browser and not retrain and not built"
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", marks, *files]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    try:
        done = subprocess.run(command, cwd=project / "tests", env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def check(module: str, index: int, kind: str, tree: ast.Module, timeout: float) -> tuple[str, int, str, bool]:
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(folder)
        mutant, line = mutate(tree, index, kind)
        (project / "pysrc" / "digitlab" / f"{module}.py").write_text(ast.unparse(mutant))
        return module, line, kind, run_tests(project, TESTS[module], timeout)


def check_broken(module: str) -> bool:
    """The harness itself: with the module replaced by one that fails on import, the tests must fail."""
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(folder)
        (project / "pysrc" / "digitlab" / f"{module}.py").write_text("raise ImportError('a broken module')\n")
        return run_tests(project, TESTS[module], 600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", default=list(TESTS))
    parser.add_argument("--per-module", type=int, default=25, help="mutants per module, drawn with a fixed seed")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report", type=Path, help="write the report here (tools/mutation-report.md)")
    args = parser.parse_args()
    results = {}
    for module in args.modules:
        results[module] = mutants_of(module, args.per_module, args.jobs)
        print(summary_line(module, results[module]), flush=True)
    report = "\n".join(report_lines(results, args.per_module))
    print(report)
    if args.report:
        args.report.write_text(report + "\n")


def mutants_of(module: str, count: int, jobs: int) -> list[tuple[int, str, bool, str | None]]:
    """(line, kind, survived, why it is equivalent or None) for `count` mutants of `module`."""
    path = ROOT / "pysrc" / "digitlab" / f"{module}.py"
    tree, lines = ast.parse(path.read_text()), path.read_text().splitlines()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        assert run_tests(copy_project(folder), TESTS[module], 600), f"the tests of {module} fail unchanged"
    assert not check_broken(module), f"the tests of {module} pass with the module broken: not the copy tested"
    timeout = max(10 * (time.perf_counter() - started), 20)
    chosen = sites(tree)
    random.Random(module).shuffle(chosen)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        found = list(pool.map(lambda site: check(module, *site, tree, timeout), chosen[:count]))
    return [
        (line, kind, survived, EQUIVALENT.get((module, lines[line - 1].strip(), kind)) if survived else None)
        for _, line, kind, survived in sorted(found, key=lambda r: r[1])
    ]


def score(found) -> tuple[int, int]:
    """(killed, non-equivalent mutants)."""
    killed = sum(1 for _, _, survived, _ in found if not survived)
    return killed, sum(1 for _, _, survived, why in found if not (survived and why))


def summary_line(module: str, found) -> str:
    killed, counted = score(found)
    return f"{module}: {killed}/{counted} non-equivalent mutants killed ({len(found) - counted} equivalent)"


def report_lines(results: dict, per_module: int) -> list[str]:
    killed = sum(score(found)[0] for found in results.values())
    counted = sum(score(found)[1] for found in results.values())
    lines = [
        "# Mutation check",
        "",
        f"`tools/mutation.py --per-module {per_module}`: {killed}/{counted} non-equivalent mutants killed "
        f"({killed / max(counted, 1):.1%}).",
        "",
        "| module | killed / non-equivalent | equivalent |",
        "| --- | --- | --- |",
        *(f"| {m} | {score(f)[0]}/{score(f)[1]} | {len(f) - score(f)[1]} |" for m, f in results.items()),
        "",
        "Survivors (line, kind, the line; an equivalent one with the reason it cannot change a result):",
        "",
    ]
    for module, found in results.items():
        source = (ROOT / "pysrc" / "digitlab" / f"{module}.py").read_text().splitlines()
        for line, kind, survived, why in found:
            if survived:
                said = f"equivalent: {why}" if why else "NOT KILLED"
                lines.append(f"- `{module}.py:{line}` {kind}: `{source[line - 1].strip()}`: {said}")
    return lines


if __name__ == "__main__":
    main()
