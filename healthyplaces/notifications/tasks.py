"""Celery tasks: each takes ids, calls one service and is safe to run twice."""

from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from healthyplaces.notifications.services import (
    TransientSendError,
    digests_queue,
    notification_send,
    notifications_requeue_unsent,
)


def retry_countdown(retries: int) -> float:
    """Exponential backoff: the base, then twice it, four times it and so on, capped at an hour."""
    return float(min(settings.NOTIFICATION_RETRY_BASE_SECONDS * 2**retries, 3600))


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_notification(self: Task[Any, Any], notification_id: int) -> str:
    try:
        return notification_send(notification_id=notification_id).value
    except TransientSendError as error:
        # The row counts attempts and fails itself at the limit, so the task need not.
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


@shared_task
def send_unsent_notifications() -> int:
    return notifications_requeue_unsent()


@shared_task
def send_progress_digests() -> int:
    return digests_queue(now=timezone.now())
