"""Every CSV and XLSX the portal serves is written by healthyplaces.core.spreadsheets: these read
the files back as Excel and a CSV reader would."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from healthyplaces.core.spreadsheets import (
    MONEY_FORMAT,
    SHEET_NAME_LIMIT,
    Column,
    Sheet,
    csv_response,
    csv_text,
    sheet_name,
    xlsx_bytes,
)

COLUMNS = [
    Column("Ward"),
    Column("Awarded", "money"),
    Column("Share", "percent"),
    Column("People", "count"),
    Column("Decided on", "date"),
    Column("Updated", "datetime"),
]
UPDATED = datetime.datetime(2026, 12, 5, 17, 30, 54, 123456, tzinfo=datetime.UTC)
ROWS = [
    ["Hardwick \N{EN DASH} Norton", Decimal("16500.00"), Decimal("0.45"), 1234, datetime.date(2026, 11, 1), UPDATED],
    ['=HYPERLINK("http://evil")', Decimal("-250.50"), Decimal("0.055"), None, None, None],
    ["Café", Decimal("0"), Decimal("1"), "fewer than 5", datetime.date(2026, 1, 31), None],
]


def workbook():
    return load_workbook(io.BytesIO(xlsx_bytes([Sheet("Funding awarded and paid by ward", COLUMNS, ROWS)])))


def test_xlsx_cells_read_back_as_the_numbers_dates_and_text_they_are():
    sheet = workbook().active
    hardwick, formula, cafe = (list(row) for row in sheet.iter_rows(min_row=2))

    assert hardwick[0].value == "Hardwick \N{EN DASH} Norton"
    assert hardwick[1].value == 16500
    assert hardwick[1].data_type == "n"
    assert hardwick[1].number_format == MONEY_FORMAT == '"£"#,##0.00;-"£"#,##0.00'
    assert formula[1].value == Decimal("-250.50")
    assert hardwick[2].value == 0.45
    assert hardwick[2].number_format == "0%"
    assert formula[2].value == 0.055
    assert hardwick[3].value == 1234
    assert hardwick[3].number_format == "#,##0"
    assert hardwick[4].is_date
    assert hardwick[4].value.isoformat() == "2026-11-01T00:00:00"
    assert hardwick[4].number_format == "d mmm yyyy"
    # Excel has no time zones or microseconds: the time as the portal shows it (London, GMT in December).
    assert hardwick[5].value.isoformat() == "2026-12-05T17:30:54"
    assert hardwick[5].is_date
    # Words in a number column stay words; an empty value is an empty cell.
    assert cafe[3].value == "fewer than 5"
    assert formula[3].value is None


def test_xlsx_formula_like_text_is_text_with_the_quote_prefix_style_not_an_apostrophe():
    cell = workbook().active["A3"]

    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    assert workbook().active["A2"].quotePrefix is False


def test_xlsx_header_is_bold_frozen_and_filtered():
    sheet = workbook().active

    assert [cell.value for cell in sheet[1]] == [column.heading for column in COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F4"
    assert sheet.title == "Funding awarded and paid … ward"


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("Insights by theme", [], "Insights by theme"),
        ("Funding awarded and paid by ward", [], "Funding awarded and paid … ward"),
        ("Funding awarded and paid by community priority", [], "Funding awarded and … priority"),
        ("Funding awarded and paid by ward", ["funding awarded and paid … WARD"], "Funding awarded and paid by…"),
        ("Actions: done? [yes/no]", [], "Actions done yes no"),
        ("Insights", ["Insights"], "Insights (2)"),
        ("'Quoted'", [], "Quoted"),
        ("", [], "Sheet"),
        ("Pneumonoultramicroscopicsilicovolcanoconiosis", [], "Pneumonoultramicroscopicsilicov"),
    ],
)
def test_sheet_names_fit_31_characters_without_cutting_words(title, taken, expected):
    name = sheet_name(title, taken)

    assert name == expected
    assert len(name) <= SHEET_NAME_LIMIT
    assert name == name.strip()


def test_csv_starts_with_a_byte_order_mark_and_keeps_its_text_defusing():
    response = csv_response(csv_text(COLUMNS, ROWS), filename="funding.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="funding.csv"'
    assert response.content[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Ward", "Awarded", "Share", "People", "Decided on", "Updated"],
        ["Hardwick \N{EN DASH} Norton", "16500.00", "45", "1234", "2026-11-01", "2026-12-05T17:30:54+00:00"],
        ['\'=HYPERLINK("http://evil")', "-250.50", "5.5", "", "", ""],
        ["Café", "0.00", "100", "fewer than 5", "2026-01-31", ""],
    ]
