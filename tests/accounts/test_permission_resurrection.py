"""A revoked role cannot come back from an old snapshot of the cache: the officer's permissions are
cached in a real redis-server (the test's own), the server SAVEs, the role is taken away, the server
is killed and started again from its snapshot, which still holds the officer's permission set under
the generations of that time. The page is 403, because the key of a cached permission set carries a
generation held in the database."""

import pickle

import pytest
from django.urls import reverse

from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import user_set_roles
from healthyplaces.core.cache import outages_seen
from healthyplaces.core.generations import durable_generation
from tests.factories import ActionFactory, UserFactory
from tests.support.processes import RedisServer
from tests.support.redis_cache import cache_at, tolerant_cache_at
from tests.support.redis_fixtures import redis_server

__all__ = ["redis_server"]

pytestmark = pytest.mark.django_db


def cached_permission_sets(server: RedisServer, user: User) -> list[set[str]]:
    client = server.client()
    values = [client.get(key) for key in client.scan_iter(f"*permissions:{user.pk}:*")]
    return [pickle.loads(value) for value in values if isinstance(value, bytes)]  # noqa: S301 - our own test server


def test_a_revoked_role_does_not_come_back_when_redis_restarts_from_its_snapshot(client, settings, redis_server):
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    ActionFactory(number=9, leads=[officer])
    update_page = reverse("actions:update", kwargs={"number": 9})
    client.force_login(officer)

    with cache_at(settings, redis_server.url()):
        assert client.get(update_page).status_code == 200
        assert any("actions.change_action" in perms for perms in cached_permission_sets(redis_server, officer))
        redis_server.save()

        user_set_roles(actor=None, user=officer, roles=[Role.BOARD_MEMBER])
        assert client.get(update_page).status_code == 403

        redis_server.kill()
        redis_server.start(from_snapshot=True)
        # A fresh connection to the restarted server; this process never saw it down, so nothing
        # but the key's own generation stands between the page and the restored permission set.
        settings.CACHES = tolerant_cache_at(redis_server.url())
        outages = outages_seen()
        restored = cached_permission_sets(redis_server, officer)
        assert any("actions.change_action" in perms for perms in restored), "the snapshot kept the officer's set"

        assert client.get(update_page).status_code == 403
        assert outages_seen() == outages


def test_every_kind_of_permission_change_moves_the_generation_held_in_the_database(make_user):
    from django.contrib.auth.models import Group, Permission

    officer = make_user(Role.COUNCIL_OFFICER)
    group = Group.objects.get(name=Role.COUNCIL_OFFICER.value)
    permission = Permission.objects.get(codename="delete_action", content_type__app_label="actions")
    changes = {
        "role-change service": lambda: user_set_roles(actor=None, user=officer, roles=[Role.BOARD_MEMBER]),
        "group membership": lambda: officer.groups.add(group),
        "membership from the group's side": lambda: group.user_set.remove(officer),
        "a group's permissions": lambda: group.permissions.add(permission),
        "a person's own permissions": lambda: officer.user_permissions.add(permission),
        "a queryset update": lambda: Group.objects.filter(pk=group.pk).update(name=group.name),
    }
    for name, change in changes.items():
        before = durable_generation("permissions")
        change()
        assert durable_generation("permissions") != before, name
