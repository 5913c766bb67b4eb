"""The controller: page events in, Lab verbs, views out. What the page remembers lives here and in the Lab."""

from __future__ import annotations

import random

from pyodide.ffi import create_proxy

from ..lab import Lab, describe
from ..preprocess import NotADigit
from ..weights import MAX_BYTES, WeightsError, digits_of, weights_from_json
from . import views
from .dom import download, element, js_bytes, js_object, window
from .keeping import Keeper


class Controller:
    def __init__(self, lab: Lab):
        self.lab = lab
        self.keeper = Keeper()
        self.pad = element("pad")
        self.pad_context = self.pad.getContext("2d", js_object({"willReadFrequently": True}))
        self.messages = views.Messages()
        self.verdict, self.sample_label = views.Verdict(), views.Sample()
        self.eyes, self.why = views.Eyes(self.pad), views.Why()
        self.note, self.controls, self.examples = views.WeightsNote(), views.Controls(), views.Examples()
        self.judgement, self.quality, self.sigmoid = views.Judgement(), views.Quality(), views.Sigmoid()
        self.training_view = views.Training()
        self.reading = None
        self.training = False
        self.rng = random.Random()
        self._proxies = []

    def on(self, target, event: str, handler) -> None:
        """Call `handler` on `event` of the element with that data-testid (or of `target` itself)."""
        proxy = create_proxy(handler)
        self._proxies.append(proxy)  # kept alive for the page's lifetime
        (element(target) if isinstance(target, str) else target).addEventListener(event, proxy)

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
            self.sigmoid.clear()
        else:
            self.verdict.show(self.reading)
            self.eyes.show(self.reading.stages)
            self.why.show(self.reading)
            self.sigmoid.show(self.reading.z, self.reading.p1, self.lab.digits)
        self.refresh_controls()

    def on_sample(self, _event) -> None:
        self.put_on_pad(self.lab.sample(self.rng)[0])

    def on_gallery(self, event) -> None:
        """A misread test digit was clicked: put it on the pad; or 'show all' was."""
        if event.target.closest('[data-testid="show-all-mistakes"]'):
            self.judgement.show_all = True
            self.show_judgement()
        elif figure := event.target.closest("figure"):
            self.put_on_pad(int(figure.dataset.index))
            self.pad.scrollIntoView(js_object({"block": "nearest"}))

    def put_on_pad(self, index: int) -> None:
        test = self.lab.bundle.test
        sample = js_object({"index": index, "label": self.lab.digits[test.labels[index]]})
        window.digitlab.pad.showDigit(js_bytes(test.image_bytes(index)), sample)

    # ---- the weights in use
    def weights_changed(self) -> None:
        """New weights are in use: show them everywhere, then keep them for the next visit."""
        self.show_weights()
        self.read_pad()
        if refused := self.keeper.save_weights(self.lab.weights, self.lab.weights is self.lab.shipped):
            self.messages.show_error(f"Could not keep the weights for next time: {refused}.", near="keep")

    def show_weights(self) -> None:
        shipped = self.lab.weights is self.lab.shipped
        self.judgement.show_all = False  # new weights, new mistakes: back to the first few
        self.note.show(describe(self.lab.weights, shipped, self.lab.test_report().accuracy))
        self.training_view.show_weights(self.lab.weights.w)
        self.show_judgement()

    def show_judgement(self, _event=None) -> None:
        threshold = self.judgement.chosen_threshold()
        report = self.lab.test_report(threshold)
        test = self.lab.bundle.test
        self.judgement.show(report, threshold, test.n, test.image_bytes, self.lab.digits)
        self.quality.show(self.lab.test_quality(threshold), threshold, self.lab.digits)

    def on_reset(self, _event) -> None:
        if self.training:
            return
        self.messages.clear_error()
        self.lab.reset()
        self.show_weights()
        self.read_pad()
        if refused := self.keeper.save_weights(self.lab.shipped, shipped=True):
            self.messages.show_error(f"Back to the shipped weights for now, but {refused}.", near="lab")
        else:
            self.messages.set_status("Back to the shipped weights.")

    def on_export(self, _event) -> None:
        download("digitlab-weights.json", self.lab.weights.to_json())

    async def import_weights(self, event) -> None:
        files = event.target.files
        if not files.length:
            return
        file = files.item(0)
        event.target.value = ""  # the same file can be chosen again after a fix
        try:
            if file.size > MAX_BYTES:
                raise WeightsError(f"{file.size:,} bytes; weights are under {MAX_BYTES:,}")
            weights = weights_from_json((await file.arrayBuffer()).to_bytes())
        except WeightsError as exc:
            self.messages.show_error(f"Could not import {file.name}: {exc}. The weights in use did not change.", "keep")
            return
        if (made_for := digits_of(weights)) != self.lab.digits:
            self.messages.show_error(
                f"Could not import {file.name}: it reads {made_for[0]} versus {made_for[1]}, and this page reads "
                f"{self.lab.digits[0]} versus {self.lab.digits[1]}: choose that pair above first. "
                "The weights in use did not change.",
                "keep",
            )
            return
        if self.training:  # Train was pressed meanwhile (even in the same tick): the run owns the weights now
            self.messages.show_error(
                f"Did not import {file.name}: training started meanwhile. Import it again.", "keep"
            )
            return
        self.messages.clear_error()
        weights.meta["imported_from"] = file.name[:200]  # what the page saw, not what the file claims
        self.lab.use(weights)
        ignored = f" Ignored: {', '.join(weights.ignored)}." if weights.ignored else ""
        self.messages.set_status(f"Imported weights from {file.name}.{ignored}", near="keep")
        self.weights_changed()
