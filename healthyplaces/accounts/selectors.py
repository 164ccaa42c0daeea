"""Reads of users, roles and the role-change log."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from healthyplaces.accounts.filters import RoleChangeFilter
from healthyplaces.accounts.models import RoleChange, User
from healthyplaces.accounts.permissions import can_view_role_changes


def role_change_log(*, user: User, params: Any) -> tuple[RoleChangeFilter, QuerySet[RoleChange]]:
    if not can_view_role_changes(user):
        raise PermissionDenied
    role_filter = RoleChangeFilter(params, queryset=RoleChange.objects.select_related("user", "actor"))
    return role_filter, role_filter.qs
