import re

import pytest
from django.urls import reverse

from actions.models import Action, ActionUpdate, Status
from actions.services import actions_load_plan
from healthyplaces.accounts.roles import Role
from tests.browser.signing_in import sign_in
from tests.factories import MilestoneFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_officer_updates_an_action_by_keyboard_and_a_board_member_sees_it(page, live_server, assert_accessible):
    actions_load_plan()
    officer = UserFactory(email="officer@example.org", full_name="Olu Officer", roles=[Role.COUNCIL_OFFICER])
    UserFactory(email="board@example.org", full_name="Bola Board", roles=[Role.BOARD_MEMBER])
    action = Action.objects.get(number=12)
    action.lead_officers.add(officer)
    MilestoneFactory(action=action, title="Recruit ten connectors")

    page.goto(reverse("actions:progress"))
    assert_accessible(page)

    # Sign in, typing and pressing Enter only (an officer also gives the authenticator app's code).
    sign_in(page, "officer@example.org", assert_accessible)

    page.get_by_role("link", name="My actions").first.click()
    page.wait_for_url(re.compile(r"/actions/mine/$"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^12\. ")).click()
    page.wait_for_url(re.compile(r"/actions/12/$"))
    assert_accessible(page)

    page.get_by_role("button", name="Update this action").click()
    page.wait_for_url(re.compile(r"/actions/12/update/$"))
    assert_accessible(page)

    # First a mistake: a new status with no reason. The error is summarised and shown by the field.
    page.get_by_label("At risk").check()
    page.get_by_label("Progress (%)").fill("35")
    page.get_by_role("button", name="Save update").press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    assert page.get_by_label("Progress (%)").input_value() == "35"

    page.get_by_role("link", name="Explain why the status changed").click()
    focused = page.evaluate("document.activeElement.name")
    assert focused == "narrative"
    page.keyboard.type("Two venues have closed; talking to the library service about space.")
    page.get_by_label("Recruit ten connectors").check()
    page.get_by_label("Day").first.fill("15")
    page.get_by_label("Month").first.fill("1")
    page.get_by_label("Year").first.fill("2027")
    page.get_by_role("button", name="Save update").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/actions/12/$"))
    assert_accessible(page)
    assert page.get_by_text("Action 12 updated").is_visible()
    timeline = page.locator(".app-timeline")
    assert "Two venues have closed" in timeline.inner_text()
    assert "Milestone “Recruit ten connectors” marked as done" in timeline.inner_text()

    update = ActionUpdate.objects.get()
    assert (update.new_status, update.new_progress, update.author) == (Status.AT_RISK, 35, officer)

    # The board member sees the new status on the list, in words.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "board@example.org")
    page.goto(reverse("actions:list") + "?status=at_risk")
    assert_accessible(page)
    row = page.get_by_role("row", name=re.compile(r"12\. "))
    assert "At risk" in row.inner_text()
    assert page.get_by_role("link", name="Update this action").count() == 0
