"""Reads of actions, always scoped to what the user may see."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from actions.filters import ActionFilter
from actions.models import Action, ActionUpdate, Milestone
from actions.permissions import can_update_action, can_view_tracker
from healthyplaces.accounts.models import User


def _with_list_relations(queryset: QuerySet[Action]) -> QuerySet[Action]:
    return queryset.prefetch_related(
        Prefetch("lead_officers", queryset=User.objects.order_by("full_name", "email")),
        "themes",
    )


def action_list(*, user: User, params: Any = None, mine: bool = False) -> tuple[ActionFilter, QuerySet[Action]]:
    if not can_view_tracker(user):
        raise PermissionDenied
    queryset = Action.objects.all()
    if mine:
        queryset = queryset.filter(lead_officers=user)
    action_filter = ActionFilter(params, queryset=queryset)
    return action_filter, _with_list_relations(action_filter.qs)


def action_public_list() -> QuerySet[Action]:
    """What anyone may read: the plan's wording, the status and the published summary."""
    return Action.objects.only("number", "title", "text", "status", "progress", "public_summary", "updated_at")


def get_action_for_user(*, user: User, number: int, for_update: bool = False) -> Action:
    """The action if the user may see it (or change it, with for_update); 404 or 403 otherwise."""
    if not can_view_tracker(user):
        raise PermissionDenied
    queryset = _with_list_relations(Action.objects.all()).prefetch_related(
        "partners",
        Prefetch("milestones", queryset=Milestone.objects.order_by("done", "due_date", "pk")),
        # The insights app links insights to actions; the action page lists them by that relation.
        "insights",
    )
    try:
        action = queryset.get(number=number)
    except Action.DoesNotExist as missing:
        raise Http404("No such action") from missing
    if for_update and not can_update_action(user, action):
        raise PermissionDenied
    return action


TIMELINE_PAGE = 20


@dataclass(frozen=True)
class TimelinePage:
    updates: list[ActionUpdate]
    # The version to show updates before for the next, older page; None on the last page.
    older_than: int | None


def action_timeline(*, action: Action, before: int | None = None) -> TimelinePage:
    """Newest first, a page at a time, keyed by version rather than by page number: one query
    whatever the length of the history, and no count of it."""
    updates = action.updates.select_related("author").order_by("-version")
    if before is not None:
        updates = updates.filter(version__lt=before)
    rows = list(updates[: TIMELINE_PAGE + 1])
    shown = rows[:TIMELINE_PAGE]
    return TimelinePage(shown, shown[-1].version if len(rows) > TIMELINE_PAGE else None)


def action_updates_since(*, action: Action, version: int) -> QuerySet[ActionUpdate]:
    """Updates someone else saved after the version a form was loaded at, oldest first."""
    return action.updates.filter(version__gt=version).select_related("author").order_by("version")
