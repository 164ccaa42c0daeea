"""The insights bank's part of the progress digest: what communities told us in the period, by theme.
The digest goes to board members, so small counts are suppressed."""

from django.db.models import Count

from healthyplaces.notifications.digest import DigestPeriod, DigestSection, register_digest_section
from insights.models import Insight
from insights.stats import shown_count

NO_THEME = "No theme recorded"


@register_digest_section("insights", order=20)
def insights_section(period: DigestPeriod) -> DigestSection | None:
    new = Insight.objects.filter(created_at__gt=period.start, created_at__lte=period.end)
    total = new.count()
    if not total:
        return None
    by_theme = [
        (row["themes__name"] or NO_THEME, shown_count(row["n"], suppress=True))
        for row in new.values("themes__name").annotate(n=Count("pk", distinct=True)).order_by("-n", "themes__name")
    ]
    responses = Insight.objects.filter(
        response_published=True, updated_at__gt=period.start, updated_at__lte=period.end
    ).count()
    return DigestSection(
        title="What communities told us",
        template="emails/digest/insights",
        context={
            "total": shown_count(total, suppress=True),
            "by_theme": by_theme,
            "responses_published": responses,
        },
    )
