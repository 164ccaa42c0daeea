"""Counts of insights by theme and population group, for those who read the whole bank (officers
and programme admins): exact. Nobody else sees this table, since its filters could slice the bank
finely enough to undo any suppression; the board sees insights by theme and by group on its
dashboard, through the small-numbers rule (healthyplaces.core.disclosure)."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from healthyplaces.vocabulary.models import PopulationGroup, Theme
from insights.models import Insight


@dataclass(frozen=True)
class CountsTable:
    themes: list[Theme]
    groups: list[PopulationGroup]
    # rows[i][j] is the count for themes[i] and groups[j].
    rows: list[list[str]]

    @property
    def themes_with_rows(self) -> list[tuple[Theme, list[str]]]:
        return list(zip(self.themes, self.rows, strict=True))


def theme_group_counts(*, insights: QuerySet[Insight]) -> CountsTable:
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
    rows = [[str(counts.get((theme.pk, group.pk), 0)) for group in groups] for theme in themes]
    return CountsTable(themes=themes, groups=groups, rows=rows)
