import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from funding.models import Application, Fund, Round
from funding.services import (
    ApplicationConflict,
    application_save_section,
    application_start,
    application_transition,
    sections_for,
)
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from tests.conftest import require
from tests.factories import UserFactory, WardFactory
from tests.funding.factories import attach_required_documents


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


def make_round(**overrides):
    today = timezone.localdate()
    values = {
        "name": "Autumn 2026",
        "opens_on": today - datetime.timedelta(days=7),
        "closes_on": today + datetime.timedelta(days=21),
        "budget": Decimal("10000"),
        "minimum_award": Decimal("100"),
        "maximum_award": Decimal("2000"),
    }
    values.update(overrides)
    fund = Fund.objects.get_or_create(name="Seed fund", defaults={"purpose": "Small grants"})[0]
    return Round.objects.create(fund=fund, **values)


@pytest.fixture
def draft(member, group):
    return application_start(actor=member, round_=make_round(), organisation=group)


def save(application, actor, section, values, completed=True, lines=None):
    application.refresh_from_db()
    return application_save_section(
        actor=actor,
        application=application,
        section=section,
        values=values,
        completed=completed,
        expected_version=application.version,
        budget_lines=lines,
    )


def complete(application, member):
    save(application, member, "group", {"group_description": "Neighbours", "contact_phone": ""})
    save(application, member, "project", {"project_title": "Fridge", "project_summary": "Share surplus food"})
    save(application, member, "priority", {"wards": [WardFactory()]})
    save(application, member, "budget", {"amount_requested": Decimal("500")}, lines=[("Fridge", Decimal("500"))])
    save(
        application,
        member,
        "declarations",
        {"declares_accurate": True, "declares_safeguarding": True, "declares_data_protection": True},
    )
    attach_required_documents(application)
    save(application, member, "documents", {})
    application.refresh_from_db()


@pytest.mark.django_db
def test_only_a_member_of_the_group_can_start_an_application(group):
    stranger = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])

    for actor in (stranger, officer):
        with pytest.raises(PermissionDenied):
            application_start(actor=actor, round_=make_round(), organisation=group)


@pytest.mark.django_db
def test_a_closed_round_takes_no_new_applications(member, group):
    closed = make_round(opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 2, 1))

    with pytest.raises(ValidationError, match="not open"):
        application_start(actor=member, round_=closed, organisation=group)


@pytest.mark.django_db
def test_a_section_saves_its_answers_even_when_it_cannot_be_marked_complete(draft, member):
    problems = save(draft, member, "project", {"project_title": "Fridge", "project_summary": ""})

    assert problems == {"project_summary": "Describe your project"}
    draft.refresh_from_db()
    assert draft.project_title == "Fridge"
    assert "project" not in draft.sections_done


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "lines", "message"),
    [
        (Decimal("500"), [("Fridge", Decimal("300")), ("Signs", Decimal("100"))], "add up to £400.00, not the £500.00"),
        (Decimal("50"), [("Fridge", Decimal("50"))], "between £100.00 and £2,000.00"),
        (Decimal("2500"), [("Fridge", Decimal("2500"))], "between £100.00 and £2,000.00"),
        (Decimal("500"), [], "Add at least one line"),
        (None, [("Fridge", Decimal("500"))], "Enter the amount"),
    ],
)
def test_a_budget_that_does_not_add_up_or_fit_the_round_is_refused_and_kept(draft, member, amount, lines, message):
    problems = save(draft, member, "budget", {"amount_requested": amount}, lines=lines)

    assert message in " ".join(problems.values())
    draft.refresh_from_db()
    assert draft.amount_requested == amount
    assert [(line.item, line.amount) for line in draft.budget_lines.all()] == lines
    assert "budget" not in draft.sections_done


@pytest.mark.django_db
def test_two_members_saving_from_the_same_version_the_second_is_refused(draft, member, group):
    other = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    group.members.add(other)
    version = draft.version
    application_save_section(
        actor=member,
        application=draft,
        section="group",
        values={"group_description": "First"},
        completed=False,
        expected_version=version,
    )

    with pytest.raises(ApplicationConflict):
        application_save_section(
            actor=other,
            application=Application.objects.get(pk=draft.pk),
            section="group",
            values={"group_description": "Second"},
            completed=False,
            expected_version=version,
        )
    assert Application.objects.get(pk=draft.pk).group_description == "First"


@pytest.mark.django_db
def test_staff_cannot_change_a_groups_answers(draft):
    with pytest.raises(PermissionDenied):
        save(draft, UserFactory(roles=[Role.COUNCIL_OFFICER]), "group", {"group_description": "x"})


@pytest.mark.django_db
def test_a_field_from_another_section_is_refused(draft, member):
    with pytest.raises(ValidationError, match="not part of"):
        save(draft, member, "group", {"project_title": "Sneaky"})


@pytest.mark.django_db
def test_an_incomplete_application_cannot_be_submitted(draft, member):
    save(draft, member, "group", {"group_description": "Neighbours"})

    with pytest.raises(ValidationError) as error:
        application_transition(actor=member, application=draft, name="submit")

    assert error.value.message_dict["project"] == ["Complete the your project section"]
    assert Application.objects.get(pk=draft.pk).state == State.DRAFT


@pytest.mark.django_db
def test_a_complete_application_cannot_be_submitted_after_the_round_closes(draft, member):
    complete(draft, member)
    closes = draft.round.closes_on

    with time_machine.travel(closes + datetime.timedelta(days=1)), pytest.raises(ValidationError, match="round closed"):
        application_transition(actor=member, application=draft, name="submit")
    assert Application.objects.get(pk=draft.pk).state == State.DRAFT


@pytest.mark.django_db
def test_quick_response_rounds_have_a_shorter_form():
    assert [s.key for s in sections_for(make_round(quick_response=True))] == [
        "group",
        "project",
        "budget",
        "declarations",
        "documents",
    ]


@pytest.mark.django_db
def test_approving_beyond_the_remaining_budget_is_refused(draft, member):
    complete(draft, member)
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    Application.objects.filter(pk=draft.pk).update(state=State.IN_ASSESSMENT)
    earlier = Application.objects.create(
        round=draft.round, organisation=draft.organisation, state=State.PAID, amount_awarded=Decimal("9800")
    )
    assert earlier.pk

    with pytest.raises(ValidationError) as error:
        application_transition(actor=officer, application=draft, name="approve", amount=Decimal("500"))

    assert error.value.message_dict == {"amount": ["Only £200.00 of the round's budget is left"]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_at_the_same_moment_that_together_exceed_the_budget_one_succeeds(member, group):
    require(connection.vendor == "postgresql", "concurrent approvals need PostgreSQL's row locks (set DATABASE_URL)")
    round_ = make_round(budget=Decimal("1000"), maximum_award=Decimal("1000"))
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    first, second = (
        Application.objects.create(round=round_, organisation=group, state=State.IN_ASSESSMENT) for _ in range(2)
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(actor, application):
        try:
            barrier.wait()
            application_transition(actor=actor, application=application, name="approve", amount=Decimal("600"))
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=pair) for pair in ((officer, first), (admin, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["Only £400.00 of the round's budget is left", "approved"]
    assert Application.objects.filter(state=State.APPROVED).count() == 1
