"""Edges the mutation check found untested (tools/mutation-report.md): each assertion pins one boundary, default
or returned value that a wrong one would change."""

import base64
import json
from pathlib import Path

import pytest

from digitlab import address, pair
from digitlab.choice import TEN, Pair, Refusal
from digitlab.config import TEN_DEFAULTS, TrainConfig
from digitlab.course import BY_NAME, Course
from digitlab.data import DIGITS, read_pair
from digitlab.examples import example_from_image, from_records
from digitlab.model import sigmoid
from digitlab.pair import Attribution, PairLab, Reading
from digitlab.preprocess import guess_ink_is_dark, mnist_stages, preprocess_gray
from digitlab.session import RUNS, Activity, Input, Session
from digitlab.weights import Weights, WeightsError, load_weights, weights_from_dict

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lab():
    return PairLab(read_pair(ROOT / "site" / "data", 0, 1)[0], load_weights(ROOT / "weights" / "mnist01.json"))


def test_a_reading_at_exactly_one_half_is_the_larger_digit_and_its_probabilities_add_up():
    stages = mnist_stages(bytes([255]) * 784)
    reading = Reading(stages, [], 0.0, 0.0, 0.5, (3, 5))
    assert reading.digit == 5 and reading.runner_up == 3 and reading.probabilities == [0.5, 0.5]
    leaning = Reading(stages, [], 0.0, 1.0, sigmoid(1.0), (3, 5))
    assert leaning.probabilities == [1 - sigmoid(1.0), sigmoid(1.0)] and leaning.scores == [0.0, 1.0]


def test_the_strongest_pulls_are_only_those_that_pull_that_way():
    found = Attribution([(0, 1.0), (1, -2.0), (2, 0.0), (3, 0.5)], 0.25)
    assert found.strongest(True) == [(0, 1.0), (3, 0.5)] and found.strongest(False) == [(1, -2.0)]
    assert found.total == pytest.approx(-0.25)


def test_the_operating_point_is_the_false_and_true_positive_rates():
    quality = pair.test_quality([0.9, 0.8, 0.3, 0.7, 0.2], [1, 0, 0, 1, 1], 0.5)
    assert quality.operating_point == (1 / 2, 2 / 3)
    assert pair.test_quality([0.9], [1], 0.5).operating_point == (0.0, 1.0)  # no negatives: no division by zero


def test_a_training_row_image_is_the_training_image_and_the_weight_scale_is_the_shipped_largest(lab):
    pixels, digit, whose = lab.row_image(0)
    assert pixels == lab.bundle.train.image_bytes(0) and digit == lab.digits[lab.bundle.train.labels[0]]
    assert whose == "training"
    assert lab.weight_scale == max(abs(v) for v in lab.shipped.w)


def session_of(lab) -> Session:
    lab.reset()
    return Session(lab)


def test_a_pair_compares_with_its_other_digit_and_flips_toward_it(lab):
    session = session_of(lab)
    session.read(Input(mnist_stages(lab.bundle.test.image_bytes(0))))
    read = session.reading.digit
    assert session.other_digit() == 1 - read
    session.flip()
    assert session.flipped.target == 1 - read == session.flipped.after.digit


def test_no_flip_is_a_refusal(lab):
    session = session_of(lab)
    session.read(Input(mnist_stages(lab.bundle.test.image_bytes(0))))
    lab.use(Weights([0.0] * 784, 5.0))  # no pixel moves the score: nothing flips it
    session.flipped = None
    assert isinstance(session.flip(), Refusal)
    lab.reset()


def test_runs_record_and_begin_as_they_say_and_a_new_model_names_its_digits(lab):
    session = session_of(lab)
    assert session.begin_run("teach") >= {RUNS} and session.activity is Activity.TEACHING
    assert session.begin_run("train") >= {RUNS} and session.activity is Activity.TRAINING
    progress = next(iter(lab.training_run(TrainConfig(iterations=1), lab.plan())))
    assert session.record(progress) == {RUNS}
    other = PairLab(read_pair(ROOT / "site" / "data", 3, 5)[0], lab.shipped)
    session.open(other)
    assert session.empty == "Draw a 3 or a 5."


def test_the_threshold_is_named_only_where_it_moved(lab):
    session = session_of(lab)
    assert session.threshold_named() == ""
    session.judge_at(0.9)
    assert session.threshold_named() == " at threshold 0.50 (Judge shows 0.90)"


def test_an_example_rounds_ink_to_the_nearest_level_and_a_bad_record_is_named_by_its_place():
    assert example_from_image([0.5, 1.0, 0.0] + [0.0] * 781, 1).pixels[:3] == bytes([128, 255, 0])
    good = {"label": 1, "pixels": base64.b64encode(bytes(784)).decode()}
    assert from_records([good, {"label": 7}])[1][0].startswith("digit 2:")


def test_metadata_at_the_edges_of_its_range_is_kept_and_past_them_dropped():
    base = {"w": [0.0] * 784, "b": 0.0}
    assert weights_from_dict({**base, "test_accuracy": 1.0}).meta["test_accuracy"] == 1.0
    assert weights_from_dict({**base, "test_accuracy": 0.0}).meta["test_accuracy"] == 0.0
    assert "alpha" in weights_from_dict({**base, "alpha": [0.5]}).meta  # one row is a row
    record = {"label": 1, "pixels": base64.b64encode(bytes(784)).decode()}
    assert "taught_rows" not in weights_from_dict({**base, "taught_rows": [record] * 4001}).meta
    assert "taught_rows" not in weights_from_dict({**base, "taught_rows": "not a list"}).meta
    with pytest.raises(WeightsError, match=repr("x" * 40)):
        weights_from_dict({**base, "format": "x" * 100})


def test_the_page_border_decides_the_ink_from_its_last_column_too():
    width = height = 10
    gray = bytearray([255] * (width * height))
    for x in range(width):
        gray[x] = 0  # the top row is dark
    for y in range(1, height):
        gray[y * width + width - 1] = 0 if y < height - 1 else 255  # the last column too, but its bottom
    assert not guess_ink_is_dark(bytes(gray), width, height)  # 20 of 40 border pixels light: dark paper


def test_faint_ink_at_the_threshold_counts_for_the_box_and_a_mark_of_a_ninth_is_a_digit():
    size = 280
    canvas = bytearray([255] * (size * size))
    for y in range(100, 200):
        for x in range(130, 150):
            canvas[y * size + x] = 0
    plain = preprocess_gray(bytes(canvas), size, size)
    canvas[10 * size + 10] = 255 - 32  # ink 32 of 255, exactly at the threshold: it counts
    assert preprocess_gray(bytes(canvas), size, size).box[:2] == (10, 10) != plain.box[:2]
    assert plain.crop_size == (plain.box[2] - plain.box[0], plain.box[3] - plain.box[1])
    small = bytearray([255] * (size * size))
    for y in range(100, 100 + 35):  # 35 px of 280: 12.5% of the pad, over 11%
        small[y * size + 140] = 0
    assert preprocess_gray(bytes(small), size, size).box[3] - preprocess_gray(bytes(small), size, size).box[1] == 35


def test_an_mnist_image_reports_its_crop_in_pad_pixels():
    pixels = bytearray(784)
    for y in range(5, 25):
        pixels[y * 28 + 14] = 255
    stages = mnist_stages(bytes(pixels))
    assert stages.crop_size == (10, 200)


def test_mini_batches_are_refused_for_ten_digits_from_a_batch_of_one():
    from digitlab import softmax
    from digitlab.sparse import Design

    design = Design(bytes(784 * 3), [0, 1, 2])
    with pytest.raises(ValueError):
        next(iter(softmax.train(design, None, TrainConfig(method="gd", batch_size=1))))


def test_the_ten_digits_default_run_is_what_the_readme_says():
    readme = (ROOT / "README.md").read_text()
    assert TEN_DEFAULTS == {"method": "lbfgs", "iterations": 20, "l2": 0.005, "batch_size": 0}
    assert "L-BFGS for 20 iterations at C = 0.1" in readme  # 1 / (0.005 x 2,004) = 0.0998


def test_lessons_open_on_the_models_the_course_names_and_ten_times_the_l2_is_enough():
    models = {name: lesson.model for name, lesson in BY_NAME.items()}
    assert models == {
        "sum": Pair(0, 1), "sigmoid": Pair(1, 7), "flip": Pair(4, 9), "unknown": Pair(3, 5), "mistakes": Pair(3, 5),
        "threshold": Pair(3, 5), "diverge": Pair(3, 5), "lbfgs": Pair(3, 5), "regularise": Pair(3, 5),
        "wrong-label": Pair(1, 7), "teach": TEN, "ten": TEN,
    }  # fmt: skip
    course = Course()
    course.choose("regularise")
    course.saw("run", Pair(3, 5), method="lbfgs", outcome="done", rises=False, runs=[("lbfgs", 30, 0.001)])
    two_runs = [("lbfgs", 30, 0.001), ("lbfgs", 30, 0.01)]
    course.saw("run", Pair(3, 5), method="lbfgs", outcome="done", rises=False, runs=two_runs)
    assert "regularise" in course.done  # exactly ten times


def test_a_choice_and_a_refusal_say_themselves():
    assert Pair(3, 5).compared == (3, 5) and TEN.compared == ("the other digit", "the digit read")
    assert str(Refusal("not now")) == "not now" and TEN.digits == DIGITS
    long = "#" + "y" * 60
    assert address.asked(long).why.count("y") == 38  # 39 characters of it shown, the "#" among them, then "…"
    assert json.loads(json.dumps(list(Pair(3, 5).digits))) == [3, 5]


def test_full_ink_stays_full():
    assert example_from_image([1.0, 0.999, 0.002] + [0.0] * 781, 0).pixels[:3] == bytes([255, 255, 1])
