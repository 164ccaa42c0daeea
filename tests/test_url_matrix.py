"""Every route of the portal, requested by every kind of person, answers as tests/url_expectations.py
declares. The routes come from the URLconf, so a new route without a declared expectation fails.

Left out, by one explicit rule: the Django admin site's routes (the "admin" namespace) and allauth's
(views written in allauth.*). Their access control is theirs: the admin site lets in staff only
(tests/core/test_pages.py); allauth's are the sign-in and account pages, and the staff MFA rules on
them are tested in tests/accounts/test_mfa.py."""

import pytest
from django.urls import reverse

from healthyplaces.notifications.tokens import make_unsubscribe_token
from tests import url_expectations as expect
from tests.support.routes import Route, named_routes
from tests.support.world import make_world

pytestmark = pytest.mark.django_db


def portal_routes() -> list[Route]:
    return [route for route in named_routes() if not route.name.startswith("admin:") and not third_party(route)]


def third_party(route: Route) -> bool:
    return route.module.startswith("allauth.")


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return make_world()


# The sample value for each URL parameter; "pk" depends on the app (and on the import pages).
PK_OWNER = {
    "insights:import_map": "import",
    "insights:import_preview": "import",
    "insights": "insight",
    "funding": "application",
    "accounts": "person",
}


def sample_kwargs(route: Route, world) -> dict[str, object]:
    kwargs: dict[str, object] = {}
    for param in route.params:
        if param == "pk":
            owner = PK_OWNER.get(route.name) or PK_OWNER[route.name.split(":")[0]]
            kwargs[param] = world[owner].pk
        elif param == "number":
            kwargs[param] = world["action"].number
        elif param == "attachment_pk":
            kwargs[param] = world["attachment"].pk
        elif param == "section":
            kwargs[param] = "project"
        elif param == "file_format":
            kwargs[param] = "csv"
        elif param == "token":
            kwargs[param] = make_unsubscribe_token(user_id=world["people"][expect.BOARD].pk)
        else:
            raise AssertionError(f"{route.name}: give tests/test_url_matrix.py a sample value for <{param}>")
    return kwargs


def outcome(response) -> int | str:
    if response.status_code == 302:
        return expect.LOGIN if response.headers["Location"].startswith(reverse("account_login")) else expect.REDIRECT
    return int(response.status_code)


def declaration_problems(expectations) -> list[str]:
    names = {route.name for route in portal_routes()}
    problems = [f"{name}: no expectation in tests/url_expectations.py" for name in sorted(names - set(expectations))]
    problems += [f"{name}: expected, but no such route" for name in sorted(set(expectations) - names)]
    problems += [
        f"{name}: the expectation must name everyone in PEOPLE"
        for name, table in expectations.items()
        if set(table) != set(expect.PEOPLE)
    ]
    return problems


def test_every_portal_route_has_a_declared_expectation():
    assert declaration_problems(expect.EXPECTATIONS) == []


def test_a_route_without_an_expectation_is_named():
    expectations = dict(expect.EXPECTATIONS)
    del expectations["funding:check"]

    assert declaration_problems(expectations) == ["funding:check: no expectation in tests/url_expectations.py"]


@pytest.mark.parametrize("route", portal_routes(), ids=lambda route: route.name)
def test_each_route_answers_each_person_as_declared(client, world, route):
    url = reverse(route.name, kwargs=sample_kwargs(route, world))
    got = {}
    for person in expect.PEOPLE:
        client.logout()
        if person != expect.ANONYMOUS:
            client.force_login(world["people"][person])
        response = client.get(url)
        got[person] = outcome(response)
        assert "Content-Security-Policy" in response.headers, f"{url} as {person}: no CSP header"

    assert got == expect.EXPECTATIONS.get(route.name), f"{route.name} ({url})"
