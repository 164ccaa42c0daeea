"""The Nu HTML Checker (the W3C's validator, npm vnu-jar, run with Java) finds no errors in the
portal's pages: one saved page for each route of the URL matrix (tests/test_url_matrix.py), as the
first person in READERS who may see it, plus the shapes no GET route shows (sign-in, a form with
errors, the 404 page). The checker starts once for the whole folder: a JVM is slow to start."""

import datetime
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from actions.services import action_update
from funding.models import ApplicationEvent
from funding.workflow import State
from healthyplaces.accounts.models import RoleChange
from healthyplaces.notifications.models import Notification
from healthyplaces.notifications.tokens import make_unsubscribe_token
from tests import url_expectations as expect
from tests.conftest import require
from tests.funding.factories import ApplicationFactory, AssignmentFactory, GrantReportFactory, PaymentFactory
from tests.support.world import make_world
from tests.test_url_matrix import assessment, board, network, portal_routes, sample_kwargs

pytestmark = [pytest.mark.django_db, pytest.mark.html_validator]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VNU = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Who sees each page: the first of these for whom the matrix says 200. Staff first, so pages show
# the most (tables, actions, filters); anonymous last, so public pages are seen signed in as well
# as the sign-in page itself.
READERS = (
    expect.OFFICER,
    expect.ADMIN,
    expect.MEMBER,
    expect.ASSESSOR,
    expect.CONNECTOR,
    expect.BOARD,
    expect.OTHER_MEMBER,
    expect.ANONYMOUS,
)


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    world = make_world()
    world = world | assessment(world) | board(world) | network(world)
    people = world["people"]
    # Rows for the lists whose dates are <time datetime> elements.
    action = world["action"]
    action_update(
        actor=people[expect.OFFICER],
        action=action,
        expected_version=action.version,
        status=action.status,
        progress=40,
        next_review_date=None,
        narrative="Two lunch clubs opened.",
    )
    # Overdue, so the lists show the overdue tag.
    Action.objects.filter(pk=action.pk).update(next_review_date=timezone.localdate() - datetime.timedelta(days=1))
    Notification.objects.create(
        kind="review_reminder", key="html-validity", to_email="o@example.org", subject="Review due", body_text="."
    )
    RoleChange.objects.create(actor=people[expect.ADMIN], user=people[expect.MEMBER], before=[], after=["assessor"])
    ApplicationEvent.objects.create(
        application=world["assessed"],
        actor=people[expect.MEMBER],
        transition="submit",
        from_state=State.DRAFT,
        to_state=State.SUBMITTED,
        note="Sent with our constitution.",
    )
    return world


def save_pages(world, folder: Path) -> list[str]:
    """Each page as its reader sees it, saved as <name>.html; returns the names."""
    saved = []

    def save(name: str, person: str, url: str, data: dict[str, str] | None = None) -> None:
        client = Client()
        if person != expect.ANONYMOUS:
            client.force_login(world["people"][person])
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code in (200, 400, 403, 404), (
            f"{name}: {url} as {person} answered {response.status_code}"
        )
        if response["Content-Type"].startswith("text/html"):
            (folder / f"{name}.html").write_bytes(response.content)
            saved.append(name)

    for route in portal_routes():
        table = expect.EXPECTATIONS[route.name]
        reader = next((person for person in READERS if table[person] == expect.OK), None)
        if reader is not None:
            save(route.name.replace(":", "-"), reader, reverse(route.name, kwargs=sample_kwargs(route, world)))
    save("account-login", expect.ANONYMOUS, reverse("account_login"))
    save("account-signup", expect.ANONYMOUS, reverse("account_signup"))
    save("account-password-reset", expect.ANONYMOUS, reverse("account_reset_password"))
    save("not-found", expect.OFFICER, "/no-such-page/")
    # Pages whose lists the matrix's reader sees empty: a timeline, an assessor's own assignments.
    save("funding-application-timeline", expect.OFFICER, world["assessed"].get_absolute_url())
    save("funding-assessments-assessor", expect.ASSESSOR, reverse("funding:assessments"))
    save("forbidden", expect.MEMBER, reverse("funding:panels"))
    (folder / "server-error.html").write_text(render_to_string("500.html"))
    saved.append("server-error")
    # Pages the matrix's sample objects never reach: later states of an application and an
    # assignment, the other task-list sections, and allauth's and the unsubscribe's other pages.
    paid = ApplicationFactory.create(
        round=world["round"],
        organisation=world["application"].organisation,
        state=State.REPORT_DUE,
        reference="HP-2026-00077",
        amount_awarded=Decimal("500"),
    )
    PaymentFactory.create(application=paid)
    GrantReportFactory(application=paid, what_happened="Twelve lunch clubs ran.", submitted_at=timezone.now())
    save("funding-application-paid", expect.OFFICER, paid.get_absolute_url())
    save("funding-application-paid-group", expect.MEMBER, paid.get_absolute_url())
    save("funding-report", expect.MEMBER, reverse("funding:report", kwargs={"pk": paid.pk}))
    save("funding-submitted", expect.MEMBER, reverse("funding:submitted", kwargs={"pk": world["assessed"].pk}))
    for section in ("budget", "documents"):
        url = reverse("funding:section", kwargs={"pk": world["application"].pk, "section": section})
        save(f"funding-section-{section}", expect.MEMBER, url)
    undeclared = AssignmentFactory.create(application__round=world["round"], assessor=world["people"][expect.ASSESSOR])
    save(
        "funding-assessment-declare",
        expect.ASSESSOR,
        reverse("funding:assessment_declare", kwargs={"pk": undeclared.pk}),
    )
    save("account-logout", expect.OFFICER, reverse("account_logout"))
    save("account-password-reset-done", expect.ANONYMOUS, reverse("account_reset_password_done"))
    save("account-verification-sent", expect.ANONYMOUS, reverse("account_email_verification_sent"))
    save("account-email", expect.MEMBER, reverse("account_email"))
    save("mfa-index", expect.MEMBER, reverse("mfa_index"))
    save("unsubscribe-invalid", expect.ANONYMOUS, reverse("notifications:unsubscribe", kwargs={"token": "not-a-token"}))
    token = make_unsubscribe_token(user_id=world["people"][expect.BOARD].pk)
    save("unsubscribe-done", expect.ANONYMOUS, reverse("notifications:unsubscribe", kwargs={"token": token}), {})
    # A form sent empty: the error summary and the errors beside the fields.
    save("insights-add-with-errors", expect.OFFICER, reverse("insights:add"), {})
    return saved


def checker_errors(folder: Path) -> list[str]:
    java = shutil.which("java")
    require(java is not None, "Java is needed for the Nu HTML Checker (apt-get install default-jre-headless)")
    require(VNU.is_file(), f"the Nu HTML Checker is missing at {VNU} (npm ci)")
    result = subprocess.run(  # noqa: S603 - our own java, jar and folder
        [str(java), "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The checker writes its report to stderr and exits 1 when it finds errors.
    report = json.loads(result.stderr)
    return [describe(message) for message in report["messages"] if message["type"] in ("error", "non-document-error")]


def describe(message: dict[str, str]) -> str:
    """page.html:12: the message, then the markup it is about on one line."""
    extract = " ".join(message.get("extract", "").split())
    return f"{Path(message.get('url', '')).name}:{message.get('lastLine', '?')}: {message['message']}\n    {extract}"


def test_every_page_shape_is_valid_html(world, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()

    saved = save_pages(world, folder)
    errors = checker_errors(folder)

    # Enough pages to mean something: every HTML route of the matrix and the extra shapes, among
    # them each list whose dates are <time datetime> elements.
    assert len(saved) > 60, saved
    timed = {page.stem for page in folder.iterdir() if '<time datetime="' in page.read_text()}
    assert {
        "actions-detail",
        "notifications-list",
        "funding-applications",
        "funding-application-timeline",
        "funding-assessments-assessor",
        "accounts-role_changes",
    } <= timed
    assert errors == [], f"{len(errors)} Nu HTML Checker errors in {len(saved)} pages:\n" + "\n".join(errors)
