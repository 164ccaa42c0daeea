"""Time the weekly progress digest for a board of 200: not a test, a measurement.

    DJANGO_SETTINGS_MODULE=healthyplaces.settings.test .venv/bin/python scripts/benchmark_digest.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/healthyplaces \\
        DJANGO_SETTINGS_MODULE=healthyplaces.settings.test .venv/bin/python scripts/benchmark_digest.py

It makes a throwaway database with Django's test-database machinery (a file in a temporary folder
for SQLite, test_<name>_benchmark on Postgres), fills it with a year of plan activity, times
`digests_queue` three times from the same starting state and reports the best run, then destroys
the database. Celery publishes to the in-memory broker (CELERY_BROKER_URL=memory://), so the
timing includes handing 200 tasks to a broker but not a network round trip or the sending itself.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthyplaces.settings.test")
# Publishing stays in this process: no Redis or broker folder needed, nothing left behind.
os.environ["CELERY_BROKER_URL"] = "memory://"

import django  # noqa: E402

django.setup()
# The memory transport has no host; kombu says so once per connection.
logging.getLogger("kombu.connection").setLevel(logging.ERROR)

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402

from actions.models import Action, ActionUpdate, Milestone, Status  # noqa: E402
from actions.services import actions_load_plan  # noqa: E402
from healthyplaces.accounts.models import User  # noqa: E402
from healthyplaces.accounts.roles import Role  # noqa: E402
from healthyplaces.notifications.models import DigestFrequency, DigestSubscription, Notification  # noqa: E402
from healthyplaces.notifications.services import digests_queue  # noqa: E402

LONDON = ZoneInfo("Europe/London")
# Monday 30 November 2026, 08:00: when the weekly schedule runs.
NOW = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
RECIPIENTS = 200
WEEKS = 52
# Board members who have saved their preferences (a row, covered until last Monday); the rest
# get the weekly digest by default and have no row until their first digest.
WITH_SUBSCRIPTION_ROW = 50
# How a year of activity moves each action's status, one step a month or so.
STATUS_CYCLE = (Status.ON_TRACK, Status.ON_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.OFF_TRACK)


def build_data() -> dict[str, int]:
    actions_load_plan()
    actions = list(Action.objects.order_by("number"))
    officers = User.objects.bulk_create(
        User(email=f"officer{n}@example.org", full_name=f"Officer {n}", password=make_password(None)) for n in range(18)
    )
    board = User.objects.bulk_create(
        User(email=f"board{n}@example.org", full_name=f"Board Member {n}", password=make_password(None))
        for n in range(RECIPIENTS)
    )
    board_group = Group.objects.get(name=Role.BOARD_MEMBER)
    officer_group = Group.objects.get(name=Role.COUNCIL_OFFICER)
    memberships = User.groups.through
    memberships.objects.bulk_create(
        [memberships(user_id=user.pk, group_id=board_group.pk) for user in board]
        + [memberships(user_id=user.pk, group_id=officer_group.pk) for user in officers]
    )

    # A year of weekly updates per action, the newest this morning's week; about one in five
    # changes the status, and every update says what happened.
    updates: list[ActionUpdate] = []
    start = NOW - datetime.timedelta(days=365)
    for index, action in enumerate(actions):
        action.lead_officers.add(officers[index])
        status = Status.NOT_STARTED
        progress = 0
        for week in range(WEEKS):
            created_at = start + datetime.timedelta(days=7 * week + 1, hours=index % 8, minutes=index)
            new_status = STATUS_CYCLE[(week // 4 + index) % len(STATUS_CYCLE)] if week % 5 == index % 5 else status
            new_progress = min(100, progress + (index + week) % 3)
            why = "a partner pulled out of the next session" if new_status != status else "no change in status"
            updates.append(
                ActionUpdate(
                    action=action,
                    author=officers[index],
                    created_at=created_at,
                    version=week + 2,
                    old_status=status,
                    new_status=new_status,
                    old_progress=progress,
                    new_progress=new_progress,
                    old_next_review_date=(created_at + datetime.timedelta(days=21)).date(),
                    new_next_review_date=(created_at + datetime.timedelta(days=28)).date(),
                    narrative=f"Week {week + 1}: met partners about action {action.number}; {why}.",
                )
            )
            status, progress = new_status, new_progress
        action.status = status
        action.progress = progress
        action.version = WEEKS + 1
        # A third of the actions are overdue for review.
        action.next_review_date = (NOW + datetime.timedelta(days=-10 if index % 3 == 0 else 20)).date()
    ActionUpdate.objects.bulk_create(updates)
    Action.objects.bulk_update(actions, ["status", "progress", "version", "next_review_date"])

    # Four milestones per action: two done (one of them last week), one due within four weeks,
    # one due next year.
    today = NOW.date()
    milestones = []
    for index, action in enumerate(actions):
        milestones += [
            Milestone(
                action=action,
                title=f"Milestone A{action.number}",
                due_date=today - datetime.timedelta(days=200),
                done=True,
                done_on=today - datetime.timedelta(days=190),
            ),
            Milestone(
                action=action,
                title=f"Milestone B{action.number}",
                due_date=today - datetime.timedelta(days=3),
                done=True,
                done_on=today - datetime.timedelta(days=1 + index % 6),
            ),
            Milestone(
                action=action, title=f"Milestone C{action.number}", due_date=today + datetime.timedelta(days=index + 1)
            ),
            Milestone(
                action=action, title=f"Milestone D{action.number}", due_date=today + datetime.timedelta(days=200)
            ),
        ]
    Milestone.objects.bulk_create(milestones)
    return {"actions": len(actions), "updates": len(updates), "milestones": len(milestones), "recipients": len(board)}


def reset_digest_state() -> None:
    """As before the Monday run: no notifications, and the subscription rows as people left them."""
    Notification.objects.all().delete()
    DigestSubscription.objects.all().delete()
    board = User.objects.filter(groups__name=Role.BOARD_MEMBER).order_by("pk")[:WITH_SUBSCRIPTION_ROW]
    DigestSubscription.objects.bulk_create(
        DigestSubscription(user=user, frequency=DigestFrequency.WEEKLY, covered_until=NOW - datetime.timedelta(days=7))
        for user in board
    )


def time_runs(runs: int) -> list[tuple[float, int, int]]:
    """(seconds, queries, notifications queued) for each run, each from the same starting state."""
    results = []
    for _ in range(runs):
        reset_digest_state()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            queued = digests_queue(now=NOW)
            elapsed = time.perf_counter() - started
        if queued != RECIPIENTS or Notification.objects.count() != RECIPIENTS:
            raise SystemExit(f"Expected {RECIPIENTS} digests, got {queued}")
        results.append((elapsed, len(queries.captured_queries), queued))
    return results


def describe_database() -> str:
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row: Any = cursor.fetchone()
        return f"PostgreSQL {row[0]} on {connection.settings_dict['HOST'] or 'local socket'}"
    if vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (file, WAL)"
    return vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the best is reported (default 3)")
    args = parser.parse_args()

    test_settings = connection.settings_dict.setdefault("TEST", {})
    workdir = tempfile.TemporaryDirectory(prefix="digest-benchmark-")
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(Path(workdir.name) / "benchmark.sqlite3")
    else:
        # Apart from the test suite's own test database, so both can run at once.
        test_settings["NAME"] = f"test_{connection.settings_dict['NAME']}_benchmark"

    old_name = connection.settings_dict["NAME"]
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        database = describe_database()
        counts = build_data()
        results = time_runs(args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        workdir.cleanup()

    best_seconds, queries, queued = min(results)
    print(f"Database:       {database}")
    print(f"Machine:        {os.cpu_count()} CPUs, Python {platform.python_version()}, Django {django.get_version()}")
    print(f"Broker:         {settings.CELERY_BROKER_URL}")
    print(
        f"Data:           {counts['actions']} actions, {counts['updates']} action updates over 365 days, "
        f"{counts['milestones']} milestones, {counts['recipients']} board members"
    )
    print(f"Measured:       digests_queue(now={NOW.isoformat()}): {queued} weekly digests rendered and queued")
    print(f"Runs (s):       {', '.join(f'{seconds:.3f}' for seconds, _, _ in results)}")
    print(f"Best of {len(results)} (s):  {best_seconds:.3f}")
    print(f"Median (s):     {statistics.median(seconds for seconds, _, _ in results):.3f}")
    print(f"Queries:        {queries} ({queries / queued:.1f} per recipient)")
    print(f"Per recipient:  {best_seconds / queued * 1000:.2f} ms")


if __name__ == "__main__":
    main()
