"""The problem the page works on, a pair of digits or all ten, without the page: one Lab for both.

Conventions: a class label indexes `choice.digits` (a pair: 0 is its smaller digit, 1 the larger; the ten:
label k is the digit k). Weights are a pair's `Weights` (w, b) or the ten digits' `TenWeights` (W, b).

Written once here: the data, the shipped weights and the weights in use, the learner's digits, and the
verbs on them (read, sample, use, reset, add_example, examples_right, plan, training_run, teaching_run,
adopt, measuring; and describe). A kind (pair.PairLab, ten.TenLab) says only what differs: how one input is
scored and explained, the trainer and its typed start, the weights format, the report, and what it can
show (`threshold`, `attribution`).
"""

from __future__ import annotations

import datetime
import functools
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .choice import TEN, Choice, Pair
from .config import TrainConfig
from .data import Bundle
from .examples import MAX_EXAMPLES, Example, example_from_image
from .model import Progress
from .preprocess import preprocess_rgba
from .sparse import Design
from .weights import TenWeights, digits_of

TEACH_WEIGHT = 100.0  # a taught digit counts as this many training images
# Teaching goes on minimising the model's own objective (every training image it was trained on, at its L2) with
# the learner's digits added, by L-BFGS from the weights in use: at least TEACH_LEAST iterations, so that the
# weights settle where the training images still hold them (the first steps lean toward the new digit alone: ten
# digits measured up to 5 points lost on one digit after 1-2 iterations, at most 1.5 after 4), then until each
# taught digit is read right with p >= TEACH_SURE (a bare flip would not survive a redraw), TEACH_MOST at most.
TEACH_LEAST, TEACH_MOST = 4, 15
TEACH_SURE = 0.6
MEASURE_CHUNK = 200  # test images scored per task when measuring new weights (ten digits: ~40 ms in the page)


@dataclass(frozen=True)
class Plan:
    """What a run trains on and where it starts: the training images, then `taught` (the learner's digits,
    weighing TEACH_WEIGHT each in the design, or 0 once forgotten), from `start` (None: from zero) and, for
    weights that keep the record, `alpha` (each row's share of w) carried on."""

    design: Design
    taught: list[Example]
    start: object | None = None  # Weights or TenWeights
    alpha: list[float] | None = None


@dataclass(frozen=True)
class Mistake:
    index: int  # in the test split
    truth: int  # the true digit
    read: int  # the digit read
    p: float  # what the verdict would show as prediction[data-p1] for it


@dataclass(frozen=True)
class Report:
    """The weights in use on the test split (a pair's at a threshold)."""

    accuracy: float
    confusion: list[list[int]]  # [true label][label read]
    mistakes: list[Mistake]

    @property
    def per_label(self) -> list[float]:
        """The share of each label's test images read right."""
        return [row[k] / (sum(row) or 1) for k, row in enumerate(self.confusion)]


class Lab:
    """Data, the weights in use, the shipped weights and the learner's digits, for one Choice.

    What a kind provides (pair.PairLab, ten.TenLab):
      explain(stages)            the reading of stages.image with the weights in use
      comparison(reading, other) that reading against the digit `other`, as a pair.Reading (the written sum)
      flip_toward(reading, t)    the smallest change of the input that makes it read t (flip.Flip), or None
      probabilities(w, b, x)     one probability per label for the input x under the weights (w, b) or (W, b)
      score_rows(weights, rows)  what the report needs of each test row; test_report(threshold) the Report
      test_set                   the test images measured; base_design(teaching) the images a run trains on
      trainer(design, config, plan, heartbeat)  the run's iterator; weights_from(progress, config, how, plan)
    """

    threshold = False  # a threshold on p is worth moving: precision and recall, ROC, calibration (two classes)
    attribution = False  # z = b + sum_i alpha_i (x_i . x) can be shown: the weights keep each row's alpha
    shipped_words = "shipped (trained under CPython)"
    defaults: dict = {}  # the form's defaults where this kind's differ from config.HYPERPARAMETERS'
    ten_weights = None  # the ten-digit weights its verdict asks whether a drawing is one of its digits at all

    def __init__(self, choice: Choice, bundle: Bundle, shipped):
        self.choice = choice
        self.bundle = bundle
        self.digits = choice.digits
        self.words = choice.words
        self.shipped = self.weights = shipped
        self.examples: list[Example] = []
        self._measured: tuple[object, list] | None = None  # (weights, their test probabilities)

    @property
    def live_test(self) -> Design:
        """The test images a run's curves follow."""
        return self.test_set

    def taught_rows(self, weights) -> list[Example] | None:
        """The learner's digits that `weights` were trained on after the training images, in row order; None
        when the weights keep no record of their rows."""
        return None

    @functools.cached_property  # the shipped weights never change; asked at every weight map drawn
    def weight_scale(self) -> float:
        """The largest |weight| of the shipped weights: every weight map of this model is drawn at that scale."""
        return max(abs(v) for row in self.shipped.rows for v in row) or 1.0

    def ask(self, ten_weights) -> None:
        """The ten-digit weights in use elsewhere, for the honest verdict."""
        self.ten_weights = ten_weights

    def mismatch(self, weights) -> str | None:
        """Why `weights` cannot be this model's, in words (they are another model's), or None."""
        made = made_for(weights)
        if made == self.choice:
            return None
        return f"and this page reads {self.choice.title}: choose {made.title} above first"

    # ---- reading
    def read(self, rgba: bytes, width: int, height: int):
        """Preprocess a canvas and explain the verdict; raises NotADigit for an empty canvas."""
        return self.explain(preprocess_rgba(rgba, width, height, self.words))

    def sample(self, rng: random.Random) -> tuple[int, int, bytes]:
        """A random test image: (index, label, 784 uint8 pixels)."""
        i = rng.randrange(self.bundle.test.n)
        return i, self.bundle.test.labels[i], self.bundle.test.image_bytes(i)

    # ---- judging
    def measuring(self) -> Iterator[None]:
        """The test probabilities of the weights in use, a chunk at a time so the page can paint between."""
        if self._measured is not None and self._measured[0] is self.weights:
            return
        weights, rows, scored = self.weights, self.test_set.rows, []
        for start in range(0, len(rows), MEASURE_CHUNK):
            scored += self.score_rows(weights, rows[start : start + MEASURE_CHUNK])
            yield
        self._measured = (weights, scored)

    def test_probabilities(self) -> list:
        for _ in self.measuring():
            pass
        return self._measured[1]

    # ---- changing the weights
    def use(self, weights) -> None:
        self.weights = weights

    def reset(self) -> None:
        self.weights = self.shipped

    def plan(self, start=None, teaching: bool = False) -> Plan:
        """From zero: the training images and the learner's digits. From `start`: its own rows as well, so that
        w = sum_i alpha_i x_i goes on holding where the weights keep alpha (a digit forgotten since weighs
        nothing in the loss but stays a row of w), then the digits it has not seen yet, from alpha = 0."""
        carried = [] if start is None else self.taught_rows(start)
        kept = set(self.examples)
        new = [e for e in self.examples if e not in set(carried or ())]
        taught = [*(carried or ()), *new]
        base = self.base_design(teaching)
        design = base
        if taught:
            pixels = base.pixels + b"".join(e.pixels for e in taught)
            labels = [*base.labels, *(e.label for e in taught)]
            sample_weights = [1.0] * base.n + [TEACH_WEIGHT if e in kept else 0.0 for e in taught]
            design = Design(pixels, labels, sample_weights)
        if start is None or carried is None:
            return Plan(design, taught, start)
        return Plan(design, taught, start, [*start.meta["alpha"], *([0.0] * len(new))])

    def training_run(self, config: TrainConfig, plan: Plan, heartbeat: float | None = None) -> Iterator:
        """Train on the plan's rows from its start (zeros, as the CLI does, or the weights it continues)."""
        return self.trainer(plan.design, config, plan, heartbeat)

    def adopt(self, progress: Progress, config: TrainConfig, how: str, plan: Plan):
        """Make the weights of `progress` the ones in use, with a record of how they came about."""
        self.weights = self.weights_from(progress, config, how, plan)
        return self.weights

    # ---- teaching
    def add_example(self, x: Sequence[float], label: int) -> tuple[Example, Example | None]:
        """Keep x as a digit of `label`: the example, and the one it replaced (this drawing, another label)."""
        example = example_from_image(x, label)
        replaced = next((e for e in self.examples if e.pixels == example.pixels and e.label != label), None)
        if replaced is not None:
            self.examples.remove(replaced)
        elif example not in self.examples and len(self.examples) >= MAX_EXAMPLES:
            raise ValueError(f"you already taught {MAX_EXAMPLES} digits: forget some first")
        if example not in self.examples:
            self.examples.append(example)
        return example, replaced

    def examples_right(self, w, b, margin: float = 0.0) -> bool:
        """Is every taught digit read as its label, with p at least `margin`?"""
        for example in self.examples:
            p = self.probabilities(w, b, [v / 255 for v in example.pixels])
            if max(range(len(p)), key=p.__getitem__) != example.label or p[example.label] < margin:
                return False
        return True

    def teach_config(self) -> TrainConfig:
        """L-BFGS at the L2 the weights in use were trained with (the kind's default where they do not say)."""
        l2 = (self.weights.meta.get("trained") or {}).get("l2", self.defaults.get("l2", TrainConfig().l2))
        return TrainConfig(method="lbfgs", iterations=TEACH_MOST, l2=l2)

    def teaching_run(self, plan: Plan, heartbeat: float | None = None) -> Iterator[Progress | None]:
        """L-BFGS from the weights in use on the plan's rows (TEACH_LEAST..TEACH_MOST iterations); no step at
        all when every one of the learner's digits is already read right."""
        for progress in self.trainer(plan.design, self.teach_config(), plan, heartbeat):
            yield progress
            if progress is None or not self.examples_right(progress.w, progress.b, TEACH_SURE):
                continue
            if progress.iteration == 0 or progress.iteration >= TEACH_LEAST:
                return


def describe(lab: Lab) -> str:
    """One line for the page: which weights are in use, where they came from, and how good this page measured
    them. Only measurements are shown: a file's own claims (its test_accuracy) are not."""
    tail = f"; test accuracy here {lab.test_report().accuracy * 100:.2f}%"
    meta = lab.weights.meta
    if lab.weights is lab.shipped:
        return f"{lab.shipped_words}{tail}"
    if "imported_from" in meta:
        name = meta["imported_from"]
        return f"imported from {name if len(name) <= 60 else name[:57] + '…'}{tail}"
    how = {"browser": "trained in this browser", "taught": "taught your digits"}.get(meta.get("trained_by"))
    return f"{how or 'trained'} {for_people(meta.get('trained_at'))}{tail}"


def made_for(weights) -> Choice:
    """The model these weights are: TEN, or the pair they read."""
    return TEN if isinstance(weights, TenWeights) else Pair(*digits_of(weights))


# weights.from_training's "%Y-%m-%dT%H:%M:%SZ", read without strptime: its first call imports and sets up
# _strptime, measured at ~250 ms in the page, all of it in the task that shows newly trained weights.
TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z", re.ASCII)


def for_people(timestamp: str | None) -> str:
    """'on 28 Nov 2026 at 17:10 UTC' from '2026-11-28T17:10:39Z'."""
    try:
        when = datetime.datetime(*map(int, TIMESTAMP.fullmatch(timestamp or "").groups()))
    except (AttributeError, ValueError):  # not that format; or, say, month 13
        return "at an unknown time"
    return f"on {when.day} {when:%b %Y} at {when:%H:%M} UTC"
