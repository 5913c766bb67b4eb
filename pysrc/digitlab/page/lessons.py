"""Handlers for the course: a lesson opened (its settings in the form; pairs.py opens its model), closed, and
the learner's answer to the written-sum lesson."""

from __future__ import annotations

from ..course import BY_NAME
from ..session import LESSONS
from .controller import Controller


class Lessons:
    def __init__(self, page: Controller):
        self.page = page

    def open(self, name: str) -> None:
        """Show a lesson beside its panel, with the settings it asks for, on a clean pad (its model opens in
        pairs.py)."""
        page = self.page
        page.session.course.choose(name)
        page.views.pad.clear()  # the last drawing was for another question, maybe for another model
        page.apply(page.session.judge_at(0.5) | {LESSONS})
        page.views.form.set(BY_NAME[name].settings)
        page.views.course.bring_into_view()

    def close(self, _event=None) -> None:
        self.page.session.course.choose(None)
        self.page.apply({LESSONS})

    def answer(self, _event=None) -> None:
        """The learner typed what they read in the written sum."""
        page = self.page
        typed = page.views.course.answer()
        comparison = page.session.comparison()
        if typed is None:
            return
        z, p = (None, float("nan")) if comparison is None else (comparison.z, comparison.p1)
        page.apply(page.session.saw("answer", typed=typed, z=z, p=p))
