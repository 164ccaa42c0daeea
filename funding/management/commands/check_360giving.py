from typing import Any

from django.core.management.base import BaseCommand, CommandError

from funding.giving360 import export_overview


class Command(BaseCommand):
    help = (
        "Apply 360Giving's offline data-quality rules (funding.giving360_quality) to the grants the "
        "360Giving export would publish today, as the export page does. Fails when anything is found, "
        "or when nothing can be published."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        overview = export_overview()
        if overview.problem:
            raise CommandError(overview.problem)
        if not overview.grant_count:
            self.stdout.write("No awarded grants to publish yet.")
            return
        for finding in overview.findings:
            self.stdout.write(f"{finding.grant_id}\t{finding.check}\t{finding.path}\t{finding.message}")
        if overview.findings:
            raise CommandError(f"{len(overview.findings)} data-quality findings in {overview.grant_count} grants")
        self.stdout.write(f"{overview.grant_count} grants, no data-quality findings.")
