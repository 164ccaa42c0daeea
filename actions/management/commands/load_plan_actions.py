from typing import Any

from django.core.management.base import BaseCommand

from actions.models import Action
from actions.services import actions_load_plan


class Command(BaseCommand):
    help = (
        "Load the plan's 18 actions from actions/data/plan_actions.json. "
        "Safe to run again: existing actions are never changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = actions_load_plan()
        self.stdout.write(f"Plan actions: {created} created, {Action.objects.count()} in the tracker")
