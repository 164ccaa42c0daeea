from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthyplaces.demo.services import demo_totp_code


class Command(BaseCommand):
    help = "Print the code the demo staff's authenticator app would show now (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--allow-without-debug", action="store_true", help="Print even though DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError("The demo secret is public: it is for DEBUG development machines only.")
        self.stdout.write(demo_totp_code())
