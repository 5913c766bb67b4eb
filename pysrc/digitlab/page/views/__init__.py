"""The views: the only code that writes the page. One module per panel family (reading, explanation,
training, judging, course, examples, chrome); each view looks up its elements once and has
`render(session)`, which draws the session's state (a view's own state is named view-only where it has any).

`Views` holds one of each and the render map: what each view shows. Whatever a Session verb changed, the
views that show it render again, and that is the only way a view re-renders.
"""

from __future__ import annotations

from ...session import ACTIVITY, ADDRESS, ATTRIBUTING, EXAMPLES, INPUT, JUDGING, LESSONS, PAIR, RUNS, WEIGHTS, Session
from . import chrome, course, examples, explanation, judging, reading, training


class Views:
    def __init__(self):
        self.pad = reading.Pad()
        self.messages = chrome.Messages()
        self.form = training.Form()
        self.judgement = judging.Judgement()
        self.training = training.Training()
        self.flip = explanation.FlipView()
        self.picker = chrome.PairPicker()
        self.controls = chrome.Controls()
        self.keep_panel = chrome.KeepPanel()
        self.teach_picker = examples.TeachPicker()
        self.course = course.CourseView()
        self.shows = (  # each view, and what it shows: it renders again whenever one of those changed
            (self.messages, {WEIGHTS, PAIR}),
            (self.course, {LESSONS}),
            (self.form, {PAIR}),
            (chrome.PageState(), {ACTIVITY, PAIR}),
            (chrome.Address(), {PAIR, ADDRESS, LESSONS}),
            (self.picker, {PAIR, ACTIVITY, ADDRESS}),
            (chrome.Words(), {PAIR}),
            (chrome.WeightsNote(), {WEIGHTS, PAIR}),
            (self.pad, {INPUT}),
            (reading.Verdict(), {INPUT}),
            (reading.SampleLabel(), {INPUT}),
            (reading.Eyes(self.pad), {INPUT}),
            (explanation.Why(), {INPUT}),
            (explanation.Sigmoid(), {INPUT}),
            (self.flip, {INPUT}),
            (explanation.Attribution(), {INPUT, EXAMPLES, ATTRIBUTING}),
            (examples.Examples(), {EXAMPLES, PAIR}),
            (self.teach_picker, {INPUT, PAIR}),
            (self.controls, {ACTIVITY, INPUT, EXAMPLES, PAIR, WEIGHTS}),
            (training.WeightMap(self.training), {WEIGHTS, PAIR, ACTIVITY}),
            (self.training, {RUNS}),
            (self.judgement, {WEIGHTS, PAIR, JUDGING}),
            (judging.Quality(), {WEIGHTS, PAIR, JUDGING}),
        )

    def render(self, session: Session, changes) -> None:
        for view, shows in self.shows:
            if shows & changes:
                view.render(session)
