from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet, Window
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
        narrow = queryset.select_related(None).prefetch_related(None).annotate(matched=Window(Count("pk")))
        keys = list(narrow.values_list("pk", "matched")[start : start + self.per_page])
        if not keys:
            return super().get_page(number)
        self.__dict__["count"] = keys[0][1]  # Paginator.count is a cached_property
        rows = {row.pk: row for row in self.fetch([pk for pk, _ in keys])}
        return Page([rows[pk] for pk, _ in keys if pk in rows], wanted, self)


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
