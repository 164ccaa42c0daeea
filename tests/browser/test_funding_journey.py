import re

import pytest
from django.urls import reverse

from funding.models import Application, AssessmentCriterion, EligibilityQuestion
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from tests.browser.helpers import sign_in, sign_out
from tests.factories import OrganisationFactory, UserFactory, WardFactory
from tests.funding.factories import PDF, PNG, PriorityFactory, RoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A redirect keeps the fragment of the page it came from (an error summary link, say).
APPLICATION = re.compile(r"/funding/applications/\d+/(#[\w-]*)?$")


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    # The notification rows are written; sending them has its own tests.
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def upload_document(page, kind, name, mime_type, content, assert_accessible):
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Upload a file").set_input_files(files=[{"name": name, "mimeType": mime_type, "buffer": content}])
    with page.expect_navigation():
        page.get_by_role("button", name="Upload file").click()
    assert_accessible(page)
    assert page.get_by_text(f"“{name}” has been uploaded").is_visible()


def save_section(page, assert_accessible):
    page.get_by_label("Yes, I've completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(APPLICATION)
    assert_accessible(page)


def open_section(page, name, assert_accessible):
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(r"/funding/applications/\d+/\w+/$"))
    assert_accessible(page)


def status_of(page, name):
    return page.locator(".govuk-task-list__item").filter(has_text=name).locator(".govuk-task-list__status").inner_text()


def test_a_group_applies_across_two_sign_ins_and_is_funded(page, live_server, assert_accessible):
    member = UserFactory(email="member@example.org", full_name="Mo Member", roles=[Role.COMMUNITY_GROUP_MEMBER])
    UserFactory(email="officer@example.org", full_name="Olu Officer", roles=[Role.COUNCIL_OFFICER])
    UserFactory(email="assessor@example.org", full_name="Asa Assessor", roles=[Role.ASSESSOR])
    OrganisationFactory(name="Riverside Gardeners").members.add(member)
    WardFactory(name="Riverside")
    round_ = RoundFactory(name="Autumn 2026", priorities=[PriorityFactory(title="Loneliness in later life")])
    EligibilityQuestion.objects.create(round=round_, text="Is your group based in the borough?")
    AssessmentCriterion.objects.create(round=round_, name="Meets a community priority", weight=3, position=1)
    AssessmentCriterion.objects.create(round=round_, name="A realistic plan", weight=1, position=2)

    # Anyone can read about the fund.
    page.goto(reverse("funding:rounds"))
    assert_accessible(page)

    # The member starts an application and fills two sections.
    sign_in(page, "member@example.org", assert_accessible)
    page.get_by_role("link", name="Funding").first.click()
    page.wait_for_url(re.compile(r"/funding/$"))
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Start an application")).click()
    page.wait_for_url(APPLICATION)
    assert_accessible(page)
    assert status_of(page, "About your group") == "Not yet started"
    assert page.get_by_text("Cannot start yet").is_visible()

    open_section(page, "Eligibility", assert_accessible)
    page.get_by_role("group", name="Is your group based in the borough?").get_by_label("Yes").check()
    save_section(page, assert_accessible)
    assert status_of(page, "Eligibility") == "Completed"

    open_section(page, "About your group", assert_accessible)
    page.get_by_label("Tell us about your group").fill("Residents who garden together on the Riverside estate.")
    page.get_by_label("Contact phone number").fill("01642 123456")
    save_section(page, assert_accessible)
    assert status_of(page, "About your group") == "Completed"

    open_section(page, "Your project", assert_accessible)
    page.get_by_label("Project name").fill("Community fridge")
    page.get_by_label("What will your project do?").fill("A fridge for surplus food at the community centre.")
    page.get_by_label("What difference will it make?").fill("Less waste, fewer people going hungry.")
    save_section(page, assert_accessible)
    sign_out(page)

    # Back the next day: the answers are there, and the rest is filled in.
    sign_in(page, "member@example.org", assert_accessible)
    page.get_by_role("link", name="Applications").first.click()
    page.wait_for_url(re.compile(r"/funding/applications/$"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Draft \d+$")).click()
    page.wait_for_url(APPLICATION)
    assert status_of(page, "Your project") == "Completed"
    assert status_of(page, "Budget") == "Not yet started"

    open_section(page, "Priority and wards", assert_accessible)
    page.get_by_label("Loneliness in later life").check()
    page.get_by_label("Riverside", exact=True).check()
    save_section(page, assert_accessible)

    # A budget that does not add up is explained, and nothing typed is lost.
    open_section(page, "Budget", assert_accessible)
    page.get_by_label("Amount requested").fill("500")
    page.get_by_label("Item 1", exact=True).fill("Fridge")
    page.get_by_label("Amount 1", exact=True).fill("350")
    page.get_by_label("Yes, I've completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    assert page.get_by_label("Amount 1", exact=True).input_value() == "350"
    page.get_by_role("link", name=re.compile("Your budget lines add up to £350.00")).click()
    page.get_by_label("Item 2", exact=True).fill("Signs and leaflets")
    page.get_by_label("Amount 2", exact=True).fill("150")
    save_section(page, assert_accessible)
    assert status_of(page, "Budget") == "Completed"

    open_section(page, "Declarations", assert_accessible)
    for checkbox in page.locator(".govuk-checkboxes__input").all():
        checkbox.check()
    save_section(page, assert_accessible)

    # A file whose name says PDF but is not one is refused; the real documents are kept.
    open_section(page, "Documents", assert_accessible)
    page.get_by_label("Constitution", exact=True).check()
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "Constitution.pdf", "mimeType": "application/pdf", "buffer": b"Not a PDF at all"}]
    )
    page.get_by_role("button", name="Upload file").click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    upload_document(page, "Constitution", "Constitution.pdf", "application/pdf", PDF, assert_accessible)
    upload_document(page, "Safeguarding policy", "Safeguarding.png", "image/png", PNG, assert_accessible)
    save_section(page, assert_accessible)
    assert status_of(page, "Documents") == "Completed"

    page.get_by_role("link", name="Check your answers and submit").click()
    page.wait_for_url(re.compile(r"/check/$"))
    assert_accessible(page)
    assert page.get_by_text("Signs and leaflets: £150.00").is_visible()
    assert page.get_by_role("link", name="Safeguarding.png").is_visible()
    page.get_by_role("button", name="Submit application").click()
    page.wait_for_url(re.compile(r"/submitted/$"))
    assert_accessible(page)
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"HP-\d{4}-\d{5}", reference)
    assert page.get_by_text("We have sent you a confirmation email").is_visible()
    sign_out(page)

    # An officer checks eligibility, asks an assessor to assess it and starts the assessment.
    sign_in(page, "officer@example.org", assert_accessible)
    page.goto(reverse("funding:applications"))
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(APPLICATION)
    assert_accessible(page)
    page.get_by_role("button", name="Eligible", exact=True).click()
    page.wait_for_url(APPLICATION)
    assert_accessible(page)
    page.get_by_label("Assessor").select_option(label="Asa Assessor")
    page.get_by_role("button", name="Assign assessor").click()
    page.wait_for_url(re.compile(r"/funding/applications/\d+/#assessment$"))
    assert_accessible(page)
    assert page.get_by_text("Declaration needed").is_visible()
    page.get_by_role("button", name="Start assessment", exact=True).click()
    page.wait_for_url(APPLICATION)
    assert_accessible(page)
    sign_out(page)

    # The assessor declares no conflict of interest, then scores it, by keyboard alone.
    sign_in(page, "assessor@example.org", assert_accessible)
    page.get_by_role("link", name="Assessments").first.click()
    page.wait_for_url(re.compile(r"/funding/assessments/$"))
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(re.compile(r"/declare/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/funding/assessments/\d+/$"))
    assert_accessible(page)
    page.get_by_role("group", name="Meets a community priority (weight 3)").get_by_label("4").press("Space")
    page.get_by_label("Comments on meets a community priority").fill("Clearly tackles isolation.")
    page.get_by_role("button", name="Send scores").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    assert page.get_by_label("Comments on meets a community priority").input_value() == "Clearly tackles isolation."
    page.get_by_role("link", name="Give a score for “A realistic plan”").click()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.get_by_role("button", name="Send scores").click()
    page.wait_for_url(re.compile(r"/funding/assessments/$"))
    assert_accessible(page)
    assert page.get_by_text("Scores sent").is_visible()
    sign_out(page)

    # The panel sees it ranked with the budget left, and approves it there.
    sign_in(page, "officer@example.org", assert_accessible)
    page.get_by_role("link", name="Panels").first.click()
    page.wait_for_url(re.compile(r"/funding/panels/$"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Autumn 2026")).click()
    page.wait_for_url(re.compile(r"/funding/panels/\d+/$"))
    assert_accessible(page)
    # 4 of 5 at weight 3 and 1 of 5 at weight 1: 13 of 20 points.
    assert page.get_by_role("cell", name="65.0%").is_visible()
    assert page.get_by_role("cell", name="£9,500.00").is_visible()
    page.get_by_label("Amount awarded").fill("450")
    page.get_by_role("button", name=re.compile("^Approve")).click()
    page.wait_for_url(re.compile(r"/funding/panels/\d+/$"))
    assert_accessible(page)
    assert page.get_by_text(f"{reference} is now: Approved").is_visible()
    assert page.locator("#budget-remaining").inner_text() == "£9,550.00"
    sign_out(page)

    # The group accepts the offer.
    sign_in(page, "member@example.org", assert_accessible)
    page.goto(reverse("funding:applications"))
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(APPLICATION)
    assert_accessible(page)
    assert page.get_by_text("£450.00").is_visible()
    page.get_by_role("button", name="Accept the offer", exact=True).click()
    page.wait_for_url(APPLICATION)
    assert_accessible(page)

    application = Application.objects.get()
    assert (application.state, application.reference) == (State.OFFER_ACCEPTED, reference)
    assert [event.transition for event in application.events.all()] == [
        "submit",
        "pass_eligibility",
        "start_assessment",
        "approve",
        "accept_offer",
    ]
