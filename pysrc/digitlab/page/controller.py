"""The controller: page events in, Lab verbs, views out. What the page remembers lives here and in the Lab."""

from __future__ import annotations

import random

from pyodide.ffi import create_proxy
from pyscript import window

from ..lab import Lab, describe, examples_from_json, examples_to_json
from ..preprocess import NotADigit
from ..weights import MAX_BYTES, WeightsError, weights_from_json
from . import views
from .dom import Storage, download, element, js_bytes, js_object

SAVED_WEIGHTS = "digitlab.weights"
SAVED_EXAMPLES = "digitlab.examples"


class Controller:
    def __init__(self, lab: Lab):
        self.lab = lab
        self.storage = Storage()
        self.pad = element("pad")
        self.pad_context = self.pad.getContext("2d", js_object({"willReadFrequently": True}))
        self.messages = views.Messages()
        self.verdict, self.sample_label = views.Verdict(), views.Sample()
        self.eyes, self.why = views.Eyes(self.pad), views.Why()
        self.note, self.controls, self.examples = views.WeightsNote(), views.Controls(), views.Examples()
        self.judgement = views.Judgement()
        self.training_view = views.Training()
        self.reading = None
        self.training = False
        self.rng = random.Random()
        self._proxies = []

    def on(self, testid: str, event: str, handler) -> None:
        proxy = create_proxy(handler)
        self._proxies.append(proxy)  # kept alive for the page's lifetime
        element(testid).addEventListener(event, proxy)

    def refresh_controls(self) -> None:
        self.controls.update(self.training, self.reading is not None, bool(self.lab.examples))

    # ---- reading a drawing
    def on_stroke_end(self, event) -> None:
        """The drawing changed: a pen stroke, Clear, Undo, or a real MNIST digit put on the pad."""
        sample = event.detail
        if sample.sample:
            self.sample_label.show(sample.index, sample.label)
        else:
            self.sample_label.hide()
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
            self.verdict.show_nothing(str(exc))
            self.eyes.clear()
            self.why.clear()
        else:
            self.verdict.show(self.reading)
            self.eyes.show(self.reading.stages)
            self.why.show(self.reading)
        self.refresh_controls()

    def on_sample(self, _event) -> None:
        index, label, pixels = self.lab.sample(self.rng)
        window.digitlab.pad.showDigit(js_bytes(pixels), js_object({"index": index, "label": label}))

    # ---- the weights in use
    def weights_changed(self) -> None:
        """New weights are in use: keep them for the next visit and redraw everything that depends on them."""
        weights = self.lab.weights
        if weights is self.lab.shipped:
            self.storage.remove(SAVED_WEIGHTS)
        elif refused := self.storage.set(SAVED_WEIGHTS, weights.to_json()):
            self.messages.show_error(f"Could not keep the weights for next time: {refused}")
        self.show_weights()
        self.read_pad()

    def show_weights(self) -> None:
        self.note.show(describe(self.lab.weights, self.lab.weights is self.lab.shipped))
        self.training_view.show_weights(self.lab.weights.w)
        self.show_judgement()

    def show_judgement(self, _event=None) -> None:
        threshold = self.judgement.chosen_threshold()
        report = self.lab.test_report(threshold)
        self.judgement.show(report, threshold, self.lab.test_set.n, self.lab.bundle.test.image_bytes)

    def on_reset(self, _event) -> None:
        if self.training:
            return
        self.messages.clear_error()
        self.lab.reset()
        self.messages.set_status("Back to the shipped weights.")
        self.weights_changed()

    def on_export(self, _event) -> None:
        download("digitlab-weights.json", self.lab.weights.to_json())

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
            self.messages.show_error(f"Could not import {file.name}: {exc}. The weights in use did not change.")
            return
        self.messages.clear_error()
        weights.meta.setdefault("imported_from", file.name)
        self.lab.use(weights)
        self.messages.set_status(f"Imported weights from {file.name}.")
        self.weights_changed()

    # ---- start-up
    def restore(self) -> None:
        """Weights and digits kept from an earlier visit; anything unreadable is dropped with a note."""
        saved = self.storage.get(SAVED_WEIGHTS)
        if saved:
            try:
                self.lab.use(weights_from_json(saved))
            except WeightsError as exc:
                self.storage.remove(SAVED_WEIGHTS)
                self.messages.show_error(f"Saved weights in this browser were unreadable ({exc}); using the shipped.")
        saved = self.storage.get(SAVED_EXAMPLES)
        if saved:
            try:
                self.lab.examples = examples_from_json(saved)
            except ValueError as exc:
                self.storage.remove(SAVED_EXAMPLES)
                self.messages.show_error(f"Your saved digits were unreadable ({exc}); they were dropped.")
        self.examples.show(len(self.lab.examples))

    def save_examples(self) -> None:
        self.examples.show(len(self.lab.examples))
        if refused := self.storage.set(SAVED_EXAMPLES, examples_to_json(self.lab.examples)):
            self.messages.show_error(f"Could not keep your digits for next time: {refused}")
        self.refresh_controls()

    def on_clear_examples(self, _event) -> None:
        if self.training:
            return
        self.lab.examples = []
        self.storage.remove(SAVED_EXAMPLES)
        self.examples.show(0)
        self.messages.set_status("Your digits are forgotten (the weights in use keep what they learned).")
        self.refresh_controls()
