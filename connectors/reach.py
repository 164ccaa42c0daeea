"""The network's columns in the board dashboard's reach by ward (healthyplaces.board.reach): one
aggregate query each, all time, like the insights and grants columns beside them."""

from django.db.models import Count

from connectors.models import Connector, Conversation
from healthyplaces.board.reach import register_reach_source


def connectors_by_ward() -> dict[int, int]:
    """Active connectors working in each ward (a connector may work in several)."""
    return dict(
        Connector.objects.filter(active=True, wards__isnull=False)
        .values("wards")
        .annotate(n=Count("pk", distinct=True))
        .values_list("wards", "n")
    )


def conversations_by_ward() -> dict[int, int]:
    """Conversations held at places in each ward."""
    return dict(
        Conversation.objects.filter(place__ward__isnull=False)
        .values("place__ward")
        .annotate(n=Count("pk"))
        .values_list("place__ward", "n")
    )


register_reach_source("connectors", "Connectors", connectors_by_ward, order=10)
register_reach_source("conversations", "Conversations", conversations_by_ward, order=20)
