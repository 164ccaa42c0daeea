import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from actions.models import Action, ActionUpdate, Milestone, Status
from actions.services import ActionConflict, NewMilestone, action_update
from tests.factories import ActionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def update(action, actor, **changes):
    values = {
        "actor": actor,
        "action": action,
        "expected_version": action.version,
        "status": action.status,
        "progress": action.progress,
        "next_review_date": action.next_review_date,
        "narrative": "",
    }
    values.update(changes)
    return action_update(**values)


@time_machine.travel(datetime.datetime(2026, 11, 26, 10, 30, tzinfo=datetime.UTC), tick=False)
def test_an_update_changes_the_action_and_appends_to_the_timeline(officer, led_action):
    entry = update(
        led_action,
        officer,
        status=Status.AT_RISK,
        progress=40,
        next_review_date=datetime.date(2027, 1, 15),
        narrative="Venue fell through; looking for another.",
    )

    action = Action.objects.get(pk=led_action.pk)
    assert (action.status, action.progress, action.next_review_date) == (
        Status.AT_RISK,
        40,
        datetime.date(2027, 1, 15),
    )
    assert action.version == 2
    assert entry.author == officer
    assert (entry.old_status, entry.new_status) == (Status.ON_TRACK, Status.AT_RISK)
    assert (entry.old_progress, entry.new_progress) == (25, 40)
    assert entry.old_next_review_date == datetime.date(2026, 12, 31)
    assert entry.created_at == datetime.datetime(2026, 11, 26, 10, 30, tzinfo=datetime.UTC)
    assert entry.version == 2
    assert list(action.updates.all()) == [entry]


def test_a_status_change_needs_a_narrative(officer, led_action):
    with pytest.raises(ValidationError) as error:
        update(led_action, officer, status=Status.OFF_TRACK, narrative="   ")

    assert error.value.message_dict == {"narrative": ["Explain why the status changed"]}
    assert Action.objects.get(pk=led_action.pk).status == Status.ON_TRACK
    assert not ActionUpdate.objects.exists()


def test_the_database_refuses_a_status_change_without_narrative(officer, led_action):
    with pytest.raises(IntegrityError):
        ActionUpdate.objects.create(
            action=led_action,
            author=officer,
            version=2,
            old_status=Status.ON_TRACK,
            new_status=Status.AT_RISK,
            old_progress=1,
            new_progress=1,
            narrative="",
        )


def test_progress_alone_needs_no_narrative(officer, led_action):
    entry = update(led_action, officer, progress=30)

    assert (entry.old_progress, entry.new_progress, entry.narrative) == (25, 30, "")


def test_an_update_that_changes_nothing_is_refused_and_writes_nothing(officer, led_action):
    with pytest.raises(ValidationError):
        update(led_action, officer)

    assert Action.objects.get(pk=led_action.pk).version == 1
    assert not ActionUpdate.objects.exists()


def test_progress_outside_0_to_100_is_refused(officer, led_action):
    with pytest.raises(ValidationError):
        update(led_action, officer, progress=101)


def test_an_officer_who_does_not_lead_the_action_cannot_update_it(other_officer, led_action):
    with pytest.raises(PermissionDenied):
        update(led_action, other_officer, progress=90)

    assert Action.objects.get(pk=led_action.pk).progress == 25


def test_a_board_member_cannot_update(board_member, led_action):
    with pytest.raises(PermissionDenied):
        update(led_action, board_member, progress=90)


def test_a_programme_admin_can_update_any_action(admin_user, led_action):
    entry = update(led_action, admin_user, progress=55)

    assert entry.author == admin_user


def test_a_stale_version_is_refused_and_nothing_is_written(officer, admin_user, led_action):
    loaded_version = led_action.version
    update(led_action, admin_user, status=Status.AT_RISK, narrative="Funding delayed")
    stale = Action.objects.get(pk=led_action.pk)

    with pytest.raises(ActionConflict) as conflict:
        update(stale, officer, expected_version=loaded_version, progress=80, narrative="Going well")

    assert conflict.value.current_version == 2
    action = Action.objects.get(pk=led_action.pk)
    assert (action.status, action.progress, action.version) == (Status.AT_RISK, 25, 2)
    assert ActionUpdate.objects.count() == 1


@time_machine.travel(datetime.date(2026, 11, 26), tick=False)
def test_milestones_are_marked_done_reopened_and_added(officer, led_action):
    finished = MilestoneFactory(action=led_action, title="Book venues")
    reopened = MilestoneFactory(action=led_action, title="Recruit connectors", done=True)

    entry = update(
        led_action,
        officer,
        done_milestone_ids=[finished.pk],
        new_milestone=NewMilestone("Hold first forum", datetime.date(2027, 2, 1)),
    )

    finished.refresh_from_db()
    reopened.refresh_from_db()
    assert (finished.done, finished.done_on) == (True, datetime.date(2026, 11, 26))
    assert (reopened.done, reopened.done_on) == (False, None)
    assert Milestone.objects.get(title="Hold first forum").due_date == datetime.date(2027, 2, 1)
    assert sorted(entry.milestone_changes, key=lambda change: change["title"]) == [
        {"title": "Book venues", "change": "done"},
        {"title": "Hold first forum", "change": "added"},
        {"title": "Recruit connectors", "change": "reopened"},
    ]


def test_timeline_entries_are_append_only(officer, led_action):
    entry = update(led_action, officer, progress=35)

    entry.narrative = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


@time_machine.travel(datetime.date(2026, 11, 26), tick=False)
def test_overdue_for_review_means_a_past_review_date_on_an_unfinished_action():
    assert ActionFactory(number=1, next_review_date=datetime.date(2026, 11, 25)).is_overdue_for_review()
    assert not ActionFactory(number=2, next_review_date=datetime.date(2026, 11, 26)).is_overdue_for_review()
    assert not ActionFactory(number=3, next_review_date=None).is_overdue_for_review()
    assert not ActionFactory(
        number=4, next_review_date=datetime.date(2026, 1, 1), status=Status.COMPLETE
    ).is_overdue_for_review()
