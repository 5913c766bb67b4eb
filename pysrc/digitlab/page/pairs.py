"""Which model the page reads with, a pair or all ten digits: the mode and the selects and the URL hash in;
each digit's data and a pair's shipped weights fetched once (with a deadline, tried twice); then a fresh Lab
(a PairLab or the TenLab) opened by the controller.

The newest choice wins: one made while another loads replaces it, takes over the downloads it needs too and
aborts the others (so a stalled one never holds up the next; aborting one both need wasted what had arrived,
and Firefox logs an error for an aborted request its service worker answered). One made while a run goes is
refused, and the URL says the model in use again.
"""

from __future__ import annotations

import asyncio

import js
from pyodide.ffi import JsException

from .. import address
from ..choice import TEN, Choice, Pair
from ..course import BY_NAME
from ..data import BundleError, Digit, decode_digit, digit_file
from ..lab import Lab
from ..opening import PAIRS_FILE, files_for, open_lab
from ..session import Activity
from ..weights import TenWeights, Weights, WeightsError, pairs_from_json
from .controller import Controller
from .dom import js_object, window
from .lessons import Lessons


class PairLoader:
    def __init__(self, page: Controller, lessons: Lessons, digits: dict[int, Digit], shipped_0_1: Weights,
                 ten: TenWeights):  # fmt: skip
        self.page = page
        self.lessons = lessons
        self.ten = ten  # the shipped ten-digit weights
        self.shipped = {Pair(0, 1): shipped_0_1}  # shipped weights by pair, made from weights/pairs.json as needed
        self.last_pair = Pair(0, 1)  # where the mode select goes back to
        self.digits = digits  # the digit data loaded so far
        self.pairs: dict | None = None  # weights/pairs.json, parsed the first time a pair needs it
        self.task: asyncio.Task | None = None
        self.downloads: dict[str, tuple[asyncio.Future, object]] = {}  # URL -> (bytes to come, its AbortController)
        self.after_open = lambda: None  # what to do once the model asked for is open (a lesson's settings)
        self.waiting: str | None = None  # a lesson chosen while a run went, to open when it ends

    def asked(self) -> Choice | address.Lesson | address.BadAddress | None:
        return address.asked(window.location.hash, BY_NAME)

    def open_lesson(self, name: str) -> None:
        """A lesson: shown beside its panel with its settings, on its pair (or the ten digits), opened now; or,
        while a run goes, once it has ended (the Runner calls open_waiting)."""
        lesson = BY_NAME[name]
        self.lessons.open(name)
        if refusal := self.page.session.refusal("pair"):
            self.waiting = name
            self.page.messages.show_error(f"The lesson's model opens once this is over: {refusal}.", "pair")
            return
        self.waiting = None
        # Its settings once more after its model opens (that model's own defaults must not win); only then.
        self.choose(lesson.model, then=lambda: self.lessons.open(name))

    def open_waiting(self) -> None:
        """The lesson chosen during a run, now that the run is over (if it is still the one open)."""
        name, self.waiting = self.waiting, None
        if name is not None and self.page.session.course.open == name:
            self.open_lesson(name)

    def on_lesson(self, event) -> None:
        if (chip := event.target.closest('[data-testid="lesson"]')) is not None:
            self.open_lesson(chip.dataset.lesson)

    def on_select(self, _event=None) -> None:
        a, b = self.page.views.picker.chosen()
        if a == b:
            self.page.messages.show_error(f"Choose two different digits: both say {a}.", "pair")
            return
        self.choose(Pair.of(a, b))

    def on_mode(self, _event=None) -> None:
        self.choose(TEN if self.page.views.picker.chosen_mode() == TEN.mode else self.last_pair)

    def on_hash(self, _event=None) -> None:
        asked = self.asked()
        if isinstance(asked, address.Lesson):
            self.open_lesson(asked.name)
        elif isinstance(asked, address.BadAddress):
            self.page.restore_address()
            self.page.messages.show_error(f"{asked.why}; still {self.page.session.choice.title}.", "pair")
        elif asked is not None:
            self.choose(asked)

    def choose(self, choice: Choice, then=None) -> None:
        """Open `choice`, replacing any load under way, and `then` do that once it is open (a lesson's settings):
        never later, for another choice. Refused (URL and selects restored) while a run goes."""
        page, session = self.page, self.page.session
        self.after_open = lambda: None
        if refusal := session.refusal("pair"):
            page.restore_address()
            page.messages.show_error(f"The model stays {session.choice.title}: {refusal}.", "pair")
            return
        if choice == (session.loading or session.choice):
            return
        self.stop()
        if choice == session.choice:  # back to the model in use while another was loading
            page.apply(session.idle())
            page.messages.say("", "pair")
            return
        self.after_open = then or (lambda: None)
        page.apply(session.begin(Activity.LOADING, choice))
        page.messages.clear_error()
        page.messages.say(f"Loading {choice.title}…", "pair")
        self.task = asyncio.ensure_future(self.load(choice))

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()  # its downloads go on until a newer choice says which it still needs
        self.task = None

    async def load(self, choice: Choice) -> None:
        """Load what the model needs (fetching only what is new) and open it; on failure keep the one in use."""
        page = self.page
        for url, (_, controller) in list(self.downloads.items()):
            if url not in files_for(choice, self.digits, self.pairs):
                controller.abort()
        try:
            lab = await self.lab_for(choice)
        except asyncio.CancelledError:
            return  # a newer choice took over
        except (OSError, JsException, BundleError, WeightsError) as exc:
            page.apply(page.session.idle())
            page.restore_address()
            page.messages.show_error(
                f"Could not open {choice.title} ({exc}); still {page.session.choice.title}.", "pair"
            )
            return
        if isinstance(choice, Pair):
            self.last_pair = choice
        page.open(lab)
        page.apply(page.session.idle())
        self.after_open()
        self.after_open = lambda: None

    async def download(self, url: str) -> bytes:
        """A file of the site, downloaded once for every choice that needs it (OSError saying why not)."""
        if url not in self.downloads:
            controller = js.AbortController.new()
            future = asyncio.ensure_future(fetch_bytes(url, controller.signal))
            # Done, it leaves the list (a failed one is tried afresh next time); its error is read here, so
            # one that no choice awaits any more is not reported as never retrieved.
            future.add_done_callback(lambda done: (self.downloads.pop(url, None), done.cancelled() or done.exception()))
            self.downloads[url] = (future, controller)
        future = self.downloads[url][0]
        await asyncio.wait({future})  # unlike awaiting it, cancelling the choice here leaves the download be
        return future.result()

    async def lab_for(self, choice: Choice) -> Lab:
        """Download what `choice` still needs (opening.files_for), then open it."""
        for digit in choice.digits:
            if digit not in self.digits:
                self.digits[digit] = decode_digit(await self.download(f"data/{digit_file(digit)}"))
        if PAIRS_FILE in files_for(choice, self.digits, self.pairs):
            self.pairs = pairs_from_json(await self.download(PAIRS_FILE))
        return open_lab(choice, self.digits, self.ten, self.pairs, self.shipped)


async def fetch_bytes(url: str, signal) -> bytes:
    """A file of the site, or OSError saying why not (net.js: a stall counts as a failure, tried twice)."""
    try:
        return (await window.digitlab.fetchBytes(url, js_object({"signal": signal}))).to_bytes()
    except JsException as exc:
        raise OSError(str(exc).removeprefix("Error: ")) from None
