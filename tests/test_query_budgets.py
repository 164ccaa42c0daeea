"""Query budgets for the key pages (issue #9): at two sizes of generated data each page makes the
same number of queries, and never more than twelve, both with nothing cached (the first request
after any change to the data behind it) and as served after that. The sizes differ by five times
in every table, so a query per row anywhere would show."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import Round
from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.demo.dataset import Sizes, dataset_generate

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
SMALLER = Sizes(years=1, users=40, wards=6, insights=100, rounds=2, applications=40, connectors=10, conversations=40)
LARGER = Sizes(years=5, users=200, wards=6, insights=500, rounds=10, applications=200, connectors=50, conversations=200)
BUDGET = 12
# A search that finds nothing with all its words is run again with any of them, and looks up
# what the misspelt words might have been: two queries more than a search that finds rows.
OVER_BUDGET = {"insight search: widened to any word": 2}

# (page, role whose session asks for it, url). The panel's round is filled in per dataset.
PAGES = [
    ("actions list", Role.COUNCIL_OFFICER, "actions:list", {}),
    ("action detail", Role.COUNCIL_OFFICER, "actions:detail", {"number": 1}),
    ("insight search: one word", Role.COUNCIL_OFFICER, "insights:list", {"q": "shelter"}),
    # Both words are needed by default, and at the smaller size no insight has both: `or` keeps this
    # a search of two words that finds rows at both sizes, and the next page is the widened search.
    ("insight search: two words", Role.COUNCIL_OFFICER, "insights:list", {"q": "dog or fouling"}),
    ("insight search: widened to any word", Role.COUNCIL_OFFICER, "insights:list", {"q": "dog helicopter"}),
    ("insight search: a phrase", Role.COUNCIL_OFFICER, "insights:list", {"q": "bus stop shelter"}),
    ("applications (officer)", Role.COUNCIL_OFFICER, "funding:applications", {}),
    ("applications (group)", Role.COMMUNITY_GROUP_MEMBER, "funding:applications", {}),
    ("panel", Role.COUNCIL_OFFICER, "funding:panel", {"pk": "latest round"}),
    ("public progress", None, "actions:progress", {}),
    ("board dashboard", Role.BOARD_MEMBER, "board:dashboard", {}),
    ("coverage by ward", Role.COUNCIL_OFFICER, "connectors:coverage", {}),
    ("Open Referral UK services", None, "connectors:open_referral_services", {}),
    ("Open Referral UK service_at_locations", None, "connectors:open_referral_service_at_locations", {}),
    ("Open Referral UK organizations", None, "connectors:open_referral_organizations", {}),
]


def page_url(url_name, arguments):
    query = {key: value for key, value in arguments.items() if key == "q"}
    kwargs = {key: value for key, value in arguments.items() if key != "q"}
    if kwargs.get("pk") == "latest round":
        kwargs["pk"] = Round.objects.order_by("-closes_on").values_list("pk", flat=True).first()
    url = reverse(url_name, kwargs=kwargs or None)
    return url + ("?q=" + query["q"].replace(" ", "+") if query else "")


def counts_at(client, sizes):
    dataset_generate(sizes=sizes, today=TODAY)
    counts = {}
    for name, role, url_name, arguments in PAGES:
        url = page_url(url_name, arguments)
        client.logout()
        if role is not None:
            if role == Role.COMMUNITY_GROUP_MEMBER:
                user = User.objects.filter(groups__name=role.value, organisations__applications__isnull=False).first()
            else:
                user = User.objects.filter(groups__name=role.value).first()
            client.force_login(user)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        with CaptureQueriesContext(connection) as warm:
            client.get(url)
        counts[name] = (len(cold), len(warm))
    return counts


@pytest.fixture(scope="module")
def measured(django_db_blocker, django_db_setup):
    """Counts at both sizes, each generated inside a transaction that is rolled back after."""
    from django.db import transaction
    from django.test import Client

    class Rollback(Exception):
        pass

    results = []
    with django_db_blocker.unblock():
        for sizes in (SMALLER, LARGER):
            try:
                with transaction.atomic():
                    results.append(counts_at(Client(), sizes))
                    raise Rollback
            except Rollback:
                pass
    return results


@pytest.mark.parametrize("page", [page[0] for page in PAGES])
@pytest.mark.parametrize("when", ["nothing cached", "served again"])
def test_each_key_page_keeps_its_query_budget_as_the_data_grows(measured, page, when):
    which = 0 if when == "nothing cached" else 1
    smaller, larger = measured[0][page][which], measured[1][page][which]
    assert smaller == larger, f"{page}, {when}: {smaller} queries at the smaller size, {larger} at five times the size"
    budget = BUDGET + OVER_BUDGET.get(page, 0)
    assert larger <= budget, f"{page}, {when}: {larger} queries, over the budget of {budget}"


def test_caching_saves_queries_where_it_is_used(measured):
    """What the cache is for: the dashboard's figures, the permissions and the filter sidebars."""
    cold_and_warm = measured[1]
    assert cold_and_warm["board dashboard"] == (12, 3)
    assert cold_and_warm["actions list"][1] < cold_and_warm["actions list"][0]
    assert cold_and_warm["insight search: one word"][1] < cold_and_warm["insight search: one word"][0]
