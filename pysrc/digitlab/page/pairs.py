"""Which two digits the page tells apart: the selects and the URL hash in; each digit's data and
the pair's shipped weights fetched once; then a fresh Lab and every view redrawn for the pair."""

from __future__ import annotations

import re

from pyodide.ffi import JsException

from ..data import BundleError, Digit, decode_digit, digit_file, pair_bundle, pair_name
from ..lab import Lab
from ..sparse import Design
from ..weights import Weights, WeightsError, pair_weights, pairs_from_json
from .controller import Controller
from .dom import document, element, window
from .views import Counts, Words

HASH = re.compile(r"#pair=(\d)-(\d)")


async def fetch_bytes(url: str) -> bytes:
    response = await window.fetch(url)
    if not response.ok:
        raise OSError(f"{url} answered {response.status}")
    return (await response.arrayBuffer()).to_bytes()


class Pairs:
    def __init__(self, page: Controller, digits: dict[int, Digit], shipped_0_1: Weights, radii: dict[str, float]):
        self.page = page
        self.radii = radii  # novelty radius by pair name
        self.digits = digits  # the digit data loaded so far
        self.shipped = {"0-1": shipped_0_1}  # shipped weights by pair name, from weights/pairs.json as needed
        self.pairs: dict | None = None  # weights/pairs.json, parsed the first time a pair needs it
        self.selects = (element("digit-a"), element("digit-b"))
        self.switching = False
        self.wanted_next: tuple[int, int] | None = None

    def wanted(self) -> tuple[int, int] | None:
        """The pair the URL asks for (#pair=3-5), if it names two different digits."""
        match = HASH.fullmatch(window.location.hash)
        if match and match[1] != match[2]:
            return tuple(sorted((int(match[1]), int(match[2]))))
        return None

    async def on_select(self, _event) -> None:
        a, b = (int(select.value) for select in self.selects)
        if a == b:
            self.page.messages.show_error(f"Choose two different digits: both say {a}.", near="pair")
            return
        await self.switch(tuple(sorted((a, b))))

    async def on_hash(self, _event) -> None:
        if (wanted := self.wanted()) and wanted != self.page.lab.digits:
            await self.switch(wanted)

    async def switch(self, pair: tuple[int, int]) -> None:
        """Open `pair`; a choice made while another is loading is taken up as soon as that one is open."""
        page = self.page
        if page.training:
            self.show_selects(page.lab.digits)
            page.messages.show_error("Training is running: the pair can change when it ends.", near="pair")
            return
        self.wanted_next = pair
        if self.switching:
            return
        self.switching = True
        document.body.dataset.ready = "false"
        try:
            while self.wanted_next and self.wanted_next != page.lab.digits:
                pair, self.wanted_next = self.wanted_next, None
                await self.load(pair)
        finally:
            self.wanted_next = None
            self.switching = False
            document.body.dataset.ready = "true"

    async def load(self, pair: tuple[int, int]) -> None:
        """Load what the pair needs (fetching only what is new) and open it; on failure keep the pair in use."""
        page = self.page
        page.messages.clear_error()
        page.messages.set_status(f"Loading {pair[0]} and {pair[1]}…", near="pair")
        try:
            for digit in pair:
                if digit not in self.digits:
                    self.digits[digit] = decode_digit(await fetch_bytes(f"data/{digit_file(digit)}"))
            bundle = pair_bundle(self.digits[pair[0]], self.digits[pair[1]])
            train_set = Design(bundle.train.pixels, bundle.train.labels)
            shipped = await self.shipped_weights(pair, train_set)
            lab = Lab(bundle, shipped, self.radii[pair_name(*pair)], train_set=train_set)
        except (OSError, JsException, BundleError, WeightsError) as exc:
            self.show_selects(page.lab.digits)
            page.messages.show_error(f"Could not open {pair_name(*pair)} ({exc}); still {page.lab.words}.", "pair")
        else:
            self.open(lab)
            page.messages.set_status("", near="pair")

    async def shipped_weights(self, pair: tuple[int, int], train_set: Design) -> Weights:
        """The pair's shipped weights: w rebuilt from their alpha over the pair's training images."""
        name = pair_name(*pair)
        if name not in self.shipped:
            if self.pairs is None:
                self.pairs = pairs_from_json(await fetch_bytes("weights/pairs.json"))
            self.shipped[name] = pair_weights(self.pairs, name, train_set)
        return self.shipped[name]

    def open(self, lab: Lab) -> None:
        """Make `lab` the page's: its stored state restored, every view showing its pair."""
        page = self.page
        page.lab = lab
        page.keeper.pair = pair_name(*lab.digits)
        page.reading = None
        Words().show(lab.digits)
        Counts().show(lab.bundle.train.n, lab.bundle.test.n)
        self.show_selects(lab.digits)
        window.history.replaceState(None, "", f"#pair={pair_name(*lab.digits)}")
        try:  # nothing a browser kept may stop the page: on any surprise, drop it and use the shipped weights
            self.restore()
            page.show_weights()
        except Exception as exc:  # noqa: BLE001 - deliberately broad: this is the last line of defence
            self.fall_back(exc)
        page.read_pad()
        document.body.dataset.pair = pair_name(*lab.digits)

    def show_selects(self, digits: tuple[int, int]) -> None:
        """Make the selects name the pair, in whichever order the user put them."""
        if sorted(int(select.value) for select in self.selects) != list(digits):
            for select, digit in zip(self.selects, digits):
                select.value = str(digit)

    def restore(self) -> None:
        """Weights and digits kept from an earlier visit; anything unreadable is dropped with a note."""
        page = self.page
        weights, weights_note = page.keeper.load_weights()
        page.lab.examples, examples_note = page.keeper.load_examples()
        if weights is not None:
            page.lab.use(weights)
        notes = " ".join(note for note in (weights_note, examples_note) if note)
        if notes:
            page.messages.show_error(notes, near="keep")
        page.examples.show(page.lab.examples, page.lab.digits)

    def fall_back(self, error: Exception) -> None:
        """Stored state broke the opening: drop it and carry on with the shipped weights."""
        page = self.page
        page.keeper.forget_all()
        page.lab.reset()
        page.lab.examples = []
        page.examples.show([])
        page.messages.show_error(
            f"What this browser had saved could not be used ({type(error).__name__}: {str(error)[:120]}); "
            "it was dropped and the shipped weights are in use.",
            near="keep",
        )
        page.show_weights()
