"""Handlers for what is on the pad and how it is read: a stroke, a test image, the gallery of mistakes, Flip it,
the digit compared with, the threshold and the attribution panel."""

from __future__ import annotations

import random

from ..choice import Refusal
from ..preprocess import NotADigit, mnist_stages, preprocess_rgba
from ..session import INPUT, Changes, Input
from .controller import Controller
from .dom import window


class Reading:
    def __init__(self, page: Controller):
        self.page = page
        self.rng = random.Random()

    def on_pad(self, event) -> None:
        """The drawing changed: a pen stroke, Clear, Undo, or a test image put on the pad (read as it is)."""
        window.performance.mark("read-start")
        page, detail = self.page, event.detail
        if detail.sample:
            source = Input(mnist_stages(detail.pixels.to_bytes()), (detail.index, detail.label))
        else:
            try:
                source = Input(preprocess_rgba(*page.views.pad.pixels(), page.session.lab.words))
            except NotADigit as exc:
                source = str(exc)
        page.apply(page.session.read(source))
        window.performance.measure("preprocess-and-predict", "read-start")
        window.performance.mark("verdict")
        window.performance.measure("stroke-to-verdict", "stroke-end", "verdict")

    def put_sample(self, _event=None) -> None:
        """*Real MNIST digit*: a random test image of the model in use on the pad."""
        self.put_test_image(self.page.session.lab.sample(self.rng)[0])

    def put_test_image(self, index: int) -> None:
        session = self.page.session
        test = session.lab.bundle.test
        self.page.views.pad.show_test_image(test.image_bytes(index), index, session.digits[test.labels[index]])

    def on_gallery(self, event) -> None:
        """A misread test digit was clicked: put it on the pad; or 'show all' was."""
        page = self.page
        if event.target.closest('[data-testid="show-all-mistakes"]'):
            page.apply(page.session.show_all_mistakes())
        elif figure := event.target.closest("figure"):
            self.put_test_image(int(figure.dataset.index))
            page.views.pad.bring_into_view()
            page.apply(page.session.saw("mistake"))

    def flip(self, _event=None) -> None:
        done = self.page.session.flip()  # toward the digit compared with
        if isinstance(done, Refusal):
            self.page.views.flip.say(done.why)
        else:
            self.page.apply(done)

    def unflip(self, _event=None) -> None:
        self.page.apply(self.page.session.unflip())

    def toggle_attribution(self, event) -> None:
        self.page.apply(self.page.session.attribute(bool(event.target.open)))

    def compare(self, _event=None) -> None:
        """The digit the verdict is compared with (and flipped toward) was chosen."""
        page = self.page
        page.messages.clear_error()
        done = page.session.compare_to(page.views.teach_picker.compared())
        if isinstance(done, Refusal):
            page.apply(Changes({INPUT}))  # the picker names the digit compared with again
            page.messages.show_error(done.why, "why")
        else:
            page.apply(done)

    def judge_at(self, _event=None) -> None:
        self.page.apply(self.page.session.judge_at(self.page.views.judgement.chosen_threshold()))
