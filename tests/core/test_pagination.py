"""KeysFirstPaginator pages exactly as Django's Paginator does: the same rows in the same order,
the same count, and the same answer for a page past the end, a page that is not a number and a
search that finds nothing."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db.models import Count, F

from healthyplaces.core.pagination import KeysFirstPaginator
from insights.models import Insight
from insights.selectors import insights_by_key
from tests.factories import ThemeFactory
from tests.insights.factories import InsightFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 4


@pytest.fixture
def insights():
    food = ThemeFactory(name="Food")
    made = [InsightFactory(title=f"Insight {n}", heard_on=datetime.date(2026, 1, 1 + n % 3)) for n in range(11)]
    for insight in made[::2]:
        insight.themes.add(food)
    return made


def both(queryset, number):
    django_page = Paginator(queryset, PER_PAGE).get_page(number)
    keys_first = KeysFirstPaginator(queryset, PER_PAGE, fetch=insights_by_key).get_page(number)
    return django_page, keys_first


@pytest.mark.parametrize("number", [1, 2, 3, "3", 4, 99, "x", None, 0, -1])
def test_the_same_page_as_django(insights, number, django_assert_max_num_queries):
    queryset = Insight.objects.order_by("-heard_on", "-pk")
    django_page, keys_first = both(queryset, number)

    assert [row.pk for row in keys_first] == [row.pk for row in django_page]
    assert keys_first.number == django_page.number
    assert keys_first.paginator.count == django_page.paginator.count == 11
    assert keys_first.paginator.num_pages == 3


ORDERINGS = {
    "the model's own": lambda: Insight.objects.all(),
    "a field, ascending": lambda: Insight.objects.order_by("title"),
    "an annotation": lambda: Insight.objects.annotate(n_themes=Count("themes")).order_by("-n_themes", "pk"),
    "empty values last": lambda: Insight.objects.order_by(F("people_count").desc(nulls_last=True), "-pk"),
    "a related field": lambda: Insight.objects.order_by("ward__name", "pk"),
}


@pytest.mark.parametrize("ordering", ORDERINGS.values(), ids=ORDERINGS.keys())
@pytest.mark.parametrize("number", [1, 2, 3])
def test_every_kind_of_ordering_pages_as_django_does(insights, ordering, number):
    for n, insight in enumerate(insights):
        insight.people_count = n if n % 4 else None
        insight.save()
    django_page, keys_first = both(ordering(), number)

    assert [row.pk for row in keys_first] == [row.pk for row in django_page]
    assert keys_first.paginator.count == 11


def test_a_page_in_range_costs_two_queries(insights, django_assert_num_queries):
    paginator = KeysFirstPaginator(Insight.objects.order_by("-heard_on", "-pk"), PER_PAGE, fetch=insights_by_key)
    # the page's keys with the count of all matches, then those rows with their ward, place and
    # collector (2 more: their themes and population groups).
    with django_assert_num_queries(4):
        page = paginator.get_page(2)
        titles = [(row.title, [theme.name for theme in row.themes.all()]) for row in page]
        assert paginator.count == 11
    assert len(titles) == PER_PAGE


def test_a_distinct_query_is_counted_after_the_duplicates_go(insights):
    queryset = Insight.objects.filter(themes__name__in=["Food", "Food"]).distinct().order_by("-heard_on", "-pk")
    django_page, keys_first = both(queryset, 1)

    assert [row.pk for row in keys_first] == [row.pk for row in django_page]
    assert keys_first.paginator.count == 6


def test_nothing_found(insights):
    django_page, keys_first = both(Insight.objects.filter(title="Nothing").order_by("pk"), 1)

    assert list(keys_first) == list(django_page) == []
    assert keys_first.paginator.count == 0
