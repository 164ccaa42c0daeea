from celery import shared_task
from django.utils import timezone

from funding.services import assessment_reminders_queue, report_reminders_queue, round_closing_reminders_queue

# Each queues its emails idempotently (a key per person and occasion), so a run repeated by beat
# or a retried task sends nothing twice.


@shared_task
def send_round_closing_reminders() -> int:
    return round_closing_reminders_queue(today=timezone.localdate())


@shared_task
def send_report_reminders() -> int:
    return report_reminders_queue(today=timezone.localdate())


@shared_task
def send_assessment_reminders() -> int:
    return assessment_reminders_queue(today=timezone.localdate())
