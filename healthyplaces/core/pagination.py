from typing import Any, TypeVar

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


def paginate(request: HttpRequest, queryset: QuerySet[M], per_page: int) -> dict[str, Any]:
    """The requested page, and the rest of the query string for the pagination links to keep
    (filters, a search) — the context snippets/pagination.html reads."""
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": Paginator(queryset, per_page).get_page(request.GET.get("page")), "query": query.urlencode()}
