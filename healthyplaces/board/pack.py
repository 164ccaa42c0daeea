"""The board pack: a snapshot as a PDF (A4, numbered pages, tagged for screen readers as PDF/UA-1)
and as an XLSX workbook, both made only from what the snapshot froze."""

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from openpyxl import Workbook

from healthyplaces.board.models import BoardSnapshot
from healthyplaces.board.pdf_tags import finish_tags
from healthyplaces.board.selectors import snapshot_actions, snapshot_figures
from insights.exports import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STYLESHEET = "board/pack.css"


def pack_context(snapshot: BoardSnapshot) -> dict[str, Any]:
    return {
        "snapshot": snapshot,
        "figures": snapshot_figures(snapshot),
        "actions": list(snapshot_actions(snapshot)),
        "council_name": settings.COUNCIL_NAME,
    }


def pack_pdf(snapshot: BoardSnapshot) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, and only this download needs it.
    from weasyprint import CSS, HTML

    html = render_to_string("board/pack.html", pack_context(snapshot))
    stylesheet = finders.find(STYLESHEET)
    if not isinstance(stylesheet, str):
        raise FileNotFoundError(STYLESHEET)
    pdf = HTML(string=html, base_url=str(Path(stylesheet).parent)).write_pdf(
        stylesheets=[CSS(filename=stylesheet)], pdf_variant="pdf/ua-1", finisher=finish_tags
    )
    return bytes(pdf)


def pack_xlsx(snapshot: BoardSnapshot) -> bytes:
    """A sheet of the actions as frozen, one per chart, and one for the closed loop."""
    context = pack_context(snapshot)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    sheet.append(["Number", "Action", "Status", "Progress (%)", "Next review", "Latest narrative"])
    for action in context["actions"]:
        sheet.append(
            [
                action.number,
                safe_cell(action.title),
                action.get_status_display(),
                action.progress,
                action.next_review_date.isoformat() if action.next_review_date else "",
                safe_cell(action.narrative),
            ]
        )
    for chart in context["figures"].charts.values():
        sheet = workbook.create_sheet(chart.title[:31])
        for row in chart.spreadsheet_rows():
            sheet.append(row)
    sheet = workbook.create_sheet("Closed loop")
    sheet.append(["Action", "Insights informing it", "Grants funded", "What grants reported", "Responses published"])
    for action in context["actions"]:
        loop = action.closed_loop
        sheet.append(
            [
                action.number,
                safe_cell("; ".join(item["title"] for item in loop.get("insights", []))),
                safe_cell("; ".join(f"{g['project']} ({g['organisation']})" for g in loop.get("grants", []))),
                safe_cell("; ".join(g["reported"] for g in loop.get("grants", []) if g["reported"])),
                safe_cell("; ".join(f"{r['title']}: {r['response']}" for r in loop.get("responses", []))),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
