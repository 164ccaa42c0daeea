"""Every route of the portal, requested by every kind of person, answers as tests/url_expectations.py
declares. The routes come from the URLconf, so a new route without a declared expectation fails.

Left out, by one explicit rule: the Django admin site's routes (the "admin" namespace) and allauth's
(views written in allauth.*). Their access control is theirs: the admin site lets in staff only
(tests/core/test_pages.py); allauth's are the sign-in and account pages, and the staff MFA rules on
them are tested in tests/accounts/test_mfa.py."""

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.workflow import State
from healthyplaces.board.services import snapshot_freeze
from healthyplaces.notifications.tokens import make_unsubscribe_token
from tests import url_expectations as expect
from tests.connectors.factories import (
    ActivityFactory,
    ConnectorFactory,
    ConversationFactory,
    ForumMeetingFactory,
    MentoringPairFactory,
    PlaceFactory,
)
from tests.funding.factories import ApplicationFactory, AssignmentFactory
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
    world = make_world()
    return world | assessment(world) | board(world) | network(world)


def assessment(world):
    """The member's group's second application, in assessment: the assessor declared no conflict on
    it, so it is theirs to score (the sample application is a draft, which no one assesses)."""
    assessed = ApplicationFactory(
        round=world["round"],
        organisation=world["application"].organisation,
        state=State.IN_ASSESSMENT,
        reference="HP-2026-00001",
        submitted_at=timezone.now(),
    )
    assignment = AssignmentFactory(application=assessed, assessor=world["people"][expect.ASSESSOR], declared=True)
    return {"assessed": assessed, "assignment": assignment}


def board(world):
    return {"snapshot": snapshot_freeze(actor=world["people"][expect.ADMIN], meeting_date=timezone.localdate())}


def network(world):
    """The connector's own profile and conversation; the mentoring pair is the officer (statutory
    leader) and the member (VCSE leader); an activity at the place, for the Open Referral UK API."""
    place = PlaceFactory()
    # The shared world already gives the connector user a profile.
    connector = world.get("connector") or ConnectorFactory(user=world["people"][expect.CONNECTOR], wards=[place.ward])
    return {
        "place": place,
        "connector": connector,
        "conversation": ConversationFactory(connector=connector, place=place),
        "meeting": ForumMeetingFactory(place=place),
        "activity": ActivityFactory(place=place),
        "pair": MentoringPairFactory(
            statutory_leader=world["people"][expect.OFFICER], vcse_leader=world["people"][expect.MEMBER]
        ),
    }


# The sample value for each URL parameter; "pk" depends on the app (and on the import pages,
# the assessment pages and the connector network's pages, which each name their own object).
PK_OWNER = {
    "insights:import_map": "import",
    "insights:import_preview": "import",
    "insights": "insight",
    # Assessors are assigned to an application once it is sent, never to a draft.
    "funding:assign": "assessed",
    "funding:unassign": "assessed",
    "funding:assessment": "assignment",
    "funding:assessment_declare": "assignment",
    "funding:panel": "round",
    "funding": "application",
    "accounts": "person",
    "board": "snapshot",
    "connectors:place": "place",
    "connectors:place_edit": "place",
    "connectors:connector": "connector",
    "connectors:connector_edit": "connector",
    "connectors:conversation": "conversation",
    "connectors:raise_insights": "conversation",
    "connectors:meeting": "meeting",
    "connectors:pair": "pair",
}
# The Open Referral UK API names its records by their UUIDs.
OPEN_REFERRAL_ID = {
    "connectors:open_referral_service": lambda world: world["activity"].uuid,
    "connectors:open_referral_service_at_location": lambda world: world["activity"].service_at_location_uuid,
    "connectors:open_referral_organization": lambda world: world["activity"].organisation.uuid,
}
# Every download offers CSV but the board pack, which comes as PDF or XLSX.
FILE_FORMAT = {"board:pack": "xlsx"}


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
        elif param == "assignment_pk":
            kwargs[param] = world["assignment"].pk
        elif param == "record_id":
            kwargs[param] = OPEN_REFERRAL_ID[route.name](world)
        elif param == "key":
            kwargs[param] = "status"
        elif param == "section":
            kwargs[param] = "project"
        elif param == "file_format":
            kwargs[param] = FILE_FORMAT.get(route.name, "csv")
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
