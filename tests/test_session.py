"""The page's state without the page (session.py): every verb says what it changed, every number on display is
recomputed from the state it claims to show, and what the page is doing decides what may run."""

from pathlib import Path

import pytest

from digitlab import address
from digitlab.choice import TEN, Pair, Refusal
from digitlab.config import TrainConfig
from digitlab.data import read_pair
from digitlab.lab import TEACH_WEIGHT
from digitlab.model import TrainingDiverged, fit
from digitlab.pair import PairLab
from digitlab.preprocess import mnist_stages, preprocess_gray
from digitlab.session import EXAMPLES, INPUT, PAIR, RUNS, WEIGHTS, Activity, Input, Session
from digitlab.sparse import Design
from digitlab.weights import load_weights, pair_weights, pairs_from_json
from digitlab.words import a, either
from drawings import zero

ROOT = Path(__file__).resolve().parents[1]


def pair_lab(a_digit: int, b_digit: int) -> PairLab:
    bundle = read_pair(ROOT / "site" / "data", a_digit, b_digit)[0]
    design = Design(bundle.train.pixels, bundle.train.labels)
    pairs = pairs_from_json((ROOT / "weights" / "pairs.json").read_bytes())
    return PairLab(bundle, pair_weights(pairs, f"{a_digit}-{b_digit}", design), train_set=design)


@pytest.fixture(scope="module")
def labs():
    return {"3-5": pair_lab(3, 5)}


@pytest.fixture
def session(labs):
    lab = labs["3-5"]
    lab.reset()
    lab.examples = []
    return Session(lab)


def mnist_input(lab: PairLab, index: int) -> Input:
    test = lab.bundle.test
    return Input(mnist_stages(test.image_bytes(index)), (index, lab.digits[test.labels[index]]))


def run(session: Session, how: str, config: TrainConfig):
    """What the page does for Train, Step, Continue: plan, begin, record every iteration, adopt the last."""
    plan = session.plan(how)
    session.begin_run(how)
    last = None
    for progress in session.lab.training_run(config, plan):
        if progress is not None:
            session.record(progress)
            last = progress
    changes = session.adopt(session.lab, last, config, "browser", plan)
    session.idle()
    return changes


def teach(session: Session, label: int):
    """What the page does for 'It is a ...': keep the drawing, then gradient steps until it is read right."""
    session.teach(label)
    plan = session.plan("teach")
    session.begin_run("teach")
    *_, last = [p for p in session.lab.teaching_run(plan) if p is not None]
    session.record(last)
    session.adopt(session.lab, last, session.lab.teach_config(), "taught", plan)
    session.idle()


def explained(session: Session) -> float:
    """|z on display - (b + the attribution's terms)|: 0 up to round-off when the panel tells the truth."""
    found = session.lab.attribute(session.shown_stages().image)
    assert not isinstance(found, Refusal), found
    return abs(found.total - session.reading.z)


def test_a_misread_test_image_reads_exactly_what_the_gallery_says(session):
    """The gallery's p is computed from the test image's pixels; on the pad the model reads those very pixels."""
    mistakes = session.lab.test_report().mistakes
    assert len(mistakes) >= 10
    for mistake in mistakes:
        session.read(mnist_input(session.lab, mistake.index))
        assert session.reading.p1 == pytest.approx(mistake.p, rel=0, abs=1e-15)
        assert session.reading.digit == mistake.read != mistake.truth  # still misread, as the gallery says


def test_the_training_images_behind_the_verdict_add_up_to_z_after_every_change_of_weights(session):
    lab = session.lab
    x = preprocess_gray(zero(box=(118, 40, 162, 240), width=22).tobytes(), 280, 280)
    session.read(Input(x))
    assert explained(session) < 1e-9  # shipped
    teach(session, 1)  # a narrow 0 on 3/5, taught as a 5
    assert "taught_rows" in session.weights.meta and explained(session) < 1e-9
    assert lab.row_image(lab.bundle.train.n)[1:] == (5, "yours")
    run(session, "step", TrainConfig(method="gd", iterations=1))
    assert explained(session) < 1e-9
    run(session, "continue", TrainConfig(iterations=3))  # L-BFGS on from there
    assert explained(session) < 1e-9
    session.follow([])  # forgotten: the weights were still trained on it, and say so
    assert explained(session) < 1e-9 and lab.row_image(lab.bundle.train.n)[1:] == (5, "forgotten")
    run(session, "continue", TrainConfig(method="gd", iterations=2))  # the forgotten row weighs nothing now
    plan = session.plan("continue")
    assert plan.design.weights[-1] == 0.0 and explained(session) < 1e-9
    session.flip()
    assert explained(session) < 1e-9  # the flipped input on display is explained, not the drawing
    run(session, "train", TrainConfig(iterations=2))
    assert "taught_rows" not in session.weights.meta and explained(session) < 1e-9
    session.reset()
    assert explained(session) < 1e-9


def test_a_forgotten_row_weighing_nothing_trains_like_it_is_not_there(session):
    x = preprocess_gray(zero().tobytes(), 280, 280)
    session.read(Input(x))
    teach(session, 0)
    session.follow([])
    config = TrainConfig(method="gd", iterations=2, l2=0.001)
    plan = session.plan("continue")
    with_ghost = fit(plan.design, None, config, w=plan.start.w, b=plan.start.b, alpha=plan.alpha)
    without = fit(session.lab.train_set, None, config, w=session.weights.w, b=session.weights.b)
    assert max(abs(p - q) for p, q in zip(with_ghost.w, without.w)) < 1e-12


def test_a_taught_digit_weighs_teach_weight_images(session):
    session.read(Input(preprocess_gray(zero().tobytes(), 280, 280)))
    session.teach(0)
    plan = session.plan("teach")
    assert plan.design.weights[-1] == TEACH_WEIGHT and plan.design.n == session.lab.bundle.train.n + 1


def test_runs_extend_one_curve_until_the_weights_change_otherwise(session):
    log = session.log
    run(session, "train", TrainConfig(iterations=3))
    assert [(s.how, s.first, s.skip, len(s.points)) for s in log.segments] == [("train", 0, 0, 4)]
    run(session, "step", TrainConfig(iterations=1))
    run(session, "step", TrainConfig(iterations=1))
    run(session, "continue", TrainConfig(iterations=2))
    assert [(s.how, s.first) for s in log.segments] == [("train", 0), ("step", 3), ("step", 4), ("continue", 5)]
    assert log.iterations == 7 and sum(len(s.points) for s in log.segments) == 8  # no point twice
    changes = session.reset()
    assert RUNS in changes and log is not session.log and session.log.segments == []
    run(session, "step", TrainConfig(iterations=1))  # from the shipped weights: a curve of its own, from 0
    assert [(s.how, s.first, len(s.points)) for s in session.log.segments] == [("step", 0, 2)]


def test_a_diverged_run_keeps_its_last_points_then_gives_way(session):
    config = TrainConfig(method="gd", learning_rate=30, iterations=10)
    plan = session.plan("train")
    session.begin_run("train")
    with pytest.raises(TrainingDiverged) as diverged:
        for progress in session.lab.training_run(config, plan):
            session.record(progress)
    session.diverged(diverged.value.iteration, diverged.value.loss)
    segment = session.log.segments[-1]
    assert segment.diverged == (2, diverged.value.loss) and len(segment.points) == 2  # iterations 0 and 1
    assert session.shipped  # rolled back
    run(session, "step", TrainConfig(iterations=1))
    assert all(s.diverged is None for s in session.log.segments)


def test_what_may_run_depends_on_what_the_page_is_doing(session):
    assert session.refusal("teach") == "draw a 3 or a 5 first"
    session.read(mnist_input(session.lab, 0))
    for action in ("train", "step", "continue", "teach", "flip", "reset", "import", "export", "start-over", "pair"):
        assert session.refusal(action) is None, action
    assert session.refusal("cancel") == "nothing to cancel"
    assert session.refusal("forget") == "you have taught no digits on this pair"
    session.begin(Activity.LOADING, (4, 9))
    for action in ("train", "step", "continue", "teach", "reset", "import", "forget", "start-over"):
        assert session.refusal(action) == "a pair is loading", action
    assert session.refusal("pair") is None and session.refusal("flip") is None
    session.begin(Activity.TRAINING)
    assert session.refusal("pair") == "training is running" and session.refusal("cancel") is None
    session.idle()
    session.flip()
    assert "flipped input is on display" in session.refusal("teach")
    assert session.unflip() == {INPUT} and session.refusal("teach") is None


def test_a_run_trained_on_one_pair_is_never_adopted_by_another(session, labs):
    lab = session.lab
    plan = session.plan("train")
    *_, last = lab.training_run(TrainConfig(iterations=1), plan)
    other = pair_lab(4, 9)
    session.open(other)
    said = session.adopt(lab, last, TrainConfig(iterations=1), "browser", plan)
    assert isinstance(said, Refusal) and "3 versus 5" in said.why
    assert session.weights is other.shipped and lab.weights is lab.shipped


def test_a_new_pair_reads_the_same_input_and_a_flip_ends_with_its_weights(session):
    session.read(mnist_input(session.lab, 3))
    session.flip()
    assert session.flipped is not None
    other = pair_lab(4, 9)
    changes = session.open(other)
    assert {PAIR, WEIGHTS, INPUT, EXAMPLES, RUNS} <= changes
    assert session.flipped is None and session.reading.digits == (4, 9)
    assert session.reading.z == pytest.approx(
        other.weights.b + sum(w * x for w, x in zip(other.weights.w, session.input.stages.image))
    )


def test_the_flip_is_measured_against_the_ink_of_the_drawing(session):
    session.read(mnist_input(session.lab, 5))
    before = session.reading.digit
    session.flip()
    flipped = session.flipped
    assert flipped.ink == pytest.approx(sum(session.input.stages.image))
    assert flipped.before.digit == before != session.reading.digit
    assert session.reading.z == pytest.approx(flipped.flip.z)


def test_digits_in_words():
    assert [a(d) for d in (3, 8)] == ["a 3", "an 8"]
    assert either((6, 8)) == "a 6 or an 8" and either((0, 1, 2)) == "a 0, a 1 or a 2"


def test_the_address_names_a_pair_or_says_why_not():
    assert address.asked("") is None and address.asked("#") is None
    assert address.asked("#pair=5-3") == Pair(3, 5) and address.asked("#ten") == TEN
    assert address.asked("#lesson=flip", ("flip",)) == address.Lesson("flip")
    assert address.asked("#pair=9-9") == address.BadAddress(
        "The address asked for 9 and 9: a pair needs two different digits"
    )
    for bad in ("#pair=abc", "#pair=1-23", "#tens"):
        assert "names no pair" in address.asked(bad).why
    unknown = address.asked("#lesson=flop", ("flip", "sum")).why  # a lesson the page does not know
    assert "no lesson has that name" in unknown and "flip, sum" in unknown
    assert address.asked("#" + "x" * 100).why.count("x") < 45  # quoted, not echoed whole


def test_a_choice_names_itself_everywhere_the_same_way():
    three_five = Pair.of(5, 3)
    assert (three_five.digits, three_five.name, three_five.hash, three_five.title) == (
        (3, 5),
        "3-5",
        "#pair=3-5",
        "3 versus 5",
    )
    assert three_five.words == "a 3 or a 5" and TEN.words == "any digit" and TEN.title == "all ten digits"
    assert address.asked(three_five.hash) == three_five and address.asked(TEN.hash) == TEN
    for bad in ((5, 3), (4, 4), (-1, 3), (3, 10)):
        with pytest.raises(ValueError):
            Pair(*bad)


def test_the_shipped_0_1_weights_still_load_and_score_within_bounds():
    weights = load_weights(ROOT / "weights" / "mnist01.json")
    lab = PairLab(read_pair(ROOT / "site" / "data", 0, 1)[0], weights)
    assert weights.meta["alpha"] and lab.taught_rows(weights) == []


def test_a_run_that_leads_to_no_weights_says_so_and_gives_way(session):
    run(session, "train", TrainConfig(iterations=2))
    session.begin_run("train")  # a fresh run, cancelled before its first step
    session.run_failed("was cancelled before its first step")
    assert session.log.segments[-1].failed and not session.shipped  # the earlier run's weights stay in use
    run(session, "step", TrainConfig(iterations=1))
    assert [s.failed for s in session.log.segments] == [None]  # the failed attempt gave way


def test_start_over_gives_every_model_its_shipped_weights_the_ten_digits_that_pairs_ask_included(session):
    import json

    from digitlab.weights import TenWeights, ten_weights_from_dict

    shipped_ten = ten_weights_from_dict(json.loads((ROOT / "weights" / "ten.json").read_text()))
    session.ten_weights = session.shipped_ten = shipped_ten
    learners = TenWeights([[0.0] * 784 for _ in range(10)], [0.0] * 10)
    session.ten_weights = learners  # a learner trained the ten digits, which every pair's verdict asks
    session.lab.ask(learners)
    session.read(mnist_input(session.lab, 3))
    session.start_over()
    assert session.ten_weights is shipped_ten and session.lab.ten_weights is shipped_ten
    assert session.reading.honesty.share > 0.15 and session.course.done == set() and session.shipped


def test_teaching_a_pair_a_misread_digit_keeps_what_the_model_knew(labs):
    lab = labs["3-5"]
    lab.reset()
    lab.examples = []
    before = lab.test_report()
    mistake = before.mistakes[0]
    x = [v / 255 for v in lab.bundle.test.image_bytes(mistake.index)]
    lab.add_example(x, lab.digits.index(mistake.truth))
    plan = lab.plan(lab.weights, teaching=True)
    *_, last = [p for p in lab.teaching_run(plan) if p is not None]
    lab.adopt(last, lab.teach_config(), "taught", plan)
    after = lab.test_report()
    try:
        assert lab.explain(mnist_input(lab, mistake.index).stages).digit == mistake.truth
        assert after.accuracy >= before.accuracy - 0.01
        assert max(b - a for b, a in zip(before.per_label, after.per_label)) <= 0.03
    finally:
        lab.reset()
        lab.examples = []
