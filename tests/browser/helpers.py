"""Steps browser tests share."""

import re

from tests.browser.signing_in import sign_in

__all__ = ["choose", "sign_in", "sign_out"]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/$"))


def choose(page, label):
    """Tick a radio or checkbox as a keyboard user does: focus it, press Space."""
    control = page.get_by_label(label, exact=True)
    control.focus()
    page.keyboard.press("Space")
    assert control.is_checked()
