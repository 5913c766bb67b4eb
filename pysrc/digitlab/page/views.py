"""One small view per panel of the page: each looks up its elements once and only writes to them."""

from __future__ import annotations

import time

from ..config import HYPERPARAMETERS
from ..lab import Reading, TestQuality, TestReport
from ..model import Progress, log1pexp, sigmoid
from ..novelty import SURE
from ..preprocess import Stages
from ..render import diverging_rgba, gray_rgba, ink_rgba
from .dom import document, element, js_bytes, js_object, window

STAGE_CANVASES = ("stage-crop", "stage-scaled", "model-input")
GALLERY_FIRST = 24


def put_pixels(canvas, rgba: bytes, width: int, height: int) -> None:
    window.digitlab.putPixels(canvas, js_bytes(rgba), width, height)


def clear_canvas(canvas) -> None:
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height)


class Messages:
    """The error box (role=alert), moved next to the control it is about, and a status line per panel."""

    def __init__(self):
        self.error = element("error")
        self.slots = {slot.dataset.slot: slot for slot in document.querySelectorAll("[data-slot]")}
        self.statuses = {
            "lab": element("train-status"),
            "teach": element("teach-status"),
            "keep": element("keep-status"),
            "pair": element("pair-status"),
        }

    def show_error(self, message: str, near: str = "lab") -> None:
        self.statuses[near].textContent = ""  # a stale "done" beside an error misleads
        self.slots[near].append(self.error)
        self.error.textContent = message
        self.error.hidden = False
        self.error.scrollIntoView(js_object({"block": "nearest"}))

    def clear_error(self) -> None:
        self.error.hidden = True
        self.error.textContent = ""

    def set_status(self, message: str, near: str = "lab") -> None:
        self.statuses[near].textContent = message


class Verdict:
    """Section 2: the digit read, in words, and the two probability bars."""

    def __init__(self):
        self.root = element("prediction")
        self.digit = element("digit")
        self.message = element("message")
        self.bars = [element("bar-0"), element("bar-1")]
        self.values = [element("p0"), element("p1")]

    def show(self, reading: Reading) -> None:
        p1, honesty = reading.p1, reading.honesty
        self.root.dataset.digit = str(reading.digit)
        self.root.dataset.p1 = repr(p1)
        self.root.dataset.z = repr(reading.z)
        self.root.dataset.sure = "true" if honesty is None or honesty.sure else "false"
        self.root.dataset.side = str(int(p1 >= 0.5))  # which colour: the pair's smaller or larger digit
        self.digit.textContent = str(reading.digit)
        self.message.textContent = verdict_words(reading)
        for bar, value, p in zip(self.bars, self.values, (1 - p1, p1)):
            bar.style.width = f"{p * 100:.1f}%"
            value.textContent = f"{p:.3f}"

    def show_nothing(self, message: str) -> None:
        self.root.dataset.digit = ""
        self.root.dataset.p1 = ""
        self.root.dataset.z = ""
        self.root.dataset.sure = "false"
        self.root.dataset.side = ""
        self.digit.textContent = "?"
        self.message.textContent = message
        for bar, value in zip(self.bars, self.values):
            bar.style.width = "0%"
            value.textContent = "–"


def verdict_words(reading: Reading) -> str:
    """The verdict in words that admit doubt: unsure, or not one of the pair's digits at all."""
    a, b = reading.digits
    p = max(reading.p1, 1 - reading.p1)
    honesty = reading.honesty
    if honesty and honesty.unlike:
        return (
            f"This doesn't look like a {a} or a {b}: the model can only answer one of the two. "
            f"(Nearest training {a} or {b}: {honesty.distance:.1f} away; genuine ones are within {honesty.radius:.1f}.)"
        )
    if honesty and not honesty.confident:
        return f"Unsure: it leans to a {reading.digit}, but p({reading.digit}) = {p:.3f} is below {SURE:.2f}."
    return f"It reads a {reading.digit}, sure: p({reading.digit}) = {p:.3f}."


class Sample:
    """Under the pad: the true label of a real MNIST digit put on it."""

    def __init__(self):
        self.label = element("sample-label")

    def show(self, index: int, label: int) -> None:
        """`label` is the true digit (not the pair's 0/1)."""
        self.label.textContent = f"Test image #{index}: its true label is {label}."
        self.label.dataset.label = str(label)
        self.label.hidden = False

    def hide(self) -> None:
        self.label.hidden = True


class Eyes:
    """Section 3: the crop, the 20x20 fit and the 28x28 input, each drawn at its own aspect ratio."""

    SHOWN = 84  # CSS pixels for the longer side of each preview; 3 per input pixel

    def __init__(self, pad):
        self.pad = pad
        self.crop, self.scaled, self.input = (element(testid) for testid in STAGE_CANVASES)
        self.fit_box = element("fit-box")

    def show(self, stages: Stages) -> None:
        # The crop is the pad's own pixels: let the canvas copy them rather than convert ~40k in Python.
        left, top, right, bottom = stages.box
        window.digitlab.copyRegion(self.pad, self.crop, left, top, right - left, bottom - top)
        self.size(self.crop, *stages.crop_size)
        put_pixels(self.scaled, gray_rgba(stages.scaled), *stages.scaled_size)
        self.size(self.scaled, *stages.scaled_size)
        put_pixels(self.input, gray_rgba(stages.image), 28, 28)
        unit = self.SHOWN / 28
        (x, y), (w, h) = stages.offset, stages.scaled_size
        box = self.fit_box.style
        box.left, box.top, box.width, box.height = (f"{v * unit:.1f}px" for v in (x, y, w, h))
        self.fit_box.hidden = False

    def size(self, canvas, width: int, height: int) -> None:
        longer = max(width, height)
        canvas.style.width = f"{self.SHOWN * width / longer:.1f}px"
        canvas.style.height = f"{self.SHOWN * height / longer:.1f}px"

    def clear(self) -> None:
        for canvas in (self.crop, self.scaled, self.input):
            clear_canvas(canvas)
        self.fit_box.hidden = True


class Why:
    """Section 4: weight x pixel as a map, and the sum written out."""

    def __init__(self):
        self.map = element("contributions")
        self.scale = element("contribution-scale")
        self.equation = element("equation")

    def show(self, reading: Reading) -> None:
        rgba, scale = diverging_rgba(reading.contributions)
        put_pixels(self.map, rgba, 28, 28)
        self.scale.textContent = f"±{scale:.3g}"
        inked = reading.z - reading.bias
        count = sum(1 for x in reading.stages.image if x)
        self.equation.textContent = (
            f"z = {reading.bias:+.2f} (bias) {inked:+.2f} (sum of the {count} inked pixels' w×x) = {reading.z:.2f};  "
            f"p({reading.digits[1]}) = σ(z) = 1/(1+e^−z) = {reading.p1:.4f}"
        )

    def clear(self) -> None:
        clear_canvas(self.map)
        self.equation.textContent = "Draw something to see the sum."


SCORES = [k / 4 for k in range(-40, 41)]  # z from -10 to 10


def sigmoid_curves() -> dict:
    """The fixed curves of the sigmoid and log-loss plots (drawn again with a new dot on every stroke)."""
    p = [sigmoid(z) for z in SCORES]
    return {
        "sigmoid": [{"colour": "--mark", "points": [[z, q] for z, q in zip(SCORES, p)]}],
        "loss": [
            {"colour": "--zero", "points": [[z, log1pexp(z)] for z in SCORES]},  # -log(1 - p): truth is the smaller
            {"colour": "--one", "points": [[z, log1pexp(-z)] for z in SCORES]},  # -log p: truth is the larger
        ],
    }


class Sigmoid:
    """Section 4: sigmoid(z) and the cross-entropy, with the current drawing marked on both."""

    def __init__(self):
        self.sigmoid, self.loss = element("sigmoid-chart"), element("log-loss-chart")
        self.lines = {name: js_object(lines) for name, lines in sigmoid_curves().items()}

    def show(self, z: float, p1: float, digits: tuple[int, int]) -> None:
        a, b = digits
        mark = {"x": z, "y": p1, "label": f"z = {z:.2f}, p({b}) = {p1:.3f}"}
        self.plot(self.sigmoid, "sigmoid", [mark], 0, 1, f"p({b})")
        costs = [{"x": z, "y": log1pexp(z), "colour": "--zero"}, {"x": z, "y": log1pexp(-z), "colour": "--one"}]
        costs[0]["label"] = f"if {a}: {log1pexp(z):.3f}"
        costs[1]["label"] = f"if {b}: {log1pexp(-z):.3f}"
        self.plot(self.loss, "loss", costs, 0, 10, "−log p")
        self.sigmoid.setAttribute("aria-label", f"Sigmoid curve; your drawing at z = {z:.2f}, p({b}) = {p1:.3f}.")
        self.loss.setAttribute("aria-label", f"Log-loss; {costs[0]['label']}, {costs[1]['label']}.")

    def plot(self, canvas, lines: str, marks: list, low: float, high: float, title: str) -> None:
        spec = {"marks": marks, "xMin": -10, "xMax": 10, "yMin": low, "yMax": high, "xTitle": "z", "yTitle": title}
        window.digitlab.plot(canvas, js_object({**spec, "lines": self.lines[lines]}))

    def clear(self) -> None:
        for canvas in (self.sigmoid, self.loss):
            clear_canvas(canvas)


class WeightsNote:
    """The header's line on which weights are in use."""

    def __init__(self):
        self.note = element("active-weights")

    def show(self, description: str) -> None:
        self.note.textContent = description


class Controls:
    """Which buttons work right now. Drawing and exporting work even while training runs."""

    def __init__(self):
        self.always = [element(t) for t in ("clear", "undo", "sample", "export-weights")]
        self.idle_only = [element(t) for t in ("train", "step", "continue", "reset", "import-weights")]
        self.teach = [element("teach-0"), element("teach-1"), element("flip")]
        self.cancel = element("cancel")
        self.forget = element("clear-examples")
        self.train = element("train")

    def update(self, training: bool, can_teach: bool, has_examples: bool) -> None:
        for button in self.always:
            button.disabled = False
        for button in self.idle_only:
            button.disabled = training
        self.cancel.disabled = not training
        for button in self.teach:
            button.disabled = training or not can_teach
        self.forget.disabled = training or not has_examples


class Form:
    """The hyperparameter fields (written into the page by build.py from config.HYPERPARAMETERS)."""

    def __init__(self):
        self.fields = {h.key: element(h.key) for h in HYPERPARAMETERS}

    def values(self) -> dict[str, str]:
        return {key: field.value for key, field in self.fields.items()}

    def mark_invalid(self, keys) -> None:
        for key, field in self.fields.items():
            if key in keys:
                field.setAttribute("aria-invalid", "true")
            else:
                field.removeAttribute("aria-invalid")


class Words:
    """The pair's digits wherever the page names them: headings, buttons, bars, legends, the table."""

    def show(self, digits: tuple[int, int]) -> None:
        for side, digit in zip("ab", digits):
            for node in document.querySelectorAll(f'[data-name="{side}"]'):
                node.textContent = str(digit)
        for node in document.querySelectorAll("[data-words]"):
            node.textContent = f"a {digits[0]} or a {digits[1]}"


class Counts:
    """Dataset sizes quoted in the page's prose, taken from the data."""

    def show(self, train: int, test: int) -> None:
        for node in document.querySelectorAll('[data-count="train"]'):
            node.textContent = f"{train:,}"
        for node in document.querySelectorAll('[data-count="test"]'):
            node.textContent = f"{test:,}"


class Examples:
    """The user's own digits beside the teach buttons: how many, and each as a removable thumbnail."""

    def __init__(self):
        self.count = element("example-count")
        self.thumbnails = element("your-digits")

    def show(self, examples, digits: tuple[int, int] = (0, 1)) -> None:
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
            remove.setAttribute("aria-label", f"Forget your digit {index + 1} (taught as a {digit})")
            caption = document.createElement("figcaption")
            caption.textContent = f"a {digit}"
            figure.append(canvas, caption, remove)
            self.thumbnails.append(figure)


class Source:
    """Section 8: the Python this page runs."""

    def show(self, text: str) -> None:
        element("source").firstElementChild.textContent = text


class Training:
    """Section 6 while a run goes: progress, curves, weight map; and the record of the last run."""

    CHART_EVERY = 0.2  # seconds: pictures cost ~10 ms, an iteration ~60 ms

    def __init__(self):
        self.progress = element("progress")
        self.weight_map = element("weight-map")
        self.weight_scale = element("weight-scale")
        self.charts = (element("loss-chart"), element("accuracy-chart"))
        self.body = document.body
        self.curves = Curves()
        self.drawn_at = 0.0

    def begin(self) -> None:
        self.body.dataset.training = "true"
        self.curves = Curves()
        self.drawn_at = 0.0

    def show_progress(self, progress: Progress) -> None:
        self.curves.add(progress)
        self.progress.max = progress.iterations
        self.progress.value = progress.iteration
        if progress.done or time.perf_counter() - self.drawn_at >= self.CHART_EVERY:
            self.show_weights(progress.w)
            self.draw_curves()

    def diverged(self, iteration: int, loss: float) -> None:
        self.curves.diverged = (iteration, loss)
        self.draw_curves()

    def draw_curves(self) -> None:
        if self.curves.loss:
            self.drawn_at = time.perf_counter()
            self.curves.draw(*self.charts)

    def show_weights(self, w) -> None:
        rgba, scale = diverging_rgba(w)
        put_pixels(self.weight_map, rgba, 28, 28)
        self.weight_scale.textContent = f"±{scale:.3g}"

    def end(self, how: str, last: Progress | None) -> None:
        """Record what the run did on the progress element (data-runs counts finished runs)."""
        record = self.progress.dataset
        record.runs = str(int(record.runs) + 1)
        record.how = how
        record.iterations = str(last.iteration if last else 0)
        record.elapsedMs = f"{(last.elapsed if last else 0) * 1000:.1f}"
        self.body.dataset.training = "false"


class Curves:
    """Loss (log scale) and accuracy of one run, train and test, over the iterations actually run."""

    def __init__(self):
        self.loss, self.test_loss, self.accuracy, self.test_accuracy = [], [], [], []
        self.diverged: tuple[int, float] | None = None

    def add(self, progress: Progress) -> None:
        self.loss.append(progress.loss)
        self.test_loss.append(progress.test_loss)
        self.accuracy.append(progress.train_accuracy)
        self.test_accuracy.append(progress.test_accuracy)

    def draw(self, loss_chart, accuracy_chart) -> None:
        run = len(self.loss) - 1
        losses = self.loss + self.test_loss + ([self.diverged[1]] if self.diverged else [])
        low, high = max(min(losses) * 0.8, 1e-6), max(max(losses) * 1.25, 1e-5)
        marker = None
        if self.diverged:
            iteration, loss = self.diverged
            marker = {"x": iteration, "y": min(loss, high) if loss == loss else high, "label": "diverged"}
            run = iteration
        self._chart(loss_chart, self.loss, self.test_loss, low, high, run, log=True, marker=marker)
        low = min(min(self.accuracy), min(self.test_accuracy), 0.9)
        self._chart(accuracy_chart, self.accuracy, self.test_accuracy, low, 1, run)
        loss_chart.setAttribute("aria-label", self.summary("Cross-entropy loss", self.loss, self.test_loss, run))
        accuracy_chart.setAttribute("aria-label", self.summary("Accuracy", self.accuracy, self.test_accuracy, run))

    def summary(self, what: str, train: list, test: list, run: int) -> str:
        text = (
            f"{what} over {run} iteration{'' if run == 1 else 's'}: train {train[0]:.4g} to {train[-1]:.4g}, "
            f"test {test[0]:.4g} to {test[-1]:.4g}."
        )
        if self.diverged and what.endswith("loss"):
            text += f" Diverged at iteration {self.diverged[0]} (loss {self.diverged[1]:.4g})."
        return text

    def _chart(self, canvas, train, test, low, high, run, log=False, marker=None) -> None:
        series = [
            {"name": "train", "colour": "--train", "values": train},
            {"name": "test", "colour": "--test", "values": test},
        ]
        title = "loss (log scale)" if log else "accuracy"
        chart = {"series": series, "yMin": low, "yMax": high, "xMax": max(run, 1), "log": log}
        chart |= {"xTitle": "iteration", "yTitle": title, "marker": marker}
        window.digitlab.lineChart(canvas, js_object(chart))


class Quality:
    """Section 7 beyond accuracy: precision, recall and F1 at the threshold; ROC with AUC; calibration with Brier."""

    def __init__(self):
        self.rates, self.auc, self.brier = element("rates"), element("auc"), element("brier")
        self.roc, self.calibration = element("roc-chart"), element("calibration-chart")

    def show(self, quality: TestQuality, threshold: float, digits: tuple[int, int]) -> None:
        rates = quality.rates
        self.rates.textContent = (
            f"precision {rates.precision:.3f}, recall {rates.recall:.3f}, F1 {rates.f1:.3f} "
            f"(calling a {digits[1]} when p({digits[1]}) ≥ {threshold:.2f})"
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


class Judgement:
    """Section 7: test accuracy, confusion matrix and the gallery of mistakes, at a threshold."""

    def __init__(self):
        self.threshold = element("threshold")
        self.threshold_value = element("threshold-value")
        self.accuracy = element("test-accuracy")
        self.cells = {key: element(f"cm-{key}") for key in ("0-0", "0-1", "1-0", "1-1")}
        self.gallery = element("misclassified")
        self.show_all = False

    def chosen_threshold(self) -> float:
        return float(self.threshold.value)

    def show(self, report: TestReport, threshold: float, test_count: int, image_bytes, digits=(0, 1)) -> None:
        self.threshold_value.textContent = f"{threshold:.2f}"
        self.accuracy.dataset.value = repr(report.accuracy)
        right = round(report.accuracy * test_count)
        self.accuracy.textContent = f"{report.accuracy * 100:.2f}% ({right} of {test_count:,})"
        for key, count in report.confusion.items():
            self.cells[key].textContent = str(count)
        self.show_mistakes(report.mistakes, image_bytes, digits)

    def show_mistakes(self, mistakes: list[tuple[int, int, float]], image_bytes, digits=(0, 1)) -> None:
        """The first GALLERY_FIRST mistakes (all of them once asked), each a button that puts it on the pad."""
        self.gallery.replaceChildren()
        self.gallery.dataset.count = str(len(mistakes))
        if not mistakes:
            self.gallery.textContent = "None: every test digit is read right at this threshold."
        shown = mistakes if self.show_all else mistakes[:GALLERY_FIRST]
        for index, label, p1 in shown:
            label = digits[label]
            figure = document.createElement("figure")
            figure.dataset.index = str(index)
            button = document.createElement("button")
            button.type = "button"
            button.className = "mistake"
            button.setAttribute("aria-label", f"Test image {index}, a {label}, p({digits[1]}) = {p1:.3f}: on the pad")
            canvas = document.createElement("canvas")
            put_pixels(canvas, ink_rgba(image_bytes(index)), 28, 28)
            button.append(canvas)
            caption = document.createElement("figcaption")
            caption.textContent = f"is {label}, p({digits[1]})={p1:.3f}"
            figure.append(button, caption)
            self.gallery.append(figure)
        if len(shown) < len(mistakes):
            more = document.createElement("button")
            more.type = "button"
            more.dataset.testid = "show-all-mistakes"
            more.textContent = f"Show all {len(mistakes)}"
            self.gallery.append(more)
