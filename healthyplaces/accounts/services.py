"""Writes to users, roles and organisations."""

from collections.abc import Iterable

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from healthyplaces.accounts.models import Organisation, RoleChange, User
from healthyplaces.accounts.roles import Role


@transaction.atomic
def user_register_community_member(*, user: User, full_name: str) -> User:
    """Self sign-up: whoever registers is a community group member and nothing more."""
    user.full_name = full_name.strip()
    user.is_staff = False
    user.is_superuser = False
    user.save()
    _set_groups(actor=None, user=user, roles={Role.COMMUNITY_GROUP_MEMBER})
    return user


def _set_groups(*, actor: User | None, user: User, roles: set[Role]) -> None:
    """The one place groups are written, so each change lands in the audit log with it."""
    before = sorted(user.groups.values_list("name", flat=True))
    after = sorted(role.value for role in roles)
    user.groups.set(Group.objects.filter(name__in=after))
    if before != after:
        RoleChange.objects.create(actor=actor, user=user, before=before, after=after)
    user.__dict__.pop("role_names", None)


@transaction.atomic
def user_set_roles(*, actor: User | None, user: User, roles: Iterable[Role]) -> User:
    """Only a programme admin grants roles. actor=None is the operator at the command line, who
    has to make the first programme admin."""
    if actor is not None and not actor.has_role(Role.PROGRAMME_ADMIN) and not actor.is_superuser:
        raise PermissionDenied("Only a programme admin can change roles")
    wanted = set(roles)
    _set_groups(actor=actor, user=user, roles=wanted)
    # The admin site is where programme admins manage users, funds and vocabulary.
    user.is_staff = Role.PROGRAMME_ADMIN in wanted or user.is_superuser
    user.save(update_fields=["is_staff"])
    return user


@transaction.atomic
def organisation_add_member(*, organisation: Organisation, user: User) -> None:
    organisation.members.add(user)


def user_unlock_sign_in(*, request: HttpRequest, actor: User, user: User) -> None:
    """Forget the wrong passwords that locked this person out (allauth counts them per address and
    site in the shared cache, so the admin's request names the site)."""
    if not actor.has_role(Role.PROGRAMME_ADMIN) and not actor.is_superuser:
        raise PermissionDenied("Only a programme admin can unlock an account")
    key = get_adapter()._get_login_attempts_cache_key(request, email=user.email)
    ratelimit.clear(request, action="login_failed", key=key)
