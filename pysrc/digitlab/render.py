"""The page's colours, and pictures as RGBA bytes (grayscale digits, diverging maps) for a canvas.

PALETTE is the one source of colour: build.py writes it into the site's palette.css, which the
stylesheet and the charts read. Colours carry meaning: orange pulls toward "0", blue toward "1";
the training curves have colours of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

PALETTE = {
    "zero": (214, 96, 10),
    "one": (37, 99, 235),
    "train": (15, 118, 110),
    "test": (190, 24, 93),
    "mark": (17, 24, 39),
    "faint": (156, 163, 175),
    "added": (22, 163, 74),
    "removed": (219, 39, 119),
}
TOWARD_ZERO = PALETTE["zero"]
TOWARD_ONE = PALETTE["one"]
PAPER = (255, 255, 255)


def palette_css() -> str:
    """PALETTE as CSS custom properties on :root."""
    lines = [f"  --{name}: #{r:02x}{g:02x}{b:02x};" for name, (r, g, b) in PALETTE.items()]
    return "/* Written by build.py from digitlab/render.py's PALETTE. */\n:root {\n" + "\n".join(lines) + "\n}\n"


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
    if not scale > 0:
        return _DIVERGING[127] * len(values), 0.0
    # v / scale, not v * (127 / scale): for subnormal scales (1e-310) 127 / scale is infinite.
    pixels = b"".join(_DIVERGING[min(max(int(127.5 + 127 * (v / scale)), 0), 254)] for v in values)
    return pixels, scale


def ghost_rgba(x: Sequence[float], delta: Sequence[float]) -> bytes:
    """The changed input in gray, with ink added tinted green and ink removed tinted pink."""
    added, removed = PALETTE["added"], PALETTE["removed"]
    pixels = []
    for value, change in zip(x, delta):
        if change > 0:
            pixels.append(_blend(added, min(1.0, 0.35 + change)))
        elif change < 0:
            pixels.append(_blend(removed, min(1.0, 0.35 - change)))
        else:
            pixels.append(_GRAY[min(max(int(value * 255 + 0.5), 0), 255)])
    return b"".join(pixels)
