"""Who may read and change actions. Roles grant Django permissions (see the migrations); leading
an action is what lets a council officer change that particular one."""

from actions.models import Action
from healthyplaces.accounts.models import User


def can_view_tracker(user: User) -> bool:
    return user.is_authenticated and user.has_perm("actions.view_action")


def can_update_any_action(user: User) -> bool:
    return user.is_authenticated and user.has_perm("actions.update_any_action")


def leads_action(user: User, action: Action) -> bool:
    # Uses the prefetched leads when the caller loaded them.
    return any(lead.pk == user.pk for lead in action.lead_officers.all())


def can_update_action(user: User, action: Action) -> bool:
    if not user.is_authenticated or not user.has_perm("actions.change_action"):
        return False
    return can_update_any_action(user) or leads_action(user, action)
