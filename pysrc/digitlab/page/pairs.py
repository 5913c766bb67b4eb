"""Which two digits the page tells apart: the selects and the URL hash in; each digit's data and the pair's
shipped weights fetched once (with a deadline, tried twice); then a fresh Lab opened by the controller.

The newest choice wins: one made while another pair loads replaces it (that download is aborted, so a
stalled one never holds up the next). One made while a run goes is refused, and the URL says the pair
in use again.
"""

from __future__ import annotations

import asyncio

import js
from pyodide.ffi import JsException

from .. import address
from ..data import BundleError, Digit, decode_digit, digit_file, pair_bundle, pair_name
from ..lab import Lab
from ..session import Activity
from ..sparse import Design
from ..weights import Weights, WeightsError, pair_weights, pairs_from_json
from ..words import versus
from .controller import Controller
from .dom import js_object, window


class PairLoader:
    def __init__(self, page: Controller, digits: dict[int, Digit], shipped_0_1: Weights, radii: dict[str, float]):
        self.page = page
        self.radii = radii  # novelty radius by pair name
        self.digits = digits  # the digit data loaded so far
        self.shipped = {"0-1": shipped_0_1}  # shipped weights by pair name, from weights/pairs.json as needed
        self.pairs: dict | None = None  # weights/pairs.json, parsed the first time a pair needs it
        self.task: asyncio.Task | None = None
        self.abort = None  # aborts the downloads of the load under way

    def asked(self) -> tuple[int, int] | str | None:
        return address.asked(window.location.hash)

    def on_select(self, _event=None) -> None:
        a, b = self.page.picker.chosen()
        if a == b:
            self.page.messages.show_error(f"Choose two different digits: both say {a}.", "pair")
            return
        self.choose((min(a, b), max(a, b)))

    def on_hash(self, _event=None) -> None:
        asked = self.asked()
        if isinstance(asked, str):
            self.page.restore_address()
            self.page.messages.show_error(f"{asked}; still {versus(self.page.session.digits)}.", "pair")
        elif asked is not None:
            self.choose(asked)

    def choose(self, pair: tuple[int, int]) -> None:
        """Open `pair`, replacing any load under way; refused (URL and selects restored) while a run goes."""
        page, session = self.page, self.page.session
        if refusal := session.refusal("pair"):
            page.restore_address()
            page.messages.show_error(f"The pair stays {versus(session.digits)}: {refusal}.", "pair")
            return
        if pair == (session.loading or session.digits):
            return
        self.stop()
        if pair == session.digits:  # back to the pair in use while another was loading
            page.apply(session.idle())
            page.messages.say("", "pair")
            return
        page.apply(session.begin(Activity.LOADING, pair))
        page.messages.clear_error()
        page.messages.say(f"Loading {pair[0]} and {pair[1]}…", "pair")
        self.task = asyncio.ensure_future(self.load(pair))

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            self.abort.abort()
        self.task = None

    async def load(self, pair: tuple[int, int]) -> None:
        """Load what the pair needs (fetching only what is new) and open it; on failure keep the pair in use."""
        page = self.page
        self.abort = js.AbortController.new()
        try:
            lab = await self.lab_for(pair, self.abort.signal)
        except asyncio.CancelledError:
            return  # a newer choice took over
        except (OSError, JsException, BundleError, WeightsError) as exc:
            page.apply(page.session.idle())
            page.restore_address()
            page.messages.show_error(
                f"Could not open {versus(pair)} ({exc}); still {versus(page.session.digits)}.", "pair"
            )
            return
        page.open(lab)
        page.apply(page.session.idle())

    async def lab_for(self, pair: tuple[int, int], signal) -> Lab:
        for digit in pair:
            if digit not in self.digits:
                self.digits[digit] = decode_digit(await fetch_bytes(f"data/{digit_file(digit)}", signal))
        bundle = pair_bundle(self.digits[pair[0]], self.digits[pair[1]])
        train_set = Design(bundle.train.pixels, bundle.train.labels)
        shipped = await self.shipped_weights(pair, train_set, signal)
        return Lab(bundle, shipped, self.radii[pair_name(*pair)], train_set=train_set)

    async def shipped_weights(self, pair: tuple[int, int], train_set: Design, signal) -> Weights:
        """The pair's shipped weights: w rebuilt from their alpha over the pair's training images."""
        name = pair_name(*pair)
        if name not in self.shipped:
            if self.pairs is None:
                self.pairs = pairs_from_json(await fetch_bytes("weights/pairs.json", signal))
            self.shipped[name] = pair_weights(self.pairs, name, train_set)
        return self.shipped[name]


async def fetch_bytes(url: str, signal) -> bytes:
    """A file of the site, or OSError saying why not (net.js: a stall counts as a failure, tried twice)."""
    try:
        return (await window.digitlab.fetchBytes(url, js_object({"signal": signal}))).to_bytes()
    except JsException as exc:
        raise OSError(str(exc).removeprefix("Error: ")) from None
