from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Expression, Prefetch, QuerySet
from django.http import Http404

from actions.models import Action
from healthyplaces.accounts.models import User
from insights.filters import InsightFilter, PublicResponseFilter
from insights.models import ImportBatch, Insight
from insights.permissions import (
    can_edit_insight,
    can_read_insight,
    can_read_insight_bank,
    can_review_insight,
    can_view_insights,
)


def _with_relations(queryset: QuerySet[Insight]) -> QuerySet[Insight]:
    return queryset.select_related("ward", "place", "collected_by").prefetch_related("themes", "population_groups")


def insight_list(*, user: User, params: Any, widen: bool = False) -> tuple[InsightFilter, QuerySet[Insight]]:
    """The whole bank for those who read it; the insights they recorded for a connector.
    widen: search for any of the words rather than all of them."""
    if not can_view_insights(user):
        raise PermissionDenied
    visible = Insight.objects.defer("search_vector")
    if not can_read_insight_bank(user):
        visible = visible.filter(collected_by=user)
    insight_filter = InsightFilter(params, queryset=visible, widen=widen)
    return insight_filter, _with_relations(insight_filter.qs)


def insight_bank(*, user: User, params: Any) -> tuple[InsightFilter, QuerySet[Insight]]:
    """The whole bank, filtered, for its counts and exports: officers and programme admins only."""
    if not can_read_insight_bank(user):
        raise PermissionDenied
    return insight_list(user=user, params=params)


def insights_by_key(keys: list[int], *, snippet: Expression | None = None) -> QuerySet[Insight]:
    """The rows of one page of insight_list, found by key, with what the list shows of them;
    `snippet` (insights.search.snippet_expression) is annotated as `headline` on these rows only."""
    queryset = _with_relations(Insight.objects.defer("search_vector").filter(pk__in=keys))
    return queryset if snippet is None else queryset.annotate(headline=snippet)


def get_insight_for_user(*, user: User, pk: int, for_review: bool = False, for_edit: bool = False) -> Insight:
    """An insight someone may read: to anyone else who opens insights it does not exist (404), so a
    connector learns nothing of insights others recorded. for_review: to review or respond;
    for_edit: to change what it says."""
    if not can_view_insights(user) or (for_review and not can_review_insight(user)):
        raise PermissionDenied
    queryset = _with_relations(
        Insight.objects.defer("search_vector").select_related("conversation__place")
    ).prefetch_related(Prefetch("actions", queryset=Action.objects.only("number", "title").order_by("number")))
    try:
        insight = queryset.get(pk=pk)
    except Insight.DoesNotExist as missing:
        raise Http404("No such insight") from missing
    if not can_read_insight(user, insight):
        raise Http404("No such insight")
    if for_edit and not can_edit_insight(user, insight):
        raise PermissionDenied
    return insight


def published_responses(*, params: Any) -> tuple[PublicResponseFilter, QuerySet[Insight]]:
    """What the public sees: the title, the response and when, by theme and ward; never the quote,
    the summary's author or who collected it."""
    insight_filter = PublicResponseFilter(
        params,
        queryset=Insight.objects.filter(response_published=True).only(
            "title", "summary", "response", "response_on", "heard_on", "ward__name"
        ),
    )
    return insight_filter, insight_filter.qs.select_related("ward").prefetch_related(
        "themes",
        Prefetch("actions", queryset=Action.objects.only("number", "title").order_by("number")),
        # funding sits above this app: its Application is found by name rather than imported.
        Prefetch(
            "priorities__applications",
            queryset=apps.get_model("funding", "Application")._default_manager.select_related("organisation"),
        ),
    )


def get_import_batch_for_user(*, user: User, pk: int) -> ImportBatch:
    """Officers see their own imports; another officer's half-finished upload is not theirs to run."""
    if not can_review_insight(user):
        raise PermissionDenied
    try:
        return ImportBatch.objects.get(pk=pk, uploaded_by=user)
    except ImportBatch.DoesNotExist as missing:
        raise Http404("No such import") from missing
