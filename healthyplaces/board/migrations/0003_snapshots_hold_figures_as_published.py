"""Snapshots frozen before the small-numbers rule covered every count held the raw counts (the
pages hid 1 to 4 when showing them) and listed every insight informing an action. A snapshot must
never hold a small number the board could not see: rewrite each one's figures as the rule
publishes them now (healthyplaces.core.disclosure), and keep in its closed loop only the insights
answered in public and each grant's people reached as the board may see it. The one deliberate change to frozen rows: what the board saw stays the same,
less what it should never have been able to work out."""

from typing import Any

from django.db import migrations

from healthyplaces.core.disclosure import protect_columns, published_count


def _protect_chart(chart: dict[str, Any]) -> None:
    protected = [index for index, series in enumerate(chart["series"]) if series.get("suppress")]
    rows = chart["rows"]
    columns = [[row["values"][index] for row in rows] for index in protected]
    if not columns or not all(isinstance(value, int) for column in columns for value in column):
        return
    published = protect_columns(columns, labels=[row["label"] for row in rows])
    for column, index in zip(published, protected, strict=True):
        for row, figure in zip(rows, column, strict=True):
            row["values"][index] = figure


def _protect_loop(loop: list[dict[str, Any]]) -> None:
    if not loop or not all(isinstance(row[key], int) for row in loop for key in ("insights", "responses")):
        return
    insights, responses = protect_columns(
        [[row["insights"] for row in loop], [row["responses"] for row in loop]],
        labels=[f"{row['number']:03d}" for row in loop],
    )
    for row, shown_insights, shown_responses in zip(loop, insights, responses, strict=True):
        row["insights"], row["responses"] = shown_insights, shown_responses


def forwards(apps: Any, schema_editor: Any) -> None:
    snapshot_model = apps.get_model("board", "BoardSnapshot")
    action_model = apps.get_model("board", "SnapshotAction")
    for snapshot in snapshot_model.objects.all():
        figures = snapshot.figures
        for chart in figures.get("charts", []):
            _protect_chart(chart)
        _protect_loop(figures.get("loop", []))
        # Frozen rows refuse save(); a queryset update is this migration's one deliberate change.
        snapshot_model.objects.filter(pk=snapshot.pk).update(figures=figures)
    for row in action_model.objects.all():
        loop = row.closed_loop
        answered = {response.get("title") for response in loop.get("responses", [])}
        kept = [insight for insight in loop.get("insights", []) if insight.get("title") in answered]
        grants = [
            {**grant, "people_reached": published_count(grant["people_reached"])}
            if isinstance(grant.get("people_reached"), int)
            else grant
            for grant in loop.get("grants", [])
        ]
        if kept != loop.get("insights", []) or grants != loop.get("grants", []):
            action_model.objects.filter(pk=row.pk).update(closed_loop={**loop, "insights": kept, "grants": grants})


class Migration(migrations.Migration):
    dependencies = [("board", "0002_role_permissions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
