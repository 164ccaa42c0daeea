"""Delivery through a real Celery worker on the configured broker (Redis in CI): the task runs in
a worker, not eagerly, and a worker killed mid-send is replaced by another process."""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from healthyplaces.celery import app
from healthyplaces.notifications.models import Notification
from healthyplaces.notifications.services import notification_queue
from healthyplaces.notifications.tasks import send_notification, send_unsent_notifications
from tests.conftest import IN_CI
from tests.factories import ActionFactory, UserFactory
from tests.support.email_backends import FlakyBackend
from tests.support.workers import WorkerProcess, database_url, wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def status_of(notification: Notification) -> str:
    return Notification.objects.values_list("status", flat=True).get(pk=notification.pk)


def queue_reminder(key: str = "reminder:worker") -> Notification:
    notification = notification_queue(
        recipient=UserFactory.create(),
        kind="review_reminder",
        key=key,
        template="review_reminder",
        context={
            "action": ActionFactory(number=3),
            "action_url": "u",
            "update_url": "u",
            "days_overdue": 0,
            "overdue": False,
        },
    )
    assert notification is not None
    return notification


def test_the_broker_in_ci_is_redis():
    if IN_CI:
        assert settings.CELERY_BROKER_URL.startswith("redis://")


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.support.email_backends.FlakyBackend"
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0.2
    FlakyBackend.transient_failures = 0
    FlakyBackend.refuse = False
    FlakyBackend.calls = 0
    return FlakyBackend


@pytest.fixture
def worker(flaky) -> Iterator[None]:
    """A real worker consuming from the configured broker, in a thread of this process so that it
    shares the test's settings and mail outbox."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    def close_worker_connections(**kwargs: object) -> None:
        # The worker thread's connections would otherwise outlive it and keep the test database
        # from being dropped at the end of the run.
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    app.control.purge()
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(close_worker_connections)


def test_the_worker_sends_a_queued_notification(worker):
    notification = queue_reminder()

    wait_until(lambda: status_of(notification) == "sent", message="the reminder to be sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [notification.to_email]


def test_a_task_run_twice_sends_one_email(worker, flaky):
    notification = queue_reminder()
    send_notification.delay(notification.pk)
    send_notification.delay(notification.pk)
    # A marker task queued last: once it has run, so have the three sends before it.
    marker = queue_reminder(key="reminder:marker")

    wait_until(lambda: status_of(marker) == "sent", message="all queued sends to run")
    assert [message.to for message in mail.outbox].count([notification.to_email]) == 1
    assert flaky.calls == 2  # one per notification, none for the repeats
    assert Notification.objects.get(pk=notification.pk).attempts == 1


def test_an_smtp_failure_is_retried_with_backoff_then_succeeds(worker, flaky, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 5
    flaky.transient_failures = 2
    notification = queue_reminder()

    wait_until(lambda: status_of(notification) == "sent", message="the retried send")
    notification.refresh_from_db()
    assert notification.attempts == 3
    assert notification.last_error == ""
    assert len(mail.outbox) == 1


def test_an_smtp_failure_that_never_clears_is_recorded_as_failed(worker, flaky, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    flaky.transient_failures = 1000
    notification = queue_reminder()

    wait_until(lambda: status_of(notification) == "failed", message="the send to fail for good")
    notification.refresh_from_db()
    assert notification.attempts == 3
    assert "SMTPServerDisconnected" in notification.last_error
    assert mail.outbox == []


def test_a_refused_recipient_is_recorded_as_failed_without_retrying(worker, flaky):
    flaky.refuse = True
    notification = queue_reminder()

    wait_until(lambda: status_of(notification) == "failed", message="the refusal to be recorded")
    assert Notification.objects.get(pk=notification.pk).attempts == 1
    assert flaky.calls == 1


def test_a_worker_killed_mid_send_is_replaced_and_the_email_goes_exactly_once(tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    stall = tmp_path / "stall"
    stall.touch()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_EMAIL_BACKEND": "tests.support.email_backends.StallingFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "STALL_EMAIL_WHILE": str(stall),
        "NOTIFICATION_CLAIM_SECONDS": "2",
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    app.control.purge()
    first = WorkerProcess(env)
    second = None
    try:
        notification = queue_reminder()
        wait_until(lambda: status_of(notification) == "sending", message="the first worker to claim the email")

        first.kill()
        assert list(mail_dir.iterdir()) == []
        assert status_of(notification) == "sending"

        stall.unlink()
        second = WorkerProcess(env)
        time.sleep(2.5)  # the dead worker's claim runs out
        send_unsent_notifications.delay()

        wait_until(lambda: status_of(notification) == "sent", message="the second worker to send the email")
        time.sleep(1)  # room for any duplicate (a redelivered task) to show itself
        sent = "".join(path.read_text() for path in mail_dir.iterdir())
        assert sent.count("Message-ID:") == 1
        assert f"To: {notification.to_email}" in sent
        assert Notification.objects.get(pk=notification.pk).attempts == 2
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_a_save_while_the_broker_is_down_succeeds_and_the_reminder_follows_when_it_is_back(worker, client, officer):
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from actions.models import Action
    from healthyplaces.notifications.services import notifications_requeue_unsent
    from tests.support.broker import broker_unreachable

    ActionFactory(number=6, leads=[officer], next_review_date=datetime.date(2027, 6, 1))
    soon = timezone.localdate() + datetime.timedelta(days=3)
    client.force_login(officer)

    with broker_unreachable(app):
        response = client.post(
            reverse("actions:update", kwargs={"number": 6}),
            {
                "status": "on_track",
                "progress": "40",
                "next_review_date-day": str(soon.day),
                "next_review_date-month": str(soon.month),
                "next_review_date-year": str(soon.year),
                "narrative": "Partners met",
                "version": "1",
            },
        )

    assert response.status_code == 302
    assert Action.objects.get(number=6).next_review_date == soon
    reminder = Notification.objects.get(kind="review_reminder")
    assert reminder.status == "pending"

    # The broker is back; the sweep that beat runs every five minutes finds the reminder.
    notifications_requeue_unsent(older_than=datetime.timedelta(0))
    wait_until(lambda: status_of(reminder) == "sent", message="the swept reminder to be sent")
    assert [message.to for message in mail.outbox] == [[officer.email]]
