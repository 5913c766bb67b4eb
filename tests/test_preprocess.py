"""Drawings to MNIST-style 28x28 inputs: cropping, scaling, centring, polarity, rejection."""

from pathlib import Path

import numpy as np
import pytest

from digitlab.model import predict_proba
from digitlab.preprocess import (
    NotADigit,
    centre_of_mass,
    guess_ink_is_dark,
    mnist_stages,
    preprocess_gray,
    preprocess_rgba,
    resize_area,
)
from digitlab.weights import load_weights
from drawings import one, zero


def model_input(image):
    return np.array(preprocess_gray(image.tobytes(), *image.size).image).reshape(28, 28)


def test_position_and_scale_do_not_change_the_input_much():
    reference = model_input(zero(box=(90, 60, 190, 220), width=20))
    for box, width in [((10, 10, 110, 170), 20), ((150, 100, 250, 260), 20), ((120, 100, 170, 180), 10)]:
        moved = model_input(zero(box=box, width=width))
        assert np.abs(moved - reference).mean() < 0.03, box


def test_the_digit_is_fitted_in_20_px_and_centred_by_mass():
    stages = preprocess_gray(zero(box=(20, 30, 100, 190)).tobytes(), 280, 280)
    assert max(stages.scaled_size) == 20
    x = np.array(stages.image).reshape(28, 28)
    ys, xs = np.mgrid[0:28, 0:28] + 0.5
    assert (x * xs).sum() / x.sum() == pytest.approx(14, abs=0.6)
    assert (x * ys).sum() / x.sum() == pytest.approx(14, abs=0.6)
    assert x.min() >= 0 and x.max() <= 1 and x.max() > 0.9


def test_area_averaging_matches_pillow_box_filter():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(60, 45), dtype=np.uint8)
    ours = np.array(resize_area(pixels.tobytes(), 45, 60, 15, 20)).reshape(20, 15)
    from PIL import Image

    theirs = np.asarray(Image.fromarray(pixels).resize((15, 20), Image.Resampling.BOX), dtype=float)
    assert np.abs(ours - theirs).max() <= 1.0  # Pillow rounds to uint8


def test_centre_of_mass_of_a_single_pixel_is_its_centre():
    values = [0.0] * 12
    values[1 * 4 + 2] = 1.0
    assert centre_of_mass(values, 4) == (2.5, 1.5)


def test_light_ink_on_dark_paper_gives_the_same_input():
    dark_on_light = zero()
    light_on_dark = zero(ink="white", paper="black")
    assert guess_ink_is_dark(dark_on_light.tobytes(), 280, 280)
    assert not guess_ink_is_dark(light_on_dark.tobytes(), 280, 280)
    a = preprocess_gray(dark_on_light.tobytes(), 280, 280, ink_is_dark=True).image
    b = preprocess_gray(light_on_dark.tobytes(), 280, 280, ink_is_dark=False).image
    assert a == b


def test_rgba_black_on_transparent_equals_grayscale():
    gray = one()
    ink = bytes(255 - v for v in gray.tobytes())
    rgba = b"".join(bytes((0, 0, 0, a)) for a in ink)
    assert preprocess_rgba(rgba, 280, 280).image == preprocess_gray(gray.tobytes(), 280, 280).image


def test_rgba_opaque_colours_composite_as_ink():
    from PIL import Image

    rgba = zero().convert("RGBA").tobytes()
    assert np.allclose(
        preprocess_rgba(rgba, 280, 280).image, preprocess_gray(zero().tobytes(), 280, 280).image, atol=0.02
    )
    assert Image  # Pillow made the opaque RGBA above


def test_shipped_weights_read_synthetic_digits():
    weights = load_weights(Path(__file__).resolve().parents[1] / "weights" / "mnist01.json")
    zeros = [zero(box=b) for b in [(90, 60, 190, 220), (30, 40, 110, 200), (100, 150, 200, 260)]]
    zeros.append(zero(angle=25))
    ones = [one(), one(top=(100, 40), bottom=(170, 240)), one(top=(60, 150), bottom=(60, 260))]
    for image in zeros:
        assert predict_proba(weights.w, weights.b, model_input(image).ravel()) < 0.5
    for image in ones:
        assert predict_proba(weights.w, weights.b, model_input(image).ravel()) > 0.5


def test_empty_and_nearly_empty_images_are_rejected():
    with pytest.raises(NotADigit, match="Nothing drawn"):
        preprocess_gray(bytes([255]) * 280 * 280, 280, 280)
    speck = bytearray([255]) * 280 * 280
    speck[140 * 280 + 140] = 0
    with pytest.raises(NotADigit, match="Nothing drawn"):
        preprocess_gray(bytes(speck), 280, 280)


def test_a_dot_is_rejected_as_too_small():
    from PIL import Image, ImageDraw

    image = Image.new("L", (280, 280), "white")
    ImageDraw.Draw(image).ellipse((130, 130, 148, 148), fill="black")
    with pytest.raises(NotADigit, match="dot"):
        preprocess_gray(image.tobytes(), 280, 280)


def test_wrong_buffer_size_is_an_error():
    with pytest.raises(ValueError, match="expected"):
        preprocess_rgba(bytes(10), 280, 280)


def test_grey_paper_is_told_by_its_border_against_mid_grey():
    """Paper is what the border mostly is, measured against mid-grey (128), not against black."""
    dim_paper = zero(ink="white", paper=(40)).tobytes()  # dim paper, light ink: the ink is not dark
    pale_paper = zero(ink="black", paper=(200)).tobytes()
    assert not guess_ink_is_dark(dim_paper, 280, 280)
    assert guess_ink_is_dark(pale_paper, 280, 280)


def test_an_mnist_image_is_shown_where_its_ink_is_on_the_pad():
    """mnist_stages: the crop box in pad pixels is the ink's bounding box, scaled by the pad's factor."""
    image = np.zeros((28, 28), np.uint8)
    image[5:19, 9:12] = 255
    image[3, 7] = 1  # faint ink counts too
    stages = mnist_stages(image.tobytes(), pad_scale=10)
    rows, columns = np.nonzero(image)
    assert stages.box == (columns.min() * 10, rows.min() * 10, (columns.max() + 1) * 10, (rows.max() + 1) * 10)
    assert stages.image == [v / 255 for v in image.ravel().tolist()]
    image[0, 0] = 2  # the very first pixel, alone in its row
    assert mnist_stages(image.tobytes(), pad_scale=10).box == (0, 0, 120, 190)
