from typing import Any

from django.core.management.base import BaseCommand

from healthyplaces.core.private_files import private_store_prepare


class Command(BaseCommand):
    help = (
        "Create the private files' folder, bucket or container if it does not exist yet (a fresh store or a "
        "local emulator); safe to run on every start. Objects stay private: nothing is made public."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(private_store_prepare())
