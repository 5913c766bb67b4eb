"""Why it reads what it reads: weight x pixel and the written sum, the sigmoid and the cross-entropy, the
smallest flip, and which training images taught it this. Views only write."""

from __future__ import annotations

from ...choice import Refusal
from ...model import log1pexp, sigmoid
from ...render import diverging_rgba, ghost_rgba, gray_rgba, ink_rgba
from ...session import Session
from ...words import a
from ..dom import clear_canvas, document, element, js_object, put_pixels, window


class Why:
    """Section 4: weight x pixel as a map, and the sum written out, for the comparison on display (a pair's
    reading; among ten digits the digit read against the other, with the weights W_read - W_other)."""

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
            name_comparison(session.choice.compared)
            self.read.textContent = "?"
            return
        name_comparison(comparison.digits)
        rgba, scale = diverging_rgba(comparison.contributions)
        put_pixels(self.map, rgba, 28, 28)
        self.scale.textContent = f"±{scale:.3g}"
        self.equation.dataset.z = repr(comparison.z)
        self.read.textContent = a(comparison.digits[1])
        which = "For the flipped input: " if session.flipped else ""
        self.equation.textContent = which + written_sum(comparison, session.digits)


def written_sum(comparison, digits) -> str:
    """z written out: a pair's bias and pixels; else the log-odds of the two digits compared."""
    inked = comparison.z - comparison.bias
    count = sum(1 for x in comparison.stages.image if x)
    other, read = comparison.digits
    if comparison.digits == tuple(digits):
        return (
            f"z = {comparison.bias:+.4f} (bias) {inked:+.4f} (sum of the {count} inked pixels' w×x) "
            f"= {comparison.z:.4f};  p({read}) = σ(z) = 1/(1+e^−z) = {comparison.p1:.4f}"
        )
    return (
        f"z = log(p{read}/p{other}) = {comparison.bias:+.4f} (b{read} − b{other}) {inked:+.4f} "
        f"(the {count} inked pixels' (w{read} − w{other})×x) = {comparison.z:.4f};  "
        f"p({read} | {read} or {other}) = σ(z) = {comparison.p1:.4f}"
    )


def name_comparison(digits) -> None:
    """The two digits Why compares, wherever its captions name them."""
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
        if flipped.after.digit == flipped.target:
            result = f"turns {a(before.digit)} into {a(flipped.after.digit)}"
        else:
            result = (
                f"makes {a(flipped.target)} beat the {before.digit}, but then {a(flipped.after.digit)} wins over both"
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
        if not session.attributing or not session.lab.attribution:
            self.note.textContent = ""
            return
        stages = session.shown_stages()
        if stages is None:
            self.note.textContent = "Draw something to see which training images pull it which way."
            return
        found = session.lab.attribute(stages.image)
        if isinstance(found, Refusal):
            self.note.textContent = found.why
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
