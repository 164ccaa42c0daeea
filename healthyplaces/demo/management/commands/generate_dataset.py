import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from healthyplaces.demo.dataset import EMAIL_DOMAIN, Sizes, dataset_generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with ten years of generated programme data (deterministic), for benchmarks. "
        "Never run it against a database with real data in it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 is ten years' worth; 0.01 is a hundredth.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Anchor date (default: today).")
        parser.add_argument("--yes", action="store_true", help="Do not ask before writing.")

    def handle(self, *args: Any, **options: Any) -> None:
        from healthyplaces.accounts.models import User

        if User.objects.exclude(email__endswith=f"@{EMAIL_DOMAIN}").exists() and not options["yes"]:
            raise CommandError("This database already has users. Use an empty database, or pass --yes.")
        sizes = Sizes().scaled(options["scale"])
        started = time.perf_counter()
        made = dataset_generate(sizes=sizes, today=options["today"] or timezone.localdate(), seed=options["seed"])
        for name, count in made.items():
            self.stdout.write(f"{name}: {count:,}")
        self.stdout.write(f"Generated in {time.perf_counter() - started:.1f} s")
