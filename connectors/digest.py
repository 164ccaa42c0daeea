"""The connector network's part of the progress digest: conversations recorded in the period and
the people they reached, by ward. Counted by when they were recorded, so a conversation written up
a week late is still counted once, in the digest after it reaches the portal. Conversations and
people are each a list with its total published, so both go through the small-numbers rule for
anyone but officers and programme admins."""

from django.db.models import Count, Sum

from connectors.models import Conversation
from connectors.selectors import NO_WARD
from healthyplaces.core.disclosure import Figure, protect_columns_and_totals, rank, shown
from healthyplaces.notifications.digest import DigestPeriod, DigestSection, register_digest_section


@register_digest_section("connectors", order=40)
def connectors_section(period: DigestPeriod) -> DigestSection | None:
    recorded = Conversation.objects.filter(created_at__gt=period.start, created_at__lte=period.end)
    rows = [
        (row["place__ward__name"] or NO_WARD, row["conversations"], row["people"] or 0)
        for row in recorded.values("place__ward__name").annotate(conversations=Count("pk"), people=Sum("people_count"))
    ]
    if not rows:
        return None
    wards = [ward for ward, _, _ in rows]
    exact = [[n for _, n, _ in rows], [n for _, _, n in rows]]
    if period.exact_counts:
        columns: list[list[Figure]] = [list(column) for column in exact]
        totals: list[Figure] = [sum(column) for column in exact]
    else:
        columns, totals = protect_columns_and_totals(exact, labels=wards)
    by_ward = sorted(
        zip(wards, *columns, strict=True),
        key=lambda row: (-rank(row[1]), row[0] == NO_WARD, row[0]),
    )
    return DigestSection(
        title="Conversations in the community",
        template="emails/digest/connectors",
        context={
            "conversations": shown(totals[0]),
            "people": shown(totals[1]),
            "by_ward": [(ward, shown(n), shown(reached)) for ward, n, reached in by_ward],
        },
    )
