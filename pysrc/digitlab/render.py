"""Pictures as RGBA bytes: grayscale digits and diverging maps, ready for a canvas's ImageData.

Colours carry meaning across the page: orange pulls toward "0", blue toward "1".
"""

from __future__ import annotations

from collections.abc import Sequence

TOWARD_ZERO = (214, 96, 10)
TOWARD_ONE = (37, 99, 235)
PAPER = (255, 255, 255)


def _blend(colour: tuple[int, int, int], amount: float) -> bytes:
    r, g, b = (round(p + (c - p) * amount) for p, c in zip(PAPER, colour))
    return bytes((r, g, b, 255))


_GRAY = [bytes((255 - v, 255 - v, 255 - v, 255)) for v in range(256)]
# Index 0..254 of the diverging palette: 127 is neutral, 0 full TOWARD_ZERO, 254 full TOWARD_ONE.
_DIVERGING = [_blend(TOWARD_ZERO, (127 - i) / 127) for i in range(127)] + [
    _blend(TOWARD_ONE, (i - 127) / 127) for i in range(127, 255)
]


def gray_rgba(values: Sequence[float]) -> bytes:
    """Ink 0.0-1.0 as dark-on-white pixels."""
    return b"".join(_GRAY[min(max(int(v * 255 + 0.5), 0), 255)] for v in values)


def ink_rgba(ink: bytes) -> bytes:
    """Ink 0-255 bytes as dark-on-white pixels."""
    return b"".join(map(_GRAY.__getitem__, ink))


def diverging_rgba(values: Sequence[float], scale: float | None = None) -> tuple[bytes, float]:
    """Signed values as orange (negative) to white to blue (positive); returns (pixels, scale used).

    `scale` is the magnitude drawn at full colour; by default the largest |value|.
    """
    if scale is None:
        scale = max((abs(v) for v in values), default=0.0)
    if scale <= 0:
        return _DIVERGING[127] * len(values), 0.0
    factor = 127 / scale
    pixels = b"".join(_DIVERGING[min(max(int(127.5 + v * factor), 0), 254)] for v in values)
    return pixels, scale
