from typing import Any

from django.core.management.base import BaseCommand, CommandError

from funding.giving360 import grants_for_export, package, publication_problem
from funding.giving360_quality import findings


class Command(BaseCommand):
    help = (
        "Apply 360Giving's offline data-quality rules (funding.giving360_quality) to the grants the "
        "360Giving export would publish today, as the export page does. Fails when anything is found, "
        "or when nothing can be published."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = publication_problem()
        if problem:
            raise CommandError(problem)
        grants = grants_for_export()
        if not grants.exists():
            self.stdout.write("No awarded grants to publish yet.")
            return
        document = package(grants)
        found = findings(document)
        for finding in found:
            self.stdout.write(f"{finding.grant_id}\t{finding.check}\t{finding.path}\t{finding.message}")
        if found:
            raise CommandError(f"{len(found)} data-quality findings in {len(document['grants'])} grants")
        self.stdout.write(f"{len(document['grants'])} grants, no data-quality findings.")
