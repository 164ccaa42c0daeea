"""The filtered list of insights as CSV or XLSX, for analysis in a spreadsheet.

Spreadsheets run a cell that starts with =, +, - or @ (or a tab or carriage return before one) as
a formula, so any such text cell is prefixed with an apostrophe: what someone typed into an
insight can never become a formula on an officer's machine (OWASP's CSV injection advice)."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook

from insights.models import Insight

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "ID"),
    ("title", "Title"),
    ("summary", "What people said"),
    ("quote", "Quote"),
    ("source", "Source"),
    ("heard_on", "Date heard"),
    ("ward", "Ward"),
    ("ward_code", "Ward ONS code"),
    ("place", "Place"),
    ("people_count", "Number of people"),
    ("themes", "Themes"),
    ("population_groups", "Population groups"),
    ("consent_basis", "Consent basis"),
    ("status", "Status"),
    ("actions", "Informs actions"),
    ("response", "What we did"),
    ("response_on", "Date of response"),
    ("response_published", "Response published"),
)


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def insight_rows(insights: Iterable[Insight]) -> Iterator[list[Any]]:
    """Header, then one row per insight; expects themes, groups and actions prefetched."""
    yield [label for _, label in COLUMNS]
    for insight in insights:
        values = {
            "id": insight.pk,
            "title": insight.title,
            "summary": insight.summary,
            "quote": insight.quote,
            "source": insight.get_source_display(),
            "heard_on": insight.heard_on.isoformat(),
            "ward": insight.ward.name if insight.ward else "",
            "ward_code": insight.ward.ons_code if insight.ward else "",
            "place": insight.place.name if insight.place else "",
            "people_count": insight.people_count if insight.people_count is not None else "",
            "themes": "; ".join(theme.name for theme in insight.themes.all()),
            "population_groups": "; ".join(group.name for group in insight.population_groups.all()),
            "consent_basis": insight.get_consent_basis_display(),
            "status": insight.get_status_display(),
            "actions": "; ".join(str(action.number) for action in insight.actions.all()),
            "response": insight.response,
            "response_on": insight.response_on.isoformat() if insight.response_on else "",
            "response_published": "yes" if insight.response_published else "no",
        }
        yield [safe_cell(values[key]) for key, _ in COLUMNS]


def insights_csv(insights: Iterable[Insight]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(insight_rows(insights))
    return buffer.getvalue()


def insights_xlsx(insights: Iterable[Insight]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Insights")
    for row in insight_rows(insights):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
