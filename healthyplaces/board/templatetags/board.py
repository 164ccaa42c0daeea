from typing import Any

from django import template
from django.urls import reverse

from healthyplaces.board.charts import LABEL_WIDTH, WIDTH, Chart

register = template.Library()


@register.inclusion_tag("board/snippets/chart.html")
def board_chart(chart: Chart, snapshot_pk: int | None = None) -> dict[str, Any]:
    """A chart as a figure: title, summary, the SVG, the same figures as a table, and its CSV."""
    csv_url = (
        reverse("board:snapshot_chart_csv", kwargs={"pk": snapshot_pk, "key": chart.key})
        if snapshot_pk
        else reverse("board:chart_csv", kwargs={"key": chart.key})
    )
    return {"chart": chart, "layout": chart.layout(), "csv_url": csv_url, "width": WIDTH, "label_width": LABEL_WIDTH}
