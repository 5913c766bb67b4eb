"""The benchmarks, one module per subject (boot, training, reading, ten, size) and one report; run them with
`python3 build.py bench`. They drive the page with the tests' own driver (tests/browser.py)."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[2] / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
