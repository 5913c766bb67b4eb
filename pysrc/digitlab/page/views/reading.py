"""What the model reads: the pad, the verdict in words that admit doubt, a test image's label, and the
stages of preprocessing. Views only write: each looks up its elements once and renders the session."""

from __future__ import annotations

import json

from ...honesty import SURE
from ...render import gray_rgba
from ...session import Session
from ...words import a
from ..dom import clear_canvas, document, element, js_bytes, js_object, put_pixels, window

STAGE_CANVASES = ("stage-crop", "stage-scaled", "model-input")


class Pad:
    """The drawing pad: read once per stroke; a test image put on it (pad.js draws and keeps it)."""

    def __init__(self):
        self.canvas = element("pad")
        self.context = self.canvas.getContext("2d", js_object({"willReadFrequently": True}))
        self.flip_note = element("flip-note")

    def pixels(self) -> tuple[bytes, int, int]:
        width, height = self.canvas.width, self.canvas.height
        return self.context.getImageData(0, 0, width, height).data.to_bytes(), width, height

    def show_test_image(self, pixels: bytes, index: int, digit: int) -> None:
        window.digitlab.pad.showDigit(js_bytes(pixels), js_object({"index": index, "label": digit}))

    def clear(self) -> None:
        """Clear the pad (pad.js says so with a stroke-end event, as its Clear button does)."""
        window.digitlab.pad.clear()

    def bring_into_view(self) -> None:
        self.canvas.scrollIntoView(js_object({"block": "nearest"}))

    def render(self, session: Session) -> None:
        self.flip_note.hidden = session.flipped is None


class Verdict:
    """The digit read, in words that admit doubt, and a probability bar for each digit the model answers."""

    def __init__(self):
        self.root = element("prediction")
        self.digit = element("digit")
        self.message = element("message")
        pair_bars = [(element(f"bar-{k}").closest(".bar"), element(f"bar-{k}"), element(f"p{k}")) for k in (0, 1)]
        self.bar_sets = {2: pair_bars}  # by how many digits the model answers; ten made on first use
        self.ten = element("bars-ten")

    def render(self, session: Session) -> None:
        reading, data = session.reading, self.root.dataset
        data.flipped = "true" if session.flipped else "false"
        data.looksLike = data.probs = data.scores = ""
        if reading is None:
            data.digit = data.p1 = data.z = data.side = ""
            data.sure = "false"
            self.digit.textContent = "?"
            self.message.textContent = session.empty
            for _, bar, value in (row for rows in self.bar_sets.values() for row in rows):
                bar.style.width = "0%"
                value.textContent = "–"
            return
        comparison = session.comparison()
        honesty = reading.honesty
        data.digit = str(reading.digit)
        data.z = repr(comparison.z)
        data.p1 = repr(reading.p1)
        data.side = str(int(comparison.p1 >= 0.5))  # which colour: the smaller or larger digit compared
        data.sure = "true" if honesty is None or honesty.sure else "false"
        if honesty and honesty.unlike:
            data.looksLike = str(honesty.looks_like)
        data.probs = json.dumps(reading.probabilities)
        data.scores = json.dumps(reading.scores)
        self.show_bars(session)
        words = verdict_words(reading)
        self.digit.textContent = str(reading.digit)
        self.message.textContent = f"The flipped input (see Why): {words}" if session.flipped else words

    def show_bars(self, session: Session) -> None:
        reading, other = session.reading, session.other_digit()
        for digit, p, (row, bar, value) in zip(session.digits, reading.probabilities, self.bars(session.digits)):
            bar.style.width = f"{p * 100:.1f}%"
            value.textContent = f"{p:.3f}"
            row.classList.toggle("read", digit == reading.digit)
            row.classList.toggle("other", digit == other)

    def bars(self, digits) -> list:
        if len(digits) not in self.bar_sets:
            self.bar_sets[len(digits)] = [self.new_bar(digit) for digit in digits]
        return self.bar_sets[len(digits)]

    def new_bar(self, digit: int):
        row = document.createElement("div")
        name, track, bar, value = (document.createElement(t) for t in ("span", "div", "i", "output"))
        row.className = "bar"
        name.textContent = str(digit)
        bar.dataset.testid = f"bar-ten-{digit}"
        track.append(bar)
        row.append(name, track, value)
        self.ten.append(row)
        return row, bar, value


def verdict_words(reading) -> str:
    """The verdict in words that admit doubt: unsure, or not one of the pair's digits at all."""
    honesty, digit, p = reading.honesty, reading.digit, reading.p
    if honesty and honesty.unlike:
        first, second = reading.digits
        return (
            f"This looks like {a(honesty.looks_like)}: the {first}-versus-{second} model can only answer "
            f"{first} or {second} (it leans to {digit}). The ten-digit model gives {first} and {second} "
            f"{honesty.share:.0%} together."
        )
    if honesty and not honesty.confident:
        said = f"Unsure: it leans to {a(digit)}, but p({digit}) = {p:.3f} is below {SURE:.2f}"
        if len(reading.probabilities) > 2:
            return f"{said}; next comes {a(reading.runner_up)} ({reading.probabilities[reading.runner_up]:.3f})."
        return f"{said}."
    return f"It reads {a(digit)}, sure: p({digit}) = {p:.3f}."


class SampleLabel:
    """Under the pad: the true digit of a test image put on it."""

    def __init__(self):
        self.label = element("sample-label")

    def render(self, session: Session) -> None:
        found = session.input.test_image if session.input else None
        self.label.hidden = found is None
        if found:
            index, digit = found
            self.label.textContent = f"Test image #{index}: its true label is {digit}. It reaches the model as it is."
            self.label.dataset.label = str(digit)
            self.label.dataset.index = str(index)


class Eyes:
    """Section 3: the crop, the 20x20 fit and the 28x28 input, each drawn at its own aspect ratio."""

    SHOWN = 84  # CSS pixels for the longer side of each preview; 3 per input pixel

    def __init__(self, pad: Pad):
        self.pad = pad.canvas
        self.crop, self.scaled, self.input = (element(testid) for testid in STAGE_CANVASES)
        self.fit_box = element("fit-box")
        self.note = element("input-note")

    def render(self, session: Session) -> None:
        stages = session.shown_stages()
        if stages is None:
            for canvas in (self.crop, self.scaled, self.input):
                clear_canvas(canvas)
            self.fit_box.hidden = True
            self.note.textContent = ""
            return
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
        self.fit_box.hidden = bool(session.flipped)
        if session.flipped:
            self.note.textContent = "The 28×28 input shown is the flipped one (see Why), not your drawing's."
        elif session.input.test_image:
            self.note.textContent = "A test image is already MNIST's 28×28: the model reads its exact pixels."
        else:
            self.note.textContent = ""

    def size(self, canvas, width: int, height: int) -> None:
        longer = max(width, height)
        canvas.style.width = f"{self.SHOWN * width / longer:.1f}px"
        canvas.style.height = f"{self.SHOWN * height / longer:.1f}px"
