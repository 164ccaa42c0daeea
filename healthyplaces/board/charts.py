"""Horizontal bar charts drawn on the server as SVG (no canvas, no script), following the ONS and
GOV.UK guidance on accessible charts: every chart has a title, a one-sentence summary, a table of
the same figures and a CSV download, and each bar is labelled with its value in words, so colour
is never the only signal. Charts are plain data (to_json/from_json) so a board snapshot keeps
them exactly as the board saw them.

Values are whole numbers: counts, percentages, or money in pence (shown as pounds). A count the
small-numbers rule (healthyplaces.core.disclosure) hides is its marker ("fewer than 5" or
"withheld") instead of the number: protect() applies the rule to
the series that need it, so a chart (and a snapshot made from it) never holds a number the board
could not see."""

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from healthyplaces.core.disclosure import SUPPRESSED, Figure, is_hidden, protect_columns, rank
from healthyplaces.core.formats import money, pence_to_pounds
from healthyplaces.core.spreadsheets import Column, Sheet, csv_text

Kind = Literal["count", "money", "percent"]

# Geometry of the SVG, in its own units (the CSS scales it to the page).
WIDTH = 760
LABEL_WIDTH = 250
BAR_SPACE = 330
BAR_HEIGHT = 20
BAR_GAP = 4
GROUP_GAP = 12
TEXT_OFFSET = 6


@dataclass(frozen=True)
class Series:
    name: str
    kind: Kind = "count"
    # Counts that could point to people in a small community go through the small-numbers rule.
    suppress: bool = False

    def shown(self, value: Figure) -> str:
        if isinstance(value, str):
            return value
        if self.kind == "money":
            return money(pence_to_pounds(value))
        if self.kind == "percent":
            return f"{value}%"
        return str(value)

    def cell(self, value: Figure) -> Decimal | int | str:
        """The figure for a spreadsheet: pounds, a fraction for a percentage, a count, or the marker
        (text) that stands for a count the small-numbers rule hides."""
        if isinstance(value, str):
            return value
        if self.kind == "money":
            return pence_to_pounds(value)
        if self.kind == "percent":
            return Decimal(value) / 100
        return value

    @staticmethod
    def is_hidden(value: Figure) -> bool:
        return is_hidden(value)


@dataclass(frozen=True)
class Row:
    label: str
    # A count the small-numbers rule hides is its marker.
    values: tuple[Figure, ...]
    # A further column some charts carry, such as a ward's deprivation decile.
    note: str = ""


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    series_index: int


@dataclass(frozen=True)
class Text:
    x: int
    y: int
    text: str
    css_class: str


@dataclass(frozen=True)
class Layout:
    height: int
    bars: list[Bar]
    texts: list[Text]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    label_heading: str
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    note_heading: str = ""
    what: str = "rows"
    # A further sentence for the summary, such as how much went to the most deprived wards.
    finding: str = ""

    @property
    def summary(self) -> str:
        if not self.rows:
            return f"{self.title}: nothing to show yet."
        parts = [f"{self.title}, {len(self.rows)} {self.what}."]
        for index, series in enumerate(self.series):
            top = max(self.rows, key=lambda row: rank(row.values[index]))
            if top.values[index] == 0:
                parts.append(f"{series.name}: none yet.")
            elif series.is_hidden(top.values[index]):
                parts.append(f"{series.name}: hidden for each ({SUPPRESSED} or withheld).")
            else:
                most = "Highest" if series.kind == "percent" else "Most"
                parts.append(f"{most} {series.name.lower()}: {top.label} ({series.shown(top.values[index])}).")
        if self.finding:
            parts.append(self.finding)
        return " ".join(parts)

    @property
    def headings(self) -> list[str]:
        return [self.label_heading, *([self.note_heading] if self.note_heading else []), *(s.name for s in self.series)]

    @property
    def table(self) -> list[tuple[str, str, list[str]]]:
        """label, note and each value as shown."""
        return [
            (row.label, row.note, [series.shown(value) for series, value in zip(self.series, row.values, strict=True)])
            for row in self.rows
        ]

    def sheet(self) -> Sheet:
        """The chart's table with typed cells, for CSV and XLSX."""
        notes = [row.note for row in self.rows]
        # A note such as a deprivation decile is a number; store it as one.
        numeric_notes = all(note.isdigit() or not note for note in notes)
        columns = [
            Column(self.label_heading),
            *([Column(self.note_heading, "integer" if numeric_notes else "text")] if self.note_heading else []),
            *(Column(series.name, series.kind) for series in self.series),
        ]
        rows = []
        for row in self.rows:
            values = [series.cell(value) for series, value in zip(self.series, row.values, strict=True)]
            note: list[Any] = []
            if self.note_heading:
                note = [(int(row.note) if row.note else None) if numeric_notes else row.note]
            rows.append([row.label, *note, *values])
        return Sheet(self.title, columns, rows)

    def csv(self) -> str:
        sheet = self.sheet()
        return csv_text(sheet.columns, sheet.rows)

    def layout(self) -> Layout:
        """Bars scaled to the largest value shown (one scale for every series: no dual axes)."""
        shown_values = [value for row in self.rows for value in row.values if isinstance(value, int)]
        largest = max(shown_values, default=0) or 1
        bars: list[Bar] = []
        texts: list[Text] = []
        y = 0
        many = len(self.series) > 1
        for row in self.rows:
            texts.append(Text(0, y + BAR_HEIGHT - TEXT_OFFSET, _short(row.label), "app-chart__label"))
            for index, (series, value) in enumerate(zip(self.series, row.values, strict=True)):
                width = round(BAR_SPACE * value / largest) if isinstance(value, int) else 0
                if width:
                    bars.append(Bar(LABEL_WIDTH, y, width, BAR_HEIGHT, index))
                words = f"{series.name}: {series.shown(value)}" if many else series.shown(value)
                texts.append(
                    Text(LABEL_WIDTH + width + TEXT_OFFSET, y + BAR_HEIGHT - TEXT_OFFSET, words, "app-chart__value")
                )
                y += BAR_HEIGHT + BAR_GAP
            y += GROUP_GAP
        return Layout(height=max(y, 1), bars=bars, texts=texts)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "label_heading": self.label_heading,
            "note_heading": self.note_heading,
            "what": self.what,
            "finding": self.finding,
            "series": [{"name": s.name, "kind": s.kind, "suppress": s.suppress} for s in self.series],
            "rows": [{"label": r.label, "values": list(r.values), "note": r.note} for r in self.rows],
        }

    def protect(self) -> "Chart":
        """The chart with its suppressed series' counts through the small-numbers rule, each
        series a list whose total may be published. A chart already protected (or with no
        suppressed series) comes back unchanged."""
        protected = [index for index, series in enumerate(self.series) if series.suppress]
        columns = [[row.values[index] for row in self.rows] for index in protected]
        counts = [[value for value in column if isinstance(value, int)] for column in columns]
        if counts != columns:
            return self
        published = protect_columns(counts, labels=[row.label for row in self.rows])
        rows = []
        for r, row in enumerate(self.rows):
            values = list(row.values)
            for column, index in zip(published, protected, strict=True):
                values[index] = column[r]
            rows.append(Row(row.label, tuple(values), row.note))
        return replace(self, rows=tuple(rows))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Chart":
        """A chart as frozen; one frozen before the rule held every count is protected on reading."""
        return cls._from_json(data).protect()

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> "Chart":
        return cls(
            key=data["key"],
            title=data["title"],
            label_heading=data["label_heading"],
            note_heading=data.get("note_heading", ""),
            what=data.get("what", "rows"),
            finding=data.get("finding", ""),
            series=tuple(Series(s["name"], s["kind"], s["suppress"]) for s in data["series"]),
            rows=tuple(Row(r["label"], tuple(r["values"]), r.get("note", "")) for r in data["rows"]),
        )


def _short(label: str, limit: int = 34) -> str:
    # The table beside the chart carries the whole label.
    return label if len(label) <= limit else label[: limit - 1] + "…"
