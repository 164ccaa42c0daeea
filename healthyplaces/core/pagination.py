from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Expression, F, Model, OrderBy, QuerySet, Window
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


class KeysFirstPaginator(Paginator[Any]):
    """For a costly ordering (a ranked search over 100,000 insights): one narrow query finds the
    page's keys in order and, as a window count over the same scan, how many match; a second
    fetches just those rows with their relations. Django's Paginator would scan the matches twice
    (count, then page) and carry every joined column through the sort.

    A DISTINCT query would count rows before the duplicates go, so it, an empty result and a page
    outside the range take Django's way (which turns such a page into the last page)."""

    def __init__(self, object_list: QuerySet[M], per_page: int, *, fetch: Callable[[list[Any]], Iterable[M]]) -> None:
        super().__init__(object_list, per_page)
        self.fetch = fetch

    def get_page(self, number: Any) -> Page[Any]:
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if wanted < 1 or queryset.query.distinct:
            return super().get_page(number)
        start = (wanted - 1) * self.per_page
        keys = _keys_and_count(queryset.select_related(None).prefetch_related(None), start, start + self.per_page)
        if not keys:
            if wanted == 1 and self.allow_empty_first_page:
                # Nothing from the start means nothing at all: no need for Django to count it again.
                self.__dict__["count"] = 0
                return Page([], 1, self)
            return super().get_page(number)
        self.__dict__["count"] = keys[0][1]  # Paginator.count is a cached_property
        rows = {row.pk: row for row in self.fetch([pk for pk, _ in keys])}
        return Page([rows[pk] for pk, _ in keys if pk in rows], wanted, self)


def _keys_and_count(queryset: QuerySet[Any], start: int, stop: int) -> list[tuple[Any, int]]:
    """The keys of rows start to stop in the queryset's order, each with the count of all rows."""
    query = queryset.query
    ordering = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    if connections[queryset.db].vendor != "postgresql" or "?" in ordering:
        return list(queryset.annotate(matched=Window(Count("pk"))).values_list("pk", "matched")[start:stop])
    # On PostgreSQL the matches are gathered once (with what they are ordered by) and both counted
    # and sorted from there: a window count made it buffer every match a second time, a quarter
    # of a three-word search's 30 ms at 100,000 insights.
    annotations: dict[str, Any] = {"page_key": F("pk")}
    order_sql = []
    for n, given in enumerate(ordering):
        item: OrderBy
        if isinstance(given, str):
            item = F(given[1:]).desc() if given.startswith("-") else F(given).asc()
        elif isinstance(given, OrderBy):
            item = given
        else:
            item = OrderBy(cast(Expression, given))
        annotations[f"page_order{n}"] = item.expression
        nulls = " NULLS FIRST" if item.nulls_first else " NULLS LAST" if item.nulls_last else ""
        order_sql.append(f'"page_order{n}" {"DESC" if item.descending else "ASC"}{nulls}')
    inner, params = queryset.order_by().annotate(**annotations).values_list(*annotations).query.sql_with_params()
    sql = (
        f"WITH matched AS MATERIALIZED ({inner}) "  # noqa: S608 - our own names; values are parameters
        'SELECT "page_key", (SELECT COUNT(*) FROM matched) FROM matched '
        f"{'ORDER BY ' + ', '.join(order_sql) if order_sql else ''} LIMIT %s OFFSET %s"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, (*params, stop - start, start))
        return [(key, count) for key, count in cursor.fetchall()]


def paginate(
    request: HttpRequest,
    queryset: QuerySet[M],
    per_page: int,
    *,
    fetch: Callable[[list[Any]], Iterable[M]] | None = None,
) -> dict[str, Any]:
    """The requested page, and the rest of the query string for the pagination links to keep
    (filters, a search) — the context snippets/pagination.html reads. With `fetch` (keys → rows),
    the page is found by KeysFirstPaginator."""
    query = request.GET.copy()
    query.pop("page", None)
    paginator = Paginator(queryset, per_page) if fetch is None else KeysFirstPaginator(queryset, per_page, fetch=fetch)
    return {"page": paginator.get_page(request.GET.get("page")), "query": query.urlencode()}
