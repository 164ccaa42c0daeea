"""One door: every route that renders a password form or accepts a password, found by walking the
URLconf, either is allauth's flow or sends people to it. For each: a staff session reaches no staff page
until it has passed the authenticator code in that session, a wrong password there counts toward the
one lockout per address (or the route takes none, and a locked address gets nothing through it), and a
rate limit applies.

The second-factor rule itself (whoever holds more than the everyday roles' permissions) is in
test_mfa.py and test_second_factor.py; the lockout's count per address in test_lockout_per_address.py."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client
from django.urls import NoReverseMatch, reverse

from healthyplaces.accounts.models import SignInFailures
from healthyplaces.accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory, totp_code
from tests.support.routes import named_routes
from tests.support.sign_in import force_login_without_second_factor

pytestmark = pytest.mark.django_db

PASSWORD_INPUT = re.compile(r"<input[^>]*type=\"password\"", re.IGNORECASE)
STAFF_PAGE = "actions:mine"
LOCKED = "You have entered a wrong password too many times"
NEW_PASSWORD = "a-brand-new-long-passphrase"

# Every route that renders a password form or accepts a password, by what it does with it.
SIGN_IN = "account_login"  # the door: an existing password starts a session
# Once someone is signed in, their own password again: counted like a sign-in.
OWN_PASSWORD_AGAIN = ("account_reauthenticate", "account_change_password")
# A new password for the person the key or address is for: nobody is signed in by it.
NEW_PASSWORD_ONLY = ("account_signup", "account_reset_password_from_key")
# The admin site's user pages: adding a person sets their first password, and a programme admin's own
# password page sets theirs (another person's is refused: tests/core/test_admin_guardrails.py). Neither
# takes a password that is checked against one stored.
SOMEONE_ELSES = ("admin:accounts_user_add", "admin:auth_user_password_change")
# The admin site's own password pages send people to allauth's.
TO_THE_DOOR = {"admin:login": SIGN_IN, "admin:password_change": "account_change_password"}
PASSWORD_ROUTES = (SIGN_IN, *OWN_PASSWORD_AGAIN, *NEW_PASSWORD_ONLY, *SOMEONE_ELSES, *TO_THE_DOOR)


def has_password_input(response) -> bool:
    return response.status_code == 200 and bool(PASSWORD_INPUT.search(response.content.decode()))


def reset_url(user) -> str:
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )


def route_url(name: str, person) -> str:
    """The URL of a password route; the ones with arguments are about person."""
    if name == "account_reset_password_from_key":
        return reset_url(person)
    if name == "admin:auth_user_password_change":
        return reverse(name, args=[person.pk])
    return reverse(name)


def fresh_client() -> Client:
    return Client()


def staff_session_without_the_code(officer) -> Client:
    browser = fresh_client()
    force_login_without_second_factor(browser, officer)
    return browser


def reaches_staff_page(browser: Client) -> bool:
    return browser.get(reverse(STAFF_PAGE)).status_code == 200


def failures_of(person) -> int:
    row = SignInFailures.objects.filter(email=person.email).first()
    return row.failures if row else 0


@pytest.fixture
def officer():
    return UserFactory(roles=[Role.COUNCIL_OFFICER], email="olu.officer@example.org")


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.PROGRAMME_ADMIN])


def test_the_password_routes_are_found_by_walking_the_urlconf(admin, officer):
    """GET every route without arguments as nobody and as a programme admin who passed the code:
    the ones that show a password input, and the known ones with arguments, are PASSWORD_ROUTES. A
    new password form fails here until it is given a place above (and so the tests below)."""
    anonymous, signed_in = fresh_client(), fresh_client()
    signed_in.force_login(admin)
    found, redirected = set(), {}
    for route in named_routes():
        if route.params or route.name in ("account_logout", "admin:logout"):
            continue
        url = reverse(route.name)
        for browser in (anonymous, signed_in):
            response = browser.get(url)
            if has_password_input(response):
                found.add(route.name)
            elif route.name in TO_THE_DOOR and browser is anonymous:
                redirected[route.name] = response
    for name in ("account_reset_password_from_key", "admin:auth_user_password_change"):
        browser = signed_in if name.startswith("admin:") else anonymous
        # allauth moves a reset key from the URL into the session, then shows the form; the admin's
        # password page shows one only for the admin's own password.
        person = admin if name.startswith("admin:") else officer
        if has_password_input(browser.get(route_url(name, person), follow=True)):
            found.add(name)

    assert found == {SIGN_IN, *OWN_PASSWORD_AGAIN, *NEW_PASSWORD_ONLY, *SOMEONE_ELSES}
    # The admin's sign-in sends everyone to the portal's, and back to the admin afterwards.
    login_redirect = redirected["admin:login"]
    assert login_redirect.status_code == 302
    assert login_redirect.headers["Location"].startswith(reverse(SIGN_IN) + "?next=%2Fadmin%2F")


@pytest.mark.parametrize("name", PASSWORD_ROUTES)
def test_no_staff_page_until_the_code_is_passed_in_this_session(name, officer):
    if name == SIGN_IN:
        browser = fresh_client()
        response = browser.post(reverse(SIGN_IN), {"login": officer.email, "password": TEST_PASSWORD})
        assert response.headers["Location"] == reverse("mfa_authenticate")
        assert not reaches_staff_page(browser)
        browser.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert reaches_staff_page(browser)
    elif name in TO_THE_DOOR:
        browser = fresh_client()
        for response in (
            browser.get(reverse(name), follow=True),
            browser.post(reverse(name), {"username": officer.email, "password": TEST_PASSWORD}, follow=True),
        ):
            # Straight there, or through the admin's sign-in, which sends people on.
            assert response.redirect_chain[-1][0].startswith(reverse(SIGN_IN) + "?next=%2Fadmin%2F")
        assert "_auth_user_id" not in browser.session
        assert not reaches_staff_page(browser)
        # Signed in (with the code), the admin's password page is allauth's.
        browser.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
        if name == "admin:password_change":
            assert browser.get(reverse(name)).headers["Location"] == reverse(TO_THE_DOOR[name])
    elif name in NEW_PASSWORD_ONLY:
        browser = fresh_client()
        if name == "account_signup":
            data = {"email": officer.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "full_name": "X"}
            browser.post(reverse(name), data)
        else:
            form = browser.get(reset_url(officer), follow=True)
            browser.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
            officer.refresh_from_db()
            assert officer.check_password(NEW_PASSWORD)
        assert "_auth_user_id" not in browser.session
        assert not reaches_staff_page(browser)
    else:
        # Signed in with the password alone (an old session, say): the route itself is closed, its
        # form included, until the code; posting the password there opens nothing either.
        officer_or_admin = officer if name in OWN_PASSWORD_AGAIN else UserFactory(roles=[Role.PROGRAMME_ADMIN])
        browser = staff_session_without_the_code(officer_or_admin)
        url = route_url(name, officer)
        response = browser.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("mfa_reauthenticate"))
        browser.post(url, {"password": TEST_PASSWORD, "oldpassword": TEST_PASSWORD})
        assert not reaches_staff_page(browser)
        # The code, in this session, opens it.
        response = browser.post(response.headers["Location"], {"code": totp_code()})
        assert response.status_code == 302
        assert reaches_staff_page(browser)


@pytest.mark.parametrize("name", PASSWORD_ROUTES)
def test_failures_count_toward_the_one_lockout(name, officer, settings):
    settings.LOGIN_FAILURES_LIMIT = 2
    if name in (SIGN_IN, *OWN_PASSWORD_AGAIN):
        browser = fresh_client()
        if name != SIGN_IN:
            browser.force_login(officer)
        field = {"account_login": "password", "account_reauthenticate": "password"}.get(name, "oldpassword")
        extra = {"login": officer.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        for attempt in (1, 2):
            browser.post(reverse(name), {**extra, field: f"wrong {attempt}"})
            assert failures_of(officer) == attempt
        # Locked: the right password is refused here and at the door, and is not counted.
        response = browser.post(reverse(name), {**extra, field: TEST_PASSWORD})
        assert LOCKED in response.content.decode()
        assert LOCKED in fresh_client().post(reverse(SIGN_IN), extra | {"password": TEST_PASSWORD}).content.decode()
        officer.refresh_from_db()
        assert not officer.check_password(NEW_PASSWORD)
    else:
        # These take no password of the person signed in, so there is none to count: the locked
        # address gets no session through them, and its count is neither reset nor moved.
        for attempt in (1, 2):
            fresh_client().post(reverse(SIGN_IN), {"login": officer.email, "password": f"wrong {attempt}"})
        browser = fresh_client()
        if name in SOMEONE_ELSES:
            browser.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
        post = {"login": officer.email, "email": officer.email, "password": TEST_PASSWORD}
        post |= {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
        if name == "account_reset_password_from_key":
            # The emailed key proves the mailbox: allauth lifts the lockout with the reset (but
            # signs nobody in: test_no_staff_page_until_the_code_is_passed_in_this_session).
            form = browser.get(reset_url(officer), follow=True)
            browser.post(form.redirect_chain[-1][0], post)
            assert failures_of(officer) == 0
            return
        browser.post(route_url(name, officer), post)
        assert failures_of(officer) == 2
        assert browser.session.get("_auth_user_id") != str(officer.pk)
        assert LOCKED in fresh_client().post(reverse(SIGN_IN), post).content.decode()


# Each route's own rate limit (allauth's ACCOUNT_RATE_LIMITS action), set to one a minute here.
RATE_LIMITED_AS = {
    "account_login": "login_failed",
    "account_reauthenticate": "reauthenticate",
    "account_change_password": "change_password",
    "account_signup": "signup",
    "account_reset_password_from_key": "reset_password_from_key",
}


@pytest.mark.parametrize("name", PASSWORD_ROUTES)
def test_the_rate_limit_applies(name, officer, settings):
    if name in TO_THE_DOOR or name in SOMEONE_ELSES:
        # No password of anyone's is checked there: the admin's pages send people to allauth's
        # (whose limits are the other cases), and setting another's password needs a programme admin
        # who passed the code (test_no_staff_page_until_the_code_is_passed_in_this_session).
        try:
            url = route_url(name, officer)
        except NoReverseMatch:  # pragma: no cover - the route list above is checked by the walk
            pytest.fail(name)
        browser = fresh_client()
        response = browser.post(url, {"username": officer.email, "password": TEST_PASSWORD})
        assert response.status_code == 302
        assert "_auth_user_id" not in browser.session
        return
    action = RATE_LIMITED_AS[name]
    settings.ACCOUNT_RATE_LIMITS = {
        action: "1/m/ip" if action not in ("reauthenticate", "change_password") else "1/m/user"
    }
    browser = fresh_client()
    if name in OWN_PASSWORD_AGAIN:
        browser.force_login(officer)
    other = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    data = {"password": "wrong", "oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    if name == "account_reset_password_from_key":
        form = browser.get(reset_url(officer), follow=True).redirect_chain[-1][0]
        assert browser.post(form, {"password1": "short", "password2": "different"}).status_code == 200
        assert browser.post(form, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 429
        officer.refresh_from_db()
        assert not officer.check_password(NEW_PASSWORD)
        return
    browser.post(reverse(name), data | {"login": other.email, "email": "first@example.org", "full_name": "A"})
    response = browser.post(reverse(name), data | {"login": officer.email, "email": "second@example.org"})
    if action == "login_failed":
        # Another address, the same client: refused before its password is even checked.
        assert LOCKED in response.content.decode()
        assert failures_of(officer) == 0
    else:
        assert response.status_code == 429


def test_the_admin_sign_in_checks_no_password_for_someone_already_signed_in(admin, settings):
    """allauth's secure_admin_login lets a signed-in staff user through to the admin's own sign-in
    view, whose POST checked any staff member's password with no lockout or rate limit and signed that
    person in on the right one: a programme admin could guess a colleague's password without end.
    Signed in, the admin's sign-in only sends people on to the admin, whatever is posted."""
    settings.LOGIN_FAILURES_LIMIT = 2
    colleague = UserFactory(roles=[Role.PROGRAMME_ADMIN], email="colleague@example.org")
    browser = fresh_client()
    browser.force_login(admin)
    for attempt in range(5):
        browser.post(reverse("admin:login"), {"username": colleague.email, "password": f"wrong {attempt}"})
    response = browser.post(reverse("admin:login"), {"username": colleague.email, "password": TEST_PASSWORD})
    assert browser.session["_auth_user_id"] == str(admin.pk)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("admin:index")
