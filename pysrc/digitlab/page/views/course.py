"""The course: the strip of lessons with their marks, and the card of the lesson open. Views only write."""

from __future__ import annotations

from ...course import BY_NAME, LESSONS
from ...session import Session
from ..dom import document, element, js_object, window


class CourseView:
    """The course: a line of lessons with their marks at the top of the page, and the lesson open, shown at the
    beside the panel and control it is about (its question, what to do and see, why, what it set up, and a hint
    after a near miss); on a phone its "do" line pinned at the bottom."""

    def __init__(self):
        self.strip = element("lessons")
        self.card = element("lesson-card")
        self.parts = {
            name: element(f"lesson-{name}") for name in ("title", "question", "todo", "expect", "why", "hint", "setup")
        }
        self.answer_row, self.answer_field = element("lesson-answer-row"), element("lesson-answer")
        self.pin = element("lesson-pin")  # on a phone, the "do" line pinned where it can be read
        self.bench = document.querySelector("section.bench")
        self.chips: dict = {}
        self.shown: str | None = None  # view-only: the lesson whose card is filled in and placed

    def render(self, session: Session) -> None:
        course = session.course
        if not self.chips:
            for number, lesson in enumerate(LESSONS, 1):
                chip = document.createElement("button")
                chip.type = "button"
                chip.dataset.testid = "lesson"
                chip.dataset.lesson = lesson.name
                chip.textContent = f"{number}. {lesson.title}"
                self.strip.append(chip)
                self.chips[lesson.name] = chip
        for name, chip in self.chips.items():
            done = name in course.done
            chip.dataset.done = "true" if done else "false"
            chip.setAttribute("aria-pressed", "true" if name == course.open else "false")
            chip.setAttribute("aria-label", f"{chip.textContent}: {'done' if done else 'not done yet'}")
        self.card.hidden = self.pin.hidden = course.open is None
        self.card.dataset.lesson = course.open or ""
        if course.open is None:
            self.shown = None
            return
        lesson = BY_NAME[course.open]
        self.card.dataset.done = "true" if course.open in course.done else "false"
        if self.shown != lesson.name:  # moved beside the panel and control it is about, filled once
            self.shown = lesson.name
            document.querySelector(f'[data-place="{lesson.section}"]').append(self.card)
            number = [entry.name for entry in LESSONS].index(lesson.name) + 1
            self.pin.textContent = f"Lesson {number}: {lesson.todo}"
            texts = {
                "title": f"Lesson {number}: {lesson.title}", "question": lesson.question, "todo": lesson.todo,
                "expect": lesson.expect, "why": f"{lesson.why} (reference.py: {lesson.reference})",
                "setup": lesson.setup,
            }  # fmt: skip
            for part, text in texts.items():
                self.parts[part].textContent = text
            self.answer_field.value = ""
        self.answer_row.hidden = lesson.name != "sum"
        done = course.open in course.done
        self.parts["hint"].textContent = "Done: the page saw you do it." if done else course.hint
        self.pin.dataset.done = "true" if done else "false"

    def answer(self) -> float | None:
        try:
            return float(self.answer_field.value.strip().replace("−", "-"))
        except ValueError:
            return None

    def bring_into_view(self) -> None:
        """The card, beside its panel; on a phone, for a lesson done by drawing, the pad and the verdict instead
        (the card sits far below them; its "do" line is pinned at the bottom)."""
        if self.card.hidden:
            return
        at_the_pad = window.innerWidth < 980 and self.card.parentElement.dataset.place in ("draw", "curves")
        (self.bench if at_the_pad else self.card).scrollIntoView(js_object({"block": "start"}))
