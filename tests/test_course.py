"""The course without the page: every lesson is marked done by the learner's real action only, a near miss gets
a hint, and progress survives being stored (course.py)."""

from types import SimpleNamespace

import pytest

from digitlab.choice import TEN, Pair
from digitlab.config import TrainConfig
from digitlab.course import BY_NAME, LESSONS, Course
from digitlab.data import PAIRS
from digitlab.honesty import Honesty

FIXED = ("diverge", "threshold", "unknown", "wrong-label", "regularise", "flip")
PLACES = ("draw", "why", "curves", "train", "judge", "mistakes")  # site/index.html's data-place


def test_twelve_lessons_in_order_with_the_six_fixed_names():
    assert len(LESSONS) >= 8 and set(FIXED) <= set(BY_NAME)
    for lesson in LESSONS:
        assert lesson.question.endswith("?") and lesson.todo and lesson.expect and lesson.why and lesson.reference
        assert lesson.section in PLACES and lesson.model in (TEN, *map(Pair.of, *zip(*PAIRS)))


def saw(course, what, choice=None, **facts):
    """Tell the course, by default on the open lesson's own model."""
    course.saw(what, choice or BY_NAME[course.open].model if course.open else choice, **facts)
    return course


def reading(p1, unlike=False, sure=True):
    honesty = Honesty(confident=sure or unlike, unlike=unlike, looks_like=2, share=0.1 if unlike else 0.9)
    return {"reading": SimpleNamespace(p1=p1, honesty=honesty)}


def test_a_lesson_counts_only_while_open_and_on_its_own_model():
    course = Course()
    saw(course, "flip", Pair(4, 9))  # nothing open: the learner has not read its question
    assert course.done == set()
    course.choose("flip")
    saw(course, "flip", Pair(3, 5))  # another model than the lesson's
    assert course.done == set()
    saw(course, "flip", Pair(4, 9))
    assert course.done == {"flip"}
    course.choose("unknown")
    saw(course, "reading", Pair(0, 1), **reading(0.99, unlike=True))  # flagged, but on 0/1
    assert "unknown" not in course.done


def test_the_written_sum_is_done_when_the_learner_types_z():
    course = Course()
    course.choose("sum")
    saw(course, "answer", typed=1.23, z=-1.2345, p=0.2)
    assert "sign" in course.hint and "sum" not in course.done
    saw(course, "answer", typed=0.2, z=-1.2345, p=0.2)
    assert "That is p" in course.hint
    saw(course, "answer", typed=-1.23, z=-1.2345, p=0.2)
    assert "sum" in course.done and course.hint == ""


def test_unsure_and_unknown_are_told_apart_and_hints_follow_the_state():
    course = Course()
    course.choose("sigmoid")
    saw(course, "reading", **reading(0.95))
    assert "Nearly" in course.hint and "sigmoid" not in course.done
    saw(course, "reading", **reading(0.995))  # far from it again: the near-miss hint no longer holds
    assert course.hint == "" and "sigmoid" not in course.done
    saw(course, "reading", **reading(0.03))
    assert "more like the larger digit" in course.hint
    saw(course, "reading", **reading(0.86))  # the verdict's own "unsure": p of the digit read below 0.9
    assert "sigmoid" in course.done and course.hint == ""
    course.choose("unknown")
    saw(course, "reading", **reading(0.7, unlike=False, sure=False))
    assert "unknown" not in course.done and "ten-digit model still sees" in course.hint
    saw(course, "reading", **reading(0.99, unlike=False, sure=True))
    assert course.hint == ""
    saw(course, "reading", **reading(0.99, unlike=True, sure=False))
    assert "unknown" in course.done


@pytest.mark.parametrize(
    "outcome,rises,done", [("diverged", True, True), ("done", True, False), ("done", False, False)]
)
def test_diverge_needs_a_gradient_descent_run_that_diverged(outcome, rises, done):
    course = Course()
    course.choose("diverge")
    saw(course, "run", method="gd", outcome=outcome, rises=rises, runs=[])
    assert ("diverge" in course.done) is done
    assert (course.hint != "") is (not done and rises)
    course = Course()
    course.choose("diverge")
    assert "diverge" not in saw(course, "run", method="lbfgs", outcome="diverged", rises=True, runs=[]).done


def test_regularise_and_lbfgs_need_two_finished_runs_of_the_right_kind():
    course = Course()
    course.choose("regularise")
    saw(course, "run", method="lbfgs", outcome="done", rises=False, runs=[("lbfgs", 30, 0.0006)])
    assert "regularise" not in course.done and "ten times" in course.hint
    saw(course, "run", method="lbfgs", outcome="done", rises=False, runs=[("lbfgs", 30, 0.0006), ("lbfgs", 30, 0.003)])
    assert "regularise" not in course.done  # five times is not ten
    saw(course, "run", method="lbfgs", outcome="done", rises=False, runs=[("lbfgs", 30, 0.0006), ("lbfgs", 30, 0.006)])
    assert "regularise" in course.done
    course.choose("lbfgs")
    saw(course, "run", method="gd", outcome="done", rises=False, runs=[("gd", 20, 0.0006)])
    assert "L-BFGS" in course.hint
    saw(course, "run", method="lbfgs", outcome="done", rises=False, runs=[("gd", 20, 0.0006), ("lbfgs", 20, 0.0006)])
    assert "lbfgs" in course.done


def test_a_wrong_label_must_be_the_other_digit_and_cost_accuracy():
    course = Course()
    course.choose("wrong-label")
    saw(course, "taught", label=1, read=1, before=0.99, after=0.99, learned=True)
    assert "wrong-label" not in course.done and "did not give" in course.hint
    saw(course, "taught", label=1, read=7, before=0.99, after=0.99, learned=True)
    assert "wrong-label" not in course.done  # the accuracy did not fall
    saw(course, "taught", label=1, read=7, before=0.99, after=0.985, learned=True)
    assert "wrong-label" in course.done and "teach" not in course.done


def test_the_other_lessons():
    course = Course()
    course.choose("threshold")
    saw(course, "threshold", precision=0.98)
    assert "threshold" not in course.done
    saw(course, "threshold", precision=0.995)
    course.choose("mistakes")
    saw(course, "mistake")
    course.choose("teach")
    saw(course, "taught", label=7, read=7, before=0.9, after=0.9, learned=True)
    assert "teach" not in course.done and "reads wrong" in course.hint
    saw(course, "taught", label=7, read=9, before=0.9, after=0.9, learned=True)
    course.choose("ten")
    saw(course, "compare", chosen=None, read=7)
    assert "ten" not in course.done
    saw(course, "compare", chosen=7, read=7)  # the digit read, against itself
    assert "ten" not in course.done
    saw(course, "compare", chosen=4, read=7)
    assert {"threshold", "mistakes", "teach", "ten"} == course.done


def test_progress_survives_storage_and_garbage_and_marks_from_before_a_start_over_count_as_none():
    course = Course(["flip", "sum", "nonsense"])
    assert course.done == {"flip", "sum"}
    assert Course.from_json(course.to_json(3), 3).done == {"flip", "sum"}
    assert Course.from_json(course.to_json(2), 3).done == set()  # another tab's, read late after a Start over
    for garbage in ("[", "{}", "[1, 2]", None, '"flip"', '{"generation": 0, "done": [1]}', '["flip"]'):
        assert Course.from_json(garbage).done == set()


def test_the_run_record_per_model_feeds_the_rules(monkeypatch):
    from pathlib import Path

    from digitlab.data import read_pair
    from digitlab.pair import PairLab
    from digitlab.session import LESSONS as CHANGED
    from digitlab.session import Session
    from digitlab.weights import load_weights

    root = Path(__file__).resolve().parents[1]
    shipped = load_weights(root / "weights" / "mnist01.json")
    session = Session(PairLab(read_pair(root / "site" / "data", 0, 1)[0], shipped))
    session.course.choose("regularise")
    assert session.finished_run(TrainConfig(l2=0.0006), "done", False) == set()  # on 0/1: not the lesson's pair
    session.lab.choice = Pair(3, 5)  # as if its lesson's pair were open
    assert session.finished_run(TrainConfig(l2=0.0006), "done", False) == {CHANGED}  # a hint: one more run
    assert session.finished_run(TrainConfig(l2=0.0006), "cancelled", False) == set()
    assert session.finished_run(TrainConfig(l2=0.01), "done", False) == {CHANGED}
    assert "regularise" in session.course.done and session.finished == {
        Pair(0, 1): [("lbfgs", 30, 0.0006)],
        Pair(3, 5): [("lbfgs", 30, 0.0006), ("lbfgs", 30, 0.01)],
    }


def test_every_lesson_card_has_a_place_in_the_page_and_names_its_panel():
    from pathlib import Path

    from digitlab.course import PANELS

    page = (Path(__file__).resolve().parents[1] / "site" / "index.html").read_text()
    for lesson in LESSONS:
        assert f'data-place="{lesson.section}"' in page, lesson.name
        assert f"beside {PANELS[lesson.section]}:" in lesson.setup
