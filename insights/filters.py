from typing import Any

import django_filters
from django.db.models import QuerySet

from actions.models import Action
from healthyplaces.core.filters import GovukDateFilter
from healthyplaces.core.forms import FilterForm
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.models import Insight, InsightStatus, Source
from insights.search import insight_search

SORTS = (("relevance", "Best match"), ("newest", "Newest first"), ("oldest", "Oldest first"))


class InsightFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_search")
    theme = django_filters.ModelChoiceFilter(field_name="themes", queryset=Theme.objects.all(), empty_label="Any theme")
    population_group = django_filters.ModelChoiceFilter(
        field_name="population_groups", queryset=PopulationGroup.objects.all(), empty_label="Any group"
    )
    ward = django_filters.ModelChoiceFilter(queryset=Ward.objects.all(), empty_label="Any ward")
    source = django_filters.ChoiceFilter(choices=Source.choices, empty_label="Any source")
    status = django_filters.ChoiceFilter(choices=InsightStatus.choices, empty_label="Any status")
    action = django_filters.ModelChoiceFilter(
        label="Informs action",
        field_name="actions",
        queryset=Action.objects.only("number", "title"),
        empty_label="Any action",
    )
    heard_from = GovukDateFilter(label="Heard on or after", field_name="heard_on", lookup_expr="gte")
    heard_to = GovukDateFilter(label="Heard on or before", field_name="heard_on", lookup_expr="lte")
    sort = django_filters.ChoiceFilter(label="Sort by", choices=SORTS, empty_label=None, method="filter_sort")

    class Meta:
        model = Insight
        form = FilterForm
        fields = ("q", "theme", "population_group", "ward", "source", "status", "action", "heard_from", "heard_to")

    def __init__(self, *args: Any, widen: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any of the searched words rather than all: what the list shows when none has them all.
        self.widen = widen

    def filter_search(self, queryset: QuerySet[Insight], name: str, value: str) -> QuerySet[Insight]:
        return insight_search(queryset, value, widen=self.widen) if value.strip() else queryset

    def filter_sort(self, queryset: QuerySet[Insight], name: str, value: str) -> QuerySet[Insight]:
        return queryset  # applied last, in filter_queryset, once the search has annotated rank

    def filter_queryset(self, queryset: QuerySet[Insight]) -> QuerySet[Insight]:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or ("relevance" if self.searching else "newest")
        if sort == "oldest":
            return queryset.order_by("heard_on", "pk")
        if sort == "relevance" and self.searching:
            return queryset.order_by("-rank", "-heard_on", "-pk")
        return queryset.order_by("-heard_on", "-pk")

    @property
    def searching(self) -> bool:
        data: Any = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        return bool((data.get("q") or "").strip())


class PublicResponseFilter(django_filters.FilterSet):
    """The public page filters by theme and ward only: searching text it does not show (the quote,
    the place) would let anyone test what a hidden quote says."""

    theme = django_filters.ModelChoiceFilter(field_name="themes", queryset=Theme.objects.all(), empty_label="Any theme")
    ward = django_filters.ModelChoiceFilter(queryset=Ward.objects.all(), empty_label="Any ward")

    class Meta:
        model = Insight
        form = FilterForm
        fields = ("theme", "ward")
