"""Celery tasks: each calls one service and is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from healthyplaces.accounts.services import personal_data_apply_retention, sign_in_failures_forget_stale


@shared_task
def apply_data_retention() -> int:
    now = timezone.now()
    # Sign-in failure counts hold addresses people typed; kept only while they can still lock.
    sign_in_failures_forget_stale(now=now)
    return personal_data_apply_retention(now=now)
