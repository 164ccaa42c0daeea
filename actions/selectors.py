"""Reads of actions, always scoped to what the user may see."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from actions.filters import ActionFilter
from actions.models import Action, ActionUpdate, Milestone
from actions.permissions import can_update_action, can_view_tracker
from healthyplaces.accounts.models import User
from healthyplaces.core.generations import cached

if TYPE_CHECKING:
    # Types only: funding sits above actions, so nothing here imports it when the code runs.
    from funding.models import Application, GrantReport
    from insights.models import Insight


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


@dataclass(frozen=True)
class FundedGrant:
    application: "Application"
    # The group's end-of-grant report once they have sent it.
    report: "GrantReport | None"


# The most recent insights an action page lists; the insights list has the rest.
LOOP_INSIGHTS = 20


def recent_insights_prefetch() -> Prefetch[Any]:
    """The action's most recent insights (one more than a page lists) as action.recent_insights:
    a sliced prefetch, so one query however many insights inform the actions."""
    insight_model = apps.get_model("insights", "Insight")
    recent = insight_model._default_manager.order_by("-heard_on", "-pk")[: LOOP_INSIGHTS + 1]
    return Prefetch("insights", queryset=recent, to_attr="recent_insights")


@dataclass(frozen=True)
class ActionLoop:
    """The loop an action closes: what communities said, the grants funded to act on it, what those
    grants reported and the responses published back ("you said, we did")."""

    insights: list["Insight"]
    more_insights: bool
    grants: list[FundedGrant]
    responses: list["Insight"]


def action_loop(*, action: Action, applications: "Iterable[Application] | None" = None) -> ActionLoop:
    """The loop from the action's prefetched insights, and the applications under the priorities
    that serve it: looked up in one query unless the caller has them (the board, for all 18)."""
    # One more than is shown is fetched, so the page knows whether to link to the rest.
    fetched: list[Insight] = (
        action.recent_insights
        if hasattr(action, "recent_insights")
        else list(action.insights.order_by("-heard_on", "-pk")[: LOOP_INSIGHTS + 1])
    )
    insights = fetched[:LOOP_INSIGHTS]
    if applications is None:
        applications = _applications_under_priorities(action)
    # Each grant once, however many of the action's priorities it sits under.
    awarded = {application.pk: application for application in applications if application.is_awarded}
    return ActionLoop(
        insights=insights,
        more_insights=len(fetched) > LOOP_INSIGHTS,
        grants=[FundedGrant(application, _submitted_report(application)) for _, application in sorted(awarded.items())],
        responses=[insight for insight in insights if insight.response_published],
    )


# What an action's loop is read from: insights and their links to actions, applications, their
# priorities and reports, and the action's own tables.
LOOP_DATA = ("insights", "funding", "actions", "accounts")


def action_loop_for_page(*, action: Action) -> ActionLoop:
    """The action page's loop, kept until anything it is read from changes: at ten years of data
    finding the 20 most recent of the ~5,000 insights informing an action is most of the page's
    database time, and the page is read far more often than insights arrive."""
    return cached(f"actions:loop:{action.pk}", lambda: action_loop(action=action), apps=LOOP_DATA).value


def _applications_under_priorities(action: Action) -> "list[Application]":
    # funding sits above this app, so its model is found by name rather than imported. Every
    # state comes back and action_loop keeps the awarded ones, for the same reason.
    application_model = apps.get_model("funding", "Application")
    return list(
        application_model._default_manager.filter(priority__actions=action)
        .select_related("organisation", "report")
        .order_by("pk")
    )


def _submitted_report(application: "Application") -> "GrantReport | None":
    try:
        report = application.report
    except ObjectDoesNotExist:
        return None
    return report if report.submitted_at else None
