"""Cached reads are never stale: every way the portal writes a table moves its generation, at once
and again when the transaction commits, and a cache that cannot be reached fails no write."""

import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction

from healthyplaces.accounts.backends import AuthenticationBackend
from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.core import generations
from healthyplaces.core.generations import cached
from healthyplaces.vocabulary.models import Theme
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def count_themes(calls: list[int]) -> int:
    calls.append(1)
    return Theme.objects.count()


def cached_count(calls: list[int]) -> int:
    return cached("test:themes", lambda: count_themes(calls), apps=["vocabulary"]).value


def themes_generation() -> str:
    generation = generations.generations(apps=["vocabulary"])
    assert generation is not None
    return generation


WRITES = {
    "save": lambda: Theme.objects.create(name="Parks"),
    "bulk_create": lambda: Theme.objects.bulk_create([Theme(name="Parks"), Theme(name="Buses")]),
    "bulk_create ignoring conflicts": lambda: Theme.objects.bulk_create([Theme(name="Parks")], ignore_conflicts=True),
    "update": lambda: Theme.objects.update(description="Changed"),
    "delete": lambda: Theme.objects.all().delete(),
    "raw SQL": lambda: connection.cursor().execute("UPDATE vocabulary_theme SET description = 'x'"),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_write_makes_the_cached_value_stale(write):
    Theme.objects.create(name="Housing")
    calls: list[int] = []
    first = cached_count(calls)
    assert cached_count(calls) == first
    assert len(calls) == 1

    write()
    after = cached_count(calls)

    assert len(calls) == 2
    assert after == Theme.objects.count()


def test_a_write_to_a_many_to_many_table_moves_its_owners_app():
    action = ActionFactory()
    theme = Theme.objects.create(name="Housing")
    before = generations.generations(apps=["actions"])

    action.themes.add(theme)

    assert generations.generations(apps=["actions"]) != before


def test_writes_to_other_apps_leave_the_value_cached():
    Theme.objects.create(name="Housing")
    calls: list[int] = []
    cached_count(calls)

    ActionFactory()
    cached_count(calls)

    assert len(calls) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_generation_moves_again_at_commit_once_per_table():
    with transaction.atomic():
        for n in range(50):
            Theme.objects.create(name=f"Theme {n}")
        during = themes_generation()
        registered = [entry for entry in connection.run_on_commit if isinstance(entry[1], generations._MoveOnCommit)]

    # A request that read the uncommitted (old) data under `during` cached it there: no one
    # finds it after the commit.
    assert themes_generation() != during
    assert [entry[1].names for entry in registered] == [("table:vocabulary_theme", "app:vocabulary")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_savepoint_does_not_lose_the_move_at_commit():
    with transaction.atomic():
        try:
            with transaction.atomic():
                Theme.objects.create(name="Parks")
                raise RuntimeError
        except RuntimeError:
            pass
        Theme.objects.create(name="Buses")
        during = themes_generation()

    assert themes_generation() != during


def test_a_cache_that_cannot_be_reached_does_not_fail_the_write(monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(generations.cache, "set_many", unreachable)
    with caplog.at_level(logging.ERROR, logger="healthyplaces.core.generations"):
        Theme.objects.create(name="Parks")

    assert Theme.objects.filter(name="Parks").exists()
    assert "Could not move the cache generations" in caplog.text


def test_permissions_come_from_the_cache_until_a_role_changes(make_user, django_assert_num_queries):
    officer = make_user(Role.COUNCIL_OFFICER)
    assert User.objects.get(pk=officer.pk).has_perm("actions.change_action")

    # The next request's user (loaded by the backend, with the permissions' durable generation) asks
    # the database nothing for its permissions.
    with django_assert_num_queries(1):  # the user
        user = AuthenticationBackend().get_user(officer.pk)
        assert user is not None
        assert not user.has_perm("actions.delete_action")

    # Giving the role a permission is seen at once.
    Group.objects.get(name=Role.COUNCIL_OFFICER.value).permissions.add(
        Permission.objects.get(codename="delete_action", content_type__app_label="actions")
    )
    assert User.objects.get(pk=officer.pk).has_perm("actions.delete_action")

    # So is taking someone out of the role.
    officer.groups.clear()
    assert not User.objects.get(pk=officer.pk).has_perm("actions.change_action")


def test_a_new_superuser_has_every_permission_at_once(make_user):
    officer = make_user(Role.COUNCIL_OFFICER)
    assert not User.objects.get(pk=officer.pk).has_perm("actions.delete_action")

    User.objects.filter(pk=officer.pk).update(is_superuser=True)

    assert User.objects.get(pk=officer.pk).has_perm("actions.delete_action")
