"""After the award: payments in instalments, the end-of-grant report and the insights raised from
it, reminders to grantees and assessors, and the group's withdraw confirmation page."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from funding.models import Application, GrantReport, Payment
from funding.services import (
    PaymentDetails,
    ReportAnswers,
    ReportConflict,
    application_transition,
    assessment_reminders_queue,
    grant_report_save,
    grant_report_send,
    report_reminders_queue,
)
from funding.tasks import send_assessment_reminders, send_report_reminders
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.models import Notification
from insights.models import Insight, Source
from tests.factories import OrganisationFactory, UserFactory, WardFactory
from tests.funding.factories import (
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    GrantReportFactory,
    ReportSpendFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "applicant": [Role.COMMUNITY_GROUP_MEMBER],
    "second member": [Role.COMMUNITY_GROUP_MEMBER],
    "other group's member": [Role.COMMUNITY_GROUP_MEMBER],
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
STAFF = ("programme admin", "council officer")
TODAY = datetime.date(2026, 11, 26)  # a Thursday


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    # These tests are about which notifications exist; delivery has its own tests.
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


@pytest.fixture
def people():
    people = {name: UserFactory(roles=roles) for name, roles in ROLES.items()}
    OrganisationFactory(name="Other group").members.add(people["other group's member"])
    return people


@pytest.fixture
def grant(people):
    """Awarded £500 and the offer accepted; its budget: a fridge (£350) and signs (£150)."""
    application = ApplicationFactory(
        round=RoundFactory(name="Autumn 2026"),
        members=[people["applicant"], people["second member"]],
        state=State.OFFER_ACCEPTED,
        reference="HP-2026-00007",
        project_title="Community fridge",
        amount_requested=Decimal("500"),
        amount_awarded=Decimal("500"),
    )
    BudgetLineFactory(application=application, item="Fridge", amount=Decimal("350"))
    BudgetLineFactory(application=application, item="Signs", amount=Decimal("150"))
    return application


def in_state(application, state, **fields):
    Application.objects.filter(pk=application.pk).update(state=state, **fields)
    application.refresh_from_db()
    return application


def lines(application):
    fridge, signs = application.budget_lines.all()
    return fridge, signs


def date_parts(name, value):
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}


def pay(officer, application, amount, paid_on=None, reference=""):
    return application_transition(
        actor=officer,
        application=application,
        name="record_payment",
        payment=PaymentDetails(amount, paid_on or timezone.localdate(), reference),
    )


# --- payments -------------------------------------------------------------------------------------


def test_a_grant_is_paid_in_instalments(people, grant):
    officer = people["council officer"]

    paid = pay(officer, grant, Decimal("300"), reference="BACS-1")
    assert paid.state == State.PAID
    again = pay(officer, paid, Decimal("200"), reference="BACS-2")

    assert again.state == State.PAID
    assert list(Payment.objects.values_list("amount", "reference", "recorded_by")) == [
        (Decimal("300"), "BACS-1", officer.pk),
        (Decimal("200"), "BACS-2", officer.pk),
    ]
    notes = list(grant.events.values_list("transition", "from_state", "to_state", "note"))
    today = f"{timezone.localdate():%-d %B %Y}"
    assert notes == [
        ("record_payment", State.OFFER_ACCEPTED, State.PAID, f"£300.00 paid on {today}"),
        ("record_payment", State.PAID, State.PAID, f"£200.00 paid on {today}"),
    ]


def test_payments_never_add_up_to_more_than_the_award(people, grant):
    officer = people["council officer"]
    paid = pay(officer, grant, Decimal("300"))

    with pytest.raises(ValidationError) as error:
        pay(officer, paid, Decimal("250"))

    assert error.value.message_dict == {"amount": ["Only £200.00 of the £500.00 award is left to pay"]}
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("300")]
    assert grant.events.count() == 1


@pytest.mark.parametrize(
    ("payment", "errors"),
    [
        (None, {"amount": ["Enter the amount paid"]}),
        (PaymentDetails(None, TODAY), {"amount": ["Enter the amount paid"]}),
        (PaymentDetails(Decimal("0"), TODAY), {"amount": ["Enter the amount paid"]}),
        (PaymentDetails(Decimal("100"), None), {"paid_on": ["Enter the date it was paid"]}),
        (
            PaymentDetails(Decimal("100"), TODAY + datetime.timedelta(days=1)),
            {"paid_on": ["The date it was paid must be today or in the past"]},
        ),
    ],
    ids=["no details", "no amount", "nothing", "no date", "a future date"],
)
def test_a_payment_needs_an_amount_and_a_date_not_in_the_future(people, grant, payment, errors):
    with (
        time_machine.travel(datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        application_transition(
            actor=people["council officer"], application=grant, name="record_payment", payment=payment
        )

    assert error.value.message_dict == errors
    assert not Payment.objects.exists()
    assert Application.objects.get(pk=grant.pk).state == State.OFFER_ACCEPTED


def test_the_group_and_staff_see_each_payment_and_the_total_paid(client, people, grant):
    officer = people["council officer"]
    client.force_login(officer)
    url = reverse("funding:transition", kwargs={"pk": grant.pk})

    first = client.post(
        url,
        {"name": "record_payment", "amount": "300", **date_parts("paid_on", datetime.date(2026, 11, 2))}
        | {"reference": "BACS-1"},
    )
    second = client.post(
        url,
        {"name": "record_payment", "amount": "150", **date_parts("paid_on", datetime.date(2026, 11, 20))}
        | {"reference": ""},
    )

    assert (first.status_code, second.status_code) == (302, 302)
    for role in ("applicant", "second member", *STAFF):
        client.force_login(people[role])
        page = client.get(grant.get_absolute_url()).content.decode()
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert "£450.00 paid of £500.00 awarded" in text, role
        assert "2 November 2026 BACS-1 £300.00" in text, role
        assert "20 November 2026 None given £150.00" in text, role


def test_a_refused_payment_on_the_page_is_explained_and_what_was_typed_kept(client, people, grant):
    client.force_login(people["council officer"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        reverse("funding:transition", kwargs={"pk": grant.pk}),
        {"name": "record_payment", "amount": "275.50", "reference": "BACS-9", **date_parts("paid_on", tomorrow)},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert page.count("The date it was paid must be today or in the past") == 2
    assert 'value="275.50"' in page
    assert 'value="BACS-9"' in page
    assert not Payment.objects.exists()


# --- asking for the report ------------------------------------------------------------------------


def test_asking_for_the_report_needs_a_due_date_today_or_later(people, grant):
    officer = people["council officer"]
    paid = in_state(grant, State.PAID)

    with pytest.raises(ValidationError) as missing:
        application_transition(actor=officer, application=paid, name="request_report")
    with pytest.raises(ValidationError) as past:
        application_transition(
            actor=officer,
            application=paid,
            name="request_report",
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )

    assert missing.value.message_dict == {"due_on": ["Enter the date the report is due"]}
    assert past.value.message_dict == {"due_on": ["The date the report is due must be today or in the future"]}
    assert Application.objects.get(pk=grant.pk).state == State.PAID

    due_on = timezone.localdate() + datetime.timedelta(days=30)
    asked = application_transition(actor=officer, application=paid, name="request_report", due_on=due_on)

    assert (asked.state, asked.report_due_on) == (State.REPORT_DUE, due_on)


def test_asking_for_the_report_on_the_page_explains_a_past_date_and_keeps_it(client, people, grant):
    paid = in_state(grant, State.PAID)
    client.force_login(people["council officer"])
    url = reverse("funding:transition", kwargs={"pk": paid.pk})
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(url, {"name": "request_report", **date_parts("due_on", yesterday)})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("The date the report is due must be today or in the future") == 2
    assert re.search(rf'name="due_on-day"[^>]*value="{yesterday.day}"', page)
    assert Application.objects.get(pk=paid.pk).state == State.PAID

    due_on = timezone.localdate() + datetime.timedelta(days=60)
    client.post(url, {"name": "request_report", **date_parts("due_on", due_on)})

    client.force_login(people["applicant"])
    page = client.get(paid.get_absolute_url()).content.decode()
    assert f"Your report is due by {due_on:%-d %B %Y}" in page
    assert reverse("funding:report", kwargs={"pk": paid.pk}) in page


# --- the group's report page ----------------------------------------------------------------------


@pytest.fixture
def due(grant):
    return in_state(grant, State.REPORT_DUE, report_due_on=timezone.localdate() + datetime.timedelta(days=14))


def report_url(application):
    return reverse("funding:report", kwargs={"pk": application.pk})


def report_answers(application, version=1, action="save", **overrides):
    fridge, signs = lines(application)
    data = {
        "version": version,
        "action": action,
        "what_happened": "We bought a fridge for the community centre",
        "people_reached": "40",
        f"spent_{fridge.pk}": "340",
        f"spent_{signs.pk}": "",
        "spend_notes": "The fridge was on offer",
        "story": "A neighbour now shares her allotment's surplus",
    }
    return data | overrides


def test_the_report_saved_as_a_draft_keeps_everything_typed(client, people, due):
    fridge, signs = lines(due)
    client.force_login(people["applicant"])
    page = client.get(report_url(due)).content.decode()
    assert f"Your report is due by {due.report_due_on:%-d %B %Y}" in page

    response = client.post(report_url(due), report_answers(due), follow=True)

    assert response.redirect_chain == [(due.get_absolute_url(), 302)]
    assert "Your report has been saved" in response.content.decode()
    report = GrantReport.objects.get(application=due)
    assert (report.what_happened, report.people_reached, report.spend_notes, report.submitted_at) == (
        "We bought a fridge for the community centre",
        40,
        "The fridge was on offer",
        None,
    )
    assert list(report.spend.values_list("budget_line", "amount_spent")) == [(fridge.pk, Decimal("340"))]
    # Another member carries on from where the first left off.
    client.force_login(people["second member"])
    page = client.get(report_url(due)).content.decode()
    assert "We bought a fridge for the community centre" in page
    assert 'value="40"' in page
    assert re.search(rf'name="spent_{fridge.pk}" value="340(\.00)?"', page)
    assert not re.search(rf'name="spent_{signs.pk}" value=', page)
    assert escape("A neighbour now shares her allotment's surplus") in page
    assert f'name="version" value="{report.version}"' in page
    assert Application.objects.get(pk=due.pk).state == State.REPORT_DUE


def test_a_report_can_be_drafted_once_paid_before_it_is_asked_for(client, people, grant):
    paid = in_state(grant, State.PAID)
    client.force_login(people["applicant"])

    page = client.get(report_url(paid)).content.decode()
    assert "Send the report" not in page  # only once it is asked for
    response = client.post(report_url(paid), report_answers(paid))

    assert response.status_code == 302
    assert GrantReport.objects.get(application=paid).people_reached == 40


def test_sending_an_unfinished_report_says_what_is_missing_and_keeps_what_was_typed(client, people, due):
    fridge, signs = lines(due)
    client.force_login(people["applicant"])

    response = client.post(
        report_url(due),
        report_answers(due, action="send", what_happened="  ", people_reached="", **{f"spent_{fridge.pk}": ""}),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    for message in (
        "Tell us what happened",
        "Enter how many people the project reached",
        "Enter what was spent on Fridge",
        "Enter what was spent on Signs",
    ):
        assert page.count(message) == 2, message  # in the summary and beside the question
    assert f'id="id_spent_{signs.pk}-error"' in page
    assert escape("A neighbour now shares her allotment's surplus") in page
    assert "The fridge was on offer" in page
    application = Application.objects.get(pk=due.pk)
    assert application.state == State.REPORT_DUE
    report = GrantReport.objects.get(application=due)
    assert report.submitted_at is None
    assert report.story == "A neighbour now shares her allotment's surplus"  # saved as typed all the same
    assert f'name="version" value="{report.version}"' in page


def test_a_bad_number_is_explained_beside_it_and_nothing_is_saved(client, people, due):
    fridge, _ = lines(due)
    client.force_login(people["applicant"])

    response = client.post(
        report_url(due), report_answers(due, people_reached="forty", **{f"spent_{fridge.pk}": "lots"})
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Number of people must be a whole number, like 40") == 2
    assert page.count("What was spent on Fridge must be an amount of money, like 250 or 250.50") == 2
    assert 'value="forty"' in page
    assert not GrantReport.objects.exists()


def test_a_complete_report_is_sent(client, people, due):
    _fridge, signs = lines(due)
    client.force_login(people["applicant"])

    response = client.post(
        report_url(due), report_answers(due, action="send", **{f"spent_{signs.pk}": "150"}), follow=True
    )

    assert response.redirect_chain == [(due.get_absolute_url(), 302)]
    page = response.content.decode()
    assert "Your report has been sent. Thank you." in page
    application = Application.objects.get(pk=due.pk)
    assert application.state == State.REPORT_RECEIVED
    report = GrantReport.objects.get(application=due)
    assert report.submitted_at is not None
    assert sorted(report.spend.values_list("amount_spent", flat=True)) == [Decimal("150"), Decimal("340")]
    assert "Fridge: £340.00 of £350.00" in page
    # Sent, so no longer open for changes.
    response = client.get(report_url(due))
    assert (response.status_code, response.url) == (302, due.get_absolute_url())


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", STAFF)
def test_staff_read_the_report_but_do_not_write_it(client, people, due, role, method):
    client.force_login(people[role])
    url = report_url(due)

    response = client.post(url, report_answers(due)) if method == "post" else client.get(url)

    assert response.status_code == 403
    assert not GrantReport.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_groups_member_does_not_find_the_report(client, people, due, method):
    client.force_login(people["other group's member"])
    url = report_url(due)

    response = client.post(url, report_answers(due)) if method == "post" else client.get(url)

    assert response.status_code == 404
    assert not GrantReport.objects.exists()


@pytest.mark.parametrize("state", [State.SUBMITTED, State.IN_ASSESSMENT, State.APPROVED, State.OFFER_ACCEPTED])
def test_the_report_page_opens_only_once_the_grant_is_paid(client, people, grant, state):
    application = in_state(grant, state)
    client.force_login(people["applicant"])

    for response in (client.get(report_url(application)), client.post(report_url(application), report_answers(grant))):
        assert (response.status_code, response.url) == (302, application.get_absolute_url())
    assert not GrantReport.objects.exists()


def test_two_members_saving_the_report_from_the_same_version_the_second_is_refused(people, due):
    fridge, _signs = lines(due)

    def answers(text):
        return ReportAnswers(
            what_happened=text, people_reached=10, spend_notes="", story="", spend={fridge.pk: Decimal("1")}
        )

    grant_report_save(actor=people["applicant"], application=due, answers=answers("First"), expected_version=1)

    with pytest.raises(ReportConflict):
        grant_report_save(actor=people["second member"], application=due, answers=answers("Second"), expected_version=1)

    report = GrantReport.objects.get(application=due)
    assert (report.what_happened, report.version) == ("First", 2)


def test_a_send_the_workflow_refuses_leaves_the_report_as_it_was(people, grant):
    paid = in_state(grant, State.PAID)  # a report may be drafted now, but is sent only once asked for
    fridge, signs = lines(paid)

    def answers(text):
        return ReportAnswers(
            what_happened=text,
            people_reached=40,
            spend_notes="",
            story="",
            spend={fridge.pk: Decimal("340"), signs.pk: Decimal("150")},
        )

    grant_report_save(actor=people["applicant"], application=paid, answers=answers("Draft"), expected_version=1)

    with pytest.raises(ValidationError):
        grant_report_send(actor=people["applicant"], application=paid, answers=answers("Final"), expected_version=2)

    report = GrantReport.objects.get(application=paid)
    assert (report.what_happened, report.version, report.submitted_at) == ("Draft", 2, None)
    assert Application.objects.get(pk=paid.pk).state == State.PAID


def test_a_first_report_whose_send_is_refused_goes_back_to_the_page_unsaved(client, people, grant):
    paid = in_state(grant, State.PAID)
    _fridge, signs = lines(paid)
    client.force_login(people["applicant"])

    response = client.post(report_url(paid), report_answers(paid, action="send", **{f"spent_{signs.pk}": "150"}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "We bought a fridge for the community centre" in page
    assert 'name="version" value="1"' in page
    assert not GrantReport.objects.exists()


def test_a_report_saved_by_another_member_meanwhile_is_a_conflict_on_the_page(client, people, due):
    client.force_login(people["second member"])
    client.post(report_url(due), report_answers(due, what_happened="Second member's words"))
    client.force_login(people["applicant"])

    response = client.post(report_url(due), report_answers(due, what_happened="First member's words"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "First member&#x27;s words" in page
    report = GrantReport.objects.get(application=due)
    assert report.what_happened == "Second member's words"
    assert f'name="version" value="{report.version}"' in page
    assert 'id="conflict"' in page


# --- insights raised from the report --------------------------------------------------------------


@pytest.fixture
def received(due):
    ward = WardFactory(name="Riverside")
    due.wards.add(ward)
    report = GrantReportFactory(
        application=due,
        what_happened="Forty neighbours used the fridge every week",
        people_reached=40,
        story="I stopped skipping meals",
        submitted_at=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC),
    )
    fridge, signs = lines(due)
    ReportSpendFactory(report=report, budget_line=fridge, amount_spent=Decimal("350"))
    ReportSpendFactory(report=report, budget_line=signs, amount_spent=Decimal("150"))
    return in_state(due, State.REPORT_RECEIVED)


def insight_url(application):
    return reverse("funding:report_insight", kwargs={"pk": application.pk})


def checked(page, name, value):
    return re.search(rf'name="{name}" type="radio" value="{value}" checked', page) is not None


def test_an_insight_starts_from_the_groups_own_words(client, people, received):
    client.force_login(people["council officer"])

    response = client.get(insight_url(received))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Raise an insight from the report" in page
    assert 'value="Community fridge"' in page
    assert re.search(
        r"<textarea[^>]*name=\"summary\"[^>]*>\s*Forty neighbours used the fridge every week</textarea>", page
    )
    assert re.search(r"<textarea[^>]*name=\"quote\"[^>]*>\s*I stopped skipping meals</textarea>", page)
    assert checked(page, "source", Source.GRANT_REPORT)
    assert re.search(r'name="heard_on-day"[^>]*value="20"', page)
    assert re.search(r'name="heard_on-month"[^>]*value="11"', page)


def test_the_insight_is_dated_the_local_day_the_report_was_sent(client, people, received):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London: the report page says it was sent on 2 July.
    GrantReport.objects.filter(application=received).update(
        submitted_at=datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    )
    client.force_login(people["council officer"])
    assert "Sent on 2 July 2026" in client.get(received.get_absolute_url()).content.decode()

    page = client.get(insight_url(received)).content.decode()

    assert re.search(r'name="heard_on-day"[^>]*value="2"', page)
    assert re.search(r'name="heard_on-month"[^>]*value="7"', page)


def test_an_insight_raised_from_the_report_is_linked_both_ways(client, people, received):
    officer = people["council officer"]
    client.force_login(officer)
    ward = received.wards.get()

    response = client.post(
        insight_url(received),
        {
            "title": "Food insecurity on the estate",
            "summary": "Forty neighbours used the fridge every week",
            "quote": "I stopped skipping meals",
            "source": Source.GRANT_REPORT,
            **date_parts("heard_on", datetime.date(2026, 11, 20)),
            "ward": ward.pk,
            "place": "",
            "people_count": "40",
            "consent_basis": "anonymous",
        },
        follow=True,
    )

    assert response.redirect_chain == [(f"{received.get_absolute_url()}#report", 302)]
    insight = Insight.objects.get()
    report = GrantReport.objects.get(application=received)
    assert list(report.insights.all()) == [insight]
    assert list(insight.grant_reports.all()) == [report]
    assert (insight.source, insight.collected_by, insight.ward, insight.people_count) == (
        Source.GRANT_REPORT,
        officer,
        ward,
        40,
    )
    page = response.content.decode()
    assert "“Food insecurity on the estate” has been added to the insights bank" in page
    assert f'href="{insight.get_absolute_url()}">Food insecurity on the estate</a>' in page


def test_an_insight_form_with_problems_is_explained_and_nothing_raised(client, people, received):
    client.force_login(people["council officer"])

    response = client.post(
        insight_url(received), {"title": "", "summary": "Kept", "source": Source.GRANT_REPORT, "consent_basis": ""}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Enter a title" in page
    assert "Kept" in page
    assert not Insight.objects.exists()


@pytest.mark.parametrize(
    "role", ["applicant", "other group's member", "board member", "community connector", "assessor"]
)
def test_only_staff_raise_insights_from_reports(client, people, received, role):
    client.force_login(people[role])

    assert client.get(insight_url(received)).status_code == 403
    assert client.post(insight_url(received), {"title": "Sneaky"}).status_code == 403
    assert not Insight.objects.exists()


def test_no_insight_is_raised_from_a_report_not_yet_sent(client, people, due):
    GrantReportFactory(application=due, what_happened="Drafting")
    client.force_login(people["council officer"])

    response = client.get(insight_url(due), follow=True)

    assert response.redirect_chain == [(due.get_absolute_url(), 302)]
    assert "The group has not sent its report yet" in response.content.decode()
    assert not Insight.objects.exists()


# --- reminders ------------------------------------------------------------------------------------


def report_reminders(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("to_email", flat=True))


def test_grantees_hear_once_when_the_report_is_due_within_a_week_and_once_when_overdue(people, grant):
    members = sorted([people["applicant"].email, people["second member"].email])
    retired = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER], is_active=False)
    grant.organisation.members.add(retired)
    due_on = TODAY + datetime.timedelta(days=10)
    in_state(grant, State.REPORT_DUE, report_due_on=due_on)
    # Not reminded: the report is in, or has not been asked for.
    ApplicationFactory(state=State.REPORT_RECEIVED, report_due_on=due_on, members=[UserFactory()])
    ApplicationFactory(state=State.PAID, report_due_on=due_on, members=[UserFactory()])
    ApplicationFactory(state=State.CLOSED, report_due_on=TODAY, members=[UserFactory()])

    assert report_reminders_queue(today=TODAY) == 0  # due in 10 days
    assert report_reminders_queue(today=TODAY + datetime.timedelta(days=3)) == 2  # due in a week
    assert report_reminders_queue(today=TODAY + datetime.timedelta(days=3)) == 0
    assert report_reminders_queue(today=due_on) == 0
    assert report_reminders("report_due") == members
    due_notice = Notification.objects.filter(kind="report_due").first()
    assert due_notice.subject == "Your end-of-grant report is due in 7 days"
    assert grant.get_absolute_url() in due_notice.body_text
    assert f"{due_on:%A %-d %B %Y}" in due_notice.body_text

    assert report_reminders_queue(today=due_on + datetime.timedelta(days=1)) == 2
    assert report_reminders_queue(today=due_on + datetime.timedelta(days=2)) == 0
    assert report_reminders("report_overdue") == members
    assert Notification.objects.filter(kind="report_overdue").first().subject == "Your end-of-grant report is overdue"
    assert Notification.objects.count() == 4


def test_a_report_sent_stops_the_reminders(people, grant):
    in_state(grant, State.REPORT_RECEIVED, report_due_on=TODAY - datetime.timedelta(days=3))

    assert report_reminders_queue(today=TODAY) == 0
    assert not Notification.objects.exists()


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=datetime.UTC)


@pytest.fixture
def outstanding():
    """Ann has two assessments outstanding over a week, and five that do not count; Ben has one."""
    ann = UserFactory(roles=[Role.ASSESSOR], full_name="Ann Able")
    ben = UserFactory(roles=[Role.ASSESSOR], full_name="Ben Bell")
    gone = UserFactory(roles=[Role.ASSESSOR], is_active=False)
    old, week, recent = at(TODAY - datetime.timedelta(days=10)), at(TODAY - datetime.timedelta(days=7)), at(TODAY)

    def assigned(assessor, when, reference, state=State.IN_ASSESSMENT, **traits):
        application = ApplicationFactory(state=state, reference=reference, project_title=f"Project {reference}")
        return AssignmentFactory(application=application, assessor=assessor, assigned_at=when, **traits)

    assigned(ann, old, "HP-2026-00101")  # not declared yet
    assigned(ann, week, "HP-2026-00102", declared=True)  # declared, not scored
    assigned(ann, recent, "HP-2026-00103")  # too recent
    assigned(ann, old, "HP-2026-00104", conflicted=True)
    assigned(ann, old, "HP-2026-00105", declared=True, submitted_at=old)  # sent
    assigned(ann, old, "HP-2026-00106", state=State.APPROVED, declared=True)  # decided without them
    assigned(ann, old, "HP-2026-00109", state=State.ELIGIBLE)  # nothing to score until assessment starts
    assigned(ben, old, "HP-2026-00107")
    assigned(gone, old, "HP-2026-00108")
    return ann, ben


def test_assessors_hear_once_a_week_of_everything_outstanding_in_one_email(outstanding):
    ann, ben = outstanding

    assert assessment_reminders_queue(today=TODAY) == 2
    assert assessment_reminders_queue(today=TODAY) == 0
    assert assessment_reminders_queue(today=TODAY + datetime.timedelta(days=3)) == 0  # Sunday: the same week
    assert assessment_reminders_queue(today=TODAY + datetime.timedelta(days=4)) == 2  # Monday: a new week
    assert assessment_reminders_queue(today=TODAY + datetime.timedelta(days=5)) == 0

    notices = Notification.objects.filter(kind="assessments_outstanding", recipient=ann).order_by("created_at", "pk")
    first = notices[0]
    assert first.subject == "2 assessments waiting for you"
    assert "HP-2026-00101" in first.body_text
    assert "HP-2026-00102" in first.body_text
    for not_listed in ("HP-2026-00103", "HP-2026-00104", "HP-2026-00105", "HP-2026-00106", "HP-2026-00109"):
        assert not_listed not in first.body_text
    assert reverse("funding:assessments") in first.body_text
    ben_notice = Notification.objects.filter(kind="assessments_outstanding", recipient=ben).first()
    assert ben_notice.subject == "1 assessment waiting for you"
    assert "HP-2026-00107" in ben_notice.body_text
    assert notices.count() == 2
    assert Notification.objects.filter(kind="assessments_outstanding").count() == 4


def test_no_reminder_when_nothing_is_outstanding(outstanding):
    ann, ben = outstanding
    Application.objects.filter(assignments__assessor__in=[ann, ben]).update(state=State.APPROVED)

    assert assessment_reminders_queue(today=TODAY) == 0


def test_the_reminder_tasks_return_how_many_emails_they_queued(people, grant, outstanding):
    in_state(grant, State.REPORT_DUE, report_due_on=TODAY + datetime.timedelta(days=2))

    with time_machine.travel(at(TODAY, hour=9), tick=False):
        assert send_report_reminders() == 2
        assert send_assessment_reminders() == 2
        assert send_report_reminders() == 0
        assert send_assessment_reminders() == 0


@pytest.mark.parametrize(
    ("name", "task"),
    [
        ("Remind grantees of end-of-grant reports", "funding.tasks.send_report_reminders"),
        ("Remind assessors of outstanding assessments", "funding.tasks.send_assessment_reminders"),
    ],
)
def test_the_reminder_schedules_exist(name, task):
    from django_celery_beat.models import PeriodicTask

    periodic = PeriodicTask.objects.get(name=name)
    assert (periodic.task, periodic.enabled) == (task, True)
    assert (periodic.crontab.hour, periodic.crontab.minute) == ("9", "0")


# --- withdrawing ----------------------------------------------------------------------------------


def withdraw_url(application):
    return reverse("funding:withdraw", kwargs={"pk": application.pk})


def test_the_group_confirms_before_withdrawing(client, people, grant):
    submitted = in_state(grant, State.SUBMITTED, amount_awarded=None)
    client.force_login(people["applicant"])
    assert withdraw_url(submitted) in client.get(submitted.get_absolute_url()).content.decode()

    page = client.get(withdraw_url(submitted)).content.decode()

    assert "Are you sure you want to withdraw this application?" in page
    assert f'action="{reverse("funding:transition", kwargs={"pk": submitted.pk})}"' in page
    assert 'name="name" value="withdraw"' in page
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED  # looking changes nothing

    response = client.post(reverse("funding:transition", kwargs={"pk": submitted.pk}), {"name": "withdraw"})

    assert (response.status_code, response.url) == (302, submitted.get_absolute_url())
    assert Application.objects.get(pk=submitted.pk).state == State.WITHDRAWN


@pytest.mark.parametrize("role", STAFF)
def test_staff_cannot_withdraw_a_groups_application(client, people, grant, role):
    submitted = in_state(grant, State.SUBMITTED)
    client.force_login(people[role])

    assert client.get(withdraw_url(submitted)).status_code == 403
    assert (
        client.post(reverse("funding:transition", kwargs={"pk": submitted.pk}), {"name": "withdraw"}).status_code == 403
    )
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED


@pytest.mark.parametrize("state", [State.APPROVED, State.DECLINED, State.OFFER_ACCEPTED, State.WITHDRAWN])
def test_withdrawing_is_not_offered_after_a_decision(client, people, grant, state):
    decided = in_state(grant, state)
    client.force_login(people["applicant"])

    assert withdraw_url(decided) not in client.get(decided.get_absolute_url()).content.decode()
    assert client.get(withdraw_url(decided)).status_code == 403
