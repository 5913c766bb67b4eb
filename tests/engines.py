"""The page in browser engines other than Chromium, behind one small interface: Firefox ESR (puppeteer-core over
WebDriver BiDi, through tests/firefox.mjs) and WebKitGTK, Safari's engine family (Selenium's WebKitGTK driver on
a virtual screen). Both come from Debian packages; build.py installs them where it can (see `available`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = Path("/usr/lib") / f"{os.uname().machine}-linux-gnu" / "webkit2gtk-4.1" / "MiniBrowser"


def available(engine: str) -> str | None:
    """Why `engine` cannot run here, or None."""
    needs = {
        "firefox": [FIREFOX, ROOT / "node_modules" / "puppeteer-core"],
        "webkit": [WEBKIT_DRIVER, MINIBROWSER, shutil.which("Xvfb") or "/usr/bin/Xvfb"],
    }[engine]
    missing = [str(path) for path in needs if not Path(path).exists()]
    return (
        f"{engine} needs {', '.join(missing)} (python3 build.py test installs them on Debian as root)"
        if missing
        else None
    )


class Firefox:
    def __init__(self):
        self.process = subprocess.Popen(
            ["node", str(ROOT / "tests" / "firefox.mjs"), FIREFOX],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip

    def send(self, op: str, **arguments):
        self.process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"firefox {op}: {answer['error']}")
        return answer["ok"]

    def goto(self, url: str) -> None:
        self.send("goto", url=url)

    def reload(self) -> None:
        self.send("reload")

    def eval(self, js: str):
        return self.send("eval", js=js)

    def wait(self, js: str, timeout: float = 120) -> None:
        self.send("wait", js=js, timeout=timeout)

    def click(self, selector: str) -> None:
        self.send("click", selector=selector)

    def select(self, selector: str, value: str) -> None:
        self.send("select", selector=selector, value=value)

    def stroke(self, selector: str, points) -> None:
        self.send("stroke", selector=selector, points=points)

    def console_errors(self) -> list[str]:
        return self.send("console")

    def notes(self) -> list[str]:
        return self.send("notes")

    def quit(self) -> None:
        self.send("quit") if self.process.poll() is None else None
        self.process.wait(30)


class WebKit:
    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.service import Service

        self.screen = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24"], stdout=subprocess.PIPE
        )
        display = f":{self.screen.stdout.readline().decode().strip()}"
        options = webdriver.WebKitGTKOptions()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")
        service = Service(WEBKIT_DRIVER, env={**os.environ, "DISPLAY": display})
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_window_size(1280, 1000)

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def reload(self) -> None:
        self.driver.refresh()

    def eval(self, js: str):
        script = "const done = arguments[arguments.length - 1]; Promise.resolve(eval(arguments[0])).then(done, done);"
        return self.driver.execute_async_script(script, js)

    def wait(self, js: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not self.driver.execute_script(f"return Boolean({js})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"webkit: still not {js}")
            time.sleep(0.1)

    def click(self, selector: str) -> None:
        self.driver.find_element("css selector", selector).click()

    def select(self, selector: str, value: str) -> None:
        from selenium.webdriver.support.select import Select

        Select(self.driver.find_element("css selector", selector)).select_by_visible_text(value)

    def stroke(self, selector: str, points) -> None:
        from selenium.common.exceptions import ElementNotInteractableException
        from selenium.webdriver.common.action_chains import ActionChains

        pad = self.driver.find_element("css selector", selector)
        width, height = pad.size["width"], pad.size["height"]
        at = [(round((x - 0.5) * width), round((y - 0.5) * height)) for x, y in points]
        for attempt in (1, 2):
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", pad)
            chain = ActionChains(self.driver, duration=20).move_to_element_with_offset(pad, *at[0]).click_and_hold()
            for (x0, y0), (x1, y1) in zip(at, at[1:]):
                chain = chain.move_by_offset(x1 - x0, y1 - y0)
            try:
                chain.release().perform()
                return
            except ElementNotInteractableException:
                # WebKit's driver once refused the first move (its point still out of view while the page
                # settled after the scroll; 1 run in 5): nothing was drawn, so scroll and draw again.
                if attempt == 2:
                    raise
                chain.reset_actions()  # releases whatever the driver may hold pressed
                time.sleep(0.5)

    def console_errors(self) -> list[str]:
        return []  # WebKit's driver has no console: the page's own list of problems (window.digitlab.problems) has them

    def notes(self) -> list[str]:
        return []

    def quit(self) -> None:
        self.driver.quit()
        self.screen.terminate()
