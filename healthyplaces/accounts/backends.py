from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Subquery

from healthyplaces.accounts.models import User, needs_second_factor
from healthyplaces.core.generations import cached, durable_generation
from healthyplaces.core.models import DurableGeneration

# The durable generation (held in the database) that every write to PERMISSION_TABLES moves: see
# AccountsConfig.ready.
PERMISSIONS_GENERATION = "permissions"
# What a user's permissions are read from: any write to these tables makes every cached set stale.
PERMISSION_TABLES = (
    Permission._meta.db_table,
    ContentType._meta.db_table,
    Group._meta.db_table,
    Group.permissions.through._meta.db_table,
    User.groups.through._meta.db_table,
    User.user_permissions.through._meta.db_table,
)


class AuthenticationBackend(AllauthBackend):
    """allauth's sign-in by email. Loading the signed-in user on each request, it also reads whether
    they must use a second factor and have one, so the check on every page costs no extra query."""

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User.objects.annotate(
                needs_second_factor=needs_second_factor(),
                has_totp=Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)),
                permissions_generation=Subquery(
                    DurableGeneration.objects.filter(name=PERMISSIONS_GENERATION).values("value")[:1]
                ),
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: User | AnonymousUser, obj: Model | None = None) -> set[str]:
        """Django's answer, kept in the shared cache: the two permission queries are otherwise
        asked on every page, and roles' permissions change only in migrations and the admin.

        The key carries what the database says now, so no copy of the cache (a Redis restarted from
        an old snapshot) can give back permissions that were taken away: the durable generation that
        every write to the permission tables moves in the same transaction (read with the user, at
        no extra query), and the user's own is_superuser; is_active is checked above."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            # A user loaded by get_user() carries it (None before the first write); any other costs
            # one query.
            if hasattr(user_obj, "permissions_generation"):
                generation = user_obj.permissions_generation or ""
            else:
                generation = durable_generation(PERMISSIONS_GENERATION)
            user_obj._perm_cache = cached(  # type: ignore[attr-defined]
                f"permissions:{user_obj.pk}:{int(user_obj.is_superuser)}:{generation}",
                lambda: super(AuthenticationBackend, self).get_all_permissions(user_obj),
                tables=PERMISSION_TABLES,
            ).value
        return user_obj._perm_cache  # type: ignore[attr-defined,no-any-return]
