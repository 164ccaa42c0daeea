"""The seam through which apps add a column to "reach by ward" on the board dashboard.

Each source counts something per ward in one SQL aggregate query and returns {ward id: count};
the dashboard asks every registered source once, so its query count grows with the number of
sources, never with the data. This module imports no app, so a source may be registered from
either side: the board registers insights and grants (healthyplaces.board.selectors), and the
connectors app, when it lands, registers connectors and conversations from its AppConfig.ready():

    register_reach_source("connectors", "Connectors", connectors_by_ward, order=10)
    register_reach_source("conversations", "Conversations", conversations_by_ward, order=20)

where connectors_by_ward counts active connectors through Connector.wards, and
conversations_by_ward counts conversations through Conversation.place.ward. Registering the same
key again replaces the source (so a test or a reload does not add a second column)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

WardCounter = Callable[[], Mapping[int, int]]


@dataclass(frozen=True)
class ReachSource:
    key: str
    label: str
    count_by_ward: WardCounter
    order: int


_sources: dict[str, ReachSource] = {}


def register_reach_source(key: str, label: str, count_by_ward: WardCounter, *, order: int) -> None:
    _sources[key] = ReachSource(key, label, count_by_ward, order)


def unregister_reach_source(key: str) -> None:
    _sources.pop(key, None)


def reach_sources() -> list[ReachSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))
