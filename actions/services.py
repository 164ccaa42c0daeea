"""Writes to the action tracker. Views and commands call these; nothing else writes actions."""

import datetime
import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionUpdate, Milestone, Status
from actions.permissions import can_update_action
from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.core.links import absolute_url
from healthyplaces.notifications.services import notification_queue
from healthyplaces.vocabulary.models import Theme

PLAN_FILE = Path(__file__).resolve().parent / "data" / "plan_actions.json"


class PlanAction(TypedDict):
    number: int
    title: str
    text: str
    themes: list[str]


def read_plan_file(path: Path = PLAN_FILE) -> list[PlanAction]:
    with path.open(encoding="utf-8") as handle:
        actions: list[PlanAction] = json.load(handle)["actions"]
    return actions


@transaction.atomic
def actions_load_plan(*, path: Path = PLAN_FILE) -> int:
    """Create the plan's actions that are not there yet; returns how many were created.

    An action already in the database is left exactly as officers have kept it, so running the
    loader again (every start-up does) never undoes their edits."""
    existing = set(Action.objects.values_list("number", flat=True))
    created = 0
    for entry in read_plan_file(path):
        if entry["number"] in existing:
            continue
        action = Action.objects.create(number=entry["number"], title=entry["title"], text=entry["text"])
        themes = [Theme.objects.get_or_create(name=name)[0] for name in entry["themes"]]
        action.themes.set(themes)
        created += 1
    return created


@dataclass(frozen=True)
class NewMilestone:
    title: str
    due_date: datetime.date | None


class ActionConflict(Exception):
    """Someone saved the action after this form was loaded; nothing was written."""

    def __init__(self, *, action: Action, current_version: int) -> None:
        super().__init__(f"Action {action.number} is at version {current_version}")
        self.action = action
        self.current_version = current_version


def _milestone_changes(
    action: Action, *, done_ids: Collection[int], new_milestone: NewMilestone | None, today: datetime.date
) -> list[dict[str, str]]:
    changes: list[dict[str, str]] = []
    for milestone in action.milestones.select_for_update():
        should_be_done = milestone.pk in done_ids
        if should_be_done == milestone.done:
            continue
        milestone.done = should_be_done
        milestone.done_on = today if should_be_done else None
        milestone.save(update_fields=["done", "done_on"])
        changes.append({"title": milestone.title, "change": "done" if should_be_done else "reopened"})
    if new_milestone is not None:
        Milestone.objects.create(action=action, title=new_milestone.title, due_date=new_milestone.due_date)
        changes.append({"title": new_milestone.title, "change": "added"})
    return changes


@transaction.atomic
def action_update(
    *,
    actor: User,
    action: Action,
    expected_version: int,
    status: str,
    progress: int,
    next_review_date: datetime.date | None,
    narrative: str,
    done_milestone_ids: Collection[int] = (),
    new_milestone: NewMilestone | None = None,
) -> ActionUpdate:
    """Record an update and append it to the timeline.

    The row moves from expected_version to the next only if nobody else moved it first; if they
    did, ActionConflict is raised and nothing is written."""
    if not can_update_action(actor, action):
        raise PermissionDenied("Only the action's leads and programme admins can update it")
    narrative = narrative.strip()
    if status not in Status.values:
        raise ValidationError({"status": "Select a status"})
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "Progress must be between 0 and 100"})
    if status != action.status and not narrative:
        raise ValidationError({"narrative": "Explain why the status changed"})

    claimed = Action.objects.filter(pk=action.pk, version=expected_version).update(
        status=status,
        progress=progress,
        next_review_date=next_review_date,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not claimed:
        current = Action.objects.values_list("version", flat=True).get(pk=action.pk)
        raise ActionConflict(action=action, current_version=current)

    # Everything below runs only for the editor who won the version, so "old" values are the
    # ones this editor was looking at.
    changes = _milestone_changes(
        action, done_ids=set(done_milestone_ids), new_milestone=new_milestone, today=timezone.localdate()
    )
    nothing_changed = (
        status == action.status
        and progress == action.progress
        and next_review_date == action.next_review_date
        and not changes
        and not narrative
    )
    if nothing_changed:
        raise ValidationError("Change something or add a note about progress before saving")

    update = ActionUpdate.objects.create(
        action=action,
        author=actor,
        version=expected_version + 1,
        old_status=action.status,
        new_status=status,
        old_progress=action.progress,
        new_progress=progress,
        old_next_review_date=action.next_review_date,
        new_next_review_date=next_review_date,
        milestone_changes=changes,
        narrative=narrative,
    )
    action.refresh_from_db()
    # A new next review date starts a new reminder cycle; if it is already close, remind now.
    review_reminders_queue(today=timezone.localdate(), action_ids=[action.pk])
    return update


@transaction.atomic
def review_reminders_queue(*, today: datetime.date, action_ids: Collection[int] | None = None) -> int:
    """Remind each lead officer once per action per review cycle (a cycle is one next review
    date) when the date is near or past, and tell programme admins once per cycle when an action
    is long overdue. Safe to run any number of times; returns how many emails were queued."""
    window_end = today + datetime.timedelta(days=settings.REVIEW_REMINDER_DAYS_BEFORE)
    escalate_on_or_before = today - datetime.timedelta(days=settings.REVIEW_ESCALATION_DAYS_OVERDUE)
    due = (
        Action.objects.filter(next_review_date__lte=window_end)
        .exclude(status=Status.COMPLETE)
        .prefetch_related("lead_officers")
    )
    if action_ids is not None:
        due = due.filter(pk__in=action_ids)
    admins: list[User] | None = None
    queued = 0
    for action in due:
        assert action.next_review_date is not None  # noqa: S101 - the filter above guarantees it
        cycle = f"{action.pk}:{action.next_review_date.isoformat()}"
        context = {
            "action": action,
            "action_url": absolute_url(action.get_absolute_url()),
            "update_url": absolute_url(reverse("actions:update", kwargs={"number": action.number})),
            "days_overdue": (today - action.next_review_date).days,
            "overdue": action.next_review_date < today,
        }
        for lead in action.lead_officers.all():
            if lead.is_active:
                queued += bool(
                    notification_queue(
                        recipient=lead,
                        kind="review_reminder",
                        key=f"review-reminder:{cycle}:{lead.pk}",
                        template="review_reminder",
                        context=context,
                    )
                )
        if action.next_review_date <= escalate_on_or_before:
            if admins is None:
                admins = list(User.objects.filter(groups__name=Role.PROGRAMME_ADMIN, is_active=True))
            for admin in admins:
                queued += bool(
                    notification_queue(
                        recipient=admin,
                        kind="review_escalation",
                        key=f"review-escalation:{cycle}:{admin.pk}",
                        template="review_escalation",
                        context={**context, "leads": list(action.lead_officers.all())},
                    )
                )
    return queued
