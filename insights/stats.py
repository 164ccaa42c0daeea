"""Counts of insights for officers, the board and the public. Small numbers can identify people in
a small community, so wherever the board or the public can see a count, 1 to 4 is shown as
"fewer than 5" (zero stays zero: it identifies nobody)."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from healthyplaces.vocabulary.models import PopulationGroup, Theme
from insights.models import Insight

SUPPRESS_BELOW = 5
SUPPRESSED = "fewer than 5"


def shown_count(count: int, *, suppress: bool) -> str:
    if suppress and 0 < count < SUPPRESS_BELOW:
        return SUPPRESSED
    return str(count)


@dataclass(frozen=True)
class CountsTable:
    themes: list[Theme]
    groups: list[PopulationGroup]
    # rows[i][j] is the count for themes[i] and groups[j], as it may be shown.
    rows: list[list[str]]

    @property
    def themes_with_rows(self) -> list[tuple[Theme, list[str]]]:
        return list(zip(self.themes, self.rows, strict=True))


def theme_group_counts(*, insights: QuerySet[Insight], suppress: bool) -> CountsTable:
    """How many insights carry each theme and population group together; one query for the
    counts, one each for the row and column headings."""
    themes = list(Theme.objects.all())
    groups = list(PopulationGroup.objects.all())
    counts = {
        (row["themes"], row["population_groups"]): row["n"]
        for row in insights.filter(themes__isnull=False, population_groups__isnull=False)
        .values("themes", "population_groups")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    }
    rows = [
        [shown_count(counts.get((theme.pk, group.pk), 0), suppress=suppress) for group in groups] for theme in themes
    ]
    return CountsTable(themes=themes, groups=groups, rows=rows)
