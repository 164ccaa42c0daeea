"""Celery tasks: each calls one service and is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from healthyplaces.accounts.services import personal_data_apply_retention


@shared_task
def apply_data_retention() -> int:
    return personal_data_apply_retention(now=timezone.now())
