"""Two web nodes behind HAProxy (round robin), sharing PostgreSQL (or the SQLite test file), Redis and an
object store (moto's S3 server): what one node received the other serves, a session signed in once works
on both, and when node A dies the proxy's next requests succeed through B; two Celery workers and one
beat send 200 queued reminders once each; approvals sent through both nodes at once never overspend
a round. Every process is started on a free loopback port, waited for (bounded) and stopped by its PID
(tests/support/cluster.py, which the page benchmark's two-node load run uses too)."""

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse

from funding.models import Application, Attachment
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.settings.base import private_storage_settings
from tests.conftest import require
from tests.emulators import Emulator, moto_s3, object_names
from tests.factories import UserFactory
from tests.funding.factories import PDF, ApplicationFactory, RoundFactory
from tests.support.cluster import HAPROXY, Cluster, two_nodes
from tests.support.processes import free_port
from tests.support.workers import WorkerProcess, database_url, wait_until

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[Emulator]:
    with moto_s3(tmp_path_factory.mktemp("s3-store")) as running:
        yield running


@pytest.fixture
def cluster(store, settings, tmp_path) -> Iterator[Cluster]:
    require(Path(HAPROXY).exists(), "HAProxy is not installed (apt-get install -y haproxy)")
    settings.STORAGES = {**settings.STORAGES, "private": private_storage_settings(store.kind, store.lookup)}
    env = {
        **os.environ,
        **store.environment,
        "DJANGO_SETTINGS_MODULE": "healthyplaces.settings.test",
        "DATABASE_URL": database_url(),
        "PRIVATE_STORAGE": store.kind,
        # An empty folder of the nodes' own: a document written to a node's disk would be noticed.
        "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "node-disk"),
    }
    with two_nodes(env, tmp_path, proxy_port=free_port(), node_ports={"a": free_port(), "b": free_port()}) as running:
        yield running


def signed_in(user) -> requests.Session:
    """A browser's session, signed in once (a session row in the shared database)."""
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    return browser


def documents_url(application) -> str:
    return reverse("funding:section", kwargs={"pk": application.pk, "section": "documents"})


def test_a_document_uploaded_through_node_a_is_downloaded_through_node_b(cluster, store, tmp_path):
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    draft = ApplicationFactory(members=[member])
    group = signed_in(member)
    page = group.get(cluster.a.url + documents_url(draft), timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert page.status_code == 200
    assert token

    sent = group.post(
        cluster.a.url + documents_url(draft),
        data={"csrfmiddlewaretoken": token.group(1), "action": "upload", "kind": "constitution"},
        files={"file": ("Constitution.pdf", PDF, "application/pdf")},
        headers={"Referer": cluster.a.url + documents_url(draft)},
        allow_redirects=False,
        timeout=20,
    )

    assert sent.status_code == 302, sent.text[:2000]
    attachment = Attachment.objects.get()
    assert attachment.file.name in object_names(store)
    assert not (tmp_path / "node-disk").exists()  # nothing on either node's disk
    Application.objects.filter(pk=draft.pk).update(state=State.SUBMITTED, reference="HP-2026-00001")
    download = reverse("funding:attachment", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    officer = signed_in(UserFactory(roles=[Role.COUNCIL_OFFICER]))
    served = officer.get(cluster.b.url + download, allow_redirects=False, timeout=10)
    assert served.status_code == 200, served.text[:2000]
    assert served.content == PDF
    assert served.headers["Content-Disposition"] == 'attachment; filename="Constitution.pdf"'
    stranger = signed_in(UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]))
    assert stranger.get(cluster.b.url + download, allow_redirects=False, timeout=10).status_code == 404


def test_a_session_moves_between_nodes_and_survives_node_a_dying(cluster):
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    draft = ApplicationFactory(members=[member])
    browser = signed_in(member)
    url = cluster.proxy + documents_url(draft)

    answers = [browser.get(url, allow_redirects=False, timeout=10) for _ in range(6)]

    assert [answer.status_code for answer in answers] == [200] * 6  # never sent to sign in again
    assert {answer.headers["X-Node"] for answer in answers} == {"a", "b"}
    # Node A dies at once, master and workers (SIGKILL to its process group: no graceful finish).
    os.killpg(cluster.a.process.pid, signal.SIGKILL)
    cluster.a.process.wait(timeout=10)
    after = [browser.get(url, allow_redirects=False, timeout=10) for _ in range(6)]
    assert [answer.status_code for answer in after] == [200] * 6
    assert {answer.headers["X-Node"] for answer in after} == {"b"}


def test_200_reminders_queued_while_two_workers_and_a_beat_run_are_each_sent_once(tmp_path):
    from healthyplaces.celery import app
    from healthyplaces.notifications.models import Notification
    from healthyplaces.notifications.services import notification_queue
    from tests.factories import ActionFactory

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_EMAIL_BACKEND": "tests.support.email_backends.StallingFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "STALL_EMAIL_WHILE": str(tmp_path / "never"),
    }
    app.control.purge()
    processes = []
    try:
        processes += [WorkerProcess(env, name="one"), WorkerProcess(env, name="two")]
        processes.append(WorkerProcess(env, name="beat", beat=True))
        action = ActionFactory(number=3)
        context = {"action": action, "action_url": "u", "update_url": "u", "days_overdue": 0, "overdue": False}
        for number in range(200):
            notification_queue(
                recipient=UserFactory(),
                kind="review_reminder",
                key=f"reminder:pair:{number}",
                template="review_reminder",
                context=context,
            )

        wait_until(
            lambda: Notification.objects.filter(status="sent").count() == 200,
            timeout=240,
            message="the 200 reminders to be sent",
        )
        time.sleep(1)  # room for any duplicate to show itself
    finally:
        for process in processes:
            process.stop()

    sent = "".join(path.read_text() for path in mail_dir.iterdir())
    recipients = re.findall(r"^To: (.+)$", sent, flags=re.MULTILINE)
    assert sent.count("Message-ID:") == 200
    assert len(set(recipients)) == 200
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
    # Both workers took a share.
    one, two = (sum("succeeded" in line for line in worker.lines) for worker in processes[:2])
    assert one > 0
    assert two > 0


def test_a_rounds_approvals_through_both_nodes_at_once_never_overspend(cluster):
    require(connection.vendor == "postgresql", "concurrent approvals need PostgreSQL's row locks (set DATABASE_URL)")
    round_ = RoundFactory(budget=Decimal("1000"), maximum_award=Decimal("1000"))
    applications = [ApplicationFactory(round=round_, state=State.IN_ASSESSMENT) for _ in range(8)]
    officer = signed_in(UserFactory(roles=[Role.COUNCIL_OFFICER]))
    page = officer.get(cluster.a.url + applications[0].get_absolute_url(), timeout=20)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    barrier = threading.Barrier(len(applications))

    def approve(index: int) -> int:
        node = (cluster.a, cluster.b)[index % 2]
        url = node.url + reverse("funding:transition", kwargs={"pk": applications[index].pk})
        barrier.wait(timeout=30)
        answer = officer.post(
            url,
            data={"csrfmiddlewaretoken": token.group(1), "name": "approve", "amount": "300"},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=60,
        )
        return int(answer.status_code)

    with ThreadPoolExecutor(max_workers=len(applications)) as pool:
        answers = list(pool.map(approve, range(len(applications))))

    assert sorted(answers) == [200] * 5 + [302] * 3  # three fit in £1,000; five are told what is left
    awarded = Application.objects.filter(round=round_, state=State.APPROVED)
    assert awarded.count() == 3
    assert sum(application.amount_awarded for application in awarded) == Decimal("900")
