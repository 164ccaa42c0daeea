"""The seam through which apps add a column to "reach by ward" on the board dashboard.

A source says which of its rows belong to a ward: a queryset filtered on `OuterRef("pk")`, the
ward's key. The dashboard counts every source's rows for every ward as correlated subqueries of
the one query that reads the wards, so adding a source adds no query. It lives in shared code, below
every app, so that an app registers its columns without importing the board (which sits above the
apps and may import none of them back): the board registers insights and grants
(healthyplaces.board.selectors), the connectors app registers connectors and conversations:

    register_reach_source("connectors", "Connectors", connectors_in_ward, order=10)

where connectors_in_ward returns Connector.objects.filter(active=True, wards=OuterRef("pk")).
Registering the same key again replaces the source (so a test or a reload does not add a second
column)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

RowsInWard = Callable[[], QuerySet[Any]]


@dataclass(frozen=True)
class ReachSource:
    key: str
    label: str
    rows_in_ward: RowsInWard
    order: int


_sources: dict[str, ReachSource] = {}


def register_reach_source(key: str, label: str, rows_in_ward: RowsInWard, *, order: int) -> None:
    _sources[key] = ReachSource(key, label, rows_in_ward, order)


def unregister_reach_source(key: str) -> None:
    _sources.pop(key, None)


def reach_sources() -> list[ReachSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))
