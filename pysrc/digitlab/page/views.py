"""The views of sections 1-4, what the model reads and why: each looks up its elements once and only writes.

Every view has `render(session)`, called by the controller whenever something it shows has changed
(its entry in controller.VIEWS says what); it draws the session's state, never a state of its own.
"""

from __future__ import annotations

import json

from ..honesty import SURE
from ..model import log1pexp, sigmoid
from ..render import diverging_rgba, ghost_rgba, gray_rgba, ink_rgba
from ..session import Session
from ..words import a
from .dom import document, element, js_bytes, js_object, window

STAGE_CANVASES = ("stage-crop", "stage-scaled", "model-input")


def put_pixels(canvas, rgba: bytes, width: int, height: int) -> None:
    window.digitlab.putPixels(canvas, js_bytes(rgba), width, height)


def clear_canvas(canvas) -> None:
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height)


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

    def bring_into_view(self) -> None:
        self.canvas.scrollIntoView(js_object({"block": "nearest"}))

    def render(self, session: Session) -> None:
        self.flip_note.hidden = session.flipped is None


class Verdict:
    """Section 2: the digit read, in words that admit doubt, and the probability bars (two, or ten)."""

    def __init__(self):
        self.root = element("prediction")
        self.digit = element("digit")
        self.message = element("message")
        self.bars = [element("bar-0"), element("bar-1")]
        self.values = [element("p0"), element("p1")]
        self.ten = element("bars-ten")
        self.ten_bars: list = []  # (row, bar, value) per digit, made on first use

    def render(self, session: Session) -> None:
        reading, data = session.reading, self.root.dataset
        data.flipped = "true" if session.flipped else "false"
        data.looksLike = data.probs = data.scores = ""
        if reading is None:
            data.digit = data.p1 = data.z = data.side = ""
            data.sure = "false"
            self.digit.textContent = "?"
            self.message.textContent = session.empty
            for bar, value in [*zip(self.bars, self.values), *((b, v) for _, b, v in self.ten_bars)]:
                bar.style.width = "0%"
                value.textContent = "–"
            return
        words = self.render_ten(session) if session.ten else self.render_pair(reading)
        data.digit = str(reading.digit)
        data.z = repr(session.comparison().z)
        data.sure = "true" if reading.honesty is None or reading.honesty.sure else "false"
        self.digit.textContent = str(reading.digit)
        self.message.textContent = f"The flipped input (section 4): {words}" if session.flipped else words

    def render_pair(self, reading) -> str:
        p1, honesty, data = reading.p1, reading.honesty, self.root.dataset
        data.p1 = repr(p1)
        data.side = str(int(p1 >= 0.5))  # which colour: the pair's smaller or larger digit
        if honesty and honesty.unlike:
            data.looksLike = str(honesty.looks_like)
        for bar, value, p in zip(self.bars, self.values, (1 - p1, p1)):
            bar.style.width = f"{p * 100:.1f}%"
            value.textContent = f"{p:.3f}"
        return verdict_words(reading)

    def render_ten(self, session: Session) -> str:
        reading, data = session.reading, self.root.dataset
        data.p1 = repr(reading.p)
        data.side = "1"
        data.probs = json.dumps(reading.probabilities)
        data.scores = json.dumps(reading.scores)
        if not self.ten_bars:
            self.ten_bars = [self.ten_bar(digit) for digit in range(10)]
        other = session.other_digit()
        for digit, (row, bar, value) in enumerate(self.ten_bars):
            p = reading.probabilities[digit]
            bar.style.width = f"{p * 100:.1f}%"
            value.textContent = f"{p:.3f}"
            row.className = "bar" + (" read" if digit == reading.digit else " other" if digit == other else "")
        return ten_verdict_words(reading)

    def ten_bar(self, digit: int):
        row = document.createElement("div")
        name, track, bar, value = (document.createElement(t) for t in ("span", "div", "i", "output"))
        name.textContent = str(digit)
        bar.dataset.testid = f"bar-ten-{digit}"
        track.append(bar)
        row.append(name, track, value)
        self.ten.append(row)
        return row, bar, value


def verdict_words(reading) -> str:
    """The verdict in words that admit doubt: unsure, or not one of the pair's digits at all."""
    p = max(reading.p1, 1 - reading.p1)
    honesty, read = reading.honesty, a(reading.digit)
    if honesty and honesty.unlike:
        first, second = reading.digits
        return (
            f"This looks like {a(honesty.looks_like)}: the {first}-versus-{second} model can only answer "
            f"{first} or {second} (it leans to {reading.digit}). The ten-digit model gives {first} and {second} "
            f"{honesty.share:.0%} together."
        )
    if honesty and not honesty.confident:
        return f"Unsure: it leans to {read}, but p({reading.digit}) = {p:.3f} is below {SURE:.2f}."
    return f"It reads {read}, sure: p({reading.digit}) = {p:.3f}."


def ten_verdict_words(reading) -> str:
    digit, runner_up, p = reading.digit, reading.runner_up, reading.probabilities
    if not reading.honesty.confident:
        return (
            f"Unsure: it leans to {a(digit)}, but p({digit}) = {p[digit]:.3f} is below {SURE:.2f}; "
            f"next comes {a(runner_up)} ({p[runner_up]:.3f})."
        )
    return f"It reads {a(digit)}, sure: p({digit}) = {p[digit]:.3f}."


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
            self.note.textContent = "The 28×28 input shown is the flipped one (section 4), not your drawing's."
        elif session.input.test_image:
            self.note.textContent = "A test image is already MNIST's 28×28: the model reads its exact pixels."
        else:
            self.note.textContent = ""

    def size(self, canvas, width: int, height: int) -> None:
        longer = max(width, height)
        canvas.style.width = f"{self.SHOWN * width / longer:.1f}px"
        canvas.style.height = f"{self.SHOWN * height / longer:.1f}px"


class Why:
    """Section 4: weight x pixel as a map, and the sum written out: the pair's; in ten mode the digit read
    against the other digit, with the weights W_read - W_other."""

    def __init__(self):
        self.map = element("contributions")
        self.scale = element("contribution-scale")
        self.equation = element("equation")
        self.read = element("compare-read")

    def render(self, session: Session) -> None:
        comparison = session.comparison()
        if comparison is None:
            clear_canvas(self.map)
            self.equation.textContent = "Draw something to see the sum."
            self.equation.dataset.z = ""
            name_comparison(("the other digit", "the digit read") if session.ten else session.digits)
            self.read.textContent = "?"
            return
        name_comparison(comparison.digits)
        rgba, scale = diverging_rgba(comparison.contributions)
        put_pixels(self.map, rgba, 28, 28)
        self.scale.textContent = f"±{scale:.3g}"
        inked = comparison.z - comparison.bias
        count = sum(1 for x in comparison.stages.image if x)
        which = "For the flipped input: " if session.flipped else ""
        self.equation.dataset.z = repr(comparison.z)
        other, read = comparison.digits
        if session.ten:
            self.read.textContent = a(read)
            self.equation.textContent = (
                f"{which}z = log(p{read}/p{other}) = {comparison.bias:+.4f} (b{read} − b{other}) {inked:+.4f} "
                f"(the {count} inked pixels' (w{read} − w{other})×x) = {comparison.z:.4f};  "
                f"p({read} | {read} or {other}) = σ(z) = {comparison.p1:.4f}"
            )
            return
        self.equation.textContent = (
            f"{which}z = {comparison.bias:+.4f} (bias) {inked:+.4f} (sum of the {count} inked pixels' w×x) "
            f"= {comparison.z:.4f};  p({read}) = σ(z) = 1/(1+e^−z) = {comparison.p1:.4f}"
        )


def name_comparison(digits) -> None:
    """The two digits section 4 compares, wherever its captions name them."""
    for side, digit in zip("ab", digits):
        for node in document.querySelectorAll(f'[data-compare="{side}"]'):
            node.textContent = str(digit)
        for node in document.querySelectorAll(f'[data-compare-article="{side}"]'):
            node.textContent = a(digit).split()[0] if isinstance(digit, int) else ""


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
    """Section 4: sigmoid(z) and the cross-entropy, with the input on display marked on both."""

    def __init__(self):
        self.sigmoid, self.loss = element("sigmoid-chart"), element("log-loss-chart")
        self.lines = {name: js_object(lines) for name, lines in sigmoid_curves().items()}

    def render(self, session: Session) -> None:
        reading = session.comparison()
        if reading is None:
            for canvas in (self.sigmoid, self.loss):
                clear_canvas(canvas)
            return
        (a_digit, b_digit), z, p1 = reading.digits, reading.z, reading.p1
        what = "the flipped input" if session.flipped else "your drawing"
        mark = {"x": z, "y": p1, "label": f"z = {z:.2f}, p({b_digit}) = {p1:.3f}"}
        self.plot(self.sigmoid, "sigmoid", [mark], 0, 1, f"p({b_digit})")
        costs = [
            {"x": z, "y": log1pexp(z), "colour": "--zero", "label": f"if {a_digit}: {log1pexp(z):.3f}"},
            {"x": z, "y": log1pexp(-z), "colour": "--one", "label": f"if {b_digit}: {log1pexp(-z):.3f}"},
        ]
        self.plot(self.loss, "loss", costs, 0, 10, "−log p")
        self.sigmoid.setAttribute("aria-label", f"Sigmoid curve; {what} at z = {z:.2f}, p({b_digit}) = {p1:.3f}.")
        self.loss.setAttribute("aria-label", f"Log-loss; {what}: {costs[0]['label']}, {costs[1]['label']}.")

    def plot(self, canvas, lines: str, marks: list, low: float, high: float, title: str) -> None:
        spec = {"marks": marks, "xMin": -10, "xMax": 10, "yMin": low, "yMax": high, "xTitle": "z", "yTitle": title}
        window.digitlab.plot(canvas, js_object({**spec, "lines": self.lines[lines]}))


class FlipView:
    """Section 4's 'what would change its mind?': before, after and the change itself, and how much it took."""

    def __init__(self):
        self.figure = element("flip-figure")
        self.before, self.after, self.ghost = element("flip-before"), element("flip-after"), element("flip-ghost")
        self.size = element("flip-size")
        self.back = element("flip-back")

    def render(self, session: Session) -> None:
        flipped = session.flipped
        self.figure.hidden = self.size.hidden = self.back.hidden = flipped is None
        if flipped is None:
            self.size.dataset.value = self.size.dataset.share = self.size.textContent = ""
            return
        flip, before = flipped.flip, flipped.before
        put_pixels(self.before, gray_rgba(before.stages.image), 28, 28)
        put_pixels(self.after, gray_rgba(flip.x), 28, 28)
        put_pixels(self.ghost, ghost_rgba(flip.x, flip.delta), 28, 28)
        share = flip.size / flipped.ink if flipped.ink else 0.0
        self.size.dataset.value = repr(flip.size)
        self.size.dataset.share = repr(share)
        ink = f"{share:.1%} of the {flipped.ink:.1f} in your drawing"
        moved = f"Moving Σ|Δx| = {flip.size:.3f} of ink ({ink}) over {flip.pixels} pixels"
        toward = flipped.toward
        if toward is None or toward.after.digit == toward.target:
            result = f"turns {a(before.digit)} into {a(session.reading.digit)}"
        else:
            result = (
                f"makes {a(toward.target)} beat the {before.digit}, but then {a(toward.after.digit)} wins over both"
            )
        self.size.textContent = f"{moved} {result} (z = {flip.z:.3f}); no smaller change does."

    def say(self, text: str) -> None:
        """No flip exists (or none can be made now): say why where the flip would show."""
        self.size.hidden = False
        self.size.textContent = text
        self.size.dataset.value = ""


class Attribution:
    """'Which training images taught it this?': computed only while its panel is open (a pass over every row)."""

    def __init__(self):
        self.panel, self.root = element("attribution-panel"), element("attribution")
        self.note, self.check = element("attribution-note"), element("attribution-check")
        self.sides = {side: self.root.querySelector(f'.gallery[data-side="{side}"]') for side in "ab"}

    def render(self, session: Session) -> None:
        for gallery in self.sides.values():
            gallery.replaceChildren()
        self.root.dataset.total = ""
        self.check.textContent = ""
        if not self.panel.open or session.ten:
            self.note.textContent = ""
            return
        stages = session.shown_stages()
        if stages is None:
            self.note.textContent = "Draw something to see which training images pull it which way."
            return
        found = session.lab.attribution(stages.image)
        if isinstance(found, str):
            self.note.textContent = found
            return
        self.note.textContent = "For the flipped input on display." if session.flipped else ""
        for side, toward_larger in (("b", True), ("a", False)):
            for row, contribution in found.strongest(toward_larger):
                self.sides[side].append(self.figure(session, row, contribution))
        total, n = found.total, len(found.contributions)
        self.root.dataset.total = repr(total)
        self.check.textContent = (
            f"b + the sum of all {n:,} contributions = {found.bias:+.4f} {total - found.bias:+.4f} = {total:.4f} = z"
        )

    def figure(self, session: Session, row: int, contribution: float):
        pixels, digit, whose = session.lab.row_image(row)
        figure = document.createElement("figure")
        canvas = document.createElement("canvas")
        put_pixels(canvas, ink_rgba(pixels), 28, 28)
        caption = document.createElement("figcaption")
        name = {"training": a(digit), "yours": f"your {digit}", "forgotten": f"your {digit} (forgotten)"}[whose]
        caption.textContent = f"{name}: {contribution:+.3f}"
        figure.append(canvas, caption)
        return figure
