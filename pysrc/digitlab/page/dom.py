"""The few helpers every view needs to cross into JavaScript, and localStorage that never raises."""

from __future__ import annotations

import re

import js
from pyodide.ffi import JsException, create_proxy, to_js


class BrowserGlobal:
    """`document` or `window`, looked up when used rather than when imported: the runtime's memory
    snapshot (digitlab/snapshot.py) imports the page layer where there is no page."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(getattr(js, self._name), attribute)


document, window = BrowserGlobal("document"), BrowserGlobal("window")


def element(testid: str):
    return document.querySelector(f'[data-testid="{testid}"]')


def js_bytes(data: bytes):
    array = js.Uint8Array.new(len(data))
    array.assign(data)
    return array


def js_object(value):
    return to_js(value, dict_converter=js.Object.fromEntries)


def download(name: str, text: str) -> None:
    """Offer `text` to the user as a JSON file download."""
    url = js.URL.createObjectURL(js.Blob.new([text], js_object({"type": "application/json"})))
    link = document.createElement("a")
    link.href = url
    link.download = name
    document.body.append(link)
    link.click()
    link.remove()
    js.setTimeout(create_proxy(lambda: js.URL.revokeObjectURL(url)), 1000)


def refusal_name(exc: JsException) -> str:
    """The browser's name for why it refused ('QuotaExceededError'), out of Pyodide's wording of it."""
    found = re.search(r"\b(\w+Error)\b", str(exc))
    return f"{found[1]}: its storage is full or off" if found else "its storage is full or off"


class Storage:
    """localStorage that may be missing (private mode), full, or hold garbage: never raises."""

    def get(self, key: str) -> str | None:
        try:
            return window.localStorage.getItem(key)
        except JsException:
            return None

    def set(self, key: str, value: str) -> str | None:
        """Store; return a message if the browser refused."""
        try:
            window.localStorage.setItem(key, value)
        except JsException as exc:  # full (QuotaExceededError), or switched off for this site
            return f"this browser would not save it ({refusal_name(exc)}); it stays in use until you reload"
        return None

    def keys(self, prefix: str) -> list[str]:
        """Every stored key that starts with `prefix` (none where storage is unavailable)."""
        try:
            store = window.localStorage
            found = [store.key(i) for i in range(store.length)]
        except JsException:
            return []
        return [key for key in found if key and key.startswith(prefix)]

    def forget(self, key: str) -> str | None:
        """Forget; return a message if the browser refused."""
        try:
            window.localStorage.removeItem(key)
        except JsException as exc:
            return f"this browser would not forget the saved copy ({exc})"
        return None


def put_pixels(canvas, rgba: bytes, width: int, height: int) -> None:
    window.digitlab.putPixels(canvas, js_bytes(rgba), width, height)


def clear_canvas(canvas) -> None:
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height)
