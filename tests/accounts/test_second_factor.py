"""Who must use a second factor follows permissions, not role names, and counts only when this
session has used it. Roles and their permissions can't be edited in the admin site."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from healthyplaces.accounts.backends import AuthenticationBackend
from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import EVERYDAY_ROLES, MFA_ROLES, Role
from healthyplaces.accounts.services import user_set_roles
from tests.factories import TEST_PASSWORD, UserFactory, totp_code
from tests.support.sign_in import force_login_without_second_factor

pytestmark = pytest.mark.django_db

STAFF_PAGE = "core:home"


def permissions_of(role: Role) -> set[int]:
    return set(Group.objects.get(name=role.value).permissions.values_list("pk", flat=True))


def must_use_mfa(user: User) -> tuple[bool, bool]:
    """As the model answers for any user, and as the signed-in user loaded on each request."""
    loaded = AuthenticationBackend().get_user(user.pk)
    assert loaded is not None
    return User.objects.get(pk=user.pk).must_use_mfa, loaded.must_use_mfa


def test_the_roles_that_need_a_second_factor_are_those_holding_more_than_the_everyday_roles():
    everyday = set().union(*(permissions_of(role) for role in EVERYDAY_ROLES))
    beyond = {role for role in Role if permissions_of(role) - everyday}

    assert beyond == MFA_ROLES
    for role in Role:
        assert must_use_mfa(UserFactory(roles=[role], mfa=False)) == (role in MFA_ROLES,) * 2, role


def test_a_permission_given_to_one_person_brings_the_second_factor_with_it(client):
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    assert must_use_mfa(member) == (False, False)

    member.user_permissions.add(Permission.objects.get(codename="change_application"))

    assert must_use_mfa(member) == (True, True)
    client.force_login(member)
    assert client.get(reverse(STAFF_PAGE)).headers["Location"] == reverse("mfa_activate_totp")


def test_a_group_that_is_not_a_role_counts_by_its_permissions_too():
    connector = UserFactory(roles=[Role.COMMUNITY_CONNECTOR])
    extra = Group.objects.create(name="Made outside the migrations")
    extra.permissions.add(Permission.objects.get(codename="view_rolechange"))
    connector.groups.add(extra)

    assert must_use_mfa(connector) == (True, True)


def test_an_everyday_permission_alone_does_not():
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    # The connector's permissions are everyday ones too.
    member.user_permissions.add(*Group.objects.get(name=Role.COMMUNITY_CONNECTOR.value).permissions.all())

    assert must_use_mfa(member) == (False, False)


@pytest.mark.parametrize("role", sorted(role.value for role in MFA_ROLES))
def test_a_session_without_the_code_reaches_only_the_code_step_and_sign_out(role):
    person = UserFactory(roles=[Role(role)])
    browser = Client()
    force_login_without_second_factor(browser, person)

    for url_name in (STAFF_PAGE, "account_email", "account_change_password", "mfa_index", "notifications:list"):
        response = browser.get(reverse(url_name))
        assert response.status_code == 302, url_name
        assert response.headers["Location"].startswith(reverse("mfa_reauthenticate") + "?next="), url_name
    assert browser.get(reverse("account_logout")).status_code == 200

    step = browser.get(reverse(STAFF_PAGE)).headers["Location"]
    response = browser.post(step, {"code": totp_code()})

    assert response.headers["Location"] == reverse(STAFF_PAGE)
    assert browser.get(reverse(STAFF_PAGE)).status_code == 200


def test_a_role_given_while_signed_in_asks_for_the_second_factor_on_the_next_page(client):
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    client.post(reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD})
    assert client.get(reverse(STAFF_PAGE)).status_code == 200

    user_set_roles(actor=None, user=member, roles=[Role.COUNCIL_OFFICER])

    assert client.get(reverse(STAFF_PAGE)).headers["Location"] == reverse("mfa_activate_totp")


def test_roles_and_their_permissions_are_read_only_in_the_admin(client):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
    role = Group.objects.get(name=Role.COMMUNITY_CONNECTOR.value)
    before = set(role.permissions.all())

    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
    response = client.post(
        reverse("admin:auth_group_change", args=[role.pk]),
        {"name": role.name, "permissions": [Permission.objects.get(codename="change_application").pk]},
    )
    assert response.status_code == 403
    assert client.post(reverse("admin:auth_group_delete", args=[role.pk]), {"post": "yes"}).status_code == 403
    assert set(role.permissions.all()) == before
    # Permissions have no admin pages at all.
    assert not admin.site.is_registered(Permission)


def test_the_user_admin_changes_no_permissions_superuser_or_staff_flag(client):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    for field in ("user_permissions", "is_superuser", "is_staff"):
        assert f'name="{field}"' not in page, field

    response = client.post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "email": person.email,
            "full_name": "P",
            "groups": [Group.objects.get(name=Role.COMMUNITY_GROUP_MEMBER.value).pk],
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "user_permissions": [Permission.objects.get(codename="change_application").pk],
        },
    )

    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert (person.is_staff, person.is_superuser, person.user_permissions.count()) == (False, False, 0)
