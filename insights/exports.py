"""The filtered list of insights as CSV or XLSX, for analysis in a spreadsheet. How the files are
written (the byte-order mark, typed cells, formula-like text defused) is healthyplaces.core.spreadsheets'."""

from collections.abc import Iterable, Iterator
from typing import Any

from healthyplaces.core.spreadsheets import Column, Sheet, csv_text, xlsx_bytes
from insights.models import Insight

COLUMNS: tuple[tuple[str, Column], ...] = (
    ("id", Column("ID", "integer")),
    ("title", Column("Title")),
    ("summary", Column("What people said")),
    ("quote", Column("Quote")),
    ("source", Column("Source")),
    ("heard_on", Column("Date heard", "date")),
    ("ward", Column("Ward")),
    ("ward_code", Column("Ward ONS code")),
    ("place", Column("Place")),
    ("people_count", Column("Number of people", "count")),
    ("themes", Column("Themes")),
    ("population_groups", Column("Population groups")),
    ("consent_basis", Column("Consent basis")),
    ("status", Column("Status")),
    ("actions", Column("Informs actions")),
    ("response", Column("What we did")),
    ("response_on", Column("Date of response", "date")),
    ("response_published", Column("Response published")),
)


def insight_rows(insights: Iterable[Insight]) -> Iterator[list[Any]]:
    """One row of typed values per insight; expects themes, groups and actions prefetched."""
    for insight in insights:
        values = {
            "id": insight.pk,
            "title": insight.title,
            "summary": insight.summary,
            "quote": insight.quote,
            "source": insight.get_source_display(),
            "heard_on": insight.heard_on,
            "ward": insight.ward.name if insight.ward else "",
            "ward_code": insight.ward.ons_code if insight.ward else "",
            "place": insight.place.name if insight.place else "",
            "people_count": insight.people_count,
            "themes": "; ".join(theme.name for theme in insight.themes.all()),
            "population_groups": "; ".join(group.name for group in insight.population_groups.all()),
            "consent_basis": insight.get_consent_basis_display(),
            "status": insight.get_status_display(),
            "actions": "; ".join(str(action.number) for action in insight.actions.all()),
            "response": insight.response,
            "response_on": insight.response_on,
            "response_published": "yes" if insight.response_published else "no",
        }
        yield [values[key] for key, _ in COLUMNS]


def insights_csv(insights: Iterable[Insight]) -> str:
    return csv_text([column for _, column in COLUMNS], insight_rows(insights))


def insights_xlsx(insights: Iterable[Insight]) -> bytes:
    return xlsx_bytes([Sheet("Insights", [column for _, column in COLUMNS], insight_rows(insights))])
