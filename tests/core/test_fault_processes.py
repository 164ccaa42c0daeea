"""The portal keeps serving through faults, on real processes: the portal under gunicorn (one worker,
its database connection kept between requests as in production) on the test database, its cache and
Celery broker a redis-server of the test's own.

- Redis killed (SIGKILL) mid-run: signed-in pages, the public pages, signing in and saving still
  work from the database, a wrong password still counts toward the lockout, /healthz/ answers 503
  naming the cache (and the broker, which lives there too) and the outage is logged once, not once a
  request. Redis restarted: the portal uses it again without a restart of its own, and the emails
  queued while the broker was down are each sent once.
- The test database's connections terminated (pg_terminate_backend): the request in flight fails
  and writes nothing; the next requests succeed without a restart."""

import datetime
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from actions.models import Action
from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.celery import app
from healthyplaces.notifications.models import Notification
from healthyplaces.notifications.services import notifications_requeue_unsent
from healthyplaces.notifications.tasks import send_notification
from tests.factories import TEST_PASSWORD, ActionFactory, UserFactory
from tests.support.broker import broker_at
from tests.support.processes import Browser, Portal, RedisServer, wait_until
from tests.support.redis_fixtures import redis_server
from tests.support.workers import database_url

__all__ = ["redis_server"]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOCKED = "You have entered a wrong password too many times"
FAILURES_LIMIT = 3
# Every request during the outage must answer well within this (it answers in milliseconds; a
# page that waited on Redis for each cache call would not).
SLOWEST_ACCEPTABLE_SECONDS = 5.0


@pytest.fixture
def portal(redis_server: RedisServer, tmp_path: Path) -> Iterator[Portal]:
    portal = Portal(
        database_url=database_url(),
        env={
            "REDIS_URL": redis_server.url(0),
            "CELERY_BROKER_URL": redis_server.url(1),
            "LOGIN_FAILURES_LIMIT": str(FAILURES_LIMIT),
            "DJANGO_LOG_LEVEL": "WARNING",
        },
        log=tmp_path / "portal.log",
    )
    try:
        portal.start()
        yield portal
    finally:
        portal.stop()


def session_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def update_form(progress: int, version: int) -> dict[str, str]:
    return {
        "status": "on_track",
        "progress": str(progress),
        "next_review_date-day": "8",
        "next_review_date-month": "1",
        "next_review_date-year": "2027",
        "narrative": f"Progress is now {progress}%.",
        "new_milestone_title": "",
        "new_milestone_due-day": "",
        "new_milestone_due-month": "",
        "new_milestone_due-year": "",
        "version": str(version),
    }


class Timed:
    """Every request's time, so the slowest can be asserted and reported."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, request: Callable[[], Any]) -> Any:
        started = time.monotonic()
        response = request()
        self.seconds.append(time.monotonic() - started)
        return response


@pytest.fixture
def people() -> dict[str, User]:
    officer = UserFactory.create(roles=[Role.COUNCIL_OFFICER])
    ActionFactory(number=9, leads=[officer])
    return {
        "officer": officer,
        "member": UserFactory.create(roles=[Role.COMMUNITY_GROUP_MEMBER]),
        "signs in": UserFactory.create(roles=[Role.COMMUNITY_GROUP_MEMBER]),
        "is tried": UserFactory.create(roles=[Role.COMMUNITY_GROUP_MEMBER]),
        "admin": UserFactory.create(roles=[Role.PROGRAMME_ADMIN]),
    }


OFFICER_PAGES = ["/", "/actions/", "/actions/9/", "/actions/9/update/", "/board/", "/insights/"]
MEMBER_PAGES = ["/", "/account/your-data/"]
PUBLIC_PAGES = ["/you-said-we-did/", "/progress/", "/"]


def assert_pages(browser: Browser, paths: list[str], timed: Timed) -> None:
    for path in paths:
        response = timed(partial(browser.get, path))
        assert response.status == 200, f"{path}: {response.status}\n{response.text[-2000:]}"


@pytest.fixture
def worker(redis_server: RedisServer) -> Iterator[None]:
    """A real Celery worker (a thread of this process, so it shares the mail outbox) on the test's
    own Redis, the portal's broker."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    def close_worker_connections(**kwargs: object) -> None:
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with (
            broker_at(app, redis_server.url(1)),
            start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30),
        ):
            yield
    finally:
        task_postrun.disconnect(close_worker_connections)


def test_with_redis_killed_the_portal_serves_from_the_database_and_recovers_when_it_returns(
    portal: Portal, redis_server: RedisServer, people: dict[str, User], request: pytest.FixtureRequest
) -> None:
    officer = portal.browser(session_of(people["officer"]))
    member = portal.browser(session_of(people["member"]))
    anonymous = portal.browser()
    warm = Timed()
    assert_pages(officer, OFFICER_PAGES, warm)
    assert_pages(member, MEMBER_PAGES, warm)
    assert_pages(anonymous, PUBLIC_PAGES, warm)
    assert redis_server.client(0).dbsize() > 0, "the portal caches in the test's Redis"
    assert anonymous.get("/healthz/").text == "ok"

    redis_server.kill()
    outage = Timed()

    # Signed-in and public pages, from the database.
    assert_pages(officer, OFFICER_PAGES, outage)
    assert_pages(member, MEMBER_PAGES, outage)
    assert_pages(anonymous, PUBLIC_PAGES, outage)

    # An officer's update is saved.
    saved = outage(lambda: officer.post_form("/actions/9/update/", update_form(progress=45, version=1)))
    assert saved.status == 302, saved.text[-2000:]
    assert Action.objects.get(number=9).progress == 45

    # Signing in works; a wrong password still counts, so the lockout holds.
    login = reverse("account_login")
    signed_in = outage(
        lambda: portal.browser().post_form(login, {"login": people["signs in"].email, "password": TEST_PASSWORD})
    )
    assert signed_in.status == 302, signed_in.text[-2000:]
    for attempt in range(FAILURES_LIMIT):
        attempt_form = {"login": people["is tried"].email, "password": f"wrong {attempt}"}
        wrong = outage(partial(portal.browser().post_form, login, attempt_form))
        assert wrong.status == 200
        assert LOCKED not in wrong.text
    locked = portal.browser().post_form(login, {"login": people["is tried"].email, "password": TEST_PASSWORD})
    assert locked.status == 200
    assert LOCKED in locked.text

    # A save whose emails go through the broker (down with Redis): saved, the emails wait.
    erasure = outage(lambda: member.post("/account/your-data/erase/", {}, csrf_from="/account/your-data/"))
    assert erasure.status == 302, erasure.text[-2000:]
    waiting = list(Notification.objects.filter(kind="erasure_request"))
    assert [(n.to_email, n.status) for n in waiting] == [(people["admin"].email, "pending")]

    health = anonymous.get("/healthz/")
    assert health.status == 503
    assert "cache unavailable" in health.text
    assert "broker unavailable" in health.text
    assert "database" not in health.text
    assert anonymous.get("/livez/").status == 200

    assert max(outage.seconds) < SLOWEST_ACCEPTABLE_SECONDS, outage.seconds
    assert portal.logged("Cache unreachable") == 1, "one warning for the outage, not one per request"
    assert "Internal Server Error" not in portal.log.read_text()

    redis_server.start()
    wait_until(lambda: anonymous.get("/healthz/").status == 200, timeout=20, message="/healthz/ to recover")
    after = Timed()
    assert_pages(officer, OFFICER_PAGES, after)
    assert_pages(anonymous, PUBLIC_PAGES, after)
    assert redis_server.client(0).dbsize() > 0, "the portal caches again"
    assert portal.logged("Cache reachable again") == 1
    request.node.user_properties.append(
        ("request seconds (warm, outage, after)", (max(warm.seconds), max(outage.seconds), max(after.seconds)))
    )

    # The five-minute sweep sends what waited, through the restarted broker, once each.
    request.getfixturevalue("worker")
    notifications_requeue_unsent(older_than=datetime.timedelta(0))
    wait_until(
        lambda: not Notification.objects.exclude(status="sent").exists(), timeout=30, message="the emails to be sent"
    )
    # A second sweep and a repeated task send nothing more.
    notifications_requeue_unsent(older_than=datetime.timedelta(0))
    for notification in waiting:
        send_notification.delay(notification.pk)
    marker_user = UserFactory.create()
    member_again = portal.browser(session_of(marker_user))
    assert member_again.post("/account/your-data/erase/", {}, csrf_from="/account/your-data/").status == 302
    wait_until(
        lambda: not Notification.objects.exclude(status="sent").exists(), timeout=30, message="the marker to be sent"
    )
    sent_to = [message.to for message in mail.outbox]
    assert sent_to.count([people["admin"].email]) == 2  # one for each erasure request, none twice
    assert Notification.objects.filter(kind="erasure_request").count() == 2


def terminate_other_connections() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def a_backend_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing the first look at pg_stat_activity.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_terminated_database_connections_fail_only_the_request_in_flight(
    portal: Portal, people: dict[str, User]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's (CI runs PostgreSQL)")
    officer = portal.browser(session_of(people["officer"]))
    timed = Timed()
    assert_pages(officer, OFFICER_PAGES, timed)

    # An officer's save is in flight (waiting on the action's row, which this test holds) when every
    # connection of the portal is terminated: that request fails, and writes nothing.
    with transaction.atomic(), ThreadPoolExecutor(max_workers=1) as pool:
        Action.objects.select_for_update().get(number=9)
        in_flight = pool.submit(officer.post_form, "/actions/9/update/", update_form(progress=50, version=1))
        wait_until(a_backend_waits_on_a_lock, timeout=20, message="the save to wait on the action's row")
        assert terminate_other_connections(), "the portal's connection was there to terminate"
        assert in_flight.result(timeout=30).status == 500
    assert Action.objects.get(number=9).progress != 50

    # The portal's connection, kept after a request, is terminated between requests; the next succeed.
    assert officer.get("/actions/").status == 200
    assert terminate_other_connections(), "the portal's connection, kept between requests, was there to terminate"
    assert_pages(officer, OFFICER_PAGES, timed)
    saved = officer.post_form("/actions/9/update/", update_form(progress=60, version=1))
    assert saved.status == 302, saved.text[-2000:]
    assert Action.objects.get(number=9).progress == 60
    assert portal.browser().get("/healthz/").text == "ok"
    assert portal.logged("Internal Server Error") == 1, "only the request in flight failed"
