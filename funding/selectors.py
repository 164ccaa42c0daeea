"""Reads of funding data, scoped to the user: a community group member sees only their own
organisations' applications; officers and programme admins see all."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from funding.models import MAX_SCORE, Application, ApplicationEvent, Assignment, ReportSpend, Round, Score
from funding.permissions import can_apply, can_assess, can_manage_applications
from funding.workflow import AWARDED, State
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import Role


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Staff see every application; a group member their own groups'; an assessor those assigned
    to them for which they have declared no conflict of interest."""
    if can_manage_applications(user):
        return Application.objects.all()
    visible = Q(pk__in=[])
    if can_apply(user):
        visible |= Q(organisation__in=Organisation.objects.filter(members=user))
    if can_assess(user):
        visible |= Q(pk__in=Assignment.objects.filter(assessor=user, has_conflict=False).values("application"))
    return Application.objects.filter(visible)


def application_list(*, user: User) -> QuerySet[Application]:
    if not (can_manage_applications(user) or can_apply(user) or can_assess(user)):
        raise PermissionDenied
    return applications_visible_to(user).select_related("round__fund", "organisation").order_by("-updated_at", "-pk")


def get_application_for_user(*, user: User, pk: int) -> Application:
    """404 for an application the user may not see, so its existence is not told either."""
    queryset = (
        applications_visible_to(user)
        .select_related("round__fund", "organisation", "priority", "report")
        .prefetch_related(
            "report__insights",
            Prefetch("report__spend", queryset=ReportSpend.objects.select_related("budget_line")),
            "wards",
            "budget_lines",
            "attachments",
            "organisation__members",
            "payments",
            "round__criteria",
            "round__eligibility_questions",
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("assessor")),
            Prefetch("assignments__scores", queryset=Score.objects.select_related("criterion")),
        )
    )
    try:
        return queryset.get(pk=pk)
    except Application.DoesNotExist as missing:
        raise Http404("No such application") from missing


def open_rounds() -> QuerySet[Round]:
    today = timezone.localdate()
    return Round.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("fund")


def rounds_for_public() -> QuerySet[Round]:
    """Open rounds and those opening soon, for the public funding page."""
    return Round.objects.filter(Q(closes_on__gte=timezone.localdate())).select_related("fund").order_by("opens_on")


def get_assignment_for_user(*, user: User, pk: int) -> Assignment:
    """An assessor's own assignment; anyone else's is 404 to them."""
    if not can_assess(user):
        raise PermissionDenied
    try:
        return Assignment.objects.select_related("application__organisation", "application__round__fund").get(
            pk=pk, assessor=user
        )
    except Assignment.DoesNotExist as missing:
        raise Http404("No such assessment") from missing


def assignment_list(*, user: User) -> QuerySet[Assignment]:
    if not can_assess(user):
        raise PermissionDenied
    return (
        Assignment.objects.filter(assessor=user)
        .select_related("application__organisation", "application__round__fund")
        .order_by("submitted_at", "-assigned_at", "-pk")
    )


def weighted_percent(points: int | None, assessments: int, total_weight: int) -> Decimal | None:
    """The mean of the assessments' weighted scores, as a percentage of the most they could be.
    Every sent assessment scores every criterion, so summing points over assessments is exact."""
    if not assessments or not total_weight or points is None:
        return None
    return (Decimal(points) * 100 / (assessments * total_weight * MAX_SCORE)).quantize(Decimal("0.1"))


SENT = Q(assignments__submitted_at__isnull=False)


def with_scores(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate each application with its sent assessments' weighted points and how many there are."""
    return applications.annotate(
        points=Sum(F("assignments__scores__score") * F("assignments__scores__criterion__weight"), filter=SENT),
        assessed=Count("assignments", filter=SENT, distinct=True),
        assigned=Count("assignments", filter=~Q(assignments__has_conflict=True), distinct=True),
    )


@dataclass(frozen=True)
class PanelRow:
    application: Application
    score: Decimal | None
    assessed: int
    assigned: int
    # The budget left once this and every higher-ranked application still to decide is awarded.
    remaining_after: Decimal
    decided: bool

    @property
    def over_budget_by(self) -> Decimal:
        return -self.remaining_after


@dataclass(frozen=True)
class Panel:
    round: Round
    rows: list[PanelRow]
    awarded: Decimal
    remaining: Decimal


PANEL_STATES = (State.IN_ASSESSMENT, *AWARDED, State.DECLINED)


def round_panel(*, user: User, pk: int) -> Panel:
    """A round's applications ranked by weighted score (unscored last), with the budget left as a
    running total if each undecided one were awarded what it asked for."""
    if not can_manage_applications(user):
        raise PermissionDenied
    round_ = get_object_or_404(Round.objects.select_related("fund"), pk=pk)
    total_weight = round_.criteria.aggregate(total=Sum("weight"))["total"] or 0
    # Annotated rows: points, assessed and assigned come from with_scores.
    applications: list[Any] = list(
        with_scores(Application.objects.filter(round=round_, state__in=PANEL_STATES)).select_related("organisation")
    )
    awarded = sum((a.amount_awarded or Decimal(0) for a in applications if a.state in AWARDED), start=Decimal(0))
    scored = [(a, weighted_percent(a.points, a.assessed, total_weight)) for a in applications]
    scored.sort(key=lambda pair: (pair[1] is None, -(pair[1] or 0), pair[0].submitted_at or pair[0].created_at))
    remaining = round_.budget - awarded
    running = remaining
    rows = []
    for application, score in scored:
        decided = application.state != State.IN_ASSESSMENT
        if not decided:
            running -= application.amount_requested or Decimal(0)
        rows.append(PanelRow(application, score, application.assessed, application.assigned, running, decided))
    return Panel(round_, rows, awarded, remaining)


def rounds_for_staff(*, user: User) -> QuerySet[Round]:
    if not can_manage_applications(user):
        raise PermissionDenied
    return (
        Round.objects.select_related("fund")
        .annotate(in_assessment=Count("applications", filter=Q(applications__state=State.IN_ASSESSMENT)))
        .order_by("-opens_on", "name")
    )


def assessors_to_assign(application: Application) -> QuerySet[User]:
    """Active assessors not yet on this application and not members of the applying group."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.ASSESSOR.value)
        .exclude(assignments__application=application)
        .exclude(organisations=application.organisation_id)
        .order_by("full_name", "email")
        .distinct()
    )
