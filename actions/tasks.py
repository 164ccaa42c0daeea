from celery import shared_task
from django.utils import timezone

from actions.services import review_reminders_queue


@shared_task
def send_review_reminders() -> int:
    return review_reminders_queue(today=timezone.localdate())
