"""Writes for the board: freezing a snapshot and loading ward deprivation deciles."""

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, Q

from actions.models import Action
from actions.selectors import ActionLoop, action_loop, recent_insights_prefetch
from funding.models import Application
from funding.workflow import AWARDED
from healthyplaces.accounts.models import User
from healthyplaces.board.models import BoardSnapshot, SnapshotAction, WardDeprivation
from healthyplaces.board.permissions import can_freeze_snapshot, can_load_deprivation
from healthyplaces.board.selectors import dashboard_figures
from healthyplaces.core.disclosure import published_count
from healthyplaces.vocabulary.models import Ward
from insights.imports import decode_csv_upload


def loop_to_json(loop: ActionLoop) -> dict[str, Any]:
    """What the board may keep of an action's loop. Of the insights, only those answered in public
    ("you said, we did" already publishes them): a list of the rest would be row-level insights,
    and its length a count the small-numbers rule hides."""
    return {
        "insights": [
            {"title": i.title, "heard_on": i.heard_on.isoformat()} for i in loop.insights if i.response_published
        ],
        "grants": [
            {
                "project": grant.application.project_title,
                "organisation": str(grant.application.organisation),
                "awarded": str(grant.application.amount_awarded or ""),
                "reported": grant.report.what_happened if grant.report else "",
                # As the board may see it: a small number of people reached is "fewer than 5".
                "people_reached": published_count(grant.report.people_reached)
                if grant.report and grant.report.people_reached is not None
                else None,
            }
            for grant in loop.grants
        ],
        "responses": [{"title": i.title, "response": i.response} for i in loop.responses],
    }


def _actions_with_applications() -> list[tuple[Action, list[Application]]]:
    """Every action with the awarded grants under its priorities: three queries for all 18."""
    actions = Action.objects.prefetch_related(
        recent_insights_prefetch(),
        Prefetch(
            "priorities__applications",
            queryset=Application.objects.filter(state__in=AWARDED).select_related("organisation", "report"),
        ),
    )
    return [
        (action, [application for priority in action.priorities.all() for application in priority.applications.all()])
        for action in actions
    ]


@transaction.atomic
def snapshot_freeze(*, actor: User, meeting_date: datetime.date) -> BoardSnapshot:
    """Copy every action's status, progress, latest narrative and closed loop, and the dashboard's
    figures, into rows that are never changed afterwards."""
    if not can_freeze_snapshot(actor):
        raise PermissionDenied("Only programme admins can freeze a board snapshot")
    if BoardSnapshot.objects.filter(meeting_date=meeting_date).exists():
        raise ValidationError({"meeting_date": "There is already a snapshot for a board meeting on this date"})
    figures = dashboard_figures()
    snapshot = BoardSnapshot.objects.create(meeting_date=meeting_date, frozen_by=actor, figures=figures.to_json())
    by_number = {row.number: row for row in figures.actions}
    SnapshotAction.objects.bulk_create(
        SnapshotAction(
            snapshot=snapshot,
            action=action,
            number=action.number,
            title=action.title,
            status=by_number[action.number].status,
            progress=by_number[action.number].progress,
            next_review_date=by_number[action.number].next_review_date,
            narrative=by_number[action.number].narrative,
            closed_loop=loop_to_json(action_loop(action=action, applications=applications)),
        )
        for action, applications in _actions_with_applications()
        if action.number in by_number
    )
    return snapshot


# --- ward deprivation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeprivationRowError:
    line: int
    message: str


class DeprivationFileInvalid(ValidationError):
    def __init__(self, errors: list[DeprivationRowError]) -> None:
        super().__init__([f"Line {e.line}: {e.message}" if e.line else e.message for e in errors])
        self.row_errors = errors


WARD_COLUMNS = ("ward", "ward name", "ward code", "ons code", "ward ons code")
DECILE_COLUMNS = ("decile", "imd decile", "deprivation decile")


def _read(uploaded: UploadedFile) -> list[dict[str, str]]:
    try:
        text = decode_csv_upload(uploaded)
    except ValidationError as error:
        raise DeprivationFileInvalid([DeprivationRowError(0, message) for message in error.messages]) from error
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
    except csv.Error as error:
        raise DeprivationFileInvalid([DeprivationRowError(0, f"The file could not be read as CSV: {error}")]) from error


def _column(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((name for name in names if name in row), None)


@transaction.atomic
def deprivation_load(*, actor: User, uploaded: UploadedFile) -> int:
    """Replace every ward's decile with the file's (a ward column by name or ONS code, and a
    decile from 1 to 10). Every row is checked first; one bad row loads nothing."""
    if not can_load_deprivation(actor):
        raise PermissionDenied("Only programme admins can load deprivation figures")
    rows = _read(uploaded)
    if not rows:
        raise DeprivationFileInvalid([DeprivationRowError(0, "The file has no rows of wards")])
    ward_column, decile_column = _column(rows[0], WARD_COLUMNS), _column(rows[0], DECILE_COLUMNS)
    if ward_column is None or decile_column is None:
        raise DeprivationFileInvalid(
            [DeprivationRowError(0, "The header row must name a ward column (ward or ward code) and a decile column")]
        )
    names = {row[ward_column] for row in rows}
    wards: dict[str, Ward] = {}
    for ward in Ward.objects.filter(Q(name__in=names) | Q(ons_code__in=names)):
        wards[ward.name.lower()] = wards[ward.ons_code.lower()] = ward
    errors: list[DeprivationRowError] = []
    deciles: dict[int, tuple[Ward, int]] = {}
    for line, row in enumerate(rows, start=2):
        ward_or_none = wards.get(row[ward_column].lower()) if row[ward_column] else None
        if ward_or_none is None:
            errors.append(DeprivationRowError(line, f"“{row[ward_column]}” is not a ward name or ONS code we know"))
            continue
        value = row[decile_column]
        if not value.isdigit() or not 1 <= int(value) <= 10:
            errors.append(DeprivationRowError(line, f"The decile must be a whole number from 1 to 10, not “{value}”"))
            continue
        if ward_or_none.pk in deciles:
            errors.append(DeprivationRowError(line, f"{ward_or_none.name} is in the file twice"))
            continue
        deciles[ward_or_none.pk] = (ward_or_none, int(value))
    if errors:
        raise DeprivationFileInvalid(errors)
    WardDeprivation.objects.all().delete()
    WardDeprivation.objects.bulk_create(
        WardDeprivation(ward=ward, decile=decile, loaded_by=actor) for ward, decile in deciles.values()
    )
    return len(deciles)
