"""The suite's Chromium: turning off what a headless page never shows must not undo Playwright's own settings."""

from __future__ import annotations

import pytest

from browser import UNSEEN_FEATURES, disabled_features, launch_options

pytestmark = pytest.mark.browser


def test_the_omnibox_popup_is_off_and_playwrights_own_list_is_kept(browser):
    plain = browser.browser_type.launch(**launch_options())
    try:
        playwrights = disabled_features(plain)
    finally:
        plain.close()
    ours = disabled_features(browser)
    assert playwrights is not None and ours is not None, "chrome://version no longer shows the command line"
    assert playwrights, "Playwright no longer disables features itself: nothing is left to keep"
    assert set(playwrights) <= set(ours)
    assert set(UNSEEN_FEATURES) <= set(ours)
