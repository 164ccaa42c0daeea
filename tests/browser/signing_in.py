from collections.abc import Callable

from django.core.cache import cache
from django.urls import reverse

from tests.factories import TEST_PASSWORD, totp_code


def sign_in(page, email: str, check: Callable[..., None] | None = None) -> None:
    """Sign in through the login form, typing and pressing Enter only. Staff who use an authenticator
    app answer its step with the code for the test secret. check (e.g. assert_accessible) runs on
    each page on the way: the login form, the code form if asked, and where the person lands."""
    page.goto(reverse("account_login"))
    if check:
        check(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(lambda url: reverse("account_login") not in url)
    if page.url.endswith(reverse("mfa_authenticate")):
        if check:
            check(page)
        # allauth accepts each code once; a journey that signs the same person in twice within
        # the same 30 seconds would otherwise be refused.
        cache.clear()
        page.get_by_label("Code").fill(totp_code())
        page.get_by_label("Code").press("Enter")
        page.wait_for_url(lambda url: reverse("mfa_authenticate") not in url)
    if check:
        check(page)
