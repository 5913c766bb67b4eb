"""What the page shows and what it is doing, in one place, without the page.

Every verb returns the set of things it changed (INPUT, WEIGHTS, PAIR, EXAMPLES, ACTIVITY, RUNS, LESSONS).
The page re-renders exactly the views that show those, so no view can be left showing an older state: the
verdict, the written sum and the training images behind it always explain the input on display with
the weights in use.

What the page is doing (booting, loading a model, training, teaching, idle) decides which actions may
run; `refusal(action)` says, in words for the page, why one may not right now.

The model in use is a lab.Lab (a pair's or the ten digits'): the Session asks it, never which kind it is.
The comparison on display (why this digit and not that one) is a pair's reading, so the same views show it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from .choice import Choice, Refusal
from .config import TrainConfig
from .course import Course
from .examples import Example
from .flip import Flip
from .lab import Lab, Plan
from .model import Progress
from .pair import Reading
from .preprocess import Stages
from .weights import TenWeights, Weights

INPUT, WEIGHTS, PAIR, EXAMPLES, ACTIVITY, RUNS = "input", "weights", "pair", "examples", "activity", "runs"
LESSONS = "lessons"
JUDGING = "judging"  # the threshold, or how many of the mistakes the gallery shows
ATTRIBUTING = "attributing"  # whether the training images behind the verdict are asked for
ADDRESS = "address"  # the URL and the model pickers, which the learner may have changed to something refused
EVERYTHING = frozenset({INPUT, WEIGHTS, PAIR, EXAMPLES, ACTIVITY, RUNS, LESSONS, JUDGING, ATTRIBUTING, ADDRESS})
Changes = frozenset


class Activity(enum.Enum):
    BOOTING = "booting"
    LOADING = "loading"
    TRAINING = "training"
    TEACHING = "teaching"
    IDLE = "idle"


BUSY = {
    Activity.BOOTING: "Python is still starting",
    Activity.LOADING: "a pair is loading",
    Activity.TRAINING: "training is running",
    Activity.TEACHING: "teaching is running",
}
ANY_TIME = frozenset(Activity) - {Activity.BOOTING}
# The activities in which each action may run; everything else waits for the page to be idle.
ALLOWED = {
    "pair": frozenset({Activity.BOOTING, Activity.IDLE, Activity.LOADING}),  # a newer choice replaces a load
    "flip": ANY_TIME,
    "export": ANY_TIME,
    "cancel": frozenset({Activity.TRAINING, Activity.TEACHING}),
}


@dataclass(frozen=True)
class Input:
    """What is on the pad, as the model reads it: a drawing prepared the MNIST way, or a test image as is."""

    stages: Stages
    test_image: tuple[int, int] | None = None  # (its index in the test split it came from, its true digit)


@dataclass(frozen=True)
class Flipped:
    """The smallest flip of the drawing toward `target`, on display in place of it."""

    flip: Flip
    target: int  # the digit it was made for
    before: object  # the drawing's own reading, for the before/after view
    after: object  # the reading of the flipped input: with ten digits a third digit may win over both
    ink: float  # the drawing's ink, sum x_j: the scale of flip.size


@dataclass
class Segment:
    """One run's part of the curve. `first` is the iteration, counted across the runs, where it started;
    a run that goes on from the last one does not draw its starting point again (`skip` = 1)."""

    how: str  # "train", "step", "continue" or "teach"
    first: int
    skip: int = 0
    points: list[tuple[float, ...]] = field(default_factory=list)  # losses, accuracies, then the objective
    diverged: tuple[int, float] | None = None  # (iteration across the runs, loss) where the loss blew up
    failed: str | None = None  # why its weights were not kept ("diverged at iteration 3"), if they were not

    @property
    def last(self) -> int:
        return self.first + self.skip + len(self.points) - 1


@dataclass
class RunLog:
    """The runs behind the weights in use, as one curve. Train starts it afresh; Step, Continue and
    teaching extend it when they start from the weights it ends at; any other change of weights clears it."""

    segments: list[Segment] = field(default_factory=list)
    ends_at: Weights | None = None  # the weights its last finished iteration made

    @property
    def iterations(self) -> int:
        """Iterations counted across the runs, to the last point drawn."""
        return self.segments[-1].last if self.segments else 0

    def begin(self, how: str, weights_in_use: Weights) -> None:
        if how == "train" or self.ends_at is not weights_in_use:
            self.segments, self.ends_at = [], None
        self.segments = [s for s in self.segments if s.failed is None]  # what it drew led to no weights
        if self.segments:
            self.segments.append(Segment(how, self.iterations, skip=1))
        else:
            self.segments.append(Segment(how, 0))

    def add(self, progress: Progress) -> None:
        segment = self.segments[-1]
        if progress.iteration >= segment.skip:
            test_loss, test_accuracy = progress.test_loss or 0.0, progress.test_accuracy or 0.0
            objective = progress.loss if progress.objective is None else progress.objective
            segment.points.append((progress.loss, test_loss, progress.train_accuracy, test_accuracy, objective))

    def diverge(self, iteration: int, loss: float) -> None:
        segment = self.segments[-1]
        segment.diverged = (segment.first + iteration, loss)
        segment.failed = f"diverged at iteration {segment.first + iteration}"

    def rose(self) -> bool:
        """Whether the objective (the loss with its L2 term) went up at some iteration of the last run: steps that
        overshot. The loss alone may rise by design when L2 pulls the weights toward 0."""
        objectives = [point[4] for point in self.segments[-1].points] if self.segments else []
        return any(after > before for before, after in zip(objectives, objectives[1:]))

    def fail(self, why: str) -> None:
        """The run under way ended without weights ("was cancelled before its first step")."""
        if self.segments:
            self.segments[-1].failed = why


class Session:
    """The model in use (a Lab), the input on the pad (or why there is none), a flip on display, the run log,
    the activity; and the ten-digit weights in use, which every pair's verdict asks."""

    def __init__(self, lab: Lab, activity: Activity = Activity.IDLE):
        self.lab = lab
        self.activity = activity
        self.loading: Choice | None = None  # the model being loaded, while it is
        self.input: Input | None = None
        self.empty = f"Draw {lab.words}."  # why there is no input, for the verdict
        self.flipped: Flipped | None = None
        self.reading = None  # of the input on display (the flipped one, if any)
        self.compare_with: int | None = None  # the digit the verdict is compared with (None: the runner-up)
        self.log = RunLog()
        self.ten_weights: TenWeights | None = lab.ten_weights  # every pair's honest verdict asks them
        self.shipped_ten = self.ten_weights  # the page starts on a pair that asks the shipped ten-digit weights
        self.threshold = 0.5  # a pair's verdict on the test images calls the larger digit when p1 >= this
        self.all_mistakes = False  # the gallery shows every mistake of the weights in use (else the first ones)
        self.attributing = False  # the training images behind the verdict are asked for (a pass over every row)
        self.course = Course()
        self.finished: dict[Choice, list[tuple[str, int, float]]] = {}  # finished runs per model

    @property
    def choice(self) -> Choice:
        return self.lab.choice

    def saw(self, what: str, **facts) -> Changes:
        """Tell the course what the learner just did on the model in use (course.RULES); LESSONS when that
        changed anything."""
        return Changes({LESSONS}) if self.course.saw(what, choice=self.choice, **facts) else Changes()

    @property
    def digits(self) -> tuple[int, ...]:
        return self.lab.digits

    @property
    def weights(self) -> Weights | TenWeights:
        return self.lab.weights

    @property
    def shipped(self) -> bool:
        return self.lab.weights is self.lab.shipped

    # ---- what may happen now
    def refusal(self, action: str) -> str | None:
        """Why `action` cannot run now, or None. Actions: train, step, continue, teach, flip, reset, import,
        export, forget, start-over, pair, cancel."""
        if self.activity not in ALLOWED.get(action, {Activity.IDLE}):
            return "nothing to cancel" if action == "cancel" else BUSY[self.activity]
        if action in ("teach", "flip") and self.input is None:
            return f"draw {self.lab.words} first"
        if action == "teach" and self.flipped:
            return "the flipped input is on display, not your drawing: go back to your drawing first"
        if action == "forget" and not self.lab.examples:
            return f"you have taught no digits {self.choice.where}"
        return None

    def begin(self, activity: Activity, loading: Choice | None = None) -> Changes:
        self.activity, self.loading = activity, loading
        return Changes({ACTIVITY})

    def idle(self) -> Changes:
        return self.begin(Activity.IDLE)

    # ---- the input
    def read(self, source: Input | str) -> Changes:
        """A new input on the pad, or none (a sentence saying why: empty, a dot)."""
        self.flipped = None
        if isinstance(source, Input):
            self.input = source
        else:
            self.input, self.empty = None, source
        changes = self._reread()
        return changes if self.reading is None else changes | self.saw("reading", reading=self.reading)

    def _reread(self) -> Changes:
        shown = self.shown_stages()
        self.reading = None if shown is None else self.lab.explain(shown)
        return Changes({INPUT})

    def shown_stages(self) -> Stages | None:
        """What the model reads now: the flipped input while one is on display, else the pad's."""
        if self.input is None:
            return None
        return replace(self.input.stages, image=self.flipped.flip.x) if self.flipped else self.input.stages

    def flip(self, target: int | None = None) -> Changes | Refusal:
        """Put the smallest flip of the pad's input on display, toward `target` (by default the digit it is
        compared with: a pair's other digit)."""
        if self.input is None:
            return Refusal(f"Draw {self.lab.words} first.")
        before = self.lab.explain(self.input.stages)
        target = self.other_digit(before) if target is None else target
        if target == before.digit:
            return Refusal(f"It already reads {target}: choose another digit to flip it to.")
        flip = self.lab.flip_toward(before, target)
        if flip is None:
            return Refusal("No change that keeps every pixel between 0 and 1 moves the score that far.")
        after = self.lab.explain(replace(self.input.stages, image=flip.x))
        self.flipped = Flipped(flip, target, before, after, sum(self.input.stages.image))
        return self._reread() | self.saw("flip")

    # ---- why this digit and not that one
    def other_digit(self, reading=None) -> int:
        """The digit the verdict is compared with: the learner's choice, else the runner-up."""
        reading = reading or self.reading
        chosen = self.compare_with
        return reading.runner_up if chosen is None or chosen == reading.digit or chosen not in self.digits else chosen

    def comparison(self) -> Reading | None:
        """What the map, the written sum and the sigmoid show: the digit read against the other digit, as a
        pair's reading (for a pair, its own reading)."""
        return None if self.reading is None else self.lab.comparison(self.reading, self.other_digit())

    def compare_to(self, digit: int | None) -> Changes | Refusal:
        """Compare the verdict with `digit` (None: the runner-up); the digit read itself is refused."""
        if self.reading is not None and digit == self.reading.digit:
            return Refusal(f"It reads {digit}: compare it with another digit (a digit against itself says nothing).")
        self.compare_with = digit
        seen = self.saw("compare", chosen=digit, read=self.reading.digit) if self.reading is not None else Changes()
        return Changes({INPUT}) | seen

    def finished_run(self, config: TrainConfig, outcome: str, rises: bool) -> Changes:
        """A run ended ("done", "cancelled" or "diverged"): what the course makes of it."""
        runs = self.finished.setdefault(self.choice, [])
        if outcome == "done":
            runs.append((config.method, config.iterations, config.l2))
        return self.saw("run", method=config.method, outcome=outcome, rises=rises, runs=runs)

    # ---- judging
    def threshold_named(self) -> str:
        """' at threshold 0.50' where the Judge panel shows another threshold, so that no two accuracies on
        screen differ without saying why; else nothing."""
        if not self.lab.threshold or self.threshold == 0.5:
            return ""
        return f" at threshold 0.50 (Judge shows {self.threshold:.2f})"

    def judge_at(self, threshold: float) -> Changes:
        self.threshold = threshold
        if not self.lab.threshold:
            return Changes({JUDGING})
        return Changes({JUDGING}) | self.saw("threshold", precision=self.lab.test_quality(threshold).rates.precision)

    def show_all_mistakes(self) -> Changes:
        self.all_mistakes = True
        return Changes({JUDGING})

    def attribute(self, asked: bool) -> Changes:
        self.attributing = asked
        return Changes({ATTRIBUTING})

    def unflip(self) -> Changes:
        self.flipped = None
        return self._reread()

    # ---- the weights
    def use(self, weights: Weights | TenWeights) -> Changes:
        """Weights from elsewhere (an import, a stored copy, Reset): the runs on screen no longer led to them."""
        self.lab.use(weights)
        self.log = RunLog()
        return self._weights_changed() | {RUNS}

    def reset(self) -> Changes:
        return self.use(self.lab.shipped)

    def _weights_changed(self) -> Changes:
        self.flipped = None  # a flip is exact for the weights it was made for only
        self.all_mistakes = False  # new weights, new mistakes: the first ones again
        self.ten_weights = self.lab.ten_weights  # with the ten digits open, their weights in use
        return self._reread() | {WEIGHTS}

    def open(self, lab: Lab) -> Changes:
        """Another pair, or the ten digits: the same input, read by that model; a pair asks the ten-digit
        weights in use whether a drawing is either of its digits."""
        self.lab, self.log = lab, RunLog()
        self.threshold = 0.5  # a new model is judged first where its verdict reads
        lab.ask(self.ten_weights)
        if self.input is None:
            self.empty = f"Draw {lab.words}."
        return self._weights_changed() | {PAIR, EXAMPLES, RUNS, JUDGING}

    # ---- runs: Train, Step, Continue, teaching
    def plan(self, how: str) -> Plan:
        """Train starts from zero; the others go on from the weights in use."""
        return self.lab.plan(None if how == "train" else self.lab.weights, teaching=how == "teach")

    def begin_run(self, how: str) -> Changes:
        self.log.begin(how, self.lab.weights)
        return self.begin(Activity.TEACHING if how == "teach" else Activity.TRAINING) | {RUNS}

    def record(self, progress: Progress) -> Changes:
        self.log.add(progress)
        return Changes({RUNS})

    def diverged(self, iteration: int, loss: float) -> Changes:
        self.log.diverge(iteration, loss)
        return Changes({RUNS})

    def run_failed(self, why: str) -> Changes:
        """The run ended without weights to adopt (cancelled before its first step, no step to take)."""
        self.log.fail(why)
        return Changes({RUNS})

    def adopt(self, lab: Lab, progress: Progress, config: TrainConfig, how: str, plan: Plan) -> Changes | Refusal:
        """The run's weights become the ones in use, if the run was on the model still in use."""
        if lab is not self.lab:
            return Refusal(f"The run trained on {lab.choice.title}, which is no longer the model in use: dropped.")
        self.log.ends_at = lab.adopt(progress, config, how, plan)
        return self._weights_changed() | {RUNS}

    # ---- the learner's digits
    def teach(self, label: int) -> tuple[Example, Example | None]:
        """Keep the drawing on the pad as a digit of the given label (a pair: 0 its smaller digit): the example,
        and the one it replaced (the same drawing, taught before with another label)."""
        return self.lab.add_example(self.input.stages.image, label)

    def start_over(self) -> Changes:
        """A classroom's next learner: no digits taught, no lessons done, no runs, every model's shipped weights
        (the ten digits' that every pair's verdict asks included)."""
        self.lab.examples = []
        self.course, self.finished = Course(), {}
        self.ten_weights = self.shipped_ten
        self.lab.ask(self.shipped_ten)
        return self.reset() | {EXAMPLES, LESSONS}

    def follow(self, examples: list[Example]) -> Changes:
        """The digits kept now (after a removal, or what another tab kept)."""
        self.lab.examples = list(examples)
        return Changes({EXAMPLES})
