"""Every CSV and XLSX file the portal serves is written here, so they all open the same way.

CSV: UTF-8 with a byte-order mark, which is how Excel on Windows knows the file is UTF-8 (without it
£, dashes and é arrive garbled). A text cell that a spreadsheet would run as a formula (it starts with
=, +, -, @, or a tab or carriage return before one) gets an apostrophe in front, as OWASP's CSV
injection advice says: a CSV has no other way to say "this is text".

XLSX: each column has a kind, and a cell of that kind is stored as what it is, with a number format
that shows it as people expect: money as a number shown £1,234.50, a percentage as a fraction
shown 45%, a date as a date shown 5 Dec 2026, counts as numbers. The header row is bold, frozen and
has filters. A text cell that looks like a formula is stored as text with the cell's quote-prefix
style (what Excel sets when someone types an apostrophe first): the text itself is unchanged, where
an apostrophe added to it would be read back as part of the value. Sheet names fit Excel's 31
characters by dropping whole words."""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\N{BYTE ORDER MARK}"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel's own limit; it refuses these characters in a sheet name.
SHEET_NAME_LIMIT = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"

Kind = Literal["text", "integer", "count", "money", "percent", "date", "datetime"]

MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
NUMBER_FORMATS: dict[str, str] = {
    "integer": "0",
    "count": "#,##0",
    "money": MONEY_FORMAT,
    "percent": "0%",
    "date": "d mmm yyyy",
    "datetime": "d mmm yyyy hh:mm",
}
# Column widths, in characters: wide enough for most values, never wider than a screen's share.
MIN_WIDTH = 8
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """The CSV form of a cell: a formula-like text gets an apostrophe in front (OWASP)."""
    return "'" + value if is_formula_like(value) else value


def _csv_value(value: Any, kind: Kind) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if kind == "percent" and isinstance(value, int | float | Decimal):
        # Percentage points in a CSV (45, not 0.45): the column heading says it is a percentage.
        return format((Decimal(str(value)) * 100).normalize(), "f")
    if kind == "money" and isinstance(value, int | float | Decimal):
        return f"{Decimal(str(value)):.2f}"
    return csv_safe(value)


def csv_text(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> str:
    """Header and rows as CSV text (no byte-order mark: csv_response adds it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(column.heading) for column in columns])
    for row in rows:
        writer.writerow([_csv_value(value, column.kind) for column, value in zip(columns, row, strict=True)])
    return buffer.getvalue()


def csv_rows_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows already in their CSV form (the first is the header), formula-like text defused."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([csv_safe(value) for value in row] for row in rows)
    return buffer.getvalue()


def attachment_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A file to download (the CSV, XLSX and PDF downloads share it)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(text: str, *, filename: str) -> HttpResponse:
    """The one way a CSV leaves the portal: UTF-8 with a byte-order mark, as a download."""
    return attachment_response((BOM + text).encode("utf-8"), content_type=CSV_TYPE, filename=filename)


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    return attachment_response(content, content_type=XLSX_TYPE, filename=filename)


def sheet_name(title: str, taken: Iterable[str] = ()) -> str:
    """A sheet name within Excel's 31 characters, cut between words (never mid-word, never with a
    trailing space), and different from the names already taken (Excel compares them ignoring case).
    A long title keeps its first words and its last with an ellipsis between ("Funding awarded and
    paid … ward"); if that is taken, its first words and an ellipsis; failing that, a number."""
    taken_folded = {name.casefold() for name in taken}
    # Excel also refuses a name that starts or ends with an apostrophe.
    words = SHEET_NAME_FORBIDDEN.sub(" ", title).strip("' ").split() or ["Sheet"]
    whole = " ".join(words)
    if len(whole) <= SHEET_NAME_LIMIT:
        candidates = [whole]
    else:
        # The last word often tells similar titles apart ("... by ward", "... by priority").
        head_and_tail = [
            _fit(words[:-count], f" {ELLIPSIS} {' '.join(words[-count:])}") for count in range(1, len(words))
        ]
        candidates = [*head_and_tail[:1], _fit(words, ELLIPSIS), *head_and_tail[1:]]
    for candidate in candidates:
        if candidate and candidate.casefold() not in taken_folded:
            return candidate
    number = 1
    while True:
        suffix = f" ({number})" if number > 1 else ""
        # A first word longer than a whole name can only be cut.
        numbered = _fit(words, suffix) or whole[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        if numbered.casefold() not in taken_folded:
            return numbered
        number += 1


def _fit(words: Sequence[str], suffix: str) -> str:
    """As many of the words as fit before the suffix, or "" if not even the first does."""
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) + len(suffix) > SHEET_NAME_LIMIT:
            break
        kept.append(word)
    return " ".join(kept) + suffix if kept else ""


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # Excel has no time zones: the local time, as the portal's pages show it.
        return timezone.make_naive(timezone.localtime(value)).replace(microsecond=0)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _write_cell(sheet: Worksheet, row: int, column: int, value: Any, kind: Kind) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if not isinstance(cell, Cell):  # a merged cell; these sheets merge none
        raise TypeError(f"Cell {row},{column} is merged")
    cell.value = _excel_value(value)
    if isinstance(cell.value, str):
        if cell.data_type == "f" or is_formula_like(cell.value):
            # Text, shown as typed: openpyxl would otherwise store "=..." as a formula.
            cell.data_type = "s"
            cell.quotePrefix = True
    elif cell.value is not None and kind != "text":
        cell.number_format = NUMBER_FORMATS[kind]
    return cell


def add_sheet(workbook: Workbook, sheet: Sheet) -> Worksheet:
    worksheet: Worksheet = workbook.create_sheet(sheet_name(sheet.title, workbook.sheetnames))
    widths = [len(column.heading) for column in sheet.columns]
    bold = Font(bold=True)
    for index, column in enumerate(sheet.columns, start=1):
        _write_cell(worksheet, 1, index, column.heading, "text").font = bold
    row_number = 1
    for row_number, row in enumerate(sheet.rows, start=2):
        for index, (column, value) in enumerate(zip(sheet.columns, row, strict=True), start=1):
            _write_cell(worksheet, row_number, index, value, column.kind)
            widths[index - 1] = max(widths[index - 1], _shown_width(value, column.kind))
    worksheet.freeze_panes = "A2"
    last_column = get_column_letter(len(sheet.columns))
    worksheet.auto_filter.ref = f"A1:{last_column}{row_number}"
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    return worksheet


def _shown_width(value: Any, kind: Kind) -> int:
    if kind in ("date", "money", "datetime"):
        return 16
    return len(str(value)) if value is not None else 0


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    workbook = Workbook()
    # The default empty sheet goes: every sheet is one the caller asked for.
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for sheet in sheets:
        add_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
