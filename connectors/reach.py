"""The network's columns in the board dashboard's reach by ward (healthyplaces.core.reach), all
time, like the insights and grants columns beside them."""

from typing import Any

from django.db.models import OuterRef, QuerySet

from connectors.models import Connector, Conversation
from healthyplaces.core.reach import register_reach_source


def connectors_in_ward() -> QuerySet[Any]:
    """Active connectors working in the ward (a connector may work in several)."""
    return Connector.objects.filter(active=True, wards=OuterRef("pk"))


def conversations_in_ward() -> QuerySet[Any]:
    """Conversations held at places in the ward."""
    return Conversation.objects.filter(place__ward=OuterRef("pk"))


register_reach_source("connectors", "Connectors", connectors_in_ward, order=10)
register_reach_source("conversations", "Conversations", conversations_in_ward, order=20)
