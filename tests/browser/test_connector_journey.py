import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from connectors.models import Conversation
from healthyplaces.accounts.roles import Role
from insights.models import Insight
from tests.browser.helpers import choose, sign_in
from tests.connectors.factories import ConnectorFactory, ForumMeetingFactory, MentoringPairFactory, PlaceFactory
from tests.factories import PopulationGroupFactory, ThemeFactory, UserFactory, WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def ward_row(page, ward):
    return [cell.strip() for cell in page.locator(f'tr[data-ward="{ward}"] td').all_inner_texts()]


def test_a_connector_records_a_conversation_raises_an_insight_and_coverage_counts_it(
    page, live_server, assert_accessible
):
    user = UserFactory(email="connector@example.org", roles=[Role.COMMUNITY_CONNECTOR])
    riverside = WardFactory(name="Riverside")
    WardFactory(name="Hilltop")
    ConnectorFactory(name="Cass Connector", user=user, wards=[riverside])
    PlaceFactory(name="Riverside Hub", ward=riverside, latitude="54.56412", longitude="-1.31234")
    PlaceFactory(name="Riverside Library", ward=riverside)
    ThemeFactory(name="Transport")
    PopulationGroupFactory(name="Older people")

    sign_in(page, "connector@example.org")
    page.get_by_role("link", name="Community network").click()
    page.wait_for_url(re.compile(r"/connectors/$"))
    # The map enhances the table: it appears (one marker, for the place with a position) and
    # the table still lists the place.
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.get_by_role("region", name="Map of places").is_visible()
    assert ward_row(page, "Riverside") == ["1", "2", "0", "0", "Gaps No recent conversations"]
    assert "No coverage" in ward_row(page, "Hilltop")[-1]
    assert_accessible(page)

    page.get_by_role("link", name="Places", exact=True).click()
    page.wait_for_url(re.compile(r"/connectors/places/$"))
    page.wait_for_selector(".leaflet-marker-icon")
    assert_accessible(page)
    page.get_by_role("link", name="Riverside Hub").first.click()
    assert_accessible(page)
    page.goto(reverse("connectors:connectors"))
    assert_accessible(page)

    # Record a conversation, by keyboard; a mistake first.
    page.goto(reverse("connectors:conversations"))
    assert_accessible(page)
    page.get_by_role("button", name="Record a conversation").click()
    page.wait_for_url(re.compile(r"/conversations/add/$"))
    assert_accessible(page)
    page.get_by_label("Place", exact=True).select_option(label="Riverside Hub")
    held_on = timezone.localdate() - datetime.timedelta(days=6)  # within the last 90 days
    page.get_by_label("Day").fill(str(held_on.day))
    page.get_by_label("Month").fill(str(held_on.month))
    page.get_by_label("Year").fill(str(held_on.year))
    choose(page, "Transport")
    choose(page, "Older people")
    page.get_by_label("Notes (optional)").fill("Older people said the 42 bus never comes on time.")
    page.get_by_label("Number of people").fill("none")
    page.get_by_label("Number of people").press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    assert page.get_by_label("Transport", exact=True).is_checked()
    page.get_by_label("Number of people").fill("8")
    page.get_by_label("Number of people").press("Enter")
    page.wait_for_url(re.compile(r"/conversations/\d+/$"))
    assert page.get_by_text("Conversation recorded").is_visible()
    assert_accessible(page)

    # Raise an insight from it: the form is filled in from the conversation.
    page.get_by_role("button", name="Raise an insight").click()
    page.wait_for_url(re.compile(r"/insights/$"))
    assert_accessible(page)
    assert "42 bus" in page.get_by_label("What people said").input_value()
    assert page.get_by_label("Transport", exact=True).is_checked()
    page.get_by_label("Title").fill("The 42 bus is unreliable")
    choose(page, "Anonymous")
    page.get_by_role("button", name="Save insight").click()
    page.wait_for_url(re.compile(r"/conversations/\d+/$"))
    assert_accessible(page)
    page.get_by_role("link", name="The 42 bus is unreliable").click()
    page.wait_for_url(re.compile(r"/insights/\d+/$"))
    assert page.get_by_role("link", name=re.compile("Conversation at Riverside Hub")).is_visible()
    assert_accessible(page)

    conversation = Conversation.objects.get()
    insight = Insight.objects.get()
    assert (insight.conversation, insight.place.name, insight.people_count) == (conversation, "Riverside Hub", 8)

    # The coverage page counts the new conversation for the ward: one conversation is a small
    # number, shown to a connector as "fewer than 5" (the 8 people stand alone).
    page.goto(reverse("connectors:coverage"))
    page.wait_for_selector(".leaflet-marker-icon")
    assert ward_row(page, "Riverside") == ["1", "2", "fewer than 5", "8", "None"]
    assert_accessible(page)


def test_every_other_network_page_is_accessible(page, live_server, assert_accessible):
    admin = UserFactory(email="admin@example.org", full_name="Ada Admin", roles=[Role.PROGRAMME_ADMIN])
    vcse = UserFactory(full_name="Vi Vcse", roles=[Role.COMMUNITY_GROUP_MEMBER])
    ward = WardFactory(name="Riverside")
    place = PlaceFactory(name="Riverside Hub", ward=ward)
    connector = ConnectorFactory(name="Cass Connector", wards=[ward], places=[place])
    meeting = ForumMeetingFactory(place=place)
    meeting.agreed_actions.create(description="Map the benches", owner="Amal")
    pair = MentoringPairFactory(statutory_leader=admin, vcse_leader=vcse)
    sign_in(page, "admin@example.org")

    for url in (
        reverse("connectors:place_add"),
        reverse("connectors:place_edit", kwargs={"pk": place.pk}),
        reverse("connectors:connector_add"),
        reverse("connectors:connector_edit", kwargs={"pk": connector.pk}),
        connector.get_absolute_url(),
        reverse("connectors:forum"),
        meeting.get_absolute_url(),
        reverse("connectors:member_add"),
        reverse("connectors:mentoring"),
        reverse("connectors:pair_add"),
    ):
        page.goto(url)
        assert_accessible(page)

    # Error states, by keyboard.
    page.goto(reverse("connectors:meeting_add"))
    assert_accessible(page)
    page.get_by_label("Action 1 agreed").fill("Ask about the hall")
    page.get_by_label("Action 1 agreed").press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_role("link", name="Enter who owns action 1").press("Enter")
    assert page.evaluate("document.activeElement.name") == "owner_1"

    page.goto(pair.get_absolute_url())
    assert_accessible(page)
    page.get_by_label("Short note").fill("Shared a list of venues")
    page.get_by_role("button", name="Save check-in").press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save check-in").press("Enter")
    page.wait_for_selector(".govuk-notification-banner")
    assert page.get_by_text("Shared a list of venues").is_visible()
    assert_accessible(page)
