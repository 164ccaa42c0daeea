"""Whoever holds a permission beyond the everyday roles' (programme admins, council officers, assessors
and board members) signs in with an authenticator app; until they have one, every page but the
set-up pages sends them to set it up."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from healthyplaces.accounts.roles import MFA_ROLES, Role
from tests.factories import TEST_PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "core:home",
    "actions:list",
    "actions:mine",
    "insights:list",
    "insights:add",
    "funding:applications",
    "notifications:list",
    "notifications:preferences",
    "admin:index",
]
MFA_ROLE_IDS = sorted(role.value for role in MFA_ROLES)


def sign_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def set_up_authenticator_app(client):
    # allauth asks for the password again before a second factor is added, even just after signing in.
    assert client.get(reverse("mfa_activate_totp")).headers["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    return page, client.post(reverse("mfa_activate_totp"), {"code": totp_code(client.session[SECRET_SESSION_KEY])})


@pytest.mark.parametrize("role", MFA_ROLE_IDS)
def test_staff_without_an_authenticator_are_sent_to_set_one_up_from_every_staff_page(client, role):
    client.force_login(UserFactory(roles=[Role(role)], mfa=False))

    for url_name in STAFF_PAGES:
        response = client.get(reverse(url_name))
        assert (response.status_code, response.headers.get("Location")) == (302, reverse("mfa_activate_totp")), url_name
    # The way out and the set-up itself stay open.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200


@pytest.mark.parametrize("role", MFA_ROLE_IDS)
def test_staff_with_an_authenticator_reach_their_pages(client, role):
    client.force_login(UserFactory(roles=[Role(role)]))

    for url_name in STAFF_PAGES:
        response = client.get(reverse(url_name))
        assert response.headers.get("Location") != reverse("mfa_activate_totp"), url_name


@pytest.mark.parametrize("role", [Role.COMMUNITY_CONNECTOR, Role.COMMUNITY_GROUP_MEMBER])
def test_other_roles_are_not_made_to_use_a_second_factor(client, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("notifications:preferences")).status_code == 200


def test_a_superuser_without_a_role_must_use_one_too(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, mfa=False))

    assert client.get(reverse("admin:index")).headers["Location"] == reverse("mfa_activate_totp")


def test_signing_in_asks_for_the_code_and_a_wrong_one_is_refused(client):
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])

    response = sign_in_with_password(client, officer)
    assert response.headers["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("actions:mine")).status_code == 302  # not signed in yet

    wrong = "000000" if totp_code() != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(reverse("actions:mine")).status_code == 200


def test_a_recovery_code_signs_in_when_the_phone_is_lost(client):
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER], mfa=False)
    sign_in_with_password(client, officer)
    set_up_authenticator_app(client)
    codes = Authenticator.objects.get(user=officer, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    client.logout()

    sign_in_with_password(client, officer)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert response.status_code == 302
    assert client.get(reverse("actions:mine")).status_code == 200


def test_a_new_officer_signs_in_sets_up_the_app_and_then_reaches_staff_pages(client):
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER], mfa=False)

    response = sign_in_with_password(client, officer)
    assert client.get(response.headers["Location"]).headers["Location"] == reverse("mfa_activate_totp")

    page, response = set_up_authenticator_app(client)

    assert "Set up an authenticator app" in page.content.decode()
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()
    # Recovery codes are made with the app, for a lost phone.
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(reverse("actions:mine")).status_code == 200


def test_staff_cannot_switch_their_second_factor_off(client):
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    sign_in_with_password(client, officer)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()


def test_a_community_connector_may_switch_theirs_off(client):
    connector = UserFactory(roles=[Role.COMMUNITY_CONNECTOR], mfa=True)
    sign_in_with_password(client, connector)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})

    client.post(reverse("mfa_deactivate_totp"))

    assert not Authenticator.objects.filter(user=connector, type=Authenticator.Type.TOTP).exists()


def test_the_test_code_is_what_an_authenticator_app_shows():
    # RFC 6238's reference secret ("12345678901234567890") at T=59s gives 287082 for six digits.
    assert format_hotp_value(hotp_value("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59 // 30)) == "287082"
    cache.clear()
