from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthyplaces.vocabulary.services import vocabulary_load_csv


class Command(BaseCommand):
    help = (
        "Load wards, themes or population groups from a CSV file with a header row. "
        "wards: name, ons_code; themes: name, description; population-groups: name, seldom_heard "
        "(yes/no), description. Rows are matched by name, so loading a file again updates them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["wards", "themes", "population-groups"])
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["csv_file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = vocabulary_load_csv(kind=options["kind"], path=path)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{options['kind']}: {result.created} created, {result.updated} updated")
