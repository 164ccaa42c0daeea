"""Reads of funding data, scoped to the user: a community group member sees only their own
organisations' applications; officers and programme admins see all."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from funding.models import Application, ApplicationEvent, Round
from funding.permissions import can_apply, can_manage_applications
from healthyplaces.accounts.models import User


def applications_visible_to(user: User) -> QuerySet[Application]:
    if can_manage_applications(user):
        return Application.objects.all()
    if can_apply(user):
        return Application.objects.filter(organisation__members=user)
    return Application.objects.none()


def application_list(*, user: User) -> QuerySet[Application]:
    if not (can_manage_applications(user) or can_apply(user)):
        raise PermissionDenied
    return applications_visible_to(user).select_related("round__fund", "organisation").order_by("-updated_at", "-pk")


def get_application_for_user(*, user: User, pk: int) -> Application:
    """404 for an application the user may not see, so its existence is not told either."""
    queryset = (
        applications_visible_to(user)
        .select_related("round__fund", "organisation", "priority")
        .prefetch_related(
            "wards",
            "budget_lines",
            "attachments",
            "organisation__members",
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
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
