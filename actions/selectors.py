"""Reads of actions, always scoped to what the user may see."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from actions.filters import ActionFilter
from actions.models import Action, ActionUpdate, Milestone
from actions.permissions import can_update_action, can_view_tracker
from healthyplaces.accounts.models import User

if TYPE_CHECKING:
    # Types only: funding sits above actions, so nothing here imports it when the code runs.
    from funding.models import Application, GrantReport
    from insights.models import Insight


# What action_loop reads. The insights app links insights to actions, and funding's priorities
# name the actions they serve; these follow both relations by name, so this app imports neither.
# Applications come in every state and action_loop keeps the awarded ones: a priority has a
# handful, and filtering in the query would mean importing funding's workflow.
LOOP_RELATIONS = ("insights", "priorities__applications__organisation", "priorities__applications__report")


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
        *LOOP_RELATIONS,
    )
    try:
        action = queryset.get(number=number)
    except Action.DoesNotExist as missing:
        raise Http404("No such action") from missing
    if for_update and not can_update_action(user, action):
        raise PermissionDenied
    return action


@dataclass(frozen=True)
class FundedGrant:
    application: "Application"
    # The group's end-of-grant report once they have sent it.
    report: "GrantReport | None"


@dataclass(frozen=True)
class ActionLoop:
    """The loop an action closes: what communities said, the grants funded to act on it, what those
    grants reported and the responses published back ("you said, we did")."""

    insights: list["Insight"]
    grants: list[FundedGrant]
    responses: list["Insight"]


def action_loop(*, action: Action) -> ActionLoop:
    """From the LOOP_RELATIONS prefetched (get_action_for_user does): no queries of its own."""
    insights = list(action.insights.all())
    return ActionLoop(
        insights=insights,
        grants=_funded_grants(action),
        responses=[insight for insight in insights if insight.response_published],
    )


def _funded_grants(action: Action) -> list[FundedGrant]:
    # Each grant once, however many of the action's priorities it sits under.
    grants = {
        application.pk: application
        for priority in action.priorities.all()
        for application in priority.applications.all()
        if application.is_awarded
    }
    return [FundedGrant(application, _submitted_report(application)) for _, application in sorted(grants.items())]


def _submitted_report(application: "Application") -> "GrantReport | None":
    try:
        report = application.report
    except ObjectDoesNotExist:
        return None
    return report if report.submitted_at else None


def action_timeline(*, action: Action) -> QuerySet[ActionUpdate]:
    return action.updates.select_related("author")


def action_updates_since(*, action: Action, version: int) -> QuerySet[ActionUpdate]:
    """Updates someone else saved after the version a form was loaded at, oldest first."""
    return action.updates.filter(version__gt=version).select_related("author").order_by("version")
