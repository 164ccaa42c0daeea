import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from funding.models import Application, ApplicationEvent
from funding.services import sections_for
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.models import Notification
from healthyplaces.notifications.services import notification_send
from tests.factories import OrganisationFactory, UserFactory, WardFactory
from tests.funding.factories import (
    PDF,
    PNG,
    ApplicationFactory,
    PriorityFactory,
    RoundFactory,
    attach_required_documents,
    upload,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "applicant": [Role.COMMUNITY_GROUP_MEMBER],
    "other group's member": [Role.COMMUNITY_GROUP_MEMBER],
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
STAFF = {"programme admin", "council officer"}
NO_PART = {"board member", "community connector"}

# (url name, method, expected status by role). Anonymous people are sent to sign in from every page
# but the public rounds page. People with no part in funding get 403; a member of another group
# gets 404 for this group's application, so its existence is not told either.
OK, MOVED, FORBIDDEN, MISSING, TO_SIGN_IN = 200, 302, 403, 404, "sign in"


def expected(url_name, method, role):
    if url_name == "funding:rounds":
        return OK
    if role == "anonymous":
        return TO_SIGN_IN
    if role in NO_PART:
        return FORBIDDEN
    if url_name == "funding:start":
        # The applicant starts one; another group's member cannot apply for this group (the form
        # says so); staff cannot apply at all.
        return {"applicant": MOVED, "other group's member": OK}.get(role, FORBIDDEN)
    if role == "assessor" and url_name != "funding:applications":
        return MISSING
    if url_name == "funding:applications":
        return OK
    if role in ("other group's member", "assessor"):
        # An assessor sees only what they are assigned (tests/funding/test_assessment.py).
        return MISSING
    if url_name == "funding:section":
        return MOVED if (role, method) == ("applicant", "post") else (OK if role == "applicant" else FORBIDDEN)
    if url_name == "funding:transition":
        return MOVED if role == "applicant" else FORBIDDEN  # "withdraw" is the group's step only
    return OK


MATRIX = [
    ("funding:rounds", "get"),
    ("funding:start", "post"),
    ("funding:applications", "get"),
    ("funding:application", "get"),
    ("funding:section", "get"),
    ("funding:section", "post"),
    ("funding:check", "get"),
    ("funding:transition", "post"),
    ("funding:submitted", "get"),
]


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    # These tests are about which notifications exist; delivery has its own tests.
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


@pytest.fixture
def people():
    people = {name: UserFactory(roles=roles) if roles else None for name, roles in ROLES.items()}
    OrganisationFactory(name="Other group").members.add(people["other group's member"])
    return people


@pytest.fixture
def round_():
    return RoundFactory(name="Autumn 2026", priorities=[PriorityFactory(title="Loneliness in later life")])


@pytest.fixture
def group(people):
    group = OrganisationFactory(name="Riverside Gardeners")
    group.members.add(people["applicant"])
    return group


@pytest.fixture
def draft(round_, group, people):
    return ApplicationFactory(round=round_, organisation=group, created_by=people["applicant"])


@pytest.fixture
def submitted(round_, group, people):
    return ApplicationFactory(
        round=round_, organisation=group, state=State.SUBMITTED, reference="HP-2026-00099", project_title="Sent"
    )


def date_parts(name, value):
    day, month, year = value
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def section_url(application, section):
    return reverse("funding:section", kwargs={"pk": application.pk, "section": section})


def url_for(url_name, draft, submitted):
    if url_name in {"funding:rounds", "funding:start", "funding:applications"}:
        return reverse(url_name)
    if url_name == "funding:section":
        return section_url(draft, "group")
    target = submitted if url_name == "funding:submitted" else draft
    return reverse(url_name, kwargs={"pk": target.pk})


def post_data(url_name, draft):
    if url_name == "funding:start":
        # The group has a draft to this round already, so starting one more is asked for deliberately
        # (tests/funding/test_start_once.py has the question).
        return {"round": str(draft.round.pk), "organisation": str(draft.organisation.pk), "another": "on"}
    if url_name == "funding:section":
        return {"group_description": "Changed", "contact_phone": "", "completed": "yes", "version": draft.version}
    return {"name": "withdraw"}


def stored(application):
    application = Application.objects.get(pk=application.pk)
    return (application.state, application.version, application.group_description)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method"), MATRIX, ids=[f"{u}-{m}" for u, m in MATRIX])
def test_who_may_use_each_funding_url(client, people, draft, submitted, role, url_name, method):
    user = people[role]
    if user is not None:
        client.force_login(user)
    url = url_for(url_name, draft, submitted)
    before = stored(draft), Application.objects.count()

    response = client.post(url, post_data(url_name, draft)) if method == "post" else client.get(url)

    want = expected(url_name, method, role)
    if want == TO_SIGN_IN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == want
    changed = (stored(draft), Application.objects.count()) != before
    assert changed == (method == "post" and want == MOVED)


def test_the_submitted_page_of_an_unsent_draft_goes_back_to_the_application(client, people, draft):
    client.force_login(people["applicant"])

    response = client.get(reverse("funding:submitted", kwargs={"pk": draft.pk}))

    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()


def test_a_section_of_a_sent_application_cannot_be_changed(client, people, submitted):
    client.force_login(people["applicant"])

    response = client.get(section_url(submitted, "group"), follow=True)

    assert response.redirect_chain == [(submitted.get_absolute_url(), 302)]
    assert "can no longer be changed" in response.content.decode()


def test_an_unknown_section_is_404(client, people, draft):
    client.force_login(people["applicant"])
    assert client.get(section_url(draft, "attachments")).status_code == 404


def test_quick_response_rounds_have_no_priority_section(client, people, group):
    application = ApplicationFactory(round=RoundFactory(quick_response=True), organisation=group)
    client.force_login(people["applicant"])

    page = client.get(application.get_absolute_url()).content.decode()

    assert "Priority and wards" not in page
    assert client.get(section_url(application, "priority")).status_code == 404


# --- the public page and starting -----------------------------------------------------------------


def test_the_rounds_page_lists_open_and_upcoming_rounds_with_their_limits_and_priorities(client, round_):
    today = timezone.localdate()
    RoundFactory(
        name="Spring 2027",
        opens_on=today + datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
        quick_response=True,
        decision_target_days=10,
    )
    RoundFactory(
        name="Summer 2026", opens_on=today - datetime.timedelta(days=60), closes_on=today - datetime.timedelta(days=1)
    )

    page = client.get(reverse("funding:rounds")).content.decode()

    assert "Autumn 2026" in page
    assert "Spring 2027" in page
    assert "Summer 2026" not in page
    assert "£100.00 to £2,000.00" in page
    assert "Loneliness in later life" in page
    assert "Opening soon" in page
    assert "within 10 working days" in page
    assert "Start an application" not in page  # anonymous: sign in first


def test_a_member_of_one_group_starts_with_one_button(client, people, round_, group):
    client.force_login(people["applicant"])
    page = client.get(reverse("funding:rounds")).content.decode()
    assert "Start an application" in page
    assert "Which group is applying?" not in page

    response = client.post(reverse("funding:start"), {"round": round_.pk, "organisation": group.pk})

    application = Application.objects.get()
    assert response.url == application.get_absolute_url()
    assert (application.organisation, application.created_by, application.state) == (
        group,
        people["applicant"],
        State.DRAFT,
    )


def test_a_member_of_several_groups_chooses_which_is_applying(client, people, round_, group):
    second = OrganisationFactory(name="Tenants of Parkside")
    second.members.add(people["applicant"])
    client.force_login(people["applicant"])
    page = client.get(reverse("funding:rounds")).content.decode()
    assert "Which group is applying?" in page
    assert "Tenants of Parkside" in page

    response = client.post(reverse("funding:start"), {"round": round_.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert page.count("Select the group that is applying") == 2
    assert not Application.objects.exists()

    client.post(reverse("funding:start"), {"round": round_.pk, "organisation": second.pk})
    assert Application.objects.get().organisation == second


def test_a_member_of_no_group_is_told_to_ask_to_be_added(client, round_):
    client.force_login(UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]))

    page = client.get(reverse("funding:rounds")).content.decode()

    assert "Start an application" not in page
    assert "you need to be added to your community group" in page


def test_a_closed_round_cannot_be_started(client, people, group):
    today = timezone.localdate()
    closed = RoundFactory(opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1))
    client.force_login(people["applicant"])

    response = client.post(reverse("funding:start"), {"round": closed.pk, "organisation": group.pk}, follow=True)

    assert "That round is not open for applications" in response.content.decode()
    assert not Application.objects.exists()


def test_the_navigation_shows_funding_to_all_and_applications_to_those_who_use_them(client, people):
    client.force_login(people["board member"])
    page = client.get(reverse("funding:rounds")).content.decode()
    assert reverse("funding:rounds") in page
    assert reverse("funding:applications") not in page
    for role in ("applicant", "council officer"):
        client.force_login(people[role])
        assert reverse("funding:applications") in client.get(reverse("funding:rounds")).content.decode()


# --- the task list and sections -------------------------------------------------------------------


def test_the_task_list_shows_each_sections_status_in_words(client, people, draft):
    draft.group_description = "We garden"
    draft.sections_done = ["group"]
    draft.project_title = "Community fridge"
    draft.save()
    client.force_login(people["applicant"])

    page = client.get(draft.get_absolute_url()).content.decode()

    statuses = re.findall(r'id="task-(\w+)-status">\s*(.*?)\s*</div>', page, re.S)
    assert [(key, re.sub(r"<[^>]+>", "", status)) for key, status in statuses] == [
        ("group", "Completed"),
        ("project", "In progress"),
        ("priority", "Not yet started"),
        ("budget", "Not yet started"),
        ("declarations", "Not yet started"),
        ("documents", "Not yet started"),
    ]
    assert "Cannot start yet" in page
    assert reverse("funding:check", kwargs={"pk": draft.pk}) not in page


def test_staff_see_the_answers_and_timeline_not_the_task_list(client, people, submitted):
    ApplicationEvent.objects.create(
        application=submitted, actor=people["applicant"], transition="submit", from_state="draft", to_state="submitted"
    )
    client.force_login(people["council officer"])

    page = client.get(submitted.get_absolute_url()).content.decode()

    assert "govuk-task-list" not in page
    assert "About your group" in page
    assert "Timeline" in page
    assert escape(str(people["applicant"])) in page  # escaped: a name like O'Brien is shown as O&#x27;Brien
    assert 'value="pass_eligibility"' in page
    assert 'value="fail_eligibility"' in page
    assert 'name="note"' in page  # "Not eligible" needs a reason


def test_saving_a_section_marks_it_complete_and_returns_to_the_task_list(client, people, draft):
    client.force_login(people["applicant"])

    response = client.post(
        section_url(draft, "project"),
        {
            "project_title": "Community fridge",
            "project_summary": "A fridge for surplus food at the community centre.",
            "project_outcomes": "Less food waste",
            **date_parts("starts_on", ("1", "4", "2027")),
            **date_parts("ends_on", ("30", "9", "2027")),
            "completed": "yes",
            "version": draft.version,
        },
        follow=True,
    )

    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    draft.refresh_from_db()
    assert draft.sections_done == ["project"]
    assert (draft.starts_on, draft.ends_on) == (datetime.date(2027, 4, 1), datetime.date(2027, 9, 30))
    assert "Your answers to “Your project” have been saved" in response.content.decode()


def budget_answers(version, amount, lines, completed="yes"):
    data = {"amount_requested": amount, "completed": completed, "version": version}
    for row, (item, line_amount) in enumerate(lines, start=1):
        data[f"item_{row}"] = item
        data[f"amount_{row}"] = line_amount
    return data


def test_budget_lines_that_do_not_add_up_are_explained_and_every_answer_is_kept(client, people, draft):
    client.force_login(people["applicant"])

    response = client.post(
        section_url(draft, "budget"),
        budget_answers(draft.version, "500", [("Hall hire", "300"), ("Seeds and compost", "150")]),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    message = "Your budget lines add up to £450.00, not the £500.00 you are asking for"
    assert page.count(message) == 2  # in the summary and beside the budget lines
    assert 'href="#non-field-errors"' in page
    assert 'value="Hall hire"' in page
    assert 'value="Seeds and compost"' in page
    assert 'value="500"' in page
    draft.refresh_from_db()
    assert draft.amount_requested == Decimal("500")  # saved, though not complete
    assert [(line.item, line.amount) for line in draft.budget_lines.all()] == [
        ("Hall hire", Decimal("300")),
        ("Seeds and compost", Decimal("150")),
    ]
    assert "budget" not in draft.sections_done
    assert f'name="version" value="{draft.version}"' in page  # a second save is not a conflict


def test_an_amount_outside_the_rounds_limits_is_refused_beside_the_field(client, people, draft):
    client.force_login(people["applicant"])

    page = client.post(section_url(draft, "budget"), budget_answers(draft.version, "5000", [("Minibus", "5000")]))

    page = page.content.decode()
    assert page.count("The amount must be between £100.00 and £2,000.00") == 2
    assert 'href="#id_amount_requested"' in page
    assert 'value="Minibus"' in page
    assert 'value="5000"' in page


def test_a_half_filled_budget_line_is_explained(client, people, draft):
    client.force_login(people["applicant"])

    page = client.post(
        section_url(draft, "budget"), budget_answers(draft.version, "300", [("", "300"), ("Tea", "")])
    ).content.decode()

    assert "Enter what the £300.00 in line 1 is for" in page
    assert "Enter the amount for Tea" in page
    draft.refresh_from_db()
    assert draft.amount_requested is None  # nothing is half-saved when what was typed is unreadable


def test_a_section_left_for_later_saves_without_complaint(client, people, draft):
    client.force_login(people["applicant"])

    response = client.post(
        section_url(draft, "budget"), budget_answers(draft.version, "500", [("Hall hire", "300")], completed="no")
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.amount_requested == Decimal("500")
    assert draft.sections_done == []


def test_a_real_date_and_the_completed_question_are_required(client, people, draft):
    client.force_login(people["applicant"])

    page = client.post(
        section_url(draft, "project"),
        {"project_title": "Fridge", **date_parts("starts_on", ("31", "2", "2027")), "version": draft.version},
    ).content.decode()

    assert "Start date must be a real date" in page
    assert "Select whether you have completed this section" in page
    assert 'value="Fridge"' in page


def test_two_members_editing_one_section_do_not_overwrite_each_other(client, people, draft):
    second = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    draft.organisation.members.add(second)
    loaded_at = draft.version
    url = section_url(draft, "group")

    client.force_login(people["applicant"])
    first = client.post(url, {"group_description": "First member's words", "completed": "yes", "version": loaded_at})
    assert first.status_code == 302

    client.force_login(second)
    second_answers = {"group_description": "Second member's words", "completed": "yes", "version": loaded_at}
    response = client.post(url, second_answers)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else in your group saved this section after you opened it" in page
    assert "Second member&#x27;s words" in page
    draft.refresh_from_db()
    assert draft.group_description == "First member's words"
    assert f'name="version" value="{draft.version}"' in page

    client.post(url, {"group_description": "Second member's words", "completed": "yes", "version": draft.version})
    draft.refresh_from_db()
    assert draft.group_description == "Second member's words"


def test_officers_can_read_but_not_change_a_section(client, people, draft):
    client.force_login(people["council officer"])
    assert client.get(section_url(draft, "group")).status_code == 403
    assert client.post(section_url(draft, "group"), {"group_description": "x"}).status_code == 403
    assert client.get(reverse("funding:check", kwargs={"pk": draft.pk})).status_code == 200


# --- submitting -----------------------------------------------------------------------------------


def complete(application, ward):
    application.group_description = "Residents who garden together"
    application.project_title = "Community fridge"
    application.project_summary = "A fridge for surplus food"
    application.priority = application.round.priorities.first()
    application.amount_requested = Decimal("500")
    application.declares_accurate = application.declares_safeguarding = application.declares_data_protection = True
    application.sections_done = [section.key for section in sections_for(application.round)]
    application.save()
    application.wards.add(ward)
    application.budget_lines.create(item="Fridge", amount=Decimal("500"))
    attach_required_documents(application)


def test_submitting_after_the_round_has_closed_is_refused_with_the_date(client, people, draft):
    complete(draft, WardFactory())
    today = timezone.localdate()
    draft.round.opens_on = today - datetime.timedelta(days=30)
    draft.round.closes_on = today - datetime.timedelta(days=1)
    draft.round.save()
    client.force_login(people["applicant"])

    response = client.post(reverse("funding:transition", kwargs={"pk": draft.pk}), {"name": "submit"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert f"The round closed on {draft.round.closes_on:%-d %B %Y}" in page
    assert "Check your answers before submitting" in page
    draft.refresh_from_db()
    assert (draft.state, draft.reference) == (State.DRAFT, None)
    assert draft.group_description == "Residents who garden together"


def test_submitting_with_a_section_incomplete_names_it_and_links_to_it(client, people, draft):
    complete(draft, WardFactory())
    draft.sections_done = ["group", "project", "priority", "declarations"]
    draft.save()
    client.force_login(people["applicant"])

    page = client.post(reverse("funding:transition", kwargs={"pk": draft.pk}), {"name": "submit"}).content.decode()

    assert f'<a href="{section_url(draft, "budget")}">Complete the budget section</a>' in page
    assert Application.objects.get(pk=draft.pk).state == State.DRAFT


def test_a_step_that_needs_a_reason_keeps_what_was_typed(client, people, submitted):
    client.force_login(people["council officer"])
    url = reverse("funding:transition", kwargs={"pk": submitted.pk})

    page = client.post(url, {"name": "fail_eligibility", "note": "   "}).content.decode()

    assert "<title>Error: " in page
    assert page.count("Give a reason the group will read") == 2
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED


def test_an_award_over_the_maximum_is_refused_and_the_amount_kept(client, people, submitted):
    Application.objects.filter(pk=submitted.pk).update(state=State.IN_ASSESSMENT)
    client.force_login(people["council officer"])
    url = reverse("funding:transition", kwargs={"pk": submitted.pk})

    page = client.post(url, {"name": "approve", "amount": "2500", "conditions": "Report by March"}).content.decode()

    assert page.count("The award cannot be more than the round&#x27;s maximum of £2,000.00") == 2
    assert 'value="2500"' in page
    assert "Report by March" in page
    assert Application.objects.get(pk=submitted.pk).state == State.IN_ASSESSMENT


def test_an_unknown_step_is_404(client, people, submitted):
    client.force_login(people["council officer"])
    url = reverse("funding:transition", kwargs={"pk": submitted.pk})
    assert client.post(url, {"name": "pay_twice"}).status_code == 404


def test_a_step_from_the_wrong_state_is_explained(client, people, submitted):
    client.force_login(people["council officer"])
    url = reverse("funding:transition", kwargs={"pk": submitted.pk})

    page = client.post(url, {"name": "start_assessment"}).content.decode()

    assert "An application that is submitted cannot take this step" in page


# --- the whole journey ----------------------------------------------------------------------------


def test_a_group_applies_and_is_funded(client, people, round_, group, django_capture_on_commit_callbacks):
    applicant, officer = people["applicant"], people["council officer"]
    ward = WardFactory(name="Riverside")
    priority = round_.priorities.get()
    client.force_login(applicant)

    response = client.post(reverse("funding:start"), {"round": round_.pk, "organisation": group.pk})
    application = Application.objects.get()
    assert response.url == application.get_absolute_url()

    answers = {
        "group": {"group_description": "Residents who garden together", "contact_phone": "01642 123456"},
        "project": {
            "project_title": "Community fridge",
            "project_summary": "A fridge for surplus food",
            "project_outcomes": "Fewer people go hungry",
            **date_parts("starts_on", ("1", "4", "2027")),
            **date_parts("ends_on", ("30", "9", "2027")),
        },
        "priority": {"priority": priority.pk, "wards": [ward.pk]},
        "budget": {"amount_requested": "500.00", "item_1": "Fridge", "amount_1": "350", "item_2": "Signs"}
        | {"amount_2": "150"},
        "declarations": {"declares_accurate": "on", "declares_safeguarding": "on", "declares_data_protection": "on"},
        "documents": {},
    }
    documents = (("constitution", upload("Constitution.pdf", PDF)), ("safeguarding_policy", upload("Policy.png", PNG)))
    for kind, file in documents:
        response = client.post(section_url(application, "documents"), {"action": "upload", "kind": kind, "file": file})
        assert response.status_code == 302, (kind, response.content.decode()[:2000])
    for section, values in answers.items():
        application.refresh_from_db()
        response = client.post(
            section_url(application, section), {**values, "completed": "yes", "version": application.version}
        )
        assert response.status_code == 302, (section, response.content.decode()[:2000])

    page = client.get(application.get_absolute_url()).content.decode()
    assert page.count("Completed") >= 6
    check_url = reverse("funding:check", kwargs={"pk": application.pk})
    assert check_url in page

    page = client.get(check_url).content.decode()
    for answer in (
        "Residents who garden together",
        "Community fridge",
        "Riverside",
        "£500.00",
        "Fridge: £350.00",
        "Constitution.pdf",
        "Policy.png",
    ):
        assert answer in page
    assert f'href="{section_url(application, "budget")}"' in page  # "Change"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("funding:transition", kwargs={"pk": application.pk}), {"name": "submit"})
    assert response.url == reverse("funding:submitted", kwargs={"pk": application.pk})
    page = client.get(response.url).content.decode()
    reference = re.search(r"HP-\d{4}-\d{5}", page)
    assert reference
    assert "We have sent you a confirmation email" in page

    notification = Notification.objects.get(kind="application_update", recipient=applicant)
    assert reference.group() in notification.subject
    notification_send(notification_id=notification.pk)
    assert mail.outbox[-1].to == [applicant.email]
    assert reference.group() in mail.outbox[-1].body

    client.force_login(officer)
    url = reverse("funding:transition", kwargs={"pk": application.pk})
    for step in ({"name": "pass_eligibility"}, {"name": "start_assessment"}):
        response = client.post(url, step, follow=True)
        assert response.redirect_chain == [(application.get_absolute_url(), 302)]
    response = client.post(url, {"name": "approve", "amount": "450", "conditions": "Send photos"}, follow=True)
    assert f"{reference.group()} is now: Approved" in response.content.decode()

    client.force_login(applicant)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "£450.00" in page
    assert "Send photos" in page
    client.post(url, {"name": "accept_offer"})

    application.refresh_from_db()
    assert (application.state, application.amount_awarded) == (State.OFFER_ACCEPTED, Decimal("450"))
    assert [e.transition for e in application.events.all()] == [
        "submit",
        "pass_eligibility",
        "start_assessment",
        "approve",
        "accept_offer",
    ]


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("role", ["council officer", "applicant"])
def test_the_applications_list_runs_the_same_queries_however_many_rows(
    client, django_assert_num_queries, people, group, round_, rows, role
):
    ApplicationFactory.create_batch(rows, round=round_, organisation=group)
    client.force_login(people[role])

    # session, user, the user's own and their groups' permissions (2), count, and the page of
    # applications with round, fund and organisation joined
    with django_assert_num_queries(6):
        response = client.get(reverse("funding:applications"))

    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') == min(rows, 25) + 1  # and the header
