from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from actions.services import review_reminders_queue


class Command(BaseCommand):
    help = (
        "Queue review reminders for actions due or overdue for review, as the daily scheduled task "
        "does. Each reminder goes once per review cycle however often this runs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = review_reminders_queue(today=timezone.localdate())
        self.stdout.write(f"Review reminders: {queued} queued")
