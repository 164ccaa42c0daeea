import re

import pytest
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from tests.browser.signing_in import sign_in
from tests.factories import TEST_PASSWORD, UserFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_new_assessor_sets_up_an_authenticator_app_by_keyboard_then_signs_in_with_it(page, assert_accessible):
    UserFactory(email="assessor@example.org", roles=[Role.ASSESSOR], mfa=False)

    sign_in(page, "assessor@example.org")
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert page.get_by_text("Set up an authenticator app before you use the portal").is_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(re.compile(r"/2fa/totp/activate/$"))
    assert_accessible(page)
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()

    secret = page.locator(".app-secret-key").inner_text().strip()
    page.get_by_label("Authenticator code").fill("12")
    page.get_by_label("Authenticator code").press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_label("Authenticator code").press("Enter")
    page.wait_for_url(re.compile(r"/2fa/recovery-codes/$"))
    assert_accessible(page)

    page.goto(reverse("funding:applications"))
    assert page.url.endswith(reverse("funding:applications"))
    page.get_by_role("button", name="Sign out").press("Enter")
    page.wait_for_url(re.compile(r"/$"))

    # Next time the app's code is asked for at sign-in (by hand here: this person's secret is the
    # one the page gave them, not the test secret the sign_in helper knows).
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill("assessor@example.org")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(re.compile(r"/2fa/authenticate/$"))
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_label("Code").press("Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.get_by_role("button", name="Sign out").is_visible()
