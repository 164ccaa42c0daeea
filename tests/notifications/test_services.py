import datetime
import smtplib

import pytest
import time_machine
from django.core import mail, signing
from django.db import transaction

from healthyplaces.notifications.models import Notification
from healthyplaces.notifications.services import (
    SendOutcome,
    TransientSendError,
    notification_queue,
    notification_send,
    notifications_requeue_unsent,
)
from healthyplaces.notifications.tokens import make_unsubscribe_token, read_unsubscribe_token
from tests.factories import ActionFactory, UserFactory
from tests.support.broker import broker_unreachable
from tests.support.email_backends import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.support.email_backends.FlakyBackend"
    FlakyBackend.transient_failures = 0
    FlakyBackend.refuse = False
    FlakyBackend.calls = 0
    return FlakyBackend


@pytest.fixture
def enqueued(monkeypatch):
    """The ids handed to the broker, without a broker."""
    ids: list[int] = []
    monkeypatch.setattr(
        "healthyplaces.notifications.tasks.send_notification.apply_async",
        lambda args, retry, **options: ids.append(args[0]),
    )
    return ids


def queue(user, key="reminder:1", **kwargs):
    action = ActionFactory(number=5)
    return notification_queue(
        recipient=user,
        kind="review_reminder",
        key=key,
        template="review_reminder",
        context={"action": action, "action_url": "u", "update_url": "u", "days_overdue": 0, "overdue": False},
        **kwargs,
    )


def test_queueing_renders_the_email_and_hands_it_over_only_after_commit(django_capture_on_commit_callbacks, enqueued):
    user = UserFactory(full_name="Olu Officer", email="olu@example.org")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = queue(user)
    assert enqueued == []  # nothing reaches the broker before the transaction commits
    for callback in callbacks:
        callback()

    assert enqueued == [notification.pk]
    assert notification.status == Notification.Status.PENDING
    assert notification.to_email == "olu@example.org"
    assert notification.subject.startswith("Action 5 is due for review")
    assert "Dear Olu Officer" in notification.body_text
    assert "<html" in notification.body_html


def test_the_same_key_is_queued_once(django_capture_on_commit_callbacks, enqueued):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(user)
        second = queue(user)

    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert enqueued == [first.pk]


def test_a_rolled_back_save_queues_nothing(django_capture_on_commit_callbacks, enqueued):
    user = UserFactory()

    def failing_save():
        with transaction.atomic():
            queue(user)
            raise RuntimeError("the save failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_save()

    assert not Notification.objects.exists()
    assert enqueued == []


def test_sending_delivers_once_and_records_it(flaky):
    notification = queue(UserFactory())

    assert notification_send(notification_id=notification.pk) == SendOutcome.SENT
    assert notification_send(notification_id=notification.pk) == SendOutcome.NOT_CLAIMED

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1


def test_a_notification_another_worker_holds_is_not_sent_again(flaky):
    notification = queue(UserFactory())
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, claimed_until=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)
    )

    assert notification_send(notification_id=notification.pk) == SendOutcome.NOT_CLAIMED
    assert flaky.calls == 0


def test_a_transient_failure_leaves_it_pending_with_the_error(flaky, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    flaky.transient_failures = 1
    notification = queue(UserFactory())

    with pytest.raises(TransientSendError):
        notification_send(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error
    assert notification_send(notification_id=notification.pk) == SendOutcome.SENT
    assert len(mail.outbox) == 1


def test_transient_failures_stop_at_the_attempt_limit_and_are_marked_failed(flaky, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    flaky.transient_failures = 99
    notification = queue(UserFactory())

    for _ in range(2):
        with pytest.raises(TransientSendError):
            notification_send(notification_id=notification.pk)
    assert notification_send(notification_id=notification.pk) == SendOutcome.FAILED

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 3)
    assert notification_send(notification_id=notification.pk) == SendOutcome.NOT_CLAIMED


def test_a_refused_recipient_fails_at_once(flaky):
    flaky.refuse = True
    notification = queue(UserFactory())

    assert notification_send(notification_id=notification.pk) == SendOutcome.FAILED

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "SMTPRecipientsRefused" in notification.last_error


def test_a_permanent_smtp_reply_fails_at_once(settings, monkeypatch):
    notification = queue(UserFactory())

    def refuse(self):
        raise smtplib.SMTPDataError(554, b"Message rejected")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)

    assert notification_send(notification_id=notification.pk) == SendOutcome.FAILED


def test_the_sweep_requeues_what_nobody_is_sending(enqueued):
    user = UserFactory()
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC), tick=False):
        stuck_pending = queue(user, key="a")
        dead_worker = queue(user, key="b")
        in_flight = queue(user, key="c")
        sent = queue(user, key="d")
    Notification.objects.filter(pk=dead_worker.pk).update(
        status=Notification.Status.SENDING, claimed_until=datetime.datetime(2026, 11, 26, 9, 5, tzinfo=datetime.UTC)
    )
    Notification.objects.filter(pk=in_flight.pk).update(
        status=Notification.Status.SENDING, claimed_until=datetime.datetime(2026, 11, 26, 9, 30, tzinfo=datetime.UTC)
    )
    Notification.objects.filter(pk=sent.pk).update(status=Notification.Status.SENT)
    enqueued.clear()

    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, 10, tzinfo=datetime.UTC), tick=False):
        assert notifications_requeue_unsent() == 2

    assert sorted(enqueued) == sorted([stuck_pending.pk, dead_worker.pk])


def test_with_the_broker_down_the_row_waits_for_the_sweep(settings, django_capture_on_commit_callbacks, caplog):
    from healthyplaces.celery import app

    with broker_unreachable(app), django_capture_on_commit_callbacks(execute=True):
        notification = queue(UserFactory())

    assert Notification.objects.get(pk=notification.pk).status == Notification.Status.PENDING
    assert "will be sent by the sweep" in caplog.text


def test_unsubscribe_tokens_name_their_user_and_refuse_tampering():
    token = make_unsubscribe_token(user_id=42)

    assert read_unsubscribe_token(token) == 42
    with pytest.raises(signing.BadSignature):
        read_unsubscribe_token(token[:-1] + ("A" if token[-1] != "A" else "B"))
    with pytest.raises(signing.BadSignature):
        read_unsubscribe_token(signing.dumps({"user": 42}, salt="something else"))
