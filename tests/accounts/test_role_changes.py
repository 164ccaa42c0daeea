"""Every change to anyone's roles is logged with who made it, before, after and when, in the same
transaction as the change; programme admins read the log."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from healthyplaces.accounts.models import RoleChange, User
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import user_set_roles
from tests.factories import UserFactory
from tests.support.roles import ROLES

pytestmark = pytest.mark.django_db


def test_a_role_change_is_logged_with_who_before_after_and_when(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, 30, tzinfo=datetime.UTC), tick=False)
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER, Role.BOARD_MEMBER])

    user_set_roles(actor=admin, user=person, roles=[Role.BOARD_MEMBER, Role.ASSESSOR])

    change = RoleChange.objects.get(user=person)
    assert change.actor == admin
    assert change.before == sorted([Role.COMMUNITY_GROUP_MEMBER.value, Role.BOARD_MEMBER.value])
    assert change.after == sorted([Role.BOARD_MEMBER.value, Role.ASSESSOR.value])
    assert (change.added, change.removed) == ([Role.ASSESSOR.value], [Role.COMMUNITY_GROUP_MEMBER.value])
    assert change.changed_at == datetime.datetime(2026, 11, 26, 9, 30, tzinfo=datetime.UTC)


def test_setting_the_same_roles_again_logs_nothing():
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    person = UserFactory(roles=[Role.BOARD_MEMBER])

    user_set_roles(actor=admin, user=person, roles=[Role.BOARD_MEMBER])

    assert not RoleChange.objects.filter(user=person).exists()


def test_a_refused_change_logs_nothing_and_changes_nothing():
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    person = UserFactory(roles=[Role.BOARD_MEMBER])

    with pytest.raises(PermissionDenied):
        user_set_roles(actor=officer, user=person, roles=[Role.PROGRAMME_ADMIN])

    assert not RoleChange.objects.exists()
    assert User.objects.get(pk=person.pk).role_names == {Role.BOARD_MEMBER.value}


def test_the_log_and_the_change_commit_together(monkeypatch):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    person = UserFactory(roles=[Role.BOARD_MEMBER])

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    # The last write of the change (is_staff) fails after the groups and the log row were written.
    monkeypatch.setattr(User, "save", fail)
    with pytest.raises(RuntimeError):
        user_set_roles(actor=admin, user=person, roles=[Role.PROGRAMME_ADMIN])
    monkeypatch.undo()

    assert not RoleChange.objects.exists()
    assert User.objects.get(pk=person.pk).role_names == {Role.BOARD_MEMBER.value}


def test_signing_up_is_logged_as_the_first_role(client):
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Grace",
            "email": "grace@example.org",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )

    change = RoleChange.objects.get(user__email="grace@example.org")
    assert (change.actor, change.before, change.after) == (None, [], [Role.COMMUNITY_GROUP_MEMBER.value])


def test_the_admin_site_changes_roles_through_the_logged_service(client):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    client.force_login(admin)

    response = client.post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "email": person.email,
            "full_name": "P",
            "groups": [Group.objects.get(name=Role.ASSESSOR).pk],
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    change = RoleChange.objects.get(user=person)
    assert (change.actor, change.before, change.after) == (
        admin,
        [Role.COMMUNITY_GROUP_MEMBER.value],
        [Role.ASSESSOR.value],
    )
    assert User.objects.get(pk=person.pk).role_names == {Role.ASSESSOR.value}


@pytest.mark.parametrize("role", list(ROLES))
def test_only_programme_admins_read_the_log(client, role):
    if ROLES[role]:
        client.force_login(UserFactory(roles=ROLES[role]))

    response = client.get(reverse("accounts:role_changes"))

    expected = {"anonymous": 302, "programme admin": 200}.get(role, 403)
    assert response.status_code == expected
    if role == "anonymous":
        assert response.headers["Location"].startswith(reverse("account_login"))


def test_the_log_filters_by_whose_roles_and_who_changed_them(client):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN], full_name="Ada Admin")
    other_admin = UserFactory(roles=[Role.PROGRAMME_ADMIN], full_name="Omar Otheradmin")
    pat = UserFactory(full_name="Pat Person")
    sam = UserFactory(full_name="Sam Someone")
    user_set_roles(actor=admin, user=pat, roles=[Role.BOARD_MEMBER])
    user_set_roles(actor=other_admin, user=sam, roles=[Role.ASSESSOR])
    client.force_login(admin)

    by_person = client.get(reverse("accounts:role_changes"), {"person": "pat"}).content.decode()
    by_actor = client.get(reverse("accounts:role_changes"), {"changed_by": "omar"}).content.decode()

    assert "Pat Person" in by_person
    assert "Sam Someone" not in by_person
    assert "Sam Someone" in by_actor
    assert "Pat Person" not in by_actor
    assert "Added: Assessor" in by_actor


@pytest.mark.parametrize("rows", [5, 50])
def test_the_log_runs_the_same_queries_however_many_rows(client, django_assert_num_queries, rows):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    people = UserFactory.create_batch(rows)
    for person in people:
        user_set_roles(actor=admin, user=person, roles=[Role.BOARD_MEMBER])
    client.force_login(admin)

    # session, user (with its MFA facts), the admin's own and group permissions (cached for the
    # navigation), the count, and the page of changes with both people joined.
    with django_assert_num_queries(6):
        response = client.get(reverse("accounts:role_changes"))
    assert response.status_code == 200
