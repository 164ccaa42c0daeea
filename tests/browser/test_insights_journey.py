import re

import pytest
from django.urls import reverse

from actions.models import Action
from actions.services import actions_load_plan
from healthyplaces.accounts.roles import Role
from insights.models import Insight, InsightStatus
from tests.browser.helpers import choose, sign_in, sign_out
from tests.connectors.factories import PlaceFactory
from tests.factories import PopulationGroupFactory, UserFactory, WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "No shelter at the clinic bus stop"
RESPONSE = "The bus company put up a shelter with a bench in March."


def test_a_connector_adds_an_insight_an_officer_responds_and_the_public_sees_it(page, live_server, assert_accessible):
    actions_load_plan()
    UserFactory(email="connector@example.org", full_name="Cass Connector", roles=[Role.COMMUNITY_CONNECTOR])
    officer = UserFactory(email="officer@example.org", full_name="Olu Officer", roles=[Role.COUNCIL_OFFICER])
    PlaceFactory(name="Clinic bus stop", ward=WardFactory(name="Riverside"))
    PopulationGroupFactory(name="Older people", seldom_heard=False)
    action = Action.objects.get(number=9)

    # The connector adds what they heard, by keyboard.
    sign_in(page, "connector@example.org", assert_accessible)
    page.get_by_role("link", name="Insights").first.click()
    page.wait_for_url(re.compile(r"/insights/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Add an insight").click()
    page.wait_for_url(re.compile(r"/insights/add/$"))
    assert_accessible(page)

    page.get_by_label("What people said").fill("Older people wait in the rain for the 42 outside the clinic.")
    choose(page, "Conversation")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Ward (optional)").select_option(label="Riverside")
    page.get_by_label("Place (optional)", exact=True).select_option(label="Clinic bus stop")
    choose(page, "Places and spaces")
    choose(page, "Older people")
    choose(page, "Anonymous")
    page.get_by_label("Number of people (optional)").fill("6")
    page.get_by_label("Number of people (optional)").press("Enter")

    # The title was forgotten: the error is summarised, linked to the field, and nothing is lost.
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    assert page.get_by_label("Number of people (optional)").input_value() == "6"
    assert page.get_by_label("Anonymous", exact=True).is_checked()
    page.get_by_role("link", name="Enter a title").press("Enter")
    assert page.evaluate("document.activeElement.name") == "title"
    page.keyboard.type(TITLE)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/insights/\d+/$"))
    assert_accessible(page)
    assert page.get_by_text("Insight added to the bank").is_visible()
    assert page.get_by_role("heading", name=TITLE).is_visible()
    assert page.get_by_role("button", name="Review and link to actions").count() == 0

    insight = Insight.objects.get()
    assert insight.collected_by.email == "connector@example.org"
    assert (insight.place.name, insight.people_count, insight.ward.name) == ("Clinic bus stop", 6, "Riverside")
    sign_out(page)

    # An officer finds it by searching, links it to action 9 and responds.
    sign_in(page, "officer@example.org", assert_accessible)
    page.goto(reverse("insights:list") + "?q=shelter")
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf"/insights/{insight.pk}/$"))
    assert_accessible(page)

    page.get_by_role("button", name="Review and link to actions").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert_accessible(page)
    choose(page, "Informing an action")
    choose(page, str(action))
    page.get_by_role("button", name="Save").press("Enter")
    page.wait_for_url(re.compile(rf"/insights/{insight.pk}/$"))
    assert_accessible(page)
    assert page.get_by_text("Insight updated").is_visible()
    assert page.get_by_role("link", name=str(action)).is_visible()

    page.get_by_role("button", name="Respond").click()
    page.wait_for_url(re.compile(r"/response/$"))
    assert_accessible(page)
    page.get_by_label("What was done").fill(RESPONSE)
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2027")
    choose(page, "Publish on the “You said, we did” page")
    page.get_by_role("button", name="Save response").press("Enter")
    page.wait_for_url(re.compile(rf"/insights/{insight.pk}/$"))
    assert_accessible(page)
    assert page.get_by_text("Response saved and published").is_visible()

    insight.refresh_from_db()
    assert (insight.status, insight.response_published) == (InsightStatus.RESPONDED, True)
    assert list(insight.actions.all()) == [action]
    assert insight.actions.get().insights.get() == insight
    assert officer.full_name not in (insight.response or "")
    sign_out(page)

    # Anyone can read it on "You said, we did", without the collector's name.
    page.goto(reverse("insights:public"))
    assert_accessible(page)
    item = page.locator(".app-result-list__item").filter(has_text=TITLE)
    assert RESPONSE in item.inner_text()
    assert "Riverside" in item.inner_text()
    assert "Cass Connector" not in page.content()

    page.get_by_label("Ward").select_option(label="Riverside")
    page.get_by_role("button", name="Apply filters").press("Enter")
    page.wait_for_url(re.compile(r"ward="))
    assert_accessible(page)
    assert page.locator(".app-result-list__item").count() == 1
