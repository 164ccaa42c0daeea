from typing import Any

from django import template
from django.urls import reverse

from healthyplaces.board.charts import LABEL_WIDTH, WIDTH, Chart

register = template.Library()

# Each series' (fill, stroke), as main.scss's .app-chart__bar--N draws it: the drawing carries them
# itself so that the board pack, which has no site stylesheet, shows the same bars.
SERIES_PAINT = (("#106165", "none"), ("#8ac0c3", "#106165"), ("#505a5f", "none"))


def _drawing(chart: Chart) -> dict[str, Any]:
    layout = chart.layout()
    bars = [(bar, *SERIES_PAINT[bar.series_index % len(SERIES_PAINT)]) for bar in layout.bars]
    return {"chart": chart, "layout": layout, "bars": bars, "width": WIDTH, "label_width": LABEL_WIDTH}


@register.inclusion_tag("board/snippets/chart.html")
def board_chart(chart: Chart, snapshot_pk: int | None = None) -> dict[str, Any]:
    """A chart as a figure: title, summary, the SVG, the same figures as a table, and its CSV."""
    csv_url = (
        reverse("board:snapshot_chart_csv", kwargs={"pk": snapshot_pk, "key": chart.key})
        if snapshot_pk
        else reverse("board:chart_csv", kwargs={"key": chart.key})
    )
    return {**_drawing(chart), "csv_url": csv_url}


@register.inclusion_tag("board/snippets/chart_svg.html")
def board_chart_drawing(chart: Chart) -> dict[str, Any]:
    """The chart's SVG alone, named by its summary: the board pack's tagged Figure with its /Alt."""
    return {**_drawing(chart), "alt": chart.summary}
