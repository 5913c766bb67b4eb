"""The course: twelve short lessons a learner can follow alone in about 45 minutes, each marked done only
when the page has seen the learner do it (never by a button), with a hint for a near miss.

Each lesson says what to ask, what to do, what to see and why (a formula, and where reference.py writes it),
and what it sets up (a pair or the ten digits, the form's settings, the section it is about). The page tells
the course what happened (`saw`) right after it happened; the course decides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .choice import TEN, Choice, Pair
from .config import HYPERPARAMETERS
from .honesty import SURE
from .weights import parse_json

# The panel each place of a lesson card is in (site/index.html's data-place), as the page names it.
PANELS = {"draw": "Draw", "why": "Why", "curves": "Why", "train": "Train", "judge": "Judge", "mistakes": "Judge"}
MAX_STORED = 2_000  # bytes: twelve names of at most twenty letters fit ten times over


@dataclass(frozen=True)
class Lesson:
    name: str  # fixed: tests, links (#lesson=NAME) and the stored progress use it
    title: str
    question: str
    todo: str
    expect: str
    why: str  # one or two sentences, with the formula
    reference: str  # where reference.py writes it
    model: Choice  # the pair (or the ten digits) it is set up on, and the only model it is marked on
    section: str  # where its card is shown: the place (data-place) beside the panel and control it is about
    settings: dict = field(default_factory=dict)  # form fields set when it opens (key -> text)

    @property
    def setup(self) -> str:
        """What opening it sets up, in words: the card says so."""
        labels = {h.key: h for h in HYPERPARAMETERS}
        said = [self.model.title]
        for key, value in self.settings.items():
            words = dict(labels[key].choices).get(value, value)
            said.append(f"{labels[key].label.lower()} {words}")
        if isinstance(self.model, Pair):
            said.append("threshold 0.50 in Judge (where the verdict reads)")
        return f"Set up for you, beside {PANELS[self.section]}: " + "; ".join(said) + "."


LESSONS = (
    Lesson(
        "sum", "The written sum", "What score does the model give your drawing?",
        "Draw a 1, find z at the end of the written sum in Why, and type it here (two decimals).",
        "z is the bias plus one weight × pixel for every inked pixel; the map shows each term.",
        "z = b + Σ_j w_j x_j: a logistic regression only ever adds up weighted pixels.", "reference.dot, loss",
        Pair(0, 1), "why",
    ),
    Lesson(
        "sigmoid", "Sure or unsure", "When is the model unsure?",
        "Draw a 1, then add a short flag at its top, like the start of a 7 (about a fifth of the pad long), "
        "until the verdict says Unsure (from the keyboard: put a test digit it gets wrong, in Judge, on the pad).",
        "The dot on σ(z) in the steep middle, p between 0.1 and 0.9: there a small change of z moves p most.",
        "p = σ(z) = 1 / (1 + e^−z): p = 0.5 exactly at z = 0, and every unit of z multiplies the odds by e.",
        "reference.sigmoid", Pair(1, 7), "curves",
    ),
    Lesson(
        "flip", "Flip it", "How little ink changes its mind?",
        "Draw a 4 and press Flip it.",
        "A few pixels change, shown before and after; Σ|Δx| is a small share of your ink.",
        "For a linear model the smallest change is exact: buy score with the pixels of largest |w_j| first.",
        "digitlab/flip.py (z changes by Σ_j w_j Δx_j)", Pair(4, 9), "why",
    ),
    Lesson(
        "unknown", "Not a 3, not a 5", "What does a two-digit model say about a digit it does not know?",
        "Draw a 2 (or any digit but 3 and 5).",
        "The verdict still picks 3 or 5, but the page says what the drawing looks like instead.",
        "A pair's model only ever answers one of its two digits; the ten-digit model gives their p together.",
        "honesty.py, reference.softmax", Pair(3, 5), "draw",
    ),
    Lesson(
        "mistakes", "Its mistakes", "Where does a straight line between two digits fail?",
        "Click one of the test digits it gets wrong, below, to put it on the pad.",
        "A real test image, read wrong; Why shows which pixels pulled it the wrong way.",
        "The decision boundary w · x + b = 0 is a flat plane in 784 dimensions: some 3s sit on the 5s' side.",
        "reference.loss", Pair(3, 5), "mistakes",
    ),
    Lesson(
        "threshold", "Precision", "Can it be right every time it says 5?",
        "Move the decision threshold until precision is at least 0.99.",
        "Fewer 5s called, almost all of them right; the ROC dot slides left; recall drops.",
        "precision = TP / (TP + FP): a higher threshold on p trades recall for it.",
        "digitlab/metrics.py rates", Pair(3, 5), "judge",
    ),
    Lesson(
        "diverge", "A step too far", "What does the learning rate do?",
        "Train with gradient descent at learning rate 30.",
        "The loss leaps up and the run stops where it diverged; the weights in use stay.",
        "w ← w − η ∇loss: with η too large each step overshoots the valley, further each time.",
        "reference.step, gradient_descent", Pair(3, 5), "train", {"method": "gd", "lr": "30", "iterations": "20"},
    ),
    Lesson(
        "lbfgs", "A better step", "Why is L-BFGS the default?",
        "Train 20 iterations with gradient descent (learning rate 1), then 20 with L-BFGS.",
        "L-BFGS ends at a lower loss and a better test accuracy in as many iterations.",
        "L-BFGS turns the gradient g into −H g from the last steps' curvature, then searches along it.",
        "reference.lbfgs_direction, lbfgs", Pair(3, 5), "train", {"method": "gd", "lr": "1", "iterations": "20"},
    ),
    Lesson(
        "regularise", "L2", "What does L2 do to the weights?",
        "Train once with L2 0.0006 and once with L2 0.06 (ten times more or less is enough).",
        "With more L2 the weight map (one colour scale for every run) is smoother and fainter; the test accuracy "
        "barely moves. The data loss may rise while the objective, loss + penalty, falls.",
        "loss + (L2/2)|w|²: the gradient gains L2·w, which pulls every weight toward 0.",
        "reference.loss, gradient", Pair(3, 5), "train", {"method": "lbfgs", "iterations": "30", "l2": "0.0006"},
    ),
    Lesson(
        "wrong-label", "A wrong label", "What does teaching it a wrong label cost?",
        "Draw a 7 and press It is a 1.",
        "It learns your 7 as a 1, and the test accuracy falls: some 7s like yours are now read as 1s.",
        "Your digit weighs as much as 100 training images: L-BFGS bends w until it is read as you said.",
        "reference.gradient (sample weights s_i)", Pair(1, 7), "draw",
    ),
    Lesson(
        "teach", "Your handwriting", "Can it learn how you write?",
        "In ten-digit mode, draw a digit it reads wrong and teach it the right one.",
        "A few L-BFGS steps later it reads your digit as you said; the test accuracy moves by less than a point.",
        "Teaching goes on minimising the softmax loss over all the training images, your digit weighing 100.",
        "reference.softmax_gradient", TEN, "draw",
    ),
    Lesson(
        "ten", "Why this digit and not that one", "How does the ten-digit model compare two digits?",
        "Draw a digit and pick another digit to compare it with, in Why.",
        "The map and the written sum of w_a − w_b: the exact log-odds of the two.",
        "log(p_a / p_b) = (w_a − w_b) · x + (b_a − b_b): softmax is logistic regression between any two digits.",
        "reference.softmax, scores", TEN, "why",
    ),
)  # fmt: skip
BY_NAME = {lesson.name: lesson for lesson in LESSONS}


class Course:
    """Which lessons are done, and the hint for a near miss of the lesson open. `saw(what, **facts)` is told
    what the learner just did; it returns True when anything the page shows of the course changed."""

    def __init__(self, done=()):
        self.done: set[str] = {name for name in done if name in BY_NAME}
        self.open: str | None = None
        self.hint = ""

    def to_json(self, generation: int = 0) -> str:
        """The marks as kept, with the Start over they come after (see from_json)."""
        return json.dumps({"generation": generation, "done": sorted(self.done)})

    @staticmethod
    def from_json(text: str | None, generation: int = 0) -> Course:
        """Stored progress of this generation (marks from before a Start over count as none: a tab may read them
        late); anything unreadable counts as none too (it is only progress, and any site of this origin can
        write it)."""
        try:
            stored = parse_json(text or "{}", max_bytes=MAX_STORED)
        except ValueError:
            return Course()
        if not isinstance(stored, dict) or stored.get("generation") != generation:
            return Course()
        names = stored.get("done")
        return Course(names if isinstance(names, list) and all(isinstance(n, str) for n in names) else ())

    def choose(self, name: str | None) -> None:
        self.open, self.hint = (name if name in BY_NAME else None), ""

    def saw(self, what: str, choice: Choice, **facts) -> bool:
        """The learner did `what` on the model `choice`; mark the open lesson if that completes it, or hint at
        what is missing. A lesson counts only while it is open (its question read), on its own model."""
        before = (set(self.done), self.hint)
        for name, rule in RULES.get(what, ()):
            if name != self.open or BY_NAME[name].model != choice:
                continue
            outcome = rule(facts)
            if outcome is True:
                self.done.add(name)
            # The hint says what the latest event showed: a near miss, or nothing once it no longer holds.
            self.hint = outcome if isinstance(outcome, str) and name not in self.done else ""
        return (self.done, self.hint) != before


# ---- what completes each lesson: True, a hint for a near miss, or None (nothing to say)


def typed_z(facts) -> bool | str | None:
    typed, z = facts["typed"], facts["z"]
    if z is None:
        return "Draw a 1 first: then the sum ends in z."
    if abs(typed - z) <= 0.006:
        return True
    if abs(typed + z) <= 0.006:
        return "Close: mind the sign of z."
    if abs(typed - facts["p"]) <= 0.006:
        return "That is p, the probability; z is the score before σ, the number after the last '='."
    return f"Not quite: read the number z = … in Why (you typed {typed:g})."


def unsure(facts) -> bool | str | None:
    """The verdict says unsure: p of the digit read below SURE (p1 strictly between 1 - SURE and SURE)."""
    p = facts["reading"].p1
    if 1 - SURE < p < SURE:
        return True
    if 0.02 <= p <= 0.98:
        leaning = "less" if p > 0.5 else "more"
        return f"Nearly: p = {p:.2f}. Make it look a little {leaning} like the larger digit."
    return None


def flagged(facts) -> bool | str | None:
    honesty = facts["reading"].honesty
    if honesty is None:
        return None
    if honesty.unlike:
        return True
    return (
        "It is unsure, but the ten-digit model still sees one of the pair: try a clearer other digit."
        if not honesty.sure
        else None
    )


def precise(facts) -> bool | str | None:
    precision = facts["precision"]
    if precision >= 0.99:
        return True
    return f"Precision {precision:.3f}: a little higher still." if precision >= 0.97 else None


def diverged(facts) -> bool | str | None:
    if facts["method"] != "gd":
        return None
    if facts["outcome"] == "diverged":
        return True
    return "Not far enough: the loss rose but settled. Try a larger learning rate." if facts["rises"] else None


def compared_optimisers(facts) -> bool | str | None:
    runs = facts["runs"]  # finished runs on this pair: (method, iterations, l2)
    methods = {method for method, iterations, _ in runs if iterations >= 10}
    if methods == {"gd", "lbfgs"}:
        return True
    if methods:
        other = "L-BFGS" if "gd" in methods else "gradient descent"
        return f"Now the same with {other}, at least 10 iterations."
    return None


def regularised(facts) -> bool | str | None:
    l2s = sorted({l2 for _, _, l2 in facts["runs"]})
    if len(l2s) >= 2 and (l2s[0] == 0 or l2s[-1] / l2s[0] >= 10):
        return True
    return "Another run with an L2 ten times larger (or smaller) than this one." if l2s else None


def wrong_label(facts) -> bool | str | None:
    if facts["label"] != facts["read"] and facts["after"] < facts["before"]:
        return True
    if facts["label"] == facts["read"]:
        return "It already read it that way: teach the label it did not give."
    return None


def handwriting(facts) -> bool | str | None:
    if facts["label"] != facts["read"] and facts["learned"]:
        return True
    return (
        "It already read that digit right: draw one it reads wrong, then teach it."
        if facts["label"] == facts["read"]
        else None
    )


RULES = {
    "answer": [("sum", typed_z)],
    "reading": [("sigmoid", unsure), ("unknown", flagged)],
    "flip": [("flip", lambda facts: True)],
    "mistake": [("mistakes", lambda facts: True)],
    "threshold": [("threshold", precise)],
    "run": [("diverge", diverged), ("lbfgs", compared_optimisers), ("regularise", regularised)],
    "taught": [("wrong-label", wrong_label), ("teach", handwriting)],
    "compare": [
        ("ten", lambda facts: True if facts["chosen"] not in (None, facts["read"]) else "Pick a digit to compare with.")
    ],
}
