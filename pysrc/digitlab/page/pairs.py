"""Which model the page reads with, a pair or all ten digits: the mode and the selects and the URL hash in;
each digit's data and a pair's shipped weights fetched once (with a deadline, tried twice); then a fresh Lab
(or TenLab) opened by the controller.

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
from ..course import BY_NAME
from ..data import DIGITS, BundleError, Digit, decode_digit, digit_file, pair_bundle, pair_name, ten_bundle
from ..lab import Lab
from ..session import Activity
from ..sparse import Design
from ..ten import TenLab
from ..weights import TenWeights, Weights, WeightsError, pair_weights, pairs_from_json
from ..words import versus
from .controller import Controller
from .dom import js_object, window


class PairLoader:
    TRAIN_EVERY = 4  # ten digits train in the page on every 4th training image of each: 2,000 images

    def __init__(self, page: Controller, digits: dict[int, Digit], shipped_0_1: Weights, ten: TenWeights):
        self.page = page
        self.ten = ten  # the shipped ten-digit weights
        self.last_pair = (0, 1)  # where the mode select goes back to
        self.digits = digits  # the digit data loaded so far
        self.shipped = {"0-1": shipped_0_1}  # shipped weights by pair name, from weights/pairs.json as needed
        self.pairs: dict | None = None  # weights/pairs.json, parsed the first time a pair needs it
        self.task: asyncio.Task | None = None
        self.downloads: dict[str, tuple[asyncio.Future, object]] = {}  # URL -> (bytes to come, its AbortController)
        self.after_open = lambda: None  # what to do once the model asked for is open (a lesson's settings)

    def asked(self) -> tuple[int, int] | str | address.Lesson | None:
        return address.asked(window.location.hash, BY_NAME)

    def open_lesson(self, name: str) -> None:
        """A lesson: shown beside its section with its settings, on its pair (or the ten digits), opened now."""
        lesson = BY_NAME[name]
        self.page.open_lesson(name)
        if refusal := self.page.session.refusal("pair"):
            self.page.messages.show_error(f"The lesson's model opens once this is over: {refusal}.", "pair")
            return
        self.after_open = lambda: self.page.open_lesson(name)  # the model's own defaults must not win
        self.choose(lesson.model)

    def on_lesson(self, event) -> None:
        if (chip := event.target.closest('[data-testid="lesson"]')) is not None:
            self.open_lesson(chip.dataset.lesson)

    def on_select(self, _event=None) -> None:
        a, b = self.page.picker.chosen()
        if a == b:
            self.page.messages.show_error(f"Choose two different digits: both say {a}.", "pair")
            return
        self.choose((min(a, b), max(a, b)))

    def on_mode(self, _event=None) -> None:
        self.choose("ten" if self.page.picker.chosen_mode() == "ten" else self.last_pair)

    def on_hash(self, _event=None) -> None:
        asked = self.asked()
        if isinstance(asked, address.Lesson):
            self.open_lesson(asked.name)
        elif asked == "ten":
            self.choose("ten")
        elif isinstance(asked, str):
            self.page.restore_address()
            self.page.messages.show_error(f"{asked}; still {versus(self.page.session.digits)}.", "pair")
        elif asked is not None:
            self.choose(asked)

    def choose(self, pair: tuple[int, int] | str) -> None:
        """Open `pair` (or "ten"), replacing any load under way; refused (URL and selects restored) while a run goes."""
        page, session = self.page, self.page.session
        in_use = "ten" if session.ten else session.digits
        if refusal := session.refusal("pair"):
            page.restore_address()
            page.messages.show_error(f"The model stays {named(in_use)}: {refusal}.", "pair")
            return
        if pair == (session.loading or in_use):
            return
        self.stop()
        if pair == in_use:  # back to the model in use while another was loading
            page.apply(session.idle())
            page.messages.say("", "pair")
            return
        page.apply(session.begin(Activity.LOADING, pair))
        page.messages.clear_error()
        page.messages.say(f"Loading {named(pair)}…", "pair")
        self.task = asyncio.ensure_future(self.load(pair))

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()  # its downloads go on until a newer choice says which it still needs
        self.task = None

    async def load(self, pair: tuple[int, int]) -> None:
        """Load what the pair needs (fetching only what is new) and open it; on failure keep the pair in use."""
        page = self.page
        for url, (_, controller) in list(self.downloads.items()):
            if url not in self.files_for(pair):
                controller.abort()
        try:
            lab = await self.lab_for(pair)
        except asyncio.CancelledError:
            return  # a newer choice took over
        except (OSError, JsException, BundleError, WeightsError) as exc:
            page.apply(page.session.idle())
            page.restore_address()
            in_use = "ten" if page.session.ten else page.session.digits
            page.messages.show_error(f"Could not open {named(pair)} ({exc}); still {named(in_use)}.", "pair")
            return
        if pair != "ten":
            self.last_pair = pair
        page.open(lab)
        page.apply(page.session.idle())
        self.after_open()
        self.after_open = lambda: None

    def files_for(self, pair: tuple[int, int] | str) -> set[str]:
        """What opening `pair` still has to download."""
        wanted = {f"data/{digit_file(d)}" for d in (DIGITS if pair == "ten" else pair) if d not in self.digits}
        return wanted | ({"weights/pairs.json"} if pair != "ten" and self.pairs is None else set())

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

    async def lab_for(self, pair: tuple[int, int] | str) -> Lab | TenLab:
        for digit in DIGITS if pair == "ten" else pair:
            if digit not in self.digits:
                self.digits[digit] = decode_digit(await self.download(f"data/{digit_file(digit)}"))
        if pair == "ten":
            return TenLab(ten_bundle([self.digits[d] for d in DIGITS], self.TRAIN_EVERY), self.ten)
        bundle = pair_bundle(self.digits[pair[0]], self.digits[pair[1]])
        train_set = Design(bundle.train.pixels, bundle.train.labels)
        shipped = await self.shipped_weights(pair, train_set)
        return Lab(bundle, shipped, train_set=train_set)

    async def shipped_weights(self, pair: tuple[int, int], train_set: Design) -> Weights:
        """The pair's shipped weights: w rebuilt from their alpha over the pair's training images."""
        name = pair_name(*pair)
        if name not in self.shipped:
            if self.pairs is None:
                self.pairs = pairs_from_json(await self.download("weights/pairs.json"))
            self.shipped[name] = pair_weights(self.pairs, name, train_set)
        return self.shipped[name]


def named(model: tuple[int, int] | str) -> str:
    """'all ten digits' or '3 versus 5'."""
    return "all ten digits" if model == "ten" else versus(model)


async def fetch_bytes(url: str, signal) -> bytes:
    """A file of the site, or OSError saying why not (net.js: a stall counts as a failure, tried twice)."""
    try:
        return (await window.digitlab.fetchBytes(url, js_object({"signal": signal}))).to_bytes()
    except JsException as exc:
        raise OSError(str(exc).removeprefix("Error: ")) from None
