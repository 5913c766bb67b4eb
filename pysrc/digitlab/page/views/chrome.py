"""Around the lab: the page's state and address, the model picker, the words naming the digits, which weights
are in use, messages, which controls work now, the keep panel and the code panel. Views only write."""

from __future__ import annotations

from ...choice import Pair
from ...course import BY_NAME
from ...lab import describe
from ...session import Activity, Session
from ...words import a
from ..dom import document, element, js_object, window


class PageState:
    """<body>'s data attributes, which tests and styles read: ready, training, activity, pair; and the
    header's line on what the page is doing."""

    def __init__(self):
        self.body = document.body
        self.note = element("activity-note")
        self.status = document.getElementById("boot-status")

    def starting(self, prepared: bool) -> None:
        self.status.textContent = "Loading the weights and the data…"
        self.body.dataset.startState = "prepared" if prepared else "built"

    def started(self) -> None:
        self.status.textContent = "Ready: draw a digit."

    def render(self, session: Session) -> None:
        data, activity = self.body.dataset, session.activity
        data.activity = activity.value
        data.training = "true" if activity in (Activity.TRAINING, Activity.TEACHING) else "false"
        data.ready = "false" if activity in (Activity.BOOTING, Activity.LOADING) else "true"
        data.model = session.choice.mode
        if isinstance(session.choice, Pair):  # the ten digits keep the last pair's, to go back to
            data.pair = session.choice.name
        loading = (session.loading or session.choice).title
        waits = {
            Activity.LOADING: f"Loading {loading}: training, teaching, Reset and Import wait until it is open.",
            Activity.TRAINING: "Training is running: the pair, teaching, Reset and Import wait until it ends "
            "(Cancel stops it). Drawing works meanwhile.",
            Activity.TEACHING: "Teaching is running: the pair, training, Reset and Import wait until it ends.",
        }
        self.note.textContent = waits.get(activity, "")


class Address:
    """The URL names the lesson open on its own model, else the pair (or the ten digits) on display, always (a
    refused or unknown hash is written back): a reload or a shared link opens the same."""

    def render(self, session: Session) -> None:
        lesson = BY_NAME.get(session.course.open)
        wanted = f"#lesson={lesson.name}" if lesson and lesson.model == session.choice else session.choice.hash
        if window.location.hash != wanted:
            window.history.replaceState(None, "", wanted)


class PairPicker:
    """The mode and the two selects: they name the model in use (the pair in the order the user chose), or the
    one loading. In ten mode the selects keep the last pair, to go back to."""

    def __init__(self):
        self.mode = element("mode")
        self.selects = (element("digit-a"), element("digit-b"))

    def chosen(self) -> tuple[int, int]:
        return tuple(int(select.value) for select in self.selects)

    def chosen_mode(self) -> str:
        return self.mode.value

    def render(self, session: Session) -> None:
        showing = session.loading or session.choice
        self.mode.value = showing.mode
        if isinstance(showing, Pair) and sorted(self.chosen()) != list(showing.digits):
            for select, digit in zip(self.selects, showing.digits):
                select.value = str(digit)
        refusal = session.refusal("pair")
        for select in (self.mode, *self.selects):
            select.disabled = refusal is not None
            select.title = f"The model stays as it is: {refusal}." if refusal else ""


class Words:
    """The pair's digits wherever the page names them: headings, buttons, bars, legends, the table."""

    def render(self, session: Session) -> None:
        for side, digit in zip("ab", session.digits):  # the places that name a pair's digits (hidden for ten)
            for node in document.querySelectorAll(f'[data-name="{side}"]'):
                node.textContent = str(digit)
            for node in document.querySelectorAll(f'[data-article="{side}"]'):
                node.textContent = a(digit).split()[0]  # "an" before 8
        for node in document.querySelectorAll("[data-words]"):
            node.textContent = session.choice.words
        self.counts(session.lab.base_design(teaching=False).n, session.lab.bundle.test.n)

    def counts(self, train: int, test: int) -> None:
        for kind, count in (("train", train), ("test", test)):
            for node in document.querySelectorAll(f'[data-count="{kind}"]'):
                node.textContent = f"{count:,}"


class WeightsNote:
    """The header's line on which weights are in use and how good this page measured them."""

    def __init__(self):
        self.note = element("active-weights")

    def render(self, session: Session) -> None:
        self.note.textContent = describe(session.lab)
        self.note.dataset.accuracy = repr(session.lab.test_report().accuracy)


class Messages:
    """The error box (role=alert), moved next to the control it is about, and a status line per panel.
    A status is about the state it was said in: new weights or a new pair clear it. An error is about
    something the learner asked for: it stays until they ask for something else."""

    def __init__(self):
        self.error = element("error")
        self.slots = {slot.dataset.slot: slot for slot in document.querySelectorAll("[data-slot]")}
        nears = ("train", "teach", "keep", "pair", "start-over", "why", "course")
        self.statuses = {near: element(f"{near}-status") for near in nears}

    def render(self, _session: Session) -> None:
        for status in self.statuses.values():
            status.textContent = ""

    def show_error(self, message: str, near: str = "train") -> None:
        """Say what went wrong near the control it is about; a second problem of the same request, in the same
        place, is said after the first (teaching with storage full: neither the digits nor the weights kept)."""
        self.statuses[near].textContent = ""  # a stale "done" beside an error misleads
        same_place = not self.error.hidden and self.slots[near].contains(self.error)
        self.slots[near].append(self.error)
        self.error.textContent = f"{self.error.textContent} {message}" if same_place else message
        self.error.hidden = False
        self.error.scrollIntoView(js_object({"block": "nearest"}))

    def clear_error(self) -> None:
        self.error.hidden = True
        self.error.textContent = ""

    def say(self, message: str, near: str = "train") -> None:
        self.statuses[near].textContent = message


# Every control whose use depends on the state, and the action session.refusal() judges it by.
CONTROLS = {
    "train": "train", "step": "step", "continue": "continue", "cancel": "cancel", "reset": "reset",
    "import-weights": "import", "export-weights": "export", "teach-0": "teach", "teach-1": "teach",
    "teach-chosen": "teach",
    "flip": "flip", "clear-examples": "forget", "start-over": "start-over",
}  # fmt: skip


class Controls:
    """Which buttons work right now, and, on the ones that do not, why (their title and description)."""

    def __init__(self):
        self.buttons = {testid: element(testid) for testid in CONTROLS}
        self.always = [element(t) for t in ("clear", "undo", "sample")]

    def render(self, session: Session) -> None:
        for button in self.always:
            button.disabled = session.activity is Activity.BOOTING
        for testid, action in CONTROLS.items():
            refusal = session.refusal(action)
            button = self.buttons[testid]
            button.disabled = refusal is not None
            button.title = f"Not now: {refusal}." if refusal else ""

    def give_back_focus(self, control) -> None:
        """A control that lost the focus when it was disabled for a run gets it back, where it is."""
        if document.activeElement in (None, document.body) and control is not None:
            control.focus(js_object({"preventScroll": True}))


class KeepPanel:
    """Section 5's own state: the file chooser, and the confirmation that Start over asks for."""

    def __init__(self):
        self.chooser, self.confirm = element("import-weights"), element("start-over-confirm")

    def forget_choice(self) -> None:
        self.chooser.value = ""

    def confirm_start_over(self, asking: bool) -> None:
        self.confirm.hidden = not asking


class Source:
    """Section 8: the Python this page runs."""

    def show(self, text: str) -> None:
        element("source").firstElementChild.textContent = text
