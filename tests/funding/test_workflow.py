"""Every transition the workflow allows, from every state and by every kind of person, is made or
refused exactly as funding.workflow declares."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from funding.models import Application, ApplicationEvent, BudgetLine, Fund, GrantReport, ReportSpend, Round
from funding.services import PaymentDetails, application_transition, sections_for
from funding.workflow import APPLICANT, STAFF, TRANSITIONS, State
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.models import Notification
from tests.factories import OrganisationFactory, UserFactory, WardFactory
from tests.funding.factories import attach_required_documents

pytestmark = pytest.mark.django_db

ACTORS = {
    "applicant": [Role.COMMUNITY_GROUP_MEMBER],
    "other group's member": [Role.COMMUNITY_GROUP_MEMBER],
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "assessor": [Role.ASSESSOR],
    "community connector": [Role.COMMUNITY_CONNECTOR],
}


def allowed_kinds(name: str) -> set[str]:
    actors = TRANSITIONS[name].actors
    kinds = set()
    if APPLICANT in actors:
        kinds.add("applicant")
    if Role.PROGRAMME_ADMIN.value in actors:
        kinds.add("programme admin")
    if Role.COUNCIL_OFFICER.value in actors:
        kinds.add("council officer")
    return kinds


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


@pytest.fixture
def people():
    return {name: UserFactory(roles=roles) for name, roles in ACTORS.items()}


@pytest.fixture
def application(people):
    today = timezone.localdate()
    fund = Fund.objects.create(name="Healthy places seed fund", purpose="Small grants")
    round_ = Round.objects.create(
        fund=fund,
        name="Autumn 2026",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
        budget=Decimal("10000"),
        minimum_award=Decimal("100"),
        maximum_award=Decimal("2000"),
    )
    group = OrganisationFactory()
    group.members.add(people["applicant"])
    OrganisationFactory().members.add(people["other group's member"])
    application = Application.objects.create(
        round=round_,
        organisation=group,
        created_by=people["applicant"],
        group_description="Residents who garden together",
        project_title="Community fridge",
        project_summary="A fridge for surplus food",
        amount_requested=Decimal("500"),
        # As if approved: payments are made against it.
        amount_awarded=Decimal("500"),
        declares_accurate=True,
        declares_safeguarding=True,
        declares_data_protection=True,
        sections_done=[section.key for section in sections_for(round_)],
    )
    application.wards.add(WardFactory())
    line = BudgetLine.objects.create(application=application, item="Fridge", amount=Decimal("500"))
    attach_required_documents(application)
    # A finished end-of-grant report, so the group may send it when it is due.
    report = GrantReport.objects.create(application=application, what_happened="We bought it", people_reached=40)
    ReportSpend.objects.create(report=report, budget_line=line, amount_spent=Decimal("480"))
    return application


def arguments(name: str) -> dict[str, object]:
    transition = TRANSITIONS[name]
    extra: dict[str, object] = {}
    if transition.needs_note:
        extra["note"] = "Because"
    if transition.needs_amount:
        extra["amount"] = Decimal("400")
    if transition.needs_payment:
        extra["payment"] = PaymentDetails(Decimal("250"), timezone.localdate(), "BACS-1")
    if transition.needs_due_date:
        extra["due_on"] = timezone.localdate() + datetime.timedelta(days=30)
    return extra


CASES = [(name, state) for name in TRANSITIONS for state in State.values]


@pytest.mark.parametrize(("name", "state"), CASES, ids=[f"{n}-from-{s}" for n, s in CASES])
def test_each_transition_is_made_only_from_its_source_states(people, application, name, state):
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    actor = people[sorted(allowed_kinds(name))[0]]

    if state in TRANSITIONS[name].sources:
        moved = application_transition(actor=actor, application=application, name=name, **arguments(name))
        assert moved.state == TRANSITIONS[name].target
        event = ApplicationEvent.objects.get(application=application)
        assert (event.from_state, event.to_state, event.actor, event.transition) == (
            state,
            TRANSITIONS[name].target,
            actor,
            name,
        )
        # The group hears of every move.
        assert Notification.objects.filter(kind="application_update", to_email=people["applicant"].email).exists()
    else:
        with pytest.raises(ValidationError, match="cannot take this step"):
            application_transition(actor=actor, application=application, name=name, **arguments(name))
        assert Application.objects.get(pk=application.pk).state == state
        assert not ApplicationEvent.objects.exists()


ROLE_CASES = [(name, kind) for name in TRANSITIONS for kind in ACTORS]


@pytest.mark.parametrize(("name", "kind"), ROLE_CASES, ids=[f"{n}-by-{k}" for n, k in ROLE_CASES])
def test_each_transition_is_made_only_by_those_it_names(people, application, name, kind):
    source = sorted(TRANSITIONS[name].sources)[0]
    Application.objects.filter(pk=application.pk).update(state=source)
    application.refresh_from_db()

    if kind in allowed_kinds(name):
        moved = application_transition(actor=people[kind], application=application, name=name, **arguments(name))
        assert moved.state == TRANSITIONS[name].target
    else:
        with pytest.raises(PermissionDenied):
            application_transition(actor=people[kind], application=application, name=name, **arguments(name))
        assert Application.objects.get(pk=application.pk).state == source


def test_staff_are_exactly_officers_and_programme_admins():
    assert {Role.PROGRAMME_ADMIN.value, Role.COUNCIL_OFFICER.value} == STAFF


@pytest.mark.parametrize("name", [n for n, t in TRANSITIONS.items() if t.needs_note])
def test_a_step_that_needs_a_reason_is_refused_without_one(people, application, name):
    Application.objects.filter(pk=application.pk).update(state=sorted(TRANSITIONS[name].sources)[0])
    application.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        application_transition(actor=people["council officer"], application=application, name=name, note="  ")

    assert error.value.message_dict == {"note": ["Give a reason the group will read"]}


def test_submitting_gives_a_reference_and_records_the_time(people, application):
    submitted = application_transition(actor=people["applicant"], application=application, name="submit")

    assert submitted.reference == f"HP-{timezone.localdate():%Y}-{application.pk:05d}"
    assert submitted.submitted_at is not None


def test_an_unknown_step_is_refused(people, application):
    with pytest.raises(ValidationError, match="No such step"):
        application_transition(actor=people["council officer"], application=application, name="teleport")
