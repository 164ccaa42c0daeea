"""The action tracker's part of the progress digest: what moved in the period, what is overdue
for review, and milestones done and coming up."""

import datetime

from django.db.models import F
from django.utils import timezone

from actions.models import Action, ActionUpdate, Milestone, Status
from healthyplaces.notifications.digest import DigestPeriod, DigestSection, register_digest_section

MILESTONES_DUE_WITHIN = datetime.timedelta(days=28)


@register_digest_section("actions", order=10)
def actions_section(period: DigestPeriod) -> DigestSection | None:
    today = timezone.localdate(period.end)
    status_changes = list(
        ActionUpdate.objects.filter(created_at__gt=period.start, created_at__lte=period.end)
        .exclude(old_status=F("new_status"))
        .select_related("action", "author")
        .order_by("action__number", "created_at")
    )
    overdue = list(Action.objects.filter(next_review_date__lt=today).exclude(status=Status.COMPLETE).order_by("number"))
    milestones_done = list(
        Milestone.objects.filter(done=True, done_on__gt=timezone.localdate(period.start), done_on__lte=today)
        .select_related("action")
        .order_by("action__number", "done_on")
    )
    milestones_due = list(
        Milestone.objects.filter(done=False, due_date__lte=today + MILESTONES_DUE_WITHIN)
        .select_related("action")
        .order_by("due_date", "action__number")
    )
    if not (status_changes or overdue or milestones_done or milestones_due):
        return None
    return DigestSection(
        title="The 18 actions",
        template="emails/digest/actions",
        context={
            "status_changes": status_changes,
            "overdue": overdue,
            "milestones_done": milestones_done,
            "milestones_due": milestones_due,
            "today": today,
        },
    )
