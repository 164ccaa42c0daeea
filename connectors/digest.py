"""The connector network's part of the progress digest: conversations recorded in the period and
the people they reached, by ward. Counted by when they were recorded, so a conversation written up
a week late is still counted once, in the digest after it reaches the portal."""

from django.db.models import Count, F, Sum

from connectors.models import Conversation
from healthyplaces.notifications.digest import DigestPeriod, DigestSection, register_digest_section

NO_WARD = "Ward not recorded"


@register_digest_section("connectors", order=40)
def connectors_section(period: DigestPeriod) -> DigestSection | None:
    recorded = Conversation.objects.filter(created_at__gt=period.start, created_at__lte=period.end)
    by_ward = [
        (row["place__ward__name"] or NO_WARD, row["conversations"], row["people"] or 0)
        for row in recorded.values("place__ward__name")
        .annotate(conversations=Count("pk"), people=Sum("people_count"))
        .order_by("-conversations", F("place__ward__name").asc(nulls_last=True))
    ]
    if not by_ward:
        return None
    return DigestSection(
        title="Conversations in the community",
        template="emails/digest/connectors",
        context={
            "conversations": sum(row[1] for row in by_ward),
            "people": sum(row[2] for row in by_ward),
            "by_ward": by_ward,
        },
    )
