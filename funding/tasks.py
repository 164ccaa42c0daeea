from celery import shared_task
from django.utils import timezone

from funding.services import round_closing_reminders_queue


@shared_task
def send_round_closing_reminders() -> int:
    return round_closing_reminders_queue(today=timezone.localdate())
