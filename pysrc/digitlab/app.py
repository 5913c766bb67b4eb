"""The page: DOM events in, pictures and numbers out. The only module that imports pyscript.

Everything it shows comes from lab.Lab; this file only reads inputs and writes the DOM.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import random
import time

import js
from pyodide.ffi import JsException, create_proxy, to_js
from pyscript import document, window

from . import model
from .data import decode_bundle
from .lab import TEACH_CONFIG, ConfigError, Lab, Reading, describe, examples_from_json, examples_to_json, parse_config
from .model import Progress, TrainingDiverged
from .preprocess import NotADigit
from .render import diverging_rgba, gray_rgba, ink_rgba
from .weights import MAX_BYTES, Weights, WeightsError, load_weights, weights_from_json

HEARTBEAT = 0.03  # seconds of mini-batch work between two chances for the page to paint
SAVED_WEIGHTS = "digitlab.weights"
SAVED_EXAMPLES = "digitlab.examples"
SOURCE_SHOWN = (model.log1pexp, model.evaluate_logits, model.LogisticLoss, model.gradient_step, model.train)


def element(testid: str):
    return document.querySelector(f'[data-testid="{testid}"]')


def js_bytes(data: bytes):
    array = js.Uint8Array.new(len(data))
    array.assign(data)
    return array


def js_object(value):
    return to_js(value, dict_converter=js.Object.fromEntries)


class Storage:
    """localStorage that may be missing (private mode), full, or hold garbage: never raises."""

    def get(self, key: str) -> str | None:
        try:
            return window.localStorage.getItem(key)
        except JsException:
            return None

    def set(self, key: str, value: str) -> str | None:
        """Store; return a message if the browser refused."""
        try:
            window.localStorage.setItem(key, value)
        except JsException as exc:
            return f"this browser would not save it ({exc}); it stays in use until you reload"
        return None

    def remove(self, key: str) -> None:
        with contextlib.suppress(JsException):
            window.localStorage.removeItem(key)


class Page:
    def __init__(self, lab: Lab):
        self.lab = lab
        self.storage = Storage()
        self.ui = window.digitlab
        self.pad = element("pad")
        self.pad_context = self.pad.getContext("2d", js_object({"willReadFrequently": True}))
        self.reading: Reading | None = None
        self.pending_sample: tuple[int, int] | None = None
        self.training = False
        self.cancel_requested = False
        self.rng = random.Random()
        self.proxies = []

    # ---- wiring
    def on(self, testid: str, event: str, handler) -> None:
        proxy = create_proxy(handler)
        self.proxies.append(proxy)  # kept alive for the page's lifetime
        element(testid).addEventListener(event, proxy)

    def bind(self) -> None:
        self.on("pad", "stroke-end", self.on_stroke_end)
        self.on("clear", "click", lambda _: self.ui.pad.clear())
        self.on("undo", "click", lambda _: self.ui.pad.undo())
        self.on("sample", "click", self.on_sample)
        self.on("teach-0", "click", lambda _: self.start(self.teach(0)))
        self.on("teach-1", "click", lambda _: self.start(self.teach(1)))
        self.on("clear-examples", "click", self.on_clear_examples)
        self.on("train", "click", lambda _: self.start(self.train()))
        self.on("cancel", "click", self.on_cancel)
        self.on("reset", "click", self.on_reset)
        self.on("threshold", "input", lambda _: self.show_judgement())
        self.on("export-weights", "click", self.on_export)
        self.on("import-weights", "change", lambda event: self.start(self.import_weights(event)))
        for testid in ("lr", "iterations", "batch-size", "l2", "seed"):
            self.on(testid, "input", lambda event: event.target.removeAttribute("aria-invalid"))
        self.on("params", "submit", lambda event: event.preventDefault())

    def start(self, coroutine) -> None:
        asyncio.ensure_future(coroutine)

    def set_buttons(self) -> None:
        busy = self.training
        for testid in ("clear", "undo", "sample", "export-weights"):
            element(testid).disabled = False  # drawing and exporting work even while training runs
        for testid in ("train", "reset", "import-weights"):
            element(testid).disabled = busy
        element("cancel").disabled = not busy
        for testid in ("teach-0", "teach-1"):
            element(testid).disabled = busy or self.reading is None
        element("clear-examples").disabled = busy or not self.lab.examples

    # ---- messages
    def show_error(self, message: str) -> None:
        error = element("error")
        error.textContent = message
        error.hidden = False

    def clear_error(self) -> None:
        element("error").hidden = True
        element("error").textContent = ""

    def set_status(self, message: str) -> None:
        element("train-status").textContent = message

    # ---- reading a drawing
    def on_stroke_end(self, _event) -> None:
        """The drawing changed: a pen stroke, Clear, Undo, or a sample put on the pad (then label it)."""
        sample, self.pending_sample = self.pending_sample, None
        label = element("sample-label")
        label.hidden = sample is None
        if sample:
            label.textContent = f"Test image #{sample[0]}: its true label is {sample[1]}."
            label.dataset.label = str(sample[1])
        self.read_pad()
        window.performance.mark("verdict")
        window.performance.measure("stroke-to-verdict", "stroke-end", "verdict")

    def read_pad(self) -> None:
        """Verdict on what the pad shows, with the weights in use."""
        rgba = self.pad_context.getImageData(0, 0, self.pad.width, self.pad.height).data.to_bytes()
        window.performance.mark("read-start")
        try:
            self.reading = self.lab.read(rgba, self.pad.width, self.pad.height)
            window.performance.measure("preprocess-and-predict", "read-start")
        except NotADigit as exc:
            self.reading = None
            self.show_no_digit(str(exc))
        else:
            self.show_reading(self.reading)
        self.set_buttons()

    def show_no_digit(self, message: str) -> None:
        verdict = element("prediction")
        verdict.dataset.digit = ""
        verdict.dataset.p1 = ""
        element("digit").textContent = "?"
        element("message").textContent = message
        for k in ("0", "1"):
            element(f"bar-{k}").style.width = "0%"
            element(f"p{k}").textContent = "–"
        for testid in ("stage-crop", "stage-scaled", "model-input", "contributions"):
            canvas = element(testid)
            canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height)
        element("equation").textContent = "Draw something to see the sum."

    def show_reading(self, reading: Reading) -> None:
        p1, stages = reading.p1, reading.stages
        verdict = element("prediction")
        verdict.dataset.digit = str(reading.digit)
        verdict.dataset.p1 = repr(p1)
        element("digit").textContent = str(reading.digit)
        sure = max(p1, 1 - p1)
        words = "sure" if sure >= 0.99 else "fairly sure" if sure >= 0.8 else "unsure"
        element("message").textContent = f"It reads a {reading.digit}, {words}: p({reading.digit}) = {sure:.3f}."
        element("bar-0").style.width = f"{(1 - p1) * 100:.1f}%"
        element("bar-1").style.width = f"{p1 * 100:.1f}%"
        element("p0").textContent = f"{1 - p1:.3f}"
        element("p1").textContent = f"{p1:.3f}"
        # The crop is the pad's own pixels: let the canvas copy them rather than convert ~40k in Python.
        left, top, right, bottom = stages.box
        self.ui.copyRegion(self.pad, element("stage-crop"), left, top, right - left, bottom - top)
        self.put("stage-scaled", gray_rgba(stages.scaled), *stages.scaled_size)
        self.put("model-input", gray_rgba(stages.image), 28, 28)
        rgba, scale = diverging_rgba(reading.contributions)
        self.put("contributions", rgba, 28, 28)
        element("contribution-scale").textContent = f"±{scale:.3g}"
        inked = reading.z - reading.bias
        element("equation").textContent = (
            f"z = {reading.bias:+.2f} (bias) {inked:+.2f} (sum of the {sum(1 for x in stages.image if x)} "
            f"inked pixels' w×x) = {reading.z:.2f};  p(1) = σ(z) = 1/(1+e^−z) = {p1:.4f}"
        )

    def put(self, testid: str, rgba: bytes, width: int, height: int) -> None:
        self.ui.putPixels(element(testid), js_bytes(rgba), width, height)

    def on_sample(self, _event) -> None:
        index, label, pixels = self.lab.sample(self.rng)
        self.pending_sample = (index, label)
        self.ui.pad.showDigit(js_bytes(pixels))

    # ---- the weights in use
    def weights_changed(self) -> None:
        """New weights are in use: keep them for the next visit and redraw everything that depends on them."""
        weights = self.lab.weights
        if weights is self.lab.shipped:
            self.storage.remove(SAVED_WEIGHTS)
        else:
            refused = self.storage.set(SAVED_WEIGHTS, weights.to_json())
            if refused:
                self.show_error(f"Could not keep the weights for next time: {refused}")
        element("active-weights").textContent = describe(weights, weights is self.lab.shipped)
        self.show_weight_map(weights.w)
        self.show_judgement()
        self.read_pad()

    def show_weight_map(self, w) -> None:
        rgba, scale = diverging_rgba(w)
        self.put("weight-map", rgba, 28, 28)
        element("weight-scale").textContent = f"±{scale:.3g}"

    def show_judgement(self) -> None:
        threshold = float(element("threshold").value)
        element("threshold-value").textContent = f"{threshold:.2f}"
        report = self.lab.test_report(threshold)
        accuracy = element("test-accuracy")
        accuracy.dataset.value = repr(report.accuracy)
        accuracy.textContent = f"{report.accuracy * 100:.2f}% ({round(report.accuracy * self.lab.test_set.n)} of 425)"
        for key, count in report.confusion.items():
            element(f"cm-{key}").textContent = str(count)
        gallery = element("misclassified")
        gallery.replaceChildren()
        gallery.dataset.count = str(len(report.mistakes))
        if not report.mistakes:
            gallery.textContent = "None: every test digit is read right at this threshold."
        for index, p1 in report.mistakes:
            figure = document.createElement("figure")
            figure.dataset.index = str(index)
            canvas = document.createElement("canvas")
            pixels = self.lab.bundle.test.image_bytes(index)
            self.ui.putPixels(canvas, js_bytes(ink_rgba(pixels)), 28, 28)
            caption = document.createElement("figcaption")
            caption.textContent = f"is {self.lab.bundle.test.labels[index]}, p(1)={p1:.2f}"
            figure.append(canvas, caption)
            gallery.append(figure)

    def on_reset(self, _event) -> None:
        if self.training:
            return
        self.clear_error()
        self.lab.reset()
        self.set_status("Back to the shipped weights.")
        self.weights_changed()

    def on_export(self, _event) -> None:
        blob = js.Blob.new([self.lab.weights.to_json()], js_object({"type": "application/json"}))
        url = js.URL.createObjectURL(blob)
        link = document.createElement("a")
        link.href = url
        link.download = "digitlab-weights.json"
        document.body.append(link)
        link.click()
        link.remove()
        js.setTimeout(create_proxy(lambda: js.URL.revokeObjectURL(url)), 1000)

    async def import_weights(self, event) -> None:
        files = event.target.files
        if not files.length or self.training:
            return
        file = files.item(0)
        event.target.value = ""  # the same file can be chosen again after a fix
        try:
            if file.size > MAX_BYTES:
                raise WeightsError(f"file is {file.size:,} bytes; a weights file is under {MAX_BYTES:,}")
            weights = weights_from_json((await file.arrayBuffer()).to_bytes())
        except WeightsError as exc:
            self.show_error(f"Could not import {file.name}: {exc}. The weights in use did not change.")
            return
        self.clear_error()
        weights.meta.setdefault("imported_from", file.name)
        self.lab.use(weights)
        self.set_status(f"Imported weights from {file.name}.")
        self.weights_changed()

    # ---- training and teaching
    def on_cancel(self, _event) -> None:
        if self.training:
            self.cancel_requested = True

    async def train(self) -> None:
        if self.training:
            return
        form = {k: element(k).value for k in ("lr", "iterations", "batch-size", "l2", "seed")}
        for key in form:
            element(key).removeAttribute("aria-invalid")
        try:
            config = parse_config(form)
        except ConfigError as exc:
            for key in exc.fields:
                element(key).setAttribute("aria-invalid", "true")
            self.show_error(f"Cannot train: {exc}")
            return
        self.set_status("Preparing the data…")
        await self.run(lambda: self.lab.training_run(config, heartbeat=HEARTBEAT), config, "browser")

    async def teach(self, label: int) -> None:
        if self.training or self.reading is None:
            return
        try:
            self.lab.add_example(self.reading.stages.image, label)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.save_examples()
        self.set_status(f"Learning your {label}…")
        await self.run(self.lab.teaching_run, TEACH_CONFIG, "taught")

    def save_examples(self) -> None:
        element("example-count").textContent = str(len(self.lab.examples))
        refused = self.storage.set(SAVED_EXAMPLES, examples_to_json(self.lab.examples))
        if refused:
            self.show_error(f"Could not keep your digits for next time: {refused}")
        self.set_buttons()

    def on_clear_examples(self, _event) -> None:
        if self.training:
            return
        self.lab.examples = []
        self.storage.remove(SAVED_EXAMPLES)
        element("example-count").textContent = "0"
        self.set_status("Your digits are forgotten (the weights in use keep what they learned).")
        self.set_buttons()

    async def run(self, make_run, config, how: str) -> None:
        """Drive a training generator, one iteration per browser frame, with cancel and rollback."""
        self.training, self.cancel_requested = True, False
        document.body.dataset.training = "true"
        self.clear_error()
        self.set_buttons()
        previous, last, history = self.lab.weights, None, History()
        progress_bar = element("progress")
        await asyncio.sleep(0)  # paint the "training" state before the first iteration
        try:
            for progress in make_run():
                if progress is None:  # mid-epoch heartbeat: let the page paint, take input, cancel
                    await asyncio.sleep(0)
                    if self.cancel_requested:
                        break
                    continue
                last = progress
                history.add(last)
                progress_bar.max = last.iterations
                progress_bar.value = last.iteration
                self.set_status(
                    f"Iteration {last.iteration} of {last.iterations}, {last.elapsed:.2f} s: "
                    f"loss {last.loss:.4f}, test accuracy {last.test_accuracy * 100:.2f}%"
                )
                # Pictures at most every 200 ms (and at the end): they cost ~10 ms, an iteration ~60 ms.
                if last.done or time.perf_counter() - history.drawn_at >= 0.2:
                    self.show_weight_map(last.w)
                    history.draw(self.ui)
                await asyncio.sleep(0)  # let the page paint and take input
                if self.cancel_requested:
                    break
        except TrainingDiverged as exc:
            self.lab.use(previous)
            self.show_error(f"{exc}. Training stopped; the previous weights are back in use.")
            self.set_status("Diverged: previous weights restored.")
            self.show_weight_map(previous.w)
        else:
            if last is not None:
                history.draw(self.ui)
            if self.cancel_requested and (last is None or last.iteration == 0):
                self.set_status("Cancelled before the first step: the weights in use did not change.")
            else:
                self.lab.adopt(last, config, how)
                done = f"{last.iteration} of {last.iterations} iterations in {last.elapsed:.2f} s"
                if self.cancel_requested:
                    self.set_status(f"Cancelled: using the weights after {done}.")
                elif how == "taught":
                    right = self.lab.examples_right(last.w, last.b)
                    self.set_status(
                        f"Learned from your digits in {last.iteration} step{'' if last.iteration == 1 else 's'}"
                        + ("" if right else " (some of them are still read wrong)")
                        + f"; test accuracy {last.test_accuracy * 100:.2f}%."
                    )
                else:
                    self.set_status(f"Trained: {done}; test accuracy {last.test_accuracy * 100:.2f}%.")
                self.weights_changed()
        finally:
            self.training = False
            document.body.dataset.training = "false"
            # For tests and benchmarks: what the run did, in numbers.
            window.digitlab.lastRun = js_object(
                {
                    "how": how,
                    "elapsed": last.elapsed if last else 0,
                    "iterations": last.iteration if last else 0,
                    "loss": history.loss,
                    "testAccuracy": history.test_accuracy,
                }
            )
            self.set_buttons()

    # ---- start-up
    def restore(self) -> None:
        """Weights and digits kept from an earlier visit; anything unreadable is dropped with a note."""
        saved = self.storage.get(SAVED_WEIGHTS)
        if saved:
            try:
                self.lab.use(weights_from_json(saved))
            except WeightsError as exc:
                self.storage.remove(SAVED_WEIGHTS)
                self.show_error(f"Saved weights in this browser were unreadable ({exc}); using the shipped ones.")
        saved = self.storage.get(SAVED_EXAMPLES)
        if saved:
            try:
                self.lab.examples = examples_from_json(saved)
            except ValueError as exc:
                self.storage.remove(SAVED_EXAMPLES)
                self.show_error(f"Your saved digits were unreadable ({exc}); they were dropped.")
        element("example-count").textContent = str(len(self.lab.examples))

    def show_source(self) -> None:
        parts = [f"# {model.__file__}\n"] + [inspect.getsource(obj) for obj in SOURCE_SHOWN]
        element("source").firstElementChild.textContent = "\n\n".join(parts)


class History:
    """Curves of one run, redrawn after every iteration."""

    def __init__(self):
        self.loss, self.test_loss, self.accuracy, self.test_accuracy = [], [], [], []
        self.iterations = 1
        self.drawn_at = 0.0

    def add(self, progress: Progress) -> None:
        self.iterations = progress.iterations
        self.loss.append(progress.loss)
        self.test_loss.append(progress.test_loss)
        self.accuracy.append(progress.train_accuracy)
        self.test_accuracy.append(progress.test_accuracy)

    def draw(self, ui) -> None:
        self.drawn_at = time.perf_counter()
        top = max(max(self.loss), max(self.test_loss), 0.1)
        self._chart(ui, "loss-chart", self.loss, self.test_loss, 0, top)
        low = min(min(self.accuracy), min(self.test_accuracy), 0.9)
        self._chart(ui, "accuracy-chart", self.accuracy, self.test_accuracy, low, 1)

    def _chart(self, ui, testid: str, train: list, test: list, low: float, high: float) -> None:
        series = [
            {"name": "train", "color": "#2563eb", "values": train},
            {"name": "test", "color": "#d6600a", "values": test},
        ]
        chart = {"series": series, "yMin": low, "yMax": high, "xMax": self.iterations}
        ui.lineChart(element(testid), js_object(chart))


async def start() -> None:
    status = document.getElementById("boot-status")
    status.textContent = "Loading the weights and the data…"
    with open("data/mnist01.bin", "rb") as handle:
        bundle = decode_bundle(handle.read())
    page = Page(Lab(bundle, load_weights("weights.json")))
    page.restore()
    page.bind()
    page.set_buttons()
    element("active-weights").textContent = describe(page.lab.weights, page.lab.weights is page.lab.shipped)
    page.show_no_digit("Draw a 0 or a 1 in the box.")
    document.body.dataset.ready = "true"
    status.textContent = "Ready: draw a digit."
    await asyncio.sleep(0)  # the page is usable now; the rest can follow
    page.show_weight_map(page.lab.weights.w)
    page.show_judgement()
    page.show_source()
    window.digitlab.benchPipeline = create_proxy(bench_pipeline)


def bench_pipeline() -> dict:
    """For `build.py bench`: compressed bytes to a model at 99.5% test accuracy, timed in this page."""
    started = time.perf_counter()
    with open("data/mnist01.bin", "rb") as handle:
        lab = Lab(decode_bundle(handle.read()), Weights([0.0] * 784, 0.0))
    decoded = time.perf_counter()
    iterations = 0
    for progress in lab.training_run(model.TrainConfig(iterations=100)):
        iterations = progress.iteration
        if progress.test_accuracy >= 0.995:
            break
    done = time.perf_counter()
    return js_object({"ms": (done - started) * 1000, "decode_ms": (decoded - started) * 1000, "iterations": iterations})
