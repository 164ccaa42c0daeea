"""The service navigation highlights by URL namespace: every page of a namespace marks exactly one
link of that namespace, the routes coming from the URLconf, so a new route is covered unlisted."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import NoReverseMatch, resolve, reverse

from healthyplaces.core.navigation import NAVIGATION
from tests.support.routes import Route, named_routes

LINK = re.compile(r'<a class="govuk-service-navigation__link" href="([^"]+)"(?: aria-current="(\w+)")?>')


def path_of(route: Route) -> str:
    # Any value each converter takes: 1 for <int:>, "csv" for the file-format patterns and slugs.
    for value in (1, "csv"):
        try:
            return reverse(route.name, kwargs=dict.fromkeys(route.params, value))
        except NoReverseMatch:
            continue
    raise AssertionError(f"no path for {route.name}")


def nav_links(user, path: str) -> dict[str, str]:
    """href -> aria-current ("" when none) of the links the page's navigation shows."""
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    html = render_to_string("base.html", request=request)
    return {href: current or "" for href, current in LINK.findall(html)}


# The admin site draws its own navigation, not base.html's.
NAMESPACED = [route for route in named_routes() if ":" in route.name and not route.name.startswith("admin:")]
NAV_NAMESPACES = {item.namespace for item in NAVIGATION if item.namespace}
ITEM_OF_HREF = {reverse(item.url_name): item for item in NAVIGATION}


@pytest.mark.parametrize("route", NAMESPACED, ids=lambda route: route.name)
def test_each_page_marks_one_link_of_its_own_namespace(route, admin_user):
    namespace = route.name.rpartition(":")[0]
    path = path_of(route)

    links = nav_links(admin_user, path)

    current = {href: state for href, state in links.items() if state}
    if namespace not in NAV_NAMESPACES:
        assert current == {}, route.name
        return
    assert len(current) == 1, (route.name, current)
    [(href, state)] = current.items()
    item = ITEM_OF_HREF[href]
    assert item.namespace == namespace, route.name
    assert state == ("page" if item.url_name == route.name else "true"), route.name
    under = [other for other in links if ITEM_OF_HREF[other].namespace == namespace and path.startswith(other)]
    if under:
        assert href == max(under, key=len), f"{route.name} belongs to the deepest link above it"


@pytest.mark.parametrize(
    ("route_name", "kwargs", "label"),
    [
        ("actions:update", {"number": 1}, "Actions"),
        ("insights:respond", {"pk": 1}, "Insights"),
        ("connectors:pair_add", {}, "Community network"),
        ("connectors:raise_insights", {"pk": 1}, "Community network"),
        ("funding:application", {"pk": 1}, "Applications"),
        ("funding:section", {"pk": 1, "section": "budget"}, "Applications"),
        ("funding:panel", {"pk": 1}, "Panels"),
        ("funding:assessment_declare", {"pk": 1}, "Assessments"),
        ("funding:start", {}, "Funding"),
        ("board:changes", {"pk": 1}, "Board"),
        ("accounts:your_data_download", {}, "Your data"),
    ],
)
def test_pages_below_a_link_mark_it_active(route_name, kwargs, label, admin_user):
    links = nav_links(admin_user, reverse(route_name, kwargs=kwargs))

    [href] = [href for href, state in links.items() if state]
    assert ITEM_OF_HREF[href].label == label
    assert links[href] == "true"


def test_signed_out_the_sign_in_link_is_current_on_its_page(db):
    links = nav_links(AnonymousUser(), reverse("account_login"))

    assert links[reverse("account_login")] == "page"
    assert reverse("actions:list") not in links
    assert [state for state in links.values() if state] == ["page"]


def test_a_served_page_draws_the_navigation(client, admin_user):
    client.force_login(admin_user)

    page = client.get(reverse("funding:applications")).content.decode()

    assert f'href="{reverse("funding:applications")}" aria-current="page"' in page
    assert page.count("aria-current=") == 1
