"""Synthetic handwriting rendered with Pillow, for tests of preprocessing and the CLI."""

from PIL import Image, ImageDraw


def zero(size=280, box=(90, 60, 190, 220), width=20, ink="black", paper="white", angle=0):
    image = Image.new("L", (size, size), paper)
    ImageDraw.Draw(image).ellipse(box, outline=ink, width=width)
    return image.rotate(angle, fillcolor=paper) if angle else image


def one(size=280, top=(140, 50), bottom=(140, 230), width=20, ink="black", paper="white"):
    image = Image.new("L", (size, size), paper)
    ImageDraw.Draw(image).line([top, bottom], fill=ink, width=width)
    return image
