"""People download their personal data and ask for erasure; a programme admin erases a person
from every app, leaving no trace of their name or address in any column of any table while every
count stays; a daily task clears the personal fields of finished applications and old insights."""

import datetime
import json
from unittest.mock import ANY

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from actions.models import ActionUpdate
from connectors.models import CheckIn, Connector, Conversation, ForumMeeting, ForumMember, MentoringPair
from funding.models import Application, ApplicationEvent, Assignment, Payment, Score
from funding.workflow import State
from healthyplaces.accounts.models import PersonalDataExport, User
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import (
    person_erase,
    person_request_erasure,
    personal_data_apply_retention,
    personal_data_export,
)
from healthyplaces.accounts.tasks import apply_data_retention
from healthyplaces.board.models import BoardSnapshot
from healthyplaces.board.services import snapshot_freeze
from healthyplaces.notifications.models import Notification
from insights.models import ImportBatch, Insight
from tests.connectors.factories import (
    CheckInFactory,
    ConnectorFactory,
    ConversationFactory,
    ForumMeetingFactory,
    MentoringPairFactory,
    PlaceFactory,
)
from tests.factories import ActionFactory, UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    AssignmentFactory,
    GrantReportFactory,
    PaymentFactory,
    ScoreFactory,
)
from tests.insights.factories import InsightFactory

pytestmark = pytest.mark.django_db

NAME = "Quentin Zephyrine-Blake"
EMAIL = "quentin.zb@example.org"


def occurrences(*needles: str) -> dict[str, int]:
    """Every column of every table, read as text, searched for each needle (case-insensitively)."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            for column in connection.introspection.get_table_description(cursor, table):
                quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column.name)
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quoted_table} WHERE LOWER(CAST({quoted_column} AS TEXT)) LIKE %s",  # noqa: S608 - names from the schema
                        [f"%{needle.lower()}%"],
                    )
                    if count := cursor.fetchone()[0]:
                        found[f"{table}.{column.name} has {needle!r}"] = count
    return found


@pytest.fixture
def person():
    return UserFactory(full_name=NAME, email=EMAIL, roles=[Role.COUNCIL_OFFICER])


@pytest.fixture
def everywhere(person):
    """The person in every app, and in text others wrote: an email to an admin naming them as lead,
    an officer's note, an imported spreadsheet, the admin site's log. They are also a connector (who
    held a conversation), a forum member, a mentor who recorded a check-in, an assessor (one
    conflict declared, one application scored), the officer who recorded a payment, and the one
    who froze a board snapshot."""
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    action = ActionFactory(number=3, leads=[person])
    ActionUpdate.objects.create(
        action=action,
        author=person,
        version=2,
        old_status="on_track",
        new_status="at_risk",
        old_progress=10,
        new_progress=20,
        narrative="Venue closed; rebooking.",
    )
    InsightFactory(collected_by=person, place=PlaceFactory(name="Library"), quote="We need benches")
    ImportBatch.objects.create(filename="visits.csv", content=f"Title,Logged by\nBus,{NAME}\n", uploaded_by=person)
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    application = ApplicationFactory(members=[member], contact_phone="01642 000000")
    Application.objects.filter(pk=application.pk).update(created_by=person)
    ApplicationEvent.objects.create(
        application=application,
        actor=admin,
        transition="pass_eligibility",
        from_state="submitted",
        to_state="eligible",
        note=f"Checked with {NAME} ({EMAIL}) by phone",
    )
    Notification.objects.create(
        kind="review_reminder",
        key="r:1",
        recipient=person,
        to_email=EMAIL,
        subject="Action 3 is due",
        body_text=f"Dear {NAME}",
        body_html=f"<p>Dear {NAME}</p>",
    )
    Notification.objects.create(
        kind="review_escalation",
        key="e:1",
        recipient=admin,
        to_email=admin.email,
        subject="Action 3 is overdue",
        body_text=f"Lead officers: {NAME} ({EMAIL})",
        body_html=f"<p>Lead officers: {NAME} ({EMAIL})</p>",
    )
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message="Changed groups.",
    )
    connector = ConnectorFactory(
        user=person,
        name=NAME,
        languages="English, Urdu",
        interests="Allotments",
        trained_on=datetime.date(2026, 3, 1),
        dbs_checked_on=datetime.date(2026, 2, 1),
    )
    ConversationFactory(connector=connector, notes=f"{NAME} met the walking group")
    ForumMember.objects.create(name=NAME, user=person)
    ForumMeetingFactory(recorded_by=admin, minutes=f"{NAME} ({EMAIL}) will book the hall")
    pair = MentoringPairFactory(statutory_leader=person, vcse_leader=member)
    CheckInFactory(pair=pair, recorded_by=person, note=f"Agreed next steps; email {EMAIL}")
    AssignmentFactory(assessor=person, conflicted=True, conflict_details="My sister chairs the group")
    ScoreFactory(assignment__assessor=person, comment=f"Strong plan ({NAME})")
    PaymentFactory(recorded_by=person, reference="BACS 1")
    BoardSnapshot.objects.create(meeting_date=datetime.date(2026, 11, 1), frozen_by=person, figures={})
    person_request_erasure(person=person, today=datetime.date(2026, 11, 26))
    return admin


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "updates": ActionUpdate.objects.count(),
        "insights": Insight.objects.count(),
        "imports": ImportBatch.objects.count(),
        "applications": Application.objects.count(),
        "events": ApplicationEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "connectors": Connector.objects.count(),
        "conversations": Conversation.objects.count(),
        "forum members": ForumMember.objects.count(),
        "forum meetings": ForumMeeting.objects.count(),
        "mentoring pairs": MentoringPair.objects.count(),
        "check-ins": CheckIn.objects.count(),
        "assignments": Assignment.objects.count(),
        "scores": Score.objects.count(),
        "payments": Payment.objects.count(),
        "snapshots": BoardSnapshot.objects.count(),
    }


def test_a_copy_of_your_data_covers_every_app_and_the_download_is_logged(client, person, everywhere):
    client.force_login(person)

    response = client.get(reverse("accounts:your_data_download"))

    assert response.headers["Content-Disposition"] == f'attachment; filename="personal-data-{person.pk}.json"'
    data = json.loads(response.content)["data"]
    assert data["accounts.User"][0]["email"] == EMAIL
    assert data["actions.Action"] == [{"number": 3, "title": "Action number 3"}]
    assert data["actions.ActionUpdate"][0]["narrative"] == "Venue closed; rebooking."
    assert data["insights.Insight"][0]["place__name"] == "Library"
    assert data["connectors.Connector"][0]["languages"] == "English, Urdu"
    assert data["connectors.ForumMember"][0]["name"] == NAME
    assert data["connectors.CheckIn"][0]["note"] == f"Agreed next steps; email {EMAIL}"
    assert {a["conflict_details"] for a in data["funding.Assignment"]} == {"My sister chairs the group", ""}
    assert data["funding.Score"][0]["comment"] == f"Strong plan ({NAME})"
    assert data["funding.Payment"][0]["reference"] == "BACS 1"
    assert data["board.BoardSnapshot"] == [{"meeting_date": datetime.date(2026, 11, 1).isoformat(), "frozen_at": ANY}]
    assert data["funding.Application"][0]["contact_phone"] == "01642 000000"
    assert data["notifications.Notification"][0]["subject"] == "Action 3 is due"
    assert [role for change in data["accounts.RoleChange"] for role in change["after"]] == []
    log = PersonalDataExport.objects.get()
    assert (log.actor, log.subject, log.what) == (person, person, "all personal data (JSON)")


def test_only_a_programme_admin_downloads_someone_elses_data(person, everywhere):
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])

    with pytest.raises(PermissionDenied):
        personal_data_export(actor=officer, subject=person)
    assert personal_data_export(actor=everywhere, subject=person)["accounts.User"][0]["full_name"] == NAME
    assert PersonalDataExport.objects.get().actor == everywhere


def test_asking_for_erasure_tells_every_programme_admin_once_a_day(client, person):
    admins = UserFactory.create_batch(2, roles=[Role.PROGRAMME_ADMIN])
    client.force_login(person)

    client.post(reverse("accounts:erasure_request"))
    client.post(reverse("accounts:erasure_request"))

    told = Notification.objects.filter(kind="erasure_request")
    assert {n.recipient for n in told} == set(admins)
    assert reverse("accounts:person_erase", args=[person.pk]) in told[0].body_text


def test_erasure_leaves_no_trace_of_the_name_or_address_in_any_table_and_keeps_every_count(client, person, everywhere):
    assert occurrences(NAME, EMAIL)  # the search finds them before
    before = counts()
    client.force_login(person)  # a session of theirs, ended by the erasure
    client.force_login(everywhere)

    response = client.post(reverse("accounts:person_erase", args=[person.pk]))

    assert response.status_code == 302
    assert occurrences(NAME, EMAIL) == {}
    assert counts() == before
    erased = User.objects.get(pk=person.pk)
    assert (erased.is_active, erased.has_usable_password()) == (False, False)
    assert not erased.emailaddress_set.exists()
    # What others wrote still reads, with the name taken out.
    assert ApplicationEvent.objects.get().note == "Checked with [erased] ([erased]) by phone"
    connector = Connector.objects.get(user=person)
    assert (connector.name, connector.languages, connector.dbs_checked_on, connector.active) == (
        "Erased person",
        "",
        None,
        False,
    )
    assert set(Assignment.objects.filter(assessor=person).values_list("conflict_details", flat=True)) == {""}
    assert CheckIn.objects.get().note == "Agreed next steps; email [erased]"


def test_only_programme_admins_erase_and_not_themselves(person):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])

    with pytest.raises(PermissionDenied):
        person_erase(actor=UserFactory(roles=[Role.COUNCIL_OFFICER]), person=person)
    with pytest.raises(PermissionDenied):
        person_erase(actor=admin, person=admin)
    assert User.objects.get(pk=person.pk).full_name == NAME


def test_retention_clears_personal_fields_of_finished_applications_old_insights_and_connectors_who_left(
    settings, time_machine
):
    settings.DATA_RETENTION_DAYS = 365
    starter = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    time_machine.move_to(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
    old_closed = ApplicationFactory(state=State.CLOSED, contact_phone="0100", created_by=starter, amount_awarded=500)
    old_open = ApplicationFactory(state=State.PAID, contact_phone="0200", created_by=starter)
    old_insight = InsightFactory(quote="Our words", place=PlaceFactory(name="Hall"))
    old_report = GrantReportFactory(application=old_closed, story="Ann found a walking buddy")
    left = ConnectorFactory(user=starter, active=False, languages="Polish", dbs_checked_on=datetime.date(2024, 1, 2))
    still_active = ConnectorFactory(languages="Urdu")
    left_but_recent = ConnectorFactory(active=False, languages="Somali")
    time_machine.move_to(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
    new_insight = InsightFactory(quote="Recent words", place=PlaceFactory(name="Park"))
    ConversationFactory(connector=left_but_recent, held_on=datetime.date(2026, 4, 1))

    changed = apply_data_retention.apply().get()

    assert changed == 4
    old_report.refresh_from_db()
    assert old_report.story == ""
    left.refresh_from_db()
    assert (left.name, left.languages, left.dbs_checked_on, left.user) == ("Former connector", "", None, None)
    assert Connector.objects.get(pk=still_active.pk).languages == "Urdu"
    assert Connector.objects.get(pk=left_but_recent.pk).languages == "Somali"
    old_closed.refresh_from_db()
    assert (old_closed.contact_phone, old_closed.created_by, old_closed.amount_awarded) == ("", None, 500)
    old_open.refresh_from_db()
    assert (old_open.contact_phone, old_open.created_by) == ("0200", starter)
    old_insight.refresh_from_db()
    assert (old_insight.quote, old_insight.place, old_insight.collected_by) == ("", None, None)
    assert old_insight.title  # the insight itself stays for the figures
    new_insight.refresh_from_db()
    assert (new_insight.quote, new_insight.place.name) == ("Recent words", "Park")
    # Idempotent: nothing left to clear.
    assert personal_data_apply_retention(now=datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)) == 0


def test_retention_runs_daily_from_beat():
    task = PeriodicTask.objects.get(name="Apply data retention")

    assert task.task == "healthyplaces.accounts.tasks.apply_data_retention"
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")


def test_erasure_leaves_no_trace_in_a_frozen_board_snapshot(person):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    action = ActionFactory(number=4, leads=[admin])
    ActionUpdate.objects.create(
        action=action,
        author=admin,
        version=2,
        old_status="on_track",
        new_status="on_track",
        old_progress=10,
        new_progress=20,
        narrative=f"Handed over by {NAME}",
    )
    snapshot_freeze(actor=admin, meeting_date=datetime.date(2026, 12, 1))

    person_erase(actor=admin, person=person)

    assert occurrences(NAME) == {}
