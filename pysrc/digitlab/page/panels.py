"""The views of the page around the reading: its state and address, the pair, messages, the controls, your
digits, training, and judging. Like views.py: each looks up its elements once, renders the session, only writes."""

from __future__ import annotations

import time

from .. import address, ten
from ..config import HYPERPARAMETERS, TEN_DEFAULTS
from ..course import BY_NAME, LESSONS
from ..lab import describe
from ..render import diverging_rgba, ink_rgba
from ..session import Activity, Session
from ..words import a, either, versus
from .dom import document, element, js_object, window
from .views import put_pixels

GALLERY_FIRST = 24


class PageState:
    """<body>'s data attributes, which tests and styles read: ready, training, activity, pair; and the
    header's line on what the page is doing."""

    def __init__(self):
        self.body = document.body
        self.note = element("activity-note")
        self.status = document.getElementById("boot-status")

    def starting(self, prepared: bool) -> None:
        self.status.textContent = "Loading the weights and the data…"
        self.body.dataset.startState = "prepared" if prepared else "built"

    def started(self) -> None:
        self.status.textContent = "Ready: draw a digit."

    def render(self, session: Session) -> None:
        data, activity = self.body.dataset, session.activity
        data.activity = activity.value
        data.training = "true" if activity in (Activity.TRAINING, Activity.TEACHING) else "false"
        data.ready = "false" if activity in (Activity.BOOTING, Activity.LOADING) else "true"
        data.model = "ten" if session.ten else "pair"
        if not session.ten:
            data.pair = "-".join(map(str, session.digits))
        loading = "all ten digits" if session.loading == "ten" else versus(session.loading or session.digits)
        waits = {
            Activity.LOADING: f"Loading {loading}: training, teaching, Reset and Import wait until it is open.",
            Activity.TRAINING: "Training is running: the pair, teaching, Reset and Import wait until it ends "
            "(Cancel stops it). Drawing works meanwhile.",
            Activity.TEACHING: "Teaching is running: the pair, training, Reset and Import wait until it ends.",
        }
        self.note.textContent = waits.get(activity, "")


class Address:
    """The URL names the pair (or the ten digits) on display, always (a refused or unknown hash is written back)."""

    def render(self, session: Session) -> None:
        wanted = address.TEN if session.ten else address.of_pair(session.digits)
        if window.location.hash != wanted:
            window.history.replaceState(None, "", wanted)


class PairPicker:
    """The mode and the two selects: they name the model in use (the pair in the order the user chose), or the
    one loading. In ten mode the selects keep the last pair, to go back to."""

    def __init__(self):
        self.mode = element("mode")
        self.selects = (element("digit-a"), element("digit-b"))

    def chosen(self) -> tuple[int, int]:
        return tuple(int(select.value) for select in self.selects)

    def chosen_mode(self) -> str:
        return self.mode.value

    def render(self, session: Session) -> None:
        showing = session.loading or ("ten" if session.ten else session.digits)
        self.mode.value = "ten" if showing == "ten" else "pair"
        if showing != "ten" and sorted(self.chosen()) != list(showing):
            for select, digit in zip(self.selects, showing):
                select.value = str(digit)
        refusal = session.refusal("pair")
        for select in (self.mode, *self.selects):
            select.disabled = refusal is not None
            select.title = f"The model stays as it is: {refusal}." if refusal else ""


class Words:
    """The pair's digits wherever the page names them: headings, buttons, bars, legends, the table."""

    def render(self, session: Session) -> None:
        if session.ten:
            for node in document.querySelectorAll("[data-words]"):
                node.textContent = "any digit"
            self.counts(session.lab.design("train").n, session.lab.bundle.test.n)
            return
        for side, digit in zip("ab", session.digits):
            for node in document.querySelectorAll(f'[data-name="{side}"]'):
                node.textContent = str(digit)
            for node in document.querySelectorAll(f'[data-article="{side}"]'):
                node.textContent = a(digit).split()[0]  # "an" before 8
        for node in document.querySelectorAll("[data-words]"):
            node.textContent = either(session.digits)
        self.counts(session.lab.bundle.train.n, session.lab.bundle.test.n)

    def counts(self, train: int, test: int) -> None:
        for kind, count in (("train", train), ("test", test)):
            for node in document.querySelectorAll(f'[data-count="{kind}"]'):
                node.textContent = f"{count:,}"


class WeightsNote:
    """The header's line on which weights are in use and how good this page measured them."""

    def __init__(self):
        self.note = element("active-weights")

    def render(self, session: Session) -> None:
        accuracy = session.lab.test_report().accuracy
        say = ten.describe if session.ten else describe
        self.note.textContent = say(session.weights, session.shipped, accuracy)
        self.note.dataset.accuracy = repr(accuracy)


class Messages:
    """The error box (role=alert), moved next to the control it is about, and a status line per panel.
    A status is about the state it was said in: new weights or a new pair clear it. An error is about
    something the learner asked for: it stays until they ask for something else."""

    def __init__(self):
        self.error = element("error")
        self.slots = {slot.dataset.slot: slot for slot in document.querySelectorAll("[data-slot]")}
        self.statuses = {near: element(f"{near}-status") for near in ("train", "teach", "keep", "pair", "start-over")}

    def render(self, _session: Session) -> None:
        for status in self.statuses.values():
            status.textContent = ""

    def show_error(self, message: str, near: str = "train") -> None:
        self.statuses[near].textContent = ""  # a stale "done" beside an error misleads
        self.slots[near].append(self.error)
        self.error.textContent = message
        self.error.hidden = False
        self.error.scrollIntoView(js_object({"block": "nearest"}))

    def clear_error(self) -> None:
        self.error.hidden = True
        self.error.textContent = ""

    def say(self, message: str, near: str = "train") -> None:
        self.statuses[near].textContent = message


# Every control whose use depends on the state, and the action session.refusal() judges it by.
CONTROLS = {
    "train": "train", "step": "step", "continue": "continue", "cancel": "cancel", "reset": "reset",
    "import-weights": "import", "export-weights": "export", "teach-0": "teach", "teach-1": "teach",
    "teach-chosen": "teach",
    "flip": "flip", "clear-examples": "forget", "start-over": "start-over",
}  # fmt: skip


class Controls:
    """Which buttons work right now, and, on the ones that do not, why (their title and description)."""

    def __init__(self):
        self.buttons = {testid: element(testid) for testid in CONTROLS}
        self.always = [element(t) for t in ("clear", "undo", "sample")]

    def render(self, session: Session) -> None:
        for button in self.always:
            button.disabled = session.activity is Activity.BOOTING
        for testid, action in CONTROLS.items():
            refusal = session.refusal(action)
            button = self.buttons[testid]
            button.disabled = refusal is not None
            button.title = f"Not now: {refusal}." if refusal else ""

    def give_back_focus(self, control) -> None:
        """A control that lost the focus when it was disabled for a run gets it back, where it is."""
        if document.activeElement in (None, document.body) and control is not None:
            control.focus(js_object({"preventScroll": True}))


class TeachPicker:
    """Ten mode's pickers: the digit to teach, and the digit the verdict is compared with ('' for the runner-up)."""

    def __init__(self):
        self.teach, self.compare = element("teach-digit"), element("compare-with")

    def taught(self) -> int:
        return int(self.teach.value)

    def compared(self) -> int | None:
        return int(self.compare.value) if self.compare.value else None


class KeepPanel:
    """Section 5's own state: the file chooser, and the confirmation that Start over asks for."""

    def __init__(self):
        self.chooser, self.confirm = element("import-weights"), element("start-over-confirm")

    def forget_choice(self) -> None:
        self.chooser.value = ""

    def confirm_start_over(self, asking: bool) -> None:
        self.confirm.hidden = not asking


class Form:
    """The hyperparameter fields (written into the page by build.py from config.HYPERPARAMETERS); each mode
    has its own defaults (config.TEN_DEFAULTS for the ten digits), set when the mode changes."""

    def __init__(self):
        self.fields = {h.key: element(h.key) for h in HYPERPARAMETERS}
        self.mode = "pair"

    def render(self, session: Session) -> None:
        mode = "ten" if session.ten else "pair"
        if mode == self.mode:
            return
        self.mode = mode
        for h in HYPERPARAMETERS:
            value = TEN_DEFAULTS.get(h.name, h.default) if mode == "ten" else h.default
            self.fields[h.key].value = value if h.kind is str else f"{value:g}"

    def values(self) -> dict[str, str]:
        return {key: field.value for key, field in self.fields.items()}

    def set(self, values: dict) -> None:
        """Fields set to the given texts (a lesson's settings), their old marks of invalid gone."""
        for key, value in values.items():
            self.fields[key].value = value
            self.fields[key].removeAttribute("aria-invalid")

    def mark_valid(self, field) -> None:
        field.removeAttribute("aria-invalid")

    def mark_invalid(self, keys) -> None:
        for key, field in self.fields.items():
            if key in keys:
                field.setAttribute("aria-invalid", "true")
            else:
                field.removeAttribute("aria-invalid")


class Examples:
    """The user's own digits beside the teach buttons: how many, and each as a removable thumbnail."""

    def __init__(self):
        self.count = element("example-count")
        self.thumbnails = element("your-digits")

    def render(self, session: Session) -> None:
        examples, digits = session.lab.examples, session.digits
        self.count.textContent = str(len(examples))
        self.thumbnails.replaceChildren()
        for index, example in enumerate(examples):
            figure = document.createElement("figure")
            canvas = document.createElement("canvas")
            put_pixels(canvas, ink_rgba(example.pixels), 28, 28)
            remove = document.createElement("button")
            remove.type = "button"
            remove.className = "remove"
            remove.dataset.index = str(index)
            remove.textContent = "×"
            digit = digits[example.label]
            remove.setAttribute("aria-label", f"Forget your digit {index + 1} (taught as {a(digit)})")
            caption = document.createElement("figcaption")
            caption.textContent = a(digit)
            figure.append(canvas, caption, remove)
            self.thumbnails.append(figure)


class Source:
    """Section 8: the Python this page runs."""

    def show(self, text: str) -> None:
        element("source").firstElementChild.textContent = text


class Training:
    """Section 6: the weight map of the weights in use; while a run goes its progress; the curve of the runs
    behind the weights in use (session.log), each run's start marked."""

    CHART_EVERY = 0.2  # seconds: pictures cost ~10 ms, an iteration ~60 ms

    def __init__(self):
        self.progress = element("progress")
        self.weight_map = element("weight-map")
        self.weight_scale = element("weight-scale")
        self.loss_chart, self.accuracy_chart = element("loss-chart"), element("accuracy-chart")
        self.note = element("runs-note")
        self.drawn_at = self.weights_at = 0.0
        self.templates: list = []  # the ten digits' canvases, made on first use

    def render(self, session: Session) -> None:
        """The curves of the log, at most every CHART_EVERY seconds while a run is under way."""
        running = session.activity in (Activity.TRAINING, Activity.TEACHING)
        if running and time.perf_counter() - self.drawn_at < self.CHART_EVERY:
            return
        self.drawn_at = time.perf_counter()
        log = session.log
        self.note.textContent = runs_note(log)
        if not any(segment.points for segment in log.segments):
            for chart in (self.loss_chart, self.accuracy_chart):
                window.digitlab.placeholder(chart, "Press “Train in browser” to watch it learn")
                chart.setAttribute("aria-label", f"{chart.dataset.testid}: no run behind the weights in use.")
            return
        draw_curves(log, self.loss_chart, self.accuracy_chart)

    def show_weights(self, w) -> None:
        """A pair's weight map, or the ten digits' templates (one colour scale for all ten)."""
        if w and isinstance(w[0], list):
            self.show_templates(w)
            return
        rgba, scale = diverging_rgba(w)
        put_pixels(self.weight_map, rgba, 28, 28)
        self.weight_scale.textContent = f"±{scale:.3g}"

    def show_templates(self, W) -> None:
        if not self.templates:
            for digit in range(10):
                figure, canvas, caption = (document.createElement(t) for t in ("figure", "canvas", "figcaption"))
                caption.textContent = f"w{digit}"
                canvas.setAttribute("aria-label", f"The weights of the digit {digit}")
                figure.append(canvas, caption)
                element("templates").append(figure)
                self.templates.append(canvas)
        scale = max(max(map(abs, row)) for row in W)
        for canvas, row in zip(self.templates, W):
            put_pixels(canvas, diverging_rgba(row, scale or None)[0], 28, 28)

    def show_progress(self, progress) -> None:
        """The bar after every iteration; the run's weights every CHART_EVERY seconds and at its end."""
        self.progress.max = progress.iterations
        self.progress.value = progress.iteration
        if progress.done or time.perf_counter() - self.weights_at >= self.CHART_EVERY:
            self.weights_at = time.perf_counter()
            self.show_weights(progress.w)

    def end(self, how: str, iterations: int, elapsed: float) -> None:
        """Record what the run did on the progress element (data-runs counts finished runs)."""
        record = self.progress.dataset
        record.runs = str(int(record.runs) + 1)
        record.how = how
        record.iterations = str(iterations)
        record.elapsedMs = f"{elapsed * 1000:.1f}"


class WeightMap:
    """Section 6's picture of the weights in use (during a run, Training shows the run's; after one, in use again)."""

    def __init__(self, training: Training):
        self.training = training

    def render(self, session: Session) -> None:
        self.training.show_weights(session.weights.W if session.ten else session.weights.w)


def runs_note(log) -> str:
    """What the curves show: the runs that led to the weights in use, and a last one that led to none, if any."""
    kept = [segment for segment in log.segments if segment.failed is None and segment.points]
    failed = log.segments[-1].failed if log.segments else None
    if kept:
        losses = [point[0] for segment in kept for point in segment.points]
        rises = sum(1 for before, after in zip(losses, losses[1:]) if after > before)
        said = (
            f"The curves show the {len(kept)} run{'s' if len(kept) > 1 else ''} behind the weights in use "
            f"({kept[-1].last} iterations in all); each run's start is marked."
        )
        if rises:
            said += f" The training loss rose at {rises} of them: steps that overshot."
    else:
        said = (
            "No run drawn here led to the weights in use."
            if failed
            else ("No run in this page led to the weights in use. Press Train in browser.")
        )
    if failed:
        said += f" The last run {failed}: it was stopped, and its weights were not kept."
    return said


LOSS_CAP = 1e4  # losses above this are drawn at the top edge, marked off the scale


def draw_curves(log, loss_chart, accuracy_chart) -> None:
    """Loss (log scale) and accuracy over the iterations of every run in the log, train and test."""
    series = {name: [] for name in ("loss", "test_loss", "accuracy", "test_accuracy")}
    for segment in log.segments:
        for k, point in enumerate(segment.points):
            x = segment.first + segment.skip + k
            for name, value in zip(series, point):
                series[name].append([x, value])
    starts = [{"x": s.first, "label": s.how} for s in log.segments]
    diverged = next((s.diverged for s in log.segments if s.diverged), None)  # drawn up to where it blew up
    last = max(log.iterations, diverged[0] if diverged else 0, 1)
    losses = [v for name in ("loss", "test_loss") for _, v in series[name]]
    marker = None
    if diverged:
        iteration, loss = diverged
        shown = loss if loss == loss and loss < LOSS_CAP else LOSS_CAP  # NaN and infinity at the top
        series["loss"].append([iteration, shown])
        losses.append(shown)
        marker = {"x": iteration, "y": shown, "label": f"diverged: loss {loss:.3g}"}
    low, high = max(min(losses) * 0.8, 1e-6), min(max(max(losses) * 1.25, 1e-5), LOSS_CAP * 1.25)
    loss_spec = {"yMin": low, "yMax": high, "log": True, "yTitle": "loss (log scale)", "marker": marker}
    accuracies = [v for name in ("accuracy", "test_accuracy") for _, v in series[name]]
    accuracy_spec = {"yMin": min(min(accuracies), 0.9), "yMax": 1, "yTitle": "accuracy"}
    for chart, spec, names in (
        (loss_chart, loss_spec, ("loss", "test_loss")),
        (accuracy_chart, accuracy_spec, ("accuracy", "test_accuracy")),
    ):
        lines = [
            {"name": "train", "colour": "--train", "points": series[names[0]]},
            {"name": "test", "colour": "--test", "points": series[names[1]]},
        ]
        window.digitlab.lineChart(
            chart, js_object({**spec, "series": lines, "xMax": last, "xTitle": "iteration", "starts": starts})
        )
        chart.setAttribute("aria-label", summary(spec["yTitle"], series[names[0]], series[names[1]], last, diverged))


def summary(what: str, train: list, test: list, last: int, diverged) -> str:
    text = (
        f"{what[0].upper() + what[1:]} over {last} iteration{'' if last == 1 else 's'}: "
        f"train {train[0][1]:.4g} to {train[-1][1]:.4g}, test {test[0][1]:.4g} to {test[-1][1]:.4g}."
    )
    if diverged and what.startswith("loss"):
        text += f" Diverged at iteration {diverged[0]} (loss {diverged[1]:.4g})."
    return text


class Judgement:
    """Section 7: test accuracy, confusion matrix and the gallery of mistakes, at a threshold."""

    def __init__(self):
        self.threshold = element("threshold")
        self.threshold_value = element("threshold-value")
        self.accuracy = element("test-accuracy")
        self.cells = {key: element(f"cm-{key}") for key in ("0-0", "0-1", "1-0", "1-1")}
        self.gallery = element("misclassified")
        self.show_all = False
        self.shown_for = None  # the weights the gallery shows the mistakes of: new weights start at 24 again

    def chosen_threshold(self) -> float:
        return float(self.threshold.value)

    def render(self, session: Session) -> None:
        if self.shown_for is not session.weights:
            self.show_all, self.shown_for = False, session.weights
        if session.ten:
            self.render_ten(session)
            return
        threshold = self.chosen_threshold()
        report, test = session.lab.test_report(threshold), session.lab.bundle.test
        self.threshold_value.textContent = f"{threshold:.2f}"
        self.accuracy.dataset.value = repr(report.accuracy)
        right = test.n - len(report.mistakes)
        self.accuracy.textContent = f"{report.accuracy * 100:.2f}% ({right} of {test.n:,})"
        for key, count in report.confusion.items():
            self.cells[key].textContent = str(count)
        self.show_mistakes(report.mistakes, test.image_bytes, session.digits)

    def render_ten(self, session: Session) -> None:
        """Accuracy, the 10x10 confusion matrix with each digit's accuracy, and the mistakes (digit read, p)."""
        report, test = session.lab.test_report(), session.lab.bundle.test
        self.accuracy.dataset.value = repr(report.accuracy)
        self.accuracy.textContent = f"{report.accuracy * 100:.2f}% ({test.n - len(report.mistakes)} of {test.n:,})"
        table = element("confusion-ten")
        for row in [*table.querySelectorAll("thead, tbody")]:
            row.remove()
        head, body = document.createElement("thead"), document.createElement("tbody")
        head.append(self.row(["", *(f"read {d}" for d in range(10)), "right"], header=True))
        for digit, counts in enumerate(report.confusion):
            cells = [f"true {digit}", *map(str, counts), f"{report.per_digit[digit]:.1%}"]
            body.append(self.row(cells, right=digit))
        table.append(head, body)
        mistakes = [(i, truth, p) for i, truth, _, p in report.mistakes]
        read_as = {i: read for i, _, read, _ in report.mistakes}
        self.show_mistakes(mistakes, test.image_bytes, range(10), read_as)

    def row(self, cells, header=False, right=None):
        row = document.createElement("tr")
        for k, text in enumerate(cells):
            cell = document.createElement("th" if header or k == 0 else "td")
            cell.textContent = text
            if right is not None and k == right + 1:
                cell.className = "right"
            elif text == "0":
                cell.className = "empty"
            row.append(cell)
        return row

    def show_mistakes(self, mistakes: list[tuple[int, int, float]], image_bytes, digits, read_as=None) -> None:
        """The first GALLERY_FIRST mistakes (all of them once asked), each a button that puts it on the pad."""
        self.gallery.replaceChildren()
        self.gallery.dataset.count = str(len(mistakes))
        if not mistakes:
            self.gallery.textContent = "None: every test digit is read right at this threshold."
        shown = mistakes if self.show_all else mistakes[:GALLERY_FIRST]
        for index, label, p1 in shown:
            digit = digits[label]
            figure = document.createElement("figure")
            figure.dataset.index = str(index)
            figure.dataset.p1 = repr(p1)
            button = document.createElement("button")
            button.type = "button"
            button.className = "mistake"
            said = f"read {read_as[index]}, p = {p1:.3f}" if read_as else f"p({digits[1]}) = {p1:.3f}"
            button.setAttribute("aria-label", f"Test image {index}, {a(digit)}, {said}: on the pad")
            canvas = document.createElement("canvas")
            put_pixels(canvas, ink_rgba(image_bytes(index)), 28, 28)
            button.append(canvas)
            caption = document.createElement("figcaption")
            caption.textContent = (
                f"is {digit}, read {read_as[index]} ({p1:.2f})" if read_as else f"is {digit}, p({digits[1]})={p1:.3f}"
            )
            figure.append(button, caption)
            self.gallery.append(figure)
        if len(shown) < len(mistakes):
            more = document.createElement("button")
            more.type = "button"
            more.dataset.testid = "show-all-mistakes"
            more.textContent = f"Show all {len(mistakes)}"
            self.gallery.append(more)


class Quality:
    """Section 7 beyond accuracy: precision, recall and F1 at the threshold; ROC with AUC; calibration with Brier."""

    def __init__(self, judgement: Judgement):
        self.judgement = judgement
        self.rates, self.auc, self.brier = element("rates"), element("auc"), element("brier")
        self.roc, self.calibration = element("roc-chart"), element("calibration-chart")

    def render(self, session: Session) -> None:
        if session.ten:
            return  # a threshold, ROC and calibration are about two classes: pair mode only
        threshold, digits = self.judgement.chosen_threshold(), session.digits
        quality = session.lab.test_quality(threshold)
        rates = quality.rates
        self.rates.textContent = (
            f"precision {rates.precision:.3f}, recall {rates.recall:.3f}, F1 {rates.f1:.3f} "
            f"(calling {a(digits[1])} when p({digits[1]}) ≥ {threshold:.2f})"
        )
        self.auc.dataset.value = repr(quality.auc)
        self.auc.textContent = f"{quality.auc:.4f}"
        self.brier.dataset.value = repr(quality.brier)
        self.brier.textContent = f"{quality.brier:.4f}"
        here = {"x": quality.operating_point[0], "y": quality.operating_point[1], "label": f"threshold {threshold:.2f}"}
        diagonal = {"colour": "--faint", "points": [[0, 0], [1, 1]], "dashed": True}
        roc = {"colour": "--one", "points": [list(point) for point in quality.roc]}
        self.plot(self.roc, [diagonal, roc], [here], "false positive rate", "true positive rate")
        dots = [{"x": p, "y": share, "colour": "--one"} for p, share, _ in quality.reliability]
        self.plot(self.calibration, [diagonal], dots, f"predicted p({digits[1]})", f"share that are {digits[1]}s")
        self.roc.setAttribute(
            "aria-label",
            f"ROC curve, area {quality.auc:.4f}; at threshold {threshold:.2f} "
            f"{here['y']:.3f} of {digits[1]}s and {here['x']:.3f} of {digits[0]}s are called {digits[1]}.",
        )
        self.calibration.setAttribute("aria-label", f"Reliability diagram, Brier score {quality.brier:.4f}.")

    def plot(self, canvas, lines: list, marks: list, x_title: str, y_title: str) -> None:
        spec = {"lines": lines, "marks": marks, "xMin": 0, "xMax": 1, "yMin": 0, "yMax": 1}
        window.digitlab.plot(canvas, js_object({**spec, "xTitle": x_title, "yTitle": y_title}))


class CourseView:
    """The course: a line of lessons with their marks at the top of the page, and the lesson open, shown at the
    top of the section it is about (its question, what to do and see, why, and a hint after a near miss)."""

    def __init__(self):
        self.strip = element("lessons")
        self.card = element("lesson-card")
        self.parts = {
            name: element(f"lesson-{name}") for name in ("title", "question", "todo", "expect", "why", "hint")
        }
        self.answer_row, self.answer_field = element("lesson-answer-row"), element("lesson-answer")
        self.chips: dict = {}
        self.shown: str | None = None

    def render(self, session: Session) -> None:
        course = session.course
        if not self.chips:
            for number, lesson in enumerate(LESSONS, 1):
                chip = document.createElement("button")
                chip.type = "button"
                chip.dataset.testid = "lesson"
                chip.dataset.lesson = lesson.name
                chip.textContent = f"{number}. {lesson.title}"
                self.strip.append(chip)
                self.chips[lesson.name] = chip
        for name, chip in self.chips.items():
            done = name in course.done
            chip.dataset.done = "true" if done else "false"
            chip.setAttribute("aria-pressed", "true" if name == course.open else "false")
            chip.setAttribute("aria-label", f"{chip.textContent}: {'done' if done else 'not done yet'}")
        self.card.hidden = course.open is None
        self.card.dataset.lesson = course.open or ""
        if course.open is None:
            self.shown = None
            return
        lesson = BY_NAME[course.open]
        self.card.dataset.done = "true" if course.open in course.done else "false"
        if self.shown != lesson.name:  # moved beside its section, filled once
            self.shown = lesson.name
            section = document.querySelector(f"main > section.{lesson.section}")
            section.insertBefore(self.card, section.children.item(1))
            number = [entry.name for entry in LESSONS].index(lesson.name) + 1
            texts = {
                "title": f"Lesson {number}: {lesson.title}", "question": lesson.question, "todo": lesson.todo,
                "expect": lesson.expect, "why": f"{lesson.why} (reference.py: {lesson.reference})",
            }  # fmt: skip
            for part, text in texts.items():
                self.parts[part].textContent = text
            self.answer_field.value = ""
        self.answer_row.hidden = lesson.name != "sum"
        done = course.open in course.done
        self.parts["hint"].textContent = "Done: the page saw you do it." if done else course.hint

    def answer(self) -> float | None:
        try:
            return float(self.answer_field.value.strip().replace("−", "-"))
        except ValueError:
            return None

    def bring_into_view(self) -> None:
        if not self.card.hidden:
            self.card.scrollIntoView(js_object({"block": "start"}))
