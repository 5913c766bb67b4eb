"""Section 4's question 'what would change its mind?': the exact smallest flip, shown and applied."""

from __future__ import annotations

from dataclasses import replace

from ..flip import smallest_flip
from ..render import ghost_rgba, ink_rgba
from .controller import Controller
from .dom import document, element
from .views import put_pixels


class Flipper:
    def __init__(self, page: Controller, teachers: Teachers):
        self.page = page
        self.teachers = teachers  # told about the changed input, so its sum matches the verdict shown
        self.figure, self.ghost, self.size = element("flip-figure"), element("flip-ghost"), element("flip-size")

    def on_flip(self, _event) -> None:
        page = self.page
        if page.reading is None:
            return
        weights, stages = page.lab.weights, page.reading.stages
        flip = smallest_flip(weights.w, weights.b, stages.image)
        if flip is None:
            self.say("No change that keeps every pixel between 0 and 1 moves the score that far.", "")
            return
        flipped = page.lab.explain(replace(stages, image=flip.x))
        page.verdict.show(flipped)
        page.why.show(flipped)
        page.sigmoid.show(flipped.z, flipped.p1, flipped.digits)
        self.teachers.shown = flipped
        self.teachers.refresh()
        put_pixels(self.ghost, ghost_rgba(flip.x, flip.delta), 28, 28)
        self.figure.hidden = False
        before = page.reading.digit
        self.say(
            f"Moving Σ|Δx| = {flip.size:.3f} of ink over {flip.pixels} pixels turns the {before} into a "
            f"{flipped.digit} (z = {flipped.z:.3f}); no smaller change does.",
            repr(flip.size),
        )

    def say(self, text: str, value: str) -> None:
        self.size.textContent = text
        self.size.dataset.value = value
        self.size.hidden = False

    def reset(self) -> None:
        """A new drawing: the old flip no longer applies."""
        self.teachers.shown = None
        self.figure.hidden = True
        self.size.hidden = True
        self.size.dataset.value = ""


class Teachers:
    """'Which training images taught it this?': computed only while its panel is open (it costs a forward pass)."""

    def __init__(self, page: Controller):
        self.page = page
        self.panel, self.root = element("attribution-panel"), element("attribution")
        self.note, self.check = element("attribution-note"), element("attribution-check")
        self.sides = {side: self.root.querySelector(f'.gallery[data-side="{side}"]') for side in "ab"}
        self.shown = None  # a flipped reading on display instead of the drawing's, until the next stroke

    def refresh(self, _event=None) -> None:
        """Explain the verdict on display (the drawing's, or a flip's) if the panel is open."""
        page = self.page
        reading = self.shown or page.reading
        if not self.panel.open:
            return
        for gallery in self.sides.values():
            gallery.replaceChildren()
        self.root.dataset.total = ""
        self.check.textContent = ""
        if reading is None:
            self.note.textContent = "Draw something to see which training images pull it which way."
            return
        found = page.lab.attribution(reading.stages.image)
        if isinstance(found, str):
            self.note.textContent = found
            return
        self.note.textContent = ""
        for side, toward_larger in (("b", True), ("a", False)):
            for row, contribution in found.strongest(toward_larger):
                self.sides[side].append(self.figure(row, contribution))
        total, n = found.total, len(found.contributions)
        self.root.dataset.total = repr(total)
        self.check.textContent = (
            f"b + the sum of all {n:,} contributions = {found.bias:+.4f} {total - found.bias:+.4f} = {total:.4f} = z"
        )

    def figure(self, row: int, contribution: float):
        pixels, digit = self.page.lab.row_image(row)
        figure = document.createElement("figure")
        canvas = document.createElement("canvas")
        put_pixels(canvas, ink_rgba(pixels), 28, 28)
        caption = document.createElement("figcaption")
        caption.textContent = f"a {digit}: {contribution:+.3f}"
        figure.append(canvas, caption)
        return figure
