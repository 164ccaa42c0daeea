"""The lockout holds when tries arrive together: each try is counted in the one statement that asks
whether the address is locked, before its password (or code) is checked, and a right one gives its
count back. Asking first and counting after the check let every simultaneous try pass the question:
one extra guess per web worker per window beyond LOGIN_FAILURES_LIMIT."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from healthyplaces.accounts.models import SignInFailures, User
from healthyplaces.accounts.roles import Role
from tests.conftest import require
from tests.factories import TEST_PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

LOCKED = "You have entered a wrong password too many times"


@pytest.fixture
def password_checks(monkeypatch):
    """How many times a password was compared with the stored hash, from any thread."""
    checked: list[str] = []
    guard = threading.Lock()
    check_password = User.check_password

    def counting_check(user: User, raw_password: str) -> bool:
        with guard:
            checked.append(raw_password)
        return bool(check_password(user, raw_password))

    monkeypatch.setattr(User, "check_password", counting_check)
    return checked


def sign_in(email: str, password: str, client_ip: str = "127.0.0.1"):
    return Client(REMOTE_ADDR=client_ip).post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_wrong_passwords_get_exactly_the_limit_of_password_checks(settings, password_checks):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL): SQLite serialises every write")
    settings.LOGIN_FAILURES_LIMIT = 5
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    tries = 20
    start = threading.Barrier(tries)
    answers: list[str] = []
    errors: list[BaseException] = []

    def try_once(attempt: int) -> None:
        try:
            start.wait()
            # Each from its own client address, so allauth's per-IP rate limit refuses none of them:
            # only the lockout per address decides.
            response = sign_in(member.email, f"wrong {attempt}", client_ip=f"203.0.113.{attempt + 1}")
            answers.append(response.content.decode())
            assert response.status_code == 200
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            # Each thread had its own database connection.
            connection.close()

    threads = [threading.Thread(target=try_once, args=(attempt,)) for attempt in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(password_checks) == 5
    assert sum(LOCKED in answer for answer in answers) == tries - 5
    assert SignInFailures.objects.get(email=member.email).failures == 5
    # The right password is refused now, without being checked.
    response = sign_in(member.email, TEST_PASSWORD, client_ip="198.51.100.7")
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in response.client.session
    assert len(password_checks) == 5


def test_a_right_password_gives_its_try_back_and_leaves_earlier_failures_counted(settings):
    settings.LOGIN_FAILURES_LIMIT = 3
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    for attempt in range(2):
        assert LOCKED not in sign_in(member.email, f"wrong {attempt}").content.decode()

    # The third try reaches the limit while it is checked; being right, it takes the count and lock back.
    assert sign_in(member.email, TEST_PASSWORD).status_code == 302
    row = SignInFailures.objects.get(email=member.email)
    assert (row.failures, row.locked_until) == (2, None)
    assert sign_in(member.email, TEST_PASSWORD).status_code == 302

    # A success does not wipe the earlier failures: one more wrong password locks.
    assert LOCKED not in sign_in(member.email, "wrong again").content.decode()
    assert LOCKED in sign_in(member.email, TEST_PASSWORD).content.decode()


def test_a_right_authenticator_code_gives_its_try_back_and_a_wrong_one_stays_counted(settings):
    settings.LOGIN_FAILURES_LIMIT = 3
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    browser = Client()
    browser.post(reverse("account_login"), {"login": officer.email, "password": TEST_PASSWORD})
    assert browser.post(reverse("mfa_authenticate"), {"code": "not-a-code"}).status_code == 200
    assert SignInFailures.objects.get(email=officer.email).failures == 1

    assert browser.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302

    assert SignInFailures.objects.get(email=officer.email).failures == 1
