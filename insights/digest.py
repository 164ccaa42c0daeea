"""The insights bank's part of the progress digest: what communities told us in the period, by theme.
Board members and connectors get the counts through the small-numbers rule (the total is
published, so a theme hidden alone would be the total minus the others: its next smallest is
hidden too); officers and programme admins get them exact."""

from django.db.models import Count

from healthyplaces.core.disclosure import protect_counts, rank, shown, shown_count
from healthyplaces.notifications.digest import DigestPeriod, DigestSection, register_digest_section
from insights.models import Insight

NO_THEME = "No theme recorded"


@register_digest_section("insights", order=20)
def insights_section(period: DigestPeriod) -> DigestSection | None:
    new = Insight.objects.filter(created_at__gt=period.start, created_at__lte=period.end)
    total = new.count()
    if not total:
        return None
    counts = {
        row["themes__name"] or NO_THEME: row["n"]
        for row in new.values("themes__name").annotate(n=Count("pk", distinct=True)).order_by()
    }
    published, published_total = (counts, total) if period.exact_counts else protect_counts(counts, total=total)
    # Largest first; hidden counts after those shown, then by name.
    by_theme = [
        (theme, shown(count)) for theme, count in sorted(published.items(), key=lambda item: (-rank(item[1]), item[0]))
    ]
    responses = Insight.objects.filter(
        response_published=True, updated_at__gt=period.start, updated_at__lte=period.end
    ).count()
    return DigestSection(
        title="What communities told us",
        template="emails/digest/insights",
        context={
            "total": shown(published_total),
            "by_theme": by_theme,
            "responses_published": shown_count(responses, exact=period.exact_counts) if responses else "",
        },
    )
