"""Turn a drawing (any size, RGBA or grayscale) into the 28x28 input MNIST's digits were made into.

MNIST's recipe, step by step: find the ink's bounding box, scale it so the longer
side is 20 px keeping the aspect ratio (area averaging, i.e. anti-aliased), then
place it in a 28x28 field so that its centre of mass sits at the centre. Ink is 1.0,
background 0.0.

Every pass is a slice, a bytes translation or a `sumprod` over a slice, so one
280x280 canvas takes a few milliseconds even in the browser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import IMAGE_SIDE
from .sparse import sumprod

BOX = 20  # MNIST fits each digit in a 20x20 box, then centres it in 28x28
INK_THRESHOLD = 32  # ink below this (of 255) does not count for the bounding box: paper noise, blur
MIN_INK_FRACTION = 0.0004  # fewer inked pixels than this is an empty canvas
MIN_EXTENT_FRACTION = 0.11  # a bounding box smaller than this (of the shorter side) is a dot, not a digit

_ABOVE_THRESHOLD = bytes(int(v >= INK_THRESHOLD) for v in range(256))
_INVERT = bytes(255 - v for v in range(256))
_ANY_INK = bytes(255 if v else 0 for v in range(256))


class NotADigit(ValueError):
    """The image holds no drawing that can be read as a digit; the message says why."""


@dataclass(frozen=True)
class Stages:
    """What each step produced, so a page can show what the model sees."""

    crop: bytes  # ink 0-255 inside the bounding box
    box: tuple[int, int, int, int]  # (left, top, right, bottom) of the bounding box, right/bottom exclusive
    crop_size: tuple[int, int]  # (width, height)
    scaled: list[float]  # ink 0.0-1.0, longer side 20
    scaled_size: tuple[int, int]
    offset: tuple[int, int]  # where `scaled` was placed in 28x28 (left, top)
    image: list[float]  # the 784 model inputs


def ink_from_rgba(rgba: bytes) -> bytes:
    """Ink per pixel, 0-255: dark, opaque paint is ink; transparent or white is paper."""
    red, green, blue, alpha = rgba[0::4], rgba[1::4], rgba[2::4], rgba[3::4]
    n = len(alpha)
    if red.count(0) == n and green.count(0) == n and blue.count(0) == n:
        return alpha  # black paint on a transparent canvas: alpha is the ink
    return bytes(
        (255 - (299 * r + 587 * g + 114 * b) // 1000) * a // 255 for r, g, b, a in zip(red, green, blue, alpha)
    )


def ink_from_gray(gray: bytes, ink_is_dark: bool) -> bytes:
    return gray.translate(_INVERT) if ink_is_dark else bytes(gray)


def bounding_box(ink: bytes, width: int, height: int) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom), exclusive, of the pixels at or above INK_THRESHOLD; None if none."""
    mask = ink.translate(_ABOVE_THRESHOLD)
    rows = [y for y in range(height) if mask.find(1, y * width, (y + 1) * width) >= 0]
    if not rows:
        return None
    columns = [x for x in range(width) if 1 in mask[x::width]]
    return columns[0], rows[0], columns[-1] + 1, rows[-1] + 1


def _area_weights(size_in: int, size_out: int) -> list[tuple[int, list[float]]]:
    """For each output pixel: the first input pixel it covers and the share of each covered input."""
    scale = size_in / size_out
    weights = []
    for o in range(size_out):
        lo, hi = o * scale, (o + 1) * scale
        first, last = int(lo), min(math.ceil(hi), size_in)
        shares = [(min(hi, i + 1) - max(lo, i)) / scale for i in range(first, last)]
        weights.append((first, shares))
    return weights


def resize_area(pixels, width: int, height: int, out_width: int, out_height: int) -> list[float]:
    """Area-averaging resize of a row-major image (values kept in their units)."""
    across, down = _area_weights(width, out_width), _area_weights(height, out_height)
    # 1. Horizontally, row by row.
    half = []
    for y in range(height):
        row = pixels[y * width : (y + 1) * width]
        half.extend(sumprod(row[first : first + len(shares)], shares) for first, shares in across)
    # 2. Vertically, column by column of the half-done image.
    columns = [half[x::out_width] for x in range(out_width)]
    out = [0.0] * (out_width * out_height)
    for y, (first, shares) in enumerate(down):
        base = y * out_width
        for x, column in enumerate(columns):
            out[base + x] = sumprod(column[first : first + len(shares)], shares)
    return out


def centre_of_mass(values: list[float], width: int) -> tuple[float, float]:
    """(x, y) in pixel units, pixel centres at i + 0.5."""
    total = sum(values)
    height = len(values) // width
    row_sums = [sum(values[y * width : (y + 1) * width]) for y in range(height)]
    column_sums = [sum(values[x::width]) for x in range(width)]
    cx = sumprod(column_sums, [x + 0.5 for x in range(width)]) / total
    cy = sumprod(row_sums, [y + 0.5 for y in range(height)]) / total
    return cx, cy


def preprocess_ink(ink: bytes, width: int, height: int, expected: str = "a 0 or a 1") -> Stages:
    """The MNIST recipe on an ink map (0-255 per pixel, row-major); `expected` words the empty-canvas message."""
    if len(ink) != width * height or width < 1 or height < 1:
        raise ValueError(f"expected {width}x{height} pixels, got {len(ink)}")
    box = bounding_box(ink, width, height)
    inked = len(ink) - ink.translate(_ABOVE_THRESHOLD).count(0)
    if box is None or inked < MIN_INK_FRACTION * width * height:
        raise NotADigit(f"Nothing drawn yet: draw {expected}.")
    left, top, right, bottom = box
    crop_w, crop_h = right - left, bottom - top
    if max(crop_w, crop_h) < MIN_EXTENT_FRACTION * min(width, height):
        raise NotADigit("That is a dot, too small to read: draw the digit larger.")
    # 1. Crop to the bounding box.
    crop = b"".join(ink[y * width + left : y * width + right] for y in range(top, bottom))
    # 2. Longer side to 20 px, aspect kept, area-averaged.
    scale = BOX / max(crop_w, crop_h)
    out_w, out_h = max(1, round(crop_w * scale)), max(1, round(crop_h * scale))
    scaled = [min(v / 255, 1.0) for v in resize_area(crop, crop_w, crop_h, out_w, out_h)]
    # 3. Centre of mass to the centre of the 28x28 field.
    cx, cy = centre_of_mass(scaled, out_w)
    half = IMAGE_SIDE / 2
    offset_x = min(max(math.floor(half - cx + 0.5), 0), IMAGE_SIDE - out_w)
    offset_y = min(max(math.floor(half - cy + 0.5), 0), IMAGE_SIDE - out_h)
    image = [0.0] * (IMAGE_SIDE * IMAGE_SIDE)
    for y in range(out_h):
        start = (offset_y + y) * IMAGE_SIDE + offset_x
        image[start : start + out_w] = scaled[y * out_w : (y + 1) * out_w]
    return Stages(crop, box, (crop_w, crop_h), scaled, (out_w, out_h), (offset_x, offset_y), image)


def preprocess_rgba(rgba: bytes, width: int, height: int, expected: str = "a 0 or a 1") -> Stages:
    """A canvas's getImageData bytes (RGBA, unpremultiplied) to the model's input."""
    if len(rgba) != 4 * width * height:
        raise ValueError(f"expected {width}x{height} RGBA pixels, got {len(rgba)} bytes")
    return preprocess_ink(ink_from_rgba(rgba), width, height, expected)


def preprocess_gray(gray: bytes, width: int, height: int, ink_is_dark: bool = True) -> Stages:
    return preprocess_ink(ink_from_gray(gray, ink_is_dark), width, height)


def guess_ink_is_dark(gray: bytes, width: int, height: int) -> bool:
    """Paper is what most of the border is: a light border means dark ink on light paper."""
    rows = gray[:width] + gray[(height - 1) * width :]
    columns = gray[::width] + gray[width - 1 :: width]
    border = rows + columns
    return sum(border) >= 128 * len(border)


def mnist_stages(pixels: bytes, pad_scale: int = 10) -> Stages:
    """A 28x28 MNIST image (uint8, ink = 255) is already what the model reads: its input is its exact
    pixels, not a re-rasterised copy. The stages only show it: the crop is its ink's box (in pad pixels,
    `pad_scale` per image pixel, for a pad that shows it scaled up), already fitted, placed where it is."""
    if len(pixels) != IMAGE_SIDE * IMAGE_SIDE:
        raise ValueError(f"expected {IMAGE_SIDE * IMAGE_SIDE} pixels, got {len(pixels)}")
    box = bounding_box(pixels.translate(_ANY_INK), IMAGE_SIDE, IMAGE_SIDE)  # every inked pixel, faint ones too
    if box is None:
        raise NotADigit("This image holds no ink.")
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    crop = b"".join(pixels[y * IMAGE_SIDE + left : y * IMAGE_SIDE + right] for y in range(top, bottom))
    image = [v / 255 for v in pixels]
    scaled = [v / 255 for v in crop]
    pad_box = (left * pad_scale, top * pad_scale, right * pad_scale, bottom * pad_scale)
    return Stages(crop, pad_box, (width * pad_scale, height * pad_scale), scaled, (width, height), (left, top), image)
