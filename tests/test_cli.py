"""The command line on real files: train, evaluate, predict, and clean failures."""

import json
import os
import subprocess
import sys
from pathlib import Path

from drawings import one, zero

ROOT = Path(__file__).resolve().parents[1]


def digitlab(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "pysrc")}
    return subprocess.run([sys.executable, "-m", "digitlab", *args], capture_output=True, text=True, env=env)


def test_train_is_reproducible_and_matches_the_shipped_weights(tmp_path):
    out = tmp_path / "w.json"
    result = digitlab("train", "--quiet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    trained = json.loads(out.read_text())
    shipped = json.loads((ROOT / "weights" / "mnist01.json").read_text())
    assert trained["trained"] == shipped["trained"]
    # Equal up to round-off: CPython 3.12+ sums with math.sumprod, 3.11 with sum(map(mul)).
    assert max(abs(a - b) for a, b in zip(trained["w"], shipped["w"])) <= 1e-12
    assert abs(trained["b"] - shipped["b"]) <= 1e-12
    assert trained["test_accuracy"] >= 0.99


def test_default_training_reaches_99_percent_within_30_iterations(tmp_path):
    result = digitlab("train", "--method", "gd", "--iterations", "30", "--out", str(tmp_path / "w.json"))
    accuracies = [
        float(line.split("test ")[1].split()[0]) for line in result.stdout.splitlines() if line.startswith("iter")
    ]
    assert max(accuracies) >= 0.99


def test_evaluate_prints_both_splits():
    result = digitlab("evaluate")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("train: accuracy") and lines[1].startswith("test: accuracy")
    assert float(lines[1].split()[2]) >= 0.995


def test_predict_reads_png_and_jpeg_in_either_polarity(tmp_path):
    zero().save(tmp_path / "zero.png")
    one(ink="white", paper="black").save(tmp_path / "one_inverted.jpg", quality=85)
    result = digitlab("predict", str(tmp_path / "zero.png"), str(tmp_path / "one_inverted.jpg"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'zero.png'}: 0") and "p(1)=" in lines[0]
    assert lines[1].startswith(f"{tmp_path / 'one_inverted.jpg'}: 1")


def test_predict_fails_cleanly_on_missing_corrupt_and_blank_files(tmp_path):
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    from PIL import Image

    Image.new("L", (50, 50), "white").save(tmp_path / "blank.png")
    for name, message in [("missing.png", "no such file"), ("corrupt.png", "not an image"), ("blank.png", "Nothing")]:
        result = digitlab("predict", str(tmp_path / name))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr


def test_bad_arguments_and_weights_fail_with_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"w": [1], "b": 0}')
    result = digitlab("evaluate", "--weights", str(bad))
    assert result.returncode == 1 and "1 numbers" in result.stderr and "Traceback" not in result.stderr
    result = digitlab("train", "--pair", "5-3", "--out", str(tmp_path / "x.json"))
    assert result.returncode == 2 and "smaller first" in result.stderr
    result = digitlab("train", "--learning-rate", "0", "--out", str(tmp_path / "x.json"))
    assert result.returncode == 1 and "learning rate" in result.stderr


def test_train_a_pair_and_evaluate_it(tmp_path):
    out = tmp_path / "3-5.json"
    result = digitlab("train", "--pair", "3-5", "--iterations", "5", "--quiet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["digits"] == [3, 5]
    result = digitlab("evaluate", "--weights", str(out))
    assert result.returncode == 0 and float(result.stdout.splitlines()[1].split()[2]) > 0.9
