"""The seed fund's part of the progress digest: applications in, decisions made and money awarded."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from funding.models import Application, Round
from funding.workflow import AWARDED, State
from healthyplaces.notifications.digest import DigestPeriod, DigestSection, register_digest_section


@register_digest_section("funding", order=30)
def funding_section(period: DigestPeriod) -> DigestSection | None:
    in_period = Q(submitted_at__gt=period.start, submitted_at__lte=period.end)
    decided = Q(decided_at__gt=period.start, decided_at__lte=period.end)
    counts = Application.objects.aggregate(
        submitted=Count("pk", filter=in_period),
        approved=Count("pk", filter=decided & Q(state__in=AWARDED)),
        declined=Count("pk", filter=decided & Q(state=State.DECLINED)),
        awarded=Sum("amount_awarded", filter=decided & Q(state__in=AWARDED)),
    )
    if not (counts["submitted"] or counts["approved"] or counts["declined"]):
        return None
    rounds = [
        {"round": round_, "awarded": round_.awarded or Decimal(0), "remaining": round_.budget - (round_.awarded or 0)}
        for round_ in Round.objects.filter(closes_on__gte=period.start.date())
        .select_related("fund")
        .annotate(awarded=Sum("applications__amount_awarded", filter=Q(applications__state__in=AWARDED)))
    ]
    return DigestSection(
        title="The seed fund",
        template="emails/digest/funding",
        context={**counts, "awarded": counts["awarded"] or Decimal(0), "rounds": rounds},
    )
