"""Counts of insights by theme and population group. Small numbers can identify people in a small
community: where the table is shown to anyone but officers and programme admins it goes through
the small-numbers rule (healthyplaces.core.disclosure), with its theme and group totals treated
as published (the board dashboard shows them)."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from healthyplaces.core.disclosure import protect_table, shown
from healthyplaces.vocabulary.models import PopulationGroup, Theme
from insights.models import Insight


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
    exact = [[counts.get((theme.pk, group.pk), 0) for group in groups] for theme in themes]
    if not suppress:
        return CountsTable(themes=themes, groups=groups, rows=[[str(n) for n in row] for row in exact])
    protected = protect_table(
        exact,
        row_totals=[sum(row) for row in exact],
        column_totals=[sum(column) for column in zip(*exact, strict=True)] if exact else [0] * len(groups),
        total=sum(map(sum, exact)),
    )
    rows = [[shown(n) for n in row] for row in protected.cells]
    return CountsTable(themes=themes, groups=groups, rows=rows)
