"""The bytecode the page ships (vendor/pyscript-bytecode.tar.gz): checked-hash .pyc that Python uses only
for the very source it was compiled from, made by the pinned Pyodide for PyScript's package."""

import importlib
import json
import subprocess
import sys
import tarfile
from pathlib import Path

from browser import DIST, ROOT
from digitlab import snapshot


def test_bytecode_is_used_for_its_source_and_ignored_once_the_source_changes(tmp_path, monkeypatch):
    package = tmp_path / "shipped"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "answer.py").write_text("VALUE = 'compiled at build time'\n")
    monkeypatch.chdir(tmp_path)
    written = snapshot.compile_packages("shipped")
    assert sorted(Path(p).name.split(".")[0] for p in written) == ["__init__", "answer"]
    pyc = Path(written[1]).read_bytes()
    assert int.from_bytes(pyc[4:8], "little") == 0b11  # hash-based, checked against the source
    assert pyc[8:16] == importlib.util.source_hash((package / "answer.py").read_bytes())

    # A pyc whose code says something else than its source: used while the source is the one it was
    # compiled from (the hash matches), ignored the moment the source changes.
    swapped = compile("VALUE = 'from the bytecode'\n", str(package / "answer.py"), "exec")
    Path(written[1]).write_bytes(pyc[:16] + __import__("marshal").dumps(swapped))
    monkeypatch.syspath_prepend(str(tmp_path))
    assert importlib.import_module("shipped.answer").VALUE == "from the bytecode"
    for name in ("shipped.answer", "shipped"):
        del sys.modules[name]
    (package / "answer.py").write_text("VALUE = 'edited since'\n")
    importlib.invalidate_caches()
    assert importlib.import_module("shipped.answer").VALUE == "edited since"
    del sys.modules["shipped.answer"], sys.modules["shipped"]


NODE_CHECK = """
import fs from "node:fs";
import { loadPyodide } from "%(pyodide)s/pyodide.mjs";
const pyodide = await loadPyodide({ indexURL: "%(pyodide)s/" });
const files = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
for (const [name, base64] of Object.entries(files)) {
  pyodide.FS.mkdirTree(`/home/pyodide/${name}`.replace(/\\/[^/]*$/, ""));
  pyodide.FS.writeFile(`/home/pyodide/${name}`, Buffer.from(base64, "base64"));
}
console.log(pyodide.runPython(`
import builtins, json
from importlib.machinery import SourceFileLoader
from pathlib import Path
compiled = []
plain = builtins.compile
def counted(source, filename, *rest, **named):
    compiled.append(filename)
    return plain(source, filename, *rest, **named)
builtins.compile = counted
# One source changed since its bytecode was made: that one, and only that one, is compiled.
with open("%(edited)s", "a") as source:
    source.write("# edited")
paths = sorted(str(p) for p in Path("pyscript").rglob("*.py"))
codes = {path: SourceFileLoader(path, path).get_code(path) for path in paths}
builtins.compile = plain
json.dumps({"modules": len(paths), "compiled": compiled})
`));
"""


def pyscript_sources() -> dict[str, str]:
    """PyScript's package as its npm package has it (what make_snapshot.mjs compiles), by path."""
    module = ROOT / "node_modules" / "@pyscript" / "core" / "src" / "stdlib" / "pyscript.js"
    script = "import(process.argv[1]).then(m => console.log(JSON.stringify(m.default)))"
    tree = json.loads(
        subprocess.run(["node", "-e", script, module.as_uri()], check=True, capture_output=True, text=True).stdout
    )
    flat = {}

    def walk(folder, node):
        for name, value in node.items():
            if isinstance(value, str):
                flat[f"{folder}{name}"] = value
            else:
                walk(f"{folder}{name}/", value)

    walk("", tree)
    return flat


def test_pyscripts_package_is_compiled_from_the_sources_its_bundle_writes():
    sources = pyscript_sources()
    bundle = next((DIST / "vendor" / "pyscript").glob("core-*.js")).read_text()
    with tarfile.open(DIST / "vendor" / "pyscript-bytecode.tar.gz") as tar:
        shipped = set(tar.getnames())
    for path, text in sources.items():
        # The bundle carries each file as a JSON string literal, written at every start.
        assert json.dumps(text, ensure_ascii=False) in bundle, path
        folder, name = path.rsplit("/", 1)
        assert f"{folder}/__pycache__/{name[:-3]}.cpython-314.pyc" in shipped, path
    assert len(shipped) == len(sources)  # PyScript's package only: the snapshot has digitlab imported already


def test_the_pinned_pyodide_loads_the_shipped_bytecode_instead_of_compiling(tmp_path):
    import base64

    files = {path: base64.b64encode(text.encode()).decode() for path, text in pyscript_sources().items()}
    with tarfile.open(DIST / "vendor" / "pyscript-bytecode.tar.gz") as tar:
        for member in tar.getmembers():
            files[member.name] = base64.b64encode(tar.extractfile(member).read()).decode()
    (tmp_path / "files.json").write_text(json.dumps(files))
    script = tmp_path / "check.mjs"
    edited = sorted(path for path in files if path.endswith(".py"))[-1]  # any source the runtime ships
    script.write_text(NODE_CHECK % {"pyodide": (ROOT / "node_modules" / "pyodide").as_posix(), "edited": edited})
    out = subprocess.run(["node", script, tmp_path / "files.json"], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["modules"] == len([name for name in files if name.endswith(".py")])
    assert result["compiled"] == [edited]
