"""Repeated wrong passwords lock an address out, even from the right password; a programme admin
unlocks it from the admin site."""

import pytest
from django.conf import settings
from django.urls import reverse

from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "You have entered a wrong password too many times"


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def fail_until_locked(client, email, times):
    for attempt in range(times):
        response = sign_in(client, email, f"wrong password {attempt}")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode(), f"locked after {attempt} failures"


def limit_failures(settings, limit):
    settings.LOGIN_FAILURES_LIMIT = limit


def test_the_failure_limit_and_window_come_from_the_environment_with_safe_defaults():
    # LOGIN_FAILURES_LIMIT and LOGIN_LOCKOUT_SECONDS; unset in the test environment.
    assert (settings.LOGIN_FAILURES_LIMIT, settings.LOGIN_LOCKOUT_SECONDS) == (5, 900)
    # allauth's own limit counts failures per client IP only: the per-address count is the lockout's.
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip"


@pytest.mark.parametrize("limit", [3, 5])
def test_after_the_configured_failures_even_the_right_password_is_refused(client, settings, caplog, limit):
    limit_failures(settings, limit)
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])

    fail_until_locked(client, member.email, limit)
    response = sign_in(client, member.email, TEST_PASSWORD)

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert f"{member.email} is locked out" in caplog.text
    # Someone else's address is not locked by it.
    other = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    assert sign_in(client, other.email, TEST_PASSWORD).status_code == 302


def test_the_lock_lifts_when_the_window_has_passed(client, settings, time_machine):
    limit_failures(settings, 3)
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    time_machine.move_to("2026-11-26 09:00:00+00:00", tick=False)
    fail_until_locked(client, member.email, 3)

    time_machine.move_to("2026-11-26 09:16:00+00:00", tick=False)

    assert sign_in(client, member.email, TEST_PASSWORD).status_code == 302


def test_a_programme_admin_unlocks_an_account_from_the_admin_site(client, settings):
    limit_failures(settings, 3)
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    fail_until_locked(client, member.email, 3)
    assert LOCKED in sign_in(client, member.email, TEST_PASSWORD).content.decode()

    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [member.pk]},
        follow=True,
    )
    assert "1 account(s) can sign in again." in response.content.decode()
    client.logout()

    assert sign_in(client, member.email, TEST_PASSWORD).status_code == 302


def test_only_a_programme_admin_may_unlock(rf):
    from django.core.exceptions import PermissionDenied

    from healthyplaces.accounts.services import user_unlock_sign_in

    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    with pytest.raises(PermissionDenied):
        user_unlock_sign_in(request=rf.get("/"), actor=officer, user=User.objects.get(pk=officer.pk))
