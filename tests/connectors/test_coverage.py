import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from connectors.selectors import coverage_since, ward_coverage
from healthyplaces.accounts.roles import Role
from healthyplaces.core.disclosure import SUPPRESSED, WITHHELD
from tests.connectors.factories import ConnectorFactory, ConversationFactory, PlaceFactory
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
NOON = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC)


def figures(rows):
    return {
        (row.ward.name if row.ward else None): (row.connectors, row.places, row.conversations, row.people)
        for row in rows
    }


@time_machine.travel(NOON, tick=False)
def test_coverage_matches_figures_counted_by_hand(make_user):
    north, south, east, _empty = (WardFactory(name=name) for name in ("North", "South", "East", "Empty"))
    north_hall, north_park = PlaceFactory(ward=north), PlaceFactory(ward=north)
    south_cafe = PlaceFactory(ward=south)
    unplaced = PlaceFactory(ward=None)
    # Connectors: two active in North (one also in South), one inactive in East, one with no ward.
    ConnectorFactory(wards=[north, south])
    ConnectorFactory(wards=[north])
    ConnectorFactory(wards=[east], active=False)
    quiet = ConnectorFactory()
    # Conversations: the 90 days are 29 August to 26 November 2026, both included.
    assert coverage_since(TODAY) == datetime.date(2026, 8, 29)
    for place, held_on, people in [
        (north_hall, TODAY, 4),  # today counts
        (north_park, datetime.date(2026, 8, 29), 6),  # the first of the 90 days counts
        (north_hall, datetime.date(2026, 8, 28), 50),  # the day before does not
        (south_cafe, datetime.date(2026, 10, 1), 12),
        (south_cafe, TODAY + datetime.timedelta(days=1), 70),  # a mistyped future date does not
        (unplaced, datetime.date(2026, 11, 1), 3),
    ]:
        ConversationFactory(connector=quiet, place=place, held_on=held_on, people_count=people)

    # Officers run the network: they see the exact figures.
    rows = ward_coverage(user=make_user(Role.COUNCIL_OFFICER), today=TODAY)

    # Counted by hand from the data above: (active connectors, places, conversations, people).
    assert figures(rows) == {
        "East": (0, 0, 0, 0),
        "Empty": (0, 0, 0, 0),
        "North": (2, 2, 2, 10),
        "South": (1, 1, 1, 12),
        None: (1, 1, 1, 3),  # places with no ward recorded, and the connector with none
    }
    by_name = {row.ward.name if row.ward else None: row for row in rows}
    assert by_name["Empty"].gaps == ["no active connectors", "no places", "no recent conversations"]
    assert by_name["East"].gaps == ["no active connectors", "no places", "no recent conversations"]
    assert by_name["North"].gaps == []
    assert [row.ward.name for row in rows if row.ward] == ["East", "Empty", "North", "South"]
    # A board member sees conversations and people through the small-numbers rule: every
    # conversation count is 1 or 2; of the people, 3 is fewer than 5 and the next smallest (10)
    # is withheld, so the 25 in all cannot give the 3 away.
    board_rows = ward_coverage(user=make_user(Role.BOARD_MEMBER), today=TODAY)
    assert figures(board_rows) == {
        "East": (0, 0, 0, 0),
        "Empty": (0, 0, 0, 0),
        "North": (2, 2, SUPPRESSED, WITHHELD),
        "South": (1, 1, SUPPRESSED, 12),
        None: (1, 1, SUPPRESSED, SUPPRESSED),
    }
    assert {row.ward.name if row.ward else None: row.gaps for row in board_rows} == {
        name: row.gaps for name, row in by_name.items()
    }


def test_the_unrecorded_ward_row_appears_only_when_something_is_in_it(make_user):
    WardFactory(name="North")
    ConnectorFactory()  # a connector with no ward is not a reason for the row

    rows = ward_coverage(user=make_user(Role.COUNCIL_OFFICER), today=TODAY)

    assert figures(rows) == {"North": (0, 0, 0, 0)}


@pytest.mark.parametrize("role", [Role.COMMUNITY_GROUP_MEMBER, Role.ASSESSOR])
def test_coverage_is_not_for_roles_outside_the_network(make_user, role):
    with pytest.raises(PermissionDenied):
        ward_coverage(user=make_user(role), today=TODAY)
