"""The data layout that makes model.py fast in pure Python: images as sparse rows and columns.

An MNIST image inks ~140 of its 784 pixels, and about a third of the pixel positions are
never inked in the whole set. So a Design keeps
  - each image as a Row: the inked pixel positions, a C-level gather of the weights at
    those positions, and the ink values there; z = Xw is then one `sumprod` per row;
  - each ever-inked pixel as a Column: the images that ink it, a gather of their entries
    of a per-image vector, and the ink values; the gradient X^T r is one `sumprod` per column.
No arithmetic happens here: this module only arranges the data for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import compress
from operator import itemgetter, mul
from typing import NamedTuple

from . import IMAGE_PIXELS

Vector = list[float]

try:
    sumprod = math.sumprod  # Python >= 3.12, which is what Pyodide runs
except AttributeError:  # CPython 3.11: the same sum up to round-off

    def sumprod(p, q):
        return sum(map(mul, p, q))


PIXEL_VALUE = tuple(v / 255 for v in range(256))  # uint8 ink to the model's 0.0-1.0
EVERY_PIXEL = tuple(range(IMAGE_PIXELS))  # prebuilt: compress() then passes references, not new ints


class Row(NamedTuple):
    """One image: z = b + sumprod(gather(w), values)."""

    indices: tuple[int, ...]
    gather: Callable[[Sequence[float]], tuple]
    values: tuple[float, ...]


class Column(NamedTuple):
    """One pixel position: (X^T r)[pixel] = sumprod(gather(r), values)."""

    pixel: int
    gather: Callable[[Sequence[float]], tuple]
    values: tuple[float, ...]


def gatherer(indices: Sequence[int]) -> Callable[[Sequence[float]], tuple]:
    """getter(seq) -> tuple(seq[i] for i in indices), as one C-level call for any length."""
    if len(indices) == 0:
        return lambda seq: ()
    if len(indices) == 1:
        only = indices[0]
        return lambda seq: (seq[only],)
    return itemgetter(*indices)


def ink_values(pixels: bytes) -> tuple[float, ...]:
    """The non-zero uint8 pixels as 0.0-1.0 floats, in order."""
    return tuple(gatherer(pixels.translate(None, b"\0"))(PIXEL_VALUE))


def sparse_row(image: bytes) -> Row:
    indices = tuple(compress(EVERY_PIXEL, image))
    return Row(indices, gatherer(indices), ink_values(image))


class Design:
    """n images (uint8, n x 784 bytes) and their labels (0: the pair's smaller digit, 1: the larger), kept as rows
    and, on demand, columns.

    `weights` (optional, one per image) make an image count as that many copies of itself.
    """

    def __init__(self, pixels: bytes, labels: Sequence[int], weights: Sequence[float] | None = None):
        n = len(labels)
        if len(pixels) != n * IMAGE_PIXELS:
            raise ValueError(f"expected {n} images of {IMAGE_PIXELS} bytes, got {len(pixels)} bytes")
        if weights is not None and len(weights) != n:
            raise ValueError(f"expected {n} image weights, got {len(weights)}")
        self.n = n
        self.pixels = bytes(pixels)
        self.labels = [int(y) for y in labels]
        self.weights = None if weights is None else [float(s) for s in weights]
        self.rows = [sparse_row(self.pixels[i * IMAGE_PIXELS : (i + 1) * IMAGE_PIXELS]) for i in range(n)]
        self._columns: list[Column] | None = None

    @property
    def columns(self) -> list[Column]:
        """Every pixel that some image inks, built on first use (only full-batch gradients need them)."""
        for _ in self.build_columns():
            pass
        return self._columns

    def build_columns(self, chunk: int = 64):
        """Build the columns `chunk` pixels at a time, yielding in between, so a page can paint and cancel."""
        if self._columns is not None:
            return
        every_image, columns = tuple(range(self.n)), []
        for j in range(IMAGE_PIXELS):
            column = self.pixels[j::IMAGE_PIXELS]
            if column.count(0) != self.n:
                columns.append(Column(j, gatherer(tuple(compress(every_image, column))), ink_values(column)))
            if j % chunk == chunk - 1:
                yield
        self._columns = columns

    def image(self, i: int) -> Vector:
        return list(map(PIXEL_VALUE.__getitem__, self.pixels[i * IMAGE_PIXELS : (i + 1) * IMAGE_PIXELS]))

    def logits(self, w: Sequence[float], b: float) -> Vector:
        """z_i = b + w . x_i for every image."""
        return [b + sumprod(row.gather(w), row.values) for row in self.rows]
