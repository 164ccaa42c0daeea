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
column).

A cached value made from the sources (the dashboard) depends on the tables they read: `reach_tables()`
says which, read from each source's own queryset (its table, the tables it joins and those of any
subquery in its filter), so a new source's writes reach that value's cache key with no list to edit."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.sql import Query

RowsInWard = Callable[[], QuerySet[Any]]


@dataclass(frozen=True)
class ReachSource:
    key: str
    label: str
    rows_in_ward: RowsInWard
    order: int

    def tables(self) -> frozenset[str]:
        return tables_read(self.rows_in_ward().query)


_sources: dict[str, ReachSource] = {}


def register_reach_source(key: str, label: str, rows_in_ward: RowsInWard, *, order: int) -> None:
    _sources[key] = ReachSource(key, label, rows_in_ward, order)


def unregister_reach_source(key: str) -> None:
    _sources.pop(key, None)


def reach_sources() -> list[ReachSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def reach_tables() -> frozenset[str]:
    """Every table some registered source reads."""
    return frozenset().union(*(source.tables() for source in reach_sources()))


def tables_read(query: Query) -> frozenset[str]:
    """The tables a query reads: its own and joined ones, and those of the subqueries in its filter
    and annotations (a source may count rows through `Exists` or `pk__in`)."""
    tables = {join.table_name for join in query.alias_map.values()}
    if query.model is not None:
        tables.add(query.model._meta.db_table)
    pending: list[Any] = [query.where, *query.annotations.values()]
    while pending:
        node = pending.pop()
        inner = node if isinstance(node, Query) else getattr(node, "query", None)
        if isinstance(inner, Query):
            tables |= tables_read(inner)
        elif hasattr(node, "get_source_expressions"):
            pending.extend(expression for expression in node.get_source_expressions() if expression is not None)
    return frozenset(tables)
