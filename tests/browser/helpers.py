"""Steps browser tests share."""

import re

from django.urls import reverse

from tests.factories import TEST_PASSWORD


def sign_in(page, email):
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(re.compile(r"/$"))


def choose(page, label):
    """Tick a radio or checkbox as a keyboard user does: focus it, press Space."""
    control = page.get_by_label(label, exact=True)
    control.focus()
    page.keyboard.press("Space")
    assert control.is_checked()
