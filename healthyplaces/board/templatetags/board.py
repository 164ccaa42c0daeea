import math
from typing import Any

from django import template
from django.urls import reverse

from healthyplaces.board.charts import BAR_GAP, BAR_HEIGHT, GROUP_GAP, LABEL_WIDTH, WIDTH, Chart

register = template.Library()

# Each series' (fill, stroke), as main.scss's .app-chart__bar--N draws it: the drawing carries them
# itself so that the board pack, which has no site stylesheet, shows the same bars.
SERIES_PAINT = (("#106165", "none"), ("#8ac0c3", "#106165"), ("#505a5f", "none"))

# How much of the drawing (in its own units) fits on an A4 page of the board pack below a heading
# and a summary: the pack draws WIDTH units across 174 mm, and 215 mm down is about 940 units.
PRINT_PART_HEIGHT = 900


def _drawing(chart: Chart) -> dict[str, Any]:
    layout = chart.layout()
    bars = [(bar, *SERIES_PAINT[bar.series_index % len(SERIES_PAINT)]) for bar in layout.bars]
    return {
        "chart": chart,
        "layout": layout,
        "bars": bars,
        "texts": layout.texts,
        "top": 0,
        "height": layout.height,
        "width": WIDTH,
        "label_width": LABEL_WIDTH,
    }


@register.inclusion_tag("board/snippets/chart.html")
def board_chart(chart: Chart, snapshot_pk: int | None = None) -> dict[str, Any]:
    """A chart as a figure: title, summary, the SVG, the same figures as a table, and its CSV."""
    csv_url = (
        reverse("board:snapshot_chart_csv", kwargs={"pk": snapshot_pk, "key": chart.key})
        if snapshot_pk
        else reverse("board:chart_csv", kwargs={"key": chart.key})
    )
    return {**_drawing(chart), "csv_url": csv_url}


@register.inclusion_tag("board/snippets/chart_print.html")
def board_chart_print(chart: Chart) -> dict[str, Any]:
    """The chart's SVG for the board pack, each part a tagged Figure named by alt. An image cannot
    break across pages, so a chart taller than a page is drawn as consecutive windows onto the one
    drawing (one scale for every part), a page's worth of rows each, rather than shrunk until its
    labels cannot be read."""
    drawing = _drawing(chart)
    band = len(chart.series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP  # one row's height, as layout() draws it
    per_part = max(1, PRINT_PART_HEIGHT // band)
    count = math.ceil(len(chart.rows) / per_part)
    parts = []
    for index in range(count):
        rows = chart.rows[index * per_part : (index + 1) * per_part]
        top, height = index * per_part * band, len(rows) * band
        span = f"{rows[0].label} to {rows[-1].label}"
        if count == 1:
            alt = chart.summary
        elif index == 0:
            alt = f"{chart.summary} Drawn in {count} parts; part 1: {span}."
        else:
            alt = f"{chart.title}, part {index + 1} of {count}: {span}."
        parts.append(
            {
                "alt": alt,
                "top": top,
                "height": height,
                "bars": [paint for paint in drawing["bars"] if top <= paint[0].y < top + height],
                "texts": [text for text in drawing["texts"] if top <= text.y < top + height],
            }
        )
    return {**drawing, "parts": parts}
