import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from actions.services import actions_load_plan
from funding.models import GrantReport
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.board.models import BoardSnapshot
from insights.models import Insight
from tests.board.factories import GrantFactory
from tests.browser.helpers import choose, sign_in, sign_out
from tests.factories import OrganisationFactory, UserFactory, WardFactory
from tests.funding.factories import PriorityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Older people feel cut off in winter"
RESPONSE = "The fund paid for weekly lunch clubs at the community centre."
REPORTED = "Twelve lunch clubs ran over the winter; forty people came."


def test_the_whole_loop_reaches_the_action_page_the_dashboard_the_public_and_the_board_pack(
    page, live_server, assert_accessible
):
    actions_load_plan()
    UserFactory(email="connector@example.org", full_name="Cass Connector", roles=[Role.COMMUNITY_CONNECTOR])
    UserFactory(email="officer@example.org", full_name="Olu Officer", roles=[Role.COUNCIL_OFFICER])
    UserFactory(email="board@example.org", full_name="Bola Board", roles=[Role.BOARD_MEMBER])
    UserFactory(email="admin@example.org", full_name="Ada Admin", roles=[Role.PROGRAMME_ADMIN])
    ward = WardFactory(name="Riverside")
    action = Action.objects.get(number=9)

    # A connector logs what they heard.
    sign_in(page, "connector@example.org", assert_accessible)
    page.goto(reverse("insights:add"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What people said").fill("Nobody to talk to from one week to the next when it is cold.")
    choose(page, "Conversation")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Ward (optional)").select_option(label="Riverside")
    choose(page, "Anonymous")
    page.get_by_role("button", name="Save").press("Enter")
    page.wait_for_url(re.compile(r"/insights/\d+/$"))
    assert_accessible(page)
    insight = Insight.objects.get()
    sign_out(page)

    # The community priority set up in the admin site rests on that insight and serves action 9;
    # a group is funded under it and sends its end-of-grant report.
    priority = PriorityFactory(title="Loneliness in later life")
    priority.insights.add(insight)
    priority.actions.add(action)
    grant = GrantFactory(
        priority=priority,
        organisation=OrganisationFactory(name="Riverside Lunch Club"),
        project_title="Winter lunch clubs",
        amount_awarded=Decimal(1500),
        state=State.REPORT_RECEIVED,
        wards=[ward],
    )
    GrantReport.objects.create(
        application=grant, what_happened=REPORTED, people_reached=40, submitted_at=timezone.now()
    )

    # An officer links the insight to the action and publishes the response.
    sign_in(page, "officer@example.org", assert_accessible)
    page.goto(reverse("insights:review", kwargs={"pk": insight.pk}))
    assert_accessible(page)
    choose(page, "Informing an action")
    choose(page, str(action))
    page.get_by_role("button", name="Save").press("Enter")
    page.wait_for_url(re.compile(rf"/insights/{insight.pk}/$"))
    page.get_by_role("button", name="Respond").click()
    page.wait_for_url(re.compile(r"/response/$"))
    page.get_by_label("What was done").fill(RESPONSE)
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    choose(page, "Publish on the “You said, we did” page")
    page.get_by_role("button", name="Save response").press("Enter")
    page.wait_for_url(re.compile(rf"/insights/{insight.pk}/$"))
    assert page.get_by_text("Response saved and published").is_visible()

    # The action page closes the loop.
    page.goto(reverse("actions:detail", kwargs={"number": 9}))
    assert_accessible(page)
    loop = page.get_by_role("heading", name="What communities said and what happened")
    assert loop.is_visible()
    assert page.get_by_role("link", name=TITLE).is_visible()
    assert page.get_by_role("link", name="Winter lunch clubs").is_visible()
    assert page.get_by_text(REPORTED).is_visible()
    assert page.get_by_text(RESPONSE).is_visible()
    sign_out(page)

    # A board member sees it on the dashboard.
    sign_in(page, "board@example.org", assert_accessible)
    page.get_by_role("link", name="Board", exact=True).click()
    page.wait_for_url(re.compile(r"/board/$"))
    assert_accessible(page)
    row = page.locator("#loop-9")
    # One insight and one response: hidden from the board; the grant and its report are public.
    assert [cell.strip() for cell in row.locator("td").all_inner_texts()] == ["fewer than 5", "1", "1", "fewer than 5"]
    assert page.locator("#chart-funding_priorities").get_by_text("Loneliness in later life").first.is_visible()
    assert "£1,500.00" in page.locator("#chart-funding_wards table").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Reach by ward” as CSV").click()
    assert "Riverside,0,0,fewer than 5,fewer than 5" in download.value.path().read_text()
    sign_out(page)

    # The public page shows the response, the action it informed and the project funded.
    page.goto(reverse("insights:public"))
    assert_accessible(page)
    item = page.locator(".app-result-list__item").filter(has_text=TITLE)
    assert RESPONSE in item.inner_text()
    assert "action 9" in item.inner_text()
    assert "Winter lunch clubs by Riverside Lunch Club" in item.inner_text()

    # A programme admin freezes the snapshot for the board meeting and downloads its pack.
    sign_in(page, "admin@example.org", assert_accessible)
    page.goto(reverse("board:snapshots"))
    assert_accessible(page)
    page.get_by_role("button", name="Freeze a snapshot").click()
    page.wait_for_url(re.compile(r"/freeze/$"))
    assert_accessible(page)
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Freeze snapshot").press("Enter")
    page.wait_for_url(re.compile(r"/board/snapshots/\d+/$"))
    assert_accessible(page)
    assert page.get_by_text("Snapshot frozen for the board meeting on 3 December 2026").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board pack (PDF)").click()
    assert download.value.suggested_filename == "board-pack-2026-12-03.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    snapshot = BoardSnapshot.objects.get()
    assert snapshot.actions.get(number=9).closed_loop["responses"][0]["response"] == RESPONSE

    page.get_by_role("link", name="What changed since this board").click()
    page.wait_for_url(re.compile(r"/changes/$"))
    assert_accessible(page)


def test_an_admin_loads_ward_deprivation_and_the_dashboard_reads_against_it(page, live_server, assert_accessible):
    actions_load_plan()
    UserFactory(email="admin@example.org", full_name="Ada Admin", roles=[Role.PROGRAMME_ADMIN])
    WardFactory(name="Riverside")
    WardFactory(name="Hilltop", ons_code="E05012345")
    sign_in(page, "admin@example.org", assert_accessible)
    page.goto(reverse("board:dashboard"))
    page.get_by_role("link", name="Load ward deprivation deciles").click()
    page.wait_for_url(re.compile(r"/board/deprivation/$"))
    assert_accessible(page)

    def upload(content):
        page.get_by_label("Upload a CSV file").set_input_files(
            files=[{"name": "deprivation.csv", "mimeType": "text/csv", "buffer": content}]
        )
        page.get_by_role("button", name="Upload", exact=True).click()

    # A bad row loads nothing; each bad line is named.
    upload(b"ward,decile\nRiverside,2\nLowtown,3\n")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    assert page.get_by_text("Line 3: “Lowtown” is not a ward name or ONS code we know").is_visible()

    upload(b"ward,decile\nRiverside,2\nE05012345,8\n")
    page.wait_for_url(re.compile(r"/board/$"))
    assert_accessible(page)
    assert page.get_by_text("Deprivation deciles loaded for 2 wards").is_visible()
    reach = page.locator("#chart-reach_wards table")
    assert reach.locator("tbody tr").first.inner_text().startswith("Riverside\t2")
    assert "Deprivation decile (1 is most deprived)" in reach.inner_text()
