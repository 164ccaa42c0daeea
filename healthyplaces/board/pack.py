"""The board pack: a snapshot as a PDF (A4, numbered pages, tagged for screen readers as PDF/UA-1)
and as an XLSX workbook, both made only from what the snapshot froze."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from healthyplaces.board.models import BoardSnapshot
from healthyplaces.board.pdf_tags import finish_tags
from healthyplaces.board.selectors import snapshot_actions, snapshot_figures
from healthyplaces.core.spreadsheets import Column, Sheet, xlsx_bytes

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
    actions = Sheet(
        "Actions",
        [
            Column("Number", "integer"),
            Column("Action"),
            Column("Status"),
            Column("Progress", "percent"),
            Column("Next review", "date"),
            Column("Latest narrative"),
        ],
        [
            [
                action.number,
                action.title,
                action.get_status_display(),
                Decimal(action.progress) / 100,
                action.next_review_date,
                action.narrative,
            ]
            for action in context["actions"]
        ],
    )
    charts = [chart.sheet() for chart in context["figures"].charts.values()]
    closed_loop = Sheet(
        "Closed loop",
        [
            Column("Action", "integer"),
            Column("Insights informing it"),
            Column("Grants funded"),
            Column("What grants reported"),
            Column("Responses published"),
        ],
        [
            [
                action.number,
                "; ".join(item["title"] for item in loop.get("insights", [])),
                "; ".join(f"{g['project']} ({g['organisation']})" for g in loop.get("grants", [])),
                "; ".join(g["reported"] for g in loop.get("grants", []) if g["reported"]),
                "; ".join(f"{r['title']}: {r['response']}" for r in loop.get("responses", [])),
            ]
            for action in context["actions"]
            for loop in [action.closed_loop]
        ],
    )
    return xlsx_bytes([actions, *charts, closed_loop])
