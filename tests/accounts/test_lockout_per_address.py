"""The lockout is one count per email address: whichever host name or port the wrong passwords came
through, with the cache emptied or not, and "Unlock sign-in" clears it for all of them. The rate limit
per client IP takes the address from X-Forwarded-For only through the configured trusted proxies."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from healthyplaces.accounts.models import SignInFailures
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import sign_in_failure_record
from healthyplaces.accounts.tasks import apply_data_retention
from tests.conftest import require
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "You have entered a wrong password too many times"
# Three names for this machine, each through two ports: allauth's own count was kept per Host header.
HOSTS = [f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]") for port in (8100, 8200)]


@pytest.fixture(autouse=True)
def _every_host_allowed(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]


def sign_in_at(host, email, password, **extra):
    """A new browser each time, so one success's session does not carry into the next try."""
    return Client().post(reverse("account_login"), {"login": email, "password": password}, HTTP_HOST=host, **extra)


def signed_in(response):
    return response.status_code == 302 and LOCKED not in response.content.decode()


def test_five_failures_lock_the_address_on_every_host_and_port_and_unlocking_opens_them_all(client):
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    # Spread over the hosts: each failure counts toward the same lockout.
    for attempt in range(5):
        response = sign_in_at(HOSTS[attempt % len(HOSTS)], member.email, f"wrong {attempt}")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode(), f"locked after {attempt} failures"

    for host in HOSTS:
        response = sign_in_at(host, member.email, TEST_PASSWORD)
        assert LOCKED in response.content.decode(), host
        # The address however it is typed.
        assert LOCKED in sign_in_at(host, f"  {member.email.upper()} ", TEST_PASSWORD).content.decode(), host

    # A programme admin unlocks it through one of the hosts.
    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [member.pk]},
        HTTP_HOST=HOSTS[3],
        follow=True,
    )
    assert "1 account(s) can sign in again." in response.content.decode()

    for host in HOSTS:
        assert signed_in(sign_in_at(host, member.email, TEST_PASSWORD)), host


def test_the_count_survives_the_cache_being_emptied():
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    for attempt in range(5):
        sign_in_at(HOSTS[0], member.email, f"wrong {attempt}")
        # A Redis restart (or flush) between failures.
        cache.clear()

    assert LOCKED in sign_in_at(HOSTS[1], member.email, TEST_PASSWORD).content.decode()
    assert SignInFailures.objects.get(email=member.email).failures == 5


def test_wrong_authenticator_codes_count_toward_the_same_lockout():
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    browser = Client(HTTP_HOST=HOSTS[0])
    browser.post(reverse("account_login"), {"login": officer.email, "password": TEST_PASSWORD})
    for _ in range(5):
        response = browser.post(reverse("mfa_authenticate"), {"code": "not-a-code"})
        assert response.status_code == 200

    assert LOCKED in sign_in_at(HOSTS[5], officer.email, TEST_PASSWORD).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_failures_at_the_same_moment_are_each_counted():
    """Ten processes' failures for one address at once: the count is ten, not fewer."""
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL): SQLite serialises every write")
    email = "target@example.org"
    start = threading.Barrier(10)
    errors: list[BaseException] = []

    def fail_once() -> None:
        try:
            start.wait()
            sign_in_failure_record(email=email)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fail_once) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert SignInFailures.objects.get(email=email).failures == 10


def test_the_ip_rate_limit_ignores_x_forwarded_for_without_trusted_proxies(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    # Eleven addresses tried from one connection, each claiming a different client in X-Forwarded-For.
    for attempt in range(10):
        email = f"nobody{attempt}@example.org"
        response = sign_in_at(HOSTS[0], email, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
        assert LOCKED not in response.content.decode()
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])

    response = sign_in_at(HOSTS[0], member.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert LOCKED in response.content.decode()


def test_behind_one_trusted_proxy_the_rate_limit_counts_the_client_it_saw(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The load balancer appends the address it saw; what the client wrote before it is not believed.
    for attempt in range(10):
        response = sign_in_at(
            HOSTS[0], f"nobody{attempt}@example.org", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 203.0.113.5"
        )
        assert LOCKED not in response.content.decode()
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])

    response = sign_in_at(HOSTS[0], member.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert LOCKED in response.content.decode()
    # Another client behind the same balancer is not locked out by the first.
    assert signed_in(sign_in_at(HOSTS[0], member.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7"))


def test_counts_that_can_no_longer_lock_are_forgotten_by_the_daily_retention_task(time_machine):
    time_machine.move_to("2026-11-26 09:00:00+00:00", tick=False)
    for _ in range(5):
        sign_in_failure_record(email="locked@example.org")
    sign_in_failure_record(email="typo@example.org")
    time_machine.move_to("2026-11-26 09:10:00+00:00", tick=False)
    sign_in_failure_record(email="recent@example.org")

    time_machine.move_to("2026-11-26 09:16:00+00:00", tick=False)
    apply_data_retention.apply().get()

    # The lock ended at 09:15 and the typo's window too; the recent failure still counts.
    assert set(SignInFailures.objects.values_list("email", flat=True)) == {"recent@example.org"}


def test_an_address_longer_than_any_account_can_have_is_refused_like_any_wrong_password():
    """An address longer than the 254 characters any account's can be was written to the failure count's
    254-character column: on PostgreSQL the insert failed and anyone could make sign-in answer 500.
    No account has such an address, so there is nothing to lock: the sign-in is simply refused."""
    too_long = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org"
    response = Client().post(reverse("account_login"), {"login": too_long, "password": "wrong password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not SignInFailures.objects.exists()
