"""Writes to users, roles and organisations."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import Role


@transaction.atomic
def user_register_community_member(*, user: User, full_name: str) -> User:
    """Self sign-up: whoever registers is a community group member and nothing more."""
    user.full_name = full_name.strip()
    user.is_staff = False
    user.is_superuser = False
    user.save()
    user.groups.set([Group.objects.get(name=Role.COMMUNITY_GROUP_MEMBER)])
    return user


@transaction.atomic
def user_set_roles(*, actor: User | None, user: User, roles: Iterable[Role]) -> User:
    """Only a programme admin grants roles. actor=None is the operator at the command line, who
    has to make the first programme admin."""
    if actor is not None and not actor.has_role(Role.PROGRAMME_ADMIN) and not actor.is_superuser:
        raise PermissionDenied("Only a programme admin can change roles")
    wanted = set(roles)
    user.groups.set(Group.objects.filter(name__in=[role.value for role in wanted]))
    # The admin site is where programme admins manage users, funds and vocabulary.
    user.is_staff = Role.PROGRAMME_ADMIN in wanted or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_names", None)
    return user


@transaction.atomic
def organisation_add_member(*, organisation: Organisation, user: User) -> None:
    organisation.members.add(user)
