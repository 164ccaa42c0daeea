import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from actions.models import Status
from actions.services import action_update, review_reminders_queue
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.models import Notification
from healthyplaces.notifications.services import SendOutcome, notification_send
from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    # These tests are about which notifications exist; delivery has its own tests.
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


def reminders():
    return sorted((n.kind, n.to_email, n.subject) for n in Notification.objects.filter(kind__startswith="review_"))


def days(n):
    return TODAY + datetime.timedelta(days=n)


def test_leads_are_reminded_of_reviews_due_within_a_week_or_past_and_not_of_others(officer, other_officer):
    ActionFactory(number=1, next_review_date=days(7), leads=[officer, other_officer])
    ActionFactory(number=2, next_review_date=days(-3), leads=[officer])
    ActionFactory(number=3, next_review_date=days(8), leads=[officer])
    ActionFactory(number=4, next_review_date=days(-3), status=Status.COMPLETE, leads=[officer])
    ActionFactory(number=5, next_review_date=None, leads=[officer])

    assert review_reminders_queue(today=TODAY) == 3

    assert reminders() == [
        ("review_reminder", officer.email, "Action 1 is due for review on 3 December 2026"),
        ("review_reminder", officer.email, "Action 2 is overdue for review"),
        ("review_reminder", other_officer.email, "Action 1 is due for review on 3 December 2026"),
    ]


def test_a_reminder_goes_once_per_review_cycle_however_often_the_scan_runs(officer):
    ActionFactory(number=1, next_review_date=days(2), leads=[officer])

    assert review_reminders_queue(today=TODAY) == 1
    assert review_reminders_queue(today=TODAY) == 0
    assert review_reminders_queue(today=days(1)) == 0
    assert review_reminders_queue(today=days(5)) == 0  # now overdue, still the same cycle
    assert Notification.objects.count() == 1


def test_a_new_next_review_date_starts_a_new_cycle(officer):
    action = ActionFactory(number=1, next_review_date=days(2), leads=[officer])
    review_reminders_queue(today=TODAY)

    with time_machine.travel(TODAY, tick=False):
        action_update(
            actor=officer,
            action=action,
            expected_version=action.version,
            status=action.status,
            progress=action.progress,
            next_review_date=days(6),
            narrative="Reviewed with partners",
        )

    assert [n.subject for n in Notification.objects.order_by("pk")] == [
        "Action 1 is due for review on 28 November 2026",
        "Action 1 is due for review on 2 December 2026",
    ]


def test_programme_admins_hear_once_when_a_review_is_14_days_overdue(officer, admin_user):
    inactive_admin = UserFactory(roles=[Role.PROGRAMME_ADMIN], is_active=False)
    ActionFactory(number=1, next_review_date=days(-13), leads=[officer])
    ActionFactory(number=2, next_review_date=days(-14), leads=[officer])

    review_reminders_queue(today=TODAY)
    review_reminders_queue(today=days(1))

    escalations = Notification.objects.filter(kind="review_escalation").order_by("pk")
    assert [(n.to_email, n.subject) for n in escalations] == [
        (admin_user.email, "Action 2 is 14 days overdue for review"),
        (admin_user.email, "Action 1 is 14 days overdue for review"),
    ]
    assert officer.email in escalations[0].body_text
    assert not Notification.objects.filter(to_email=inactive_admin.email).exists()


def test_the_reminder_email_links_to_the_update_form(officer):
    ActionFactory(number=9, title="Community insights bank", next_review_date=days(1), leads=[officer])

    review_reminders_queue(today=TODAY)

    reminder = Notification.objects.get()
    assert "http://testserver/actions/9/update/" in reminder.body_text
    assert 'href="http://testserver/actions/9/update/"' in reminder.body_html
    assert "Community insights bank" in reminder.body_html


def test_reminders_and_escalations_say_they_were_sent_automatically(officer, admin_user):
    ActionFactory(number=1, next_review_date=days(-14), leads=[officer])
    review_reminders_queue(today=TODAY)
    kinds = set()

    for notification in Notification.objects.all():
        assert notification_send(notification_id=notification.pk) == SendOutcome.SENT
        kinds.add(notification.kind)

    assert kinds == {"review_reminder", "review_escalation"}
    assert len(mail.outbox) == 2
    # RFC 3834: out-of-office replies and autoresponders leave these alone.
    assert [message.message()["Auto-Submitted"] for message in mail.outbox] == ["auto-generated"] * 2


@time_machine.travel(datetime.datetime(2026, 11, 26, 7, 0, tzinfo=datetime.UTC), tick=False)
def test_the_command_runs_the_daily_scan(officer):
    ActionFactory(number=1, next_review_date=days(-1), leads=[officer])
    out = StringIO()

    call_command("send_review_reminders", stdout=out)
    call_command("send_review_reminders", stdout=out)

    assert out.getvalue().splitlines() == ["Review reminders: 1 queued", "Review reminders: 0 queued"]


def test_the_schedules_exist_with_sensible_defaults():
    from django_celery_beat.models import PeriodicTask

    schedules = {task.name: task for task in PeriodicTask.objects.select_related("crontab", "interval")}

    reminders_task = schedules["Send review reminders"]
    assert reminders_task.task == "actions.tasks.send_review_reminders"
    assert (reminders_task.crontab.hour, reminders_task.crontab.minute) == ("7", "0")
    digest = schedules["Send progress digests"]
    assert (digest.crontab.day_of_week, digest.crontab.hour, digest.crontab.minute) == ("1", "8", "0")
    assert str(digest.crontab.timezone) == "Europe/London"
    assert schedules["Send unsent notifications"].interval.every == 300
