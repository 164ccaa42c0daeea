import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from actions.models import Action
from healthyplaces.accounts.roles import MFA_ROLES
from healthyplaces.demo.scenario import demo_scenario_loaded
from healthyplaces.demo.services import DEMO_TOTP_SECRET, demo_seed


class Command(BaseCommand):
    help = (
        "Load the plan's actions, the demo vocabulary, one demo user per role and (unless --empty) a year of "
        "made-up programme data, once (development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug", action="store_true", help="Seed even though DEBUG is off (never in production)."
        )
        parser.add_argument(
            "--empty", action="store_true", help="Only the 18 actions and the demo users: the programme on day one."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError("Demo users have published passwords: seed them only with DEBUG on.")
        started = time.perf_counter()
        loaded_before = demo_scenario_loaded()
        users = demo_seed(empty=options["empty"])
        self.stdout.write(f"{Action.objects.count()} plan actions in the tracker.")
        if options["empty"] and loaded_before:
            self.stdout.write(
                "This database already holds the living demo: --empty adds nothing and removes nothing. "
                "Start from a fresh database to see the empty programme."
            )
        elif not options["empty"] and not loaded_before:
            self.stdout.write(
                "Loaded the living demo, a made-up year of the programme (every figure invented), "
                f"in {time.perf_counter() - started:.1f} s."
            )
        self.stdout.write("Demo users (development only; these passwords are public):")
        width = max(len(user.role) for user in users)
        for user in users:
            mfa = "  + authenticator app" if user.role in MFA_ROLES else ""
            self.stdout.write(f"  {user.role.value:<{width}}  {user.email:<24}  {user.password}{mfa}")
        self.stdout.write(
            f"Demo authenticator-app secret (development only; public): {DEMO_TOTP_SECRET}\n"
            "Add it to any authenticator app, or run `manage.py demo_mfa_code` for the current code."
        )
