import datetime

import pytest
from django.template.loader import render_to_string

from connectors.digest import connectors_section
from healthyplaces.notifications.digest import DigestPeriod, registered_section_keys
from tests.connectors.factories import ConversationFactory, PlaceFactory
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)
END = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)
INSIDE = START + datetime.timedelta(days=2)


def four_conversations_in_the_period():
    """Riverside: 2 conversations, 8 people; Hilltop: 1, 10; no ward recorded: 1, 2."""
    riverside, hilltop = (
        PlaceFactory(ward=WardFactory(name="Riverside")),
        PlaceFactory(ward=WardFactory(name="Hilltop")),
    )
    ConversationFactory(place=riverside, people_count=5, created_at=INSIDE)
    ConversationFactory(place=riverside, people_count=3, created_at=INSIDE)
    ConversationFactory(place=hilltop, people_count=10, created_at=INSIDE)
    ConversationFactory(place=PlaceFactory(ward=None), people_count=2, created_at=INSIDE)
    return hilltop


def test_the_digest_counts_the_periods_conversations_and_people_by_ward():
    hilltop = four_conversations_in_the_period()
    ConversationFactory(place=hilltop, people_count=99, created_at=START - datetime.timedelta(minutes=1))

    # An officer's digest: exact.
    section = connectors_section(DigestPeriod(start=START, end=END, exact_counts=True))

    assert section is not None
    assert (section.context["conversations"], section.context["people"]) == ("4", "20")
    assert section.context["by_ward"] == [
        ("Riverside", "2", "8"),
        ("Hilltop", "1", "10"),
        ("Ward not recorded", "1", "2"),
    ]
    text = render_to_string(f"{section.template}.txt", {"section": section})
    assert "- Riverside: conversations 2, people reached 8" in text
    html = render_to_string(f"{section.template}.html", {"section": section})
    assert "Hilltop: conversations 1, people reached 10" in html


def test_the_boards_digest_hides_small_conversation_and_people_counts_and_what_would_give_them_away():
    four_conversations_in_the_period()

    section = connectors_section(DigestPeriod(start=START, end=END))

    assert section is not None
    # Every conversation count is small, and so is their total. Of the people, 2 is fewer than 5
    # and the next smallest (8) is withheld, so 20 - 10 - 8 cannot give the 2 away.
    assert (section.context["conversations"], section.context["people"]) == ("fewer than 5", "20")
    assert section.context["by_ward"] == [
        ("Hilltop", "fewer than 5", "10"),
        ("Riverside", "fewer than 5", "withheld"),
        ("Ward not recorded", "fewer than 5", "fewer than 5"),
    ]
    text = render_to_string(f"{section.template}.txt", {"section": section})
    assert "- Riverside: conversations fewer than 5, people reached withheld" in text


def test_a_quiet_week_has_no_connectors_section_and_the_section_comes_after_funding():
    ConversationFactory(created_at=START - datetime.timedelta(days=1))

    assert connectors_section(DigestPeriod(start=START, end=END)) is None
    keys = registered_section_keys()
    assert keys.index("connectors") == keys.index("funding") + 1
