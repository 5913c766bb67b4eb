"""The learner's digits: how many, each a removable thumbnail; and the pickers of the ten digits' teach and
compare controls. Views only write."""

from __future__ import annotations

from ...render import ink_rgba
from ...session import Session
from ...words import a
from ..dom import document, element, put_pixels


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


class TeachPicker:
    """The ten digits' pickers: the digit to teach (it starts on the digit read), and the digit the verdict is
    compared with ('' for the runner-up)."""

    def __init__(self):
        self.teach, self.compare = element("teach-digit"), element("compare-with")

    def taught(self) -> int:
        return int(self.teach.value)

    def compared(self) -> int | None:
        return int(self.compare.value) if self.compare.value else None

    def render(self, session: Session) -> None:
        if session.reading is not None:
            self.teach.value = str(session.reading.digit)
        self.compare.value = "" if session.compare_with is None else str(session.compare_with)
