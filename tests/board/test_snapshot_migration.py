"""Snapshots frozen before the small-numbers rule are rewritten as the rule publishes them."""

import importlib

import pytest
from django.apps import apps

from healthyplaces.board.models import BoardSnapshot, SnapshotAction
from healthyplaces.board.selectors import snapshot_figures
from healthyplaces.board.services import snapshot_freeze
from tests.board.test_services import MEETING

pytestmark = pytest.mark.django_db

migration = importlib.import_module("healthyplaces.board.migrations.0003_snapshots_hold_figures_as_published")


def test_an_old_snapshot_no_longer_holds_small_numbers(world, admin_user):
    snapshot = snapshot_freeze(actor=admin_user, meeting_date=MEETING)
    # As an old snapshot stored them: every count raw, every insight of the loop listed.
    old = snapshot.figures
    themes = next(chart for chart in old["charts"] if chart["key"] == "themes")
    themes["rows"] = [
        {"label": "Loneliness", "values": [4], "note": ""},
        {"label": "Transport", "values": [5], "note": ""},
    ]
    for row in old["loop"]:
        row["insights"], row["responses"] = (2, 1) if row["number"] == 9 else (0, 0)
    BoardSnapshot.objects.filter(pk=snapshot.pk).update(figures=old)
    action_9 = snapshot.actions.get(number=9)
    loop = {
        **action_9.closed_loop,
        "insights": [
            {"title": "Answered", "heard_on": "2026-10-01"},
            {"title": "Not answered", "heard_on": "2026-10-02"},
        ],
        "responses": [{"title": "Answered", "response": "We did"}],
        "grants": [{"project": "Lunch club", "people_reached": 3}, {"project": "Walks", "people_reached": 40}],
    }
    SnapshotAction.objects.filter(pk=action_9.pk).update(closed_loop=loop)

    migration.forwards(apps, None)

    stored = BoardSnapshot.objects.get(pk=snapshot.pk).figures
    themes = next(chart for chart in stored["charts"] if chart["key"] == "themes")
    assert [row["values"] for row in themes["rows"]] == [["fewer than 5"], ["withheld"]]
    loop_9 = next(row for row in stored["loop"] if row["number"] == 9)
    assert (loop_9["insights"], loop_9["responses"]) == ("fewer than 5", "fewer than 5")
    migrated_loop = SnapshotAction.objects.get(pk=action_9.pk).closed_loop
    assert [i["title"] for i in migrated_loop["insights"]] == ["Answered"]
    assert [g["people_reached"] for g in migrated_loop["grants"]] == ["fewer than 5", 40]
    # Read back, the snapshot shows the same figures it stores.
    figures = snapshot_figures(BoardSnapshot.objects.get(pk=snapshot.pk))
    assert figures.chart("themes").table == [("Loneliness", "", ["fewer than 5"]), ("Transport", "", ["withheld"])]


def test_a_new_snapshot_stores_only_figures_as_published(world, admin_user):
    snapshot = snapshot_freeze(actor=admin_user, meeting_date=MEETING)

    stored = BoardSnapshot.objects.get(pk=snapshot.pk).figures
    protected = [
        value
        for chart in stored["charts"]
        for index, series in enumerate(chart["series"])
        if series["suppress"]
        for row in chart["rows"]
        for value in [row["values"][index]]
    ] + [row[key] for row in stored["loop"] for key in ("insights", "responses")]
    assert "fewer than 5" in protected
    assert [value for value in protected if isinstance(value, int) and 0 < value < 5] == []
