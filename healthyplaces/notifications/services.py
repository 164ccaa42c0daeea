"""Queueing and sending notifications.

A notification is a row first and an email second: the row is written in the same transaction as
whatever caused it, the task that sends it is queued only after that transaction commits, and a
sweep re-queues anything left unsent (broker down at the time, worker killed mid-send)."""

import datetime
import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from healthyplaces.accounts.models import User
from healthyplaces.accounts.permissions import people_seeing_exact_counts
from healthyplaces.accounts.roles import Role
from healthyplaces.core.links import absolute_url
from healthyplaces.core.mail import AUTOMATED_HEADERS
from healthyplaces.notifications.digest import DigestPeriod, DigestSection, build_digest_sections
from healthyplaces.notifications.emails import RenderedEmail, render_email
from healthyplaces.notifications.models import (
    DigestFrequency,
    DigestSubscription,
    Notification,
    default_digest_frequency,
)

logger = logging.getLogger(__name__)

# The longest a save waits on an unreachable broker before leaving its emails to the sweep.
BROKER_WAIT_SECONDS = 2


class TransientSendError(Exception):
    """Sending failed in a way that may pass (a timeout, a 4xx reply); try again later."""


class SendOutcome(Enum):
    SENT = "sent"
    NOT_CLAIMED = "not claimed"  # sent already, failed for good, or another worker holds it
    FAILED = "failed"


@dataclass(frozen=True)
class Unsubscribe:
    """Where a recipient stops this kind of email, for the body and the List-Unsubscribe header."""

    url: str


def notification_queue(
    *,
    recipient: User,
    kind: str,
    key: str,
    template: str,
    context: Mapping[str, Any],
    unsubscribe: Unsubscribe | None = None,
) -> Notification | None:
    """Write the notification (rendered now, so it reads as it was meant when sent) and send it once
    the caller's transaction commits. Returns None if a notification with this key exists."""
    if Notification.objects.filter(key=key).exists():
        return None
    rendered = render_email(template, {**context, "recipient": recipient, "unsubscribe": unsubscribe})
    headers: dict[str, str] = {}
    if unsubscribe is not None:
        headers = {"List-Unsubscribe": f"<{unsubscribe.url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return notification_queue_rendered(recipient=recipient, kind=kind, key=key, rendered=rendered, headers=headers)


def notification_queue_rendered(
    *,
    recipient: User,
    kind: str,
    key: str,
    rendered: RenderedEmail,
    headers: Mapping[str, str] | None = None,
) -> Notification | None:
    """notification_queue for an email rendered elsewhere (allauth renders its own account emails)."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                kind=kind,
                key=key,
                recipient=recipient,
                to_email=recipient.email,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                headers=dict(headers or {}),
            )
    except IntegrityError:
        # Another process queued the same key between our check and our insert.
        return None
    notification_id = notification.pk
    transaction.on_commit(lambda: notification_enqueue(notification_id=notification_id))
    return notification


def notification_enqueue(*, notification_id: int) -> bool:
    """Hand the notification to a worker. If the broker is unreachable the row stays pending and
    the sweep sends it later; the user's save has already succeeded either way."""
    from healthyplaces.notifications.tasks import send_notification

    try:
        # No publish retries, and no connection retries either (kombu's own default waits about six
        # seconds for a broker that refuses): if the broker is down, say so now rather than hold up
        # a user's save.
        pool: Any = send_notification.app.pool  # celery-types has it as a producer pool; it holds connections
        with pool.acquire(block=True, timeout=BROKER_WAIT_SECONDS) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_WAIT_SECONDS)
            options: dict[str, Any] = {"connection": broker}
            send_notification.apply_async(args=(notification_id,), retry=False, **options)
    except Exception:  # kombu raises OperationalError or the transport's own connection errors
        logger.warning("Broker unavailable; notification %s will be sent by the sweep", notification_id, exc_info=True)
        return False
    return True


def _claim(notification_id: int, now: datetime.datetime) -> bool:
    claimable = Q(status=Notification.Status.PENDING) | Q(status=Notification.Status.SENDING, claimed_until__lt=now)
    claimed = Notification.objects.filter(claimable, pk=notification_id).update(
        status=Notification.Status.SENDING,
        claimed_until=now + datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def notification_send(*, notification_id: int) -> SendOutcome:
    """Send one notification if this call can claim it. Raises TransientSendError when a retry may
    succeed; the row is then pending again, or failed once it has had its attempts."""
    now = timezone.now()
    if not _claim(notification_id, now):
        return SendOutcome.NOT_CLAIMED
    notification = Notification.objects.get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to_email],
        # Added when sent, so notifications queued before this header existed carry it too.
        headers={**AUTOMATED_HEADERS, **notification.headers},
        connection=get_connection(),
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        permanent = _is_permanent(error) or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if permanent else Notification.Status.PENDING,
            claimed_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        if permanent:
            logger.error("Notification %s failed for good: %s", notification_id, error)
            return SendOutcome.FAILED
        raise TransientSendError(str(error)) from error
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return SendOutcome.SENT


def notifications_requeue_unsent(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> int:
    """Queue again every notification nobody is sending: pending ones the broker never got (or
    whose retries were lost) and ones whose worker died holding them."""
    now = timezone.now()
    unsent = Notification.objects.filter(
        Q(status=Notification.Status.PENDING, created_at__lt=now - older_than)
        | Q(status=Notification.Status.SENDING, claimed_until__lt=now)
    ).values_list("pk", flat=True)
    return sum(notification_enqueue(notification_id=pk) for pk in unsent)


def unsubscribe_url(*, user: User) -> str:
    from django.urls import reverse

    from healthyplaces.notifications.tokens import make_unsubscribe_token

    path = reverse("notifications:unsubscribe", kwargs={"token": make_unsubscribe_token(user_id=user.pk)})
    return absolute_url(path)


@transaction.atomic
def digest_set_frequency(*, user: User, frequency: str) -> DigestSubscription:
    if frequency not in DigestFrequency.values:
        raise ValueError(f"Unknown digest frequency {frequency!r}")
    subscription, _ = DigestSubscription.objects.update_or_create(user=user, defaults={"frequency": frequency})
    return subscription


def _frequency_for(user: User, subscription: DigestSubscription | None) -> str:
    if subscription is not None:
        return subscription.frequency
    # Groups are prefetched: one query for every recipient, not one each.
    return default_digest_frequency(is_board_member=any(group.name == Role.BOARD_MEMBER for group in user.groups.all()))


def _digest_recipients() -> list[tuple[User, DigestSubscription | None]]:
    subscriptions = {
        subscription.user_id: subscription
        for subscription in DigestSubscription.objects.exclude(frequency=DigestFrequency.NONE)
    }
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=subscriptions) | Q(groups__name=Role.BOARD_MEMBER))
        .exclude(digest_subscription__frequency=DigestFrequency.NONE)
        .distinct()
        .prefetch_related("groups")
    )
    return [(user, subscriptions.get(user.pk)) for user in users]


def _digest_key(user: User, now: datetime.datetime) -> str:
    return f"digest:{user.pk}:{timezone.localdate(now).isoformat()}"


def digests_queue(*, now: datetime.datetime) -> int:
    """Queue this run's digests: weekly subscribers every run, monthly ones on the month's first
    run. Each covers what happened since that person's last digest. Returns how many were queued."""
    first_run_of_month = timezone.localtime(now).day <= 7
    recipients = [
        (user, subscription, frequency)
        for user, subscription in _digest_recipients()
        if (frequency := _frequency_for(user, subscription)) == DigestFrequency.WEEKLY
        or (frequency == DigestFrequency.MONTHLY and first_run_of_month)
    ]
    # A second run on the same day sends nothing and leaves the covered period alone.
    already_sent = set(
        Notification.objects.filter(key__in=[_digest_key(user, now) for user, _, _ in recipients]).values_list(
            "key", flat=True
        )
    )
    # Officers and programme admins get exact counts: found for every recipient in one query.
    exact = set(
        people_seeing_exact_counts().filter(pk__in=[user.pk for user, _, _ in recipients]).values_list("pk", flat=True)
    )
    sections_by_period: dict[DigestPeriod, list[DigestSection]] = {}
    queued = 0
    for user, subscription, frequency in recipients:
        key = _digest_key(user, now)
        if key in already_sent:
            continue
        default_span = datetime.timedelta(days=7 if frequency == DigestFrequency.WEEKLY else 31)
        start = subscription.covered_until if subscription and subscription.covered_until else now - default_span
        period = DigestPeriod(start=start, end=now, exact_counts=user.pk in exact)
        if period not in sections_by_period:
            sections_by_period[period] = build_digest_sections(period)
        sections = sections_by_period[period]
        with transaction.atomic():
            if sections:
                notification = notification_queue(
                    recipient=user,
                    kind="digest",
                    key=key,
                    template="progress_digest",
                    context={"sections": sections, "period": period, "frequency": frequency},
                    unsubscribe=Unsubscribe(url=unsubscribe_url(user=user)),
                )
                queued += notification is not None
            DigestSubscription.objects.update_or_create(
                user=user, defaults={"frequency": frequency, "covered_until": now}
            )
    return queued
