"""The bad-input campaign: generated malformed submissions to every form and upload of the portal
(very long strings, control characters and unusual Unicode, missing and duplicated fields, wrong
types, negative, huge and non-numeric amounts, impossible and out-of-order dates, other
organisations' ids, replays). No answer may be a server error, and a refused submission must leave
the database exactly as it was. Each form's fields are read from its own page, so a field added
later is attacked too. Derandomised: CI runs the same examples every time."""

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.apps import apps
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.models import MentoringPair, Ownership, PlaceKind
from funding.models import Application, Assignment, GrantReport
from funding.workflow import TRANSITIONS, State
from insights.models import ConsentBasis, Source
from tests import url_expectations as expect
from tests.funding.factories import (
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    CriterionFactory,
    PaymentFactory,
)
from tests.support.world import make_world

pytestmark = pytest.mark.django_db

# Per form; the targets below times this is the campaign's size. Kept so the whole campaign runs
# in under four minutes on a two-core machine.
EXAMPLES = 40
TALLY: Counter[str] = Counter()
# Tables a form can write; their rows are compared before and after each refused submission.
APPS = ("accounts", "account", "actions", "insights", "funding", "notifications", "vocabulary", "connectors", "board")

NASTY_TEXT = st.one_of(
    st.text(max_size=40),  # any Unicode, control characters and NUL included
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Mn", "So"]), max_size=20),
    st.integers(min_value=1000, max_value=30000).map(lambda n: "x" * n),  # very long
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e\u0000",
            "\U0001d518\U0001d52b\U0001d526",
            "ﷺ" * 50,
            "<script>alert(1)</script>",
            "' OR 1=1 --",
        ]
    ),
)
NASTY_NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["-1", "0", "1e309", "NaN", "£-5", "1,000,000", "99999999999999999999", "0.001", "½", "٣"]),
)
NASTY_DATE_PART = st.one_of(st.sampled_from(["0", "31", "32", "13", "29", "-1", "2026", "99999", "02"]), NASTY_TEXT)
ONE_VALUE = st.one_of(NASTY_TEXT, NASTY_NUMBER, NASTY_DATE_PART)
# Missing (None), one value, or the field duplicated with different values.
FIELD = st.one_of(st.none(), ONE_VALUE, st.lists(ONE_VALUE, min_size=2, max_size=3))
# Fields where a well-formed value opens the deeper paths (a real step, a saved section, a version
# that is current or stale), mixed with the nasty ones.
# Ids: the world's own objects, other people's, and ones that do not exist.
SOME_ID = st.integers(min_value=1, max_value=12).map(str)
IDS = ("assessor", "connector", "place", "places", "user", "ward", "wards", "themes", "population_groups", "actions")
CHOICES = {
    "kind": PlaceKind.values,
    "ownership": Ownership.values,
    "status": MentoringPair.Status.values,
    "source": Source.values,
    "consent_basis": ConsentBasis.values,
}
LIKELY = {
    "name": st.sampled_from([*TRANSITIONS, "withdraw", "record_payment"]),
    "completed": st.sampled_from(["yes", "no"]),
    "version": st.sampled_from(["1", "2", "3", "0", "-1"]),
    "amount": NASTY_NUMBER,
    "return_to": st.sampled_from(["panel", ""]),
    # The panel page an approval came from: paged, so back to it.
    "page": st.sampled_from(["1", "2", "99999999999999999999", "0", "-1", "x"]),
    "has_conflict": st.sampled_from(["yes", "no"]),
    "action": st.sampled_from(["submit", "send", "save"]),
    "form": st.sampled_from(["check_in", "status"]),
    "score": st.sampled_from(["0", "3", "5", "6"]),
    # Date inputs (held_on-day, paid_on-year): real dates, impossible ones and ones far away.
    "day": st.sampled_from(["1", "14", "31"]),
    "month": st.sampled_from(["2", "11", "12"]),
    "year": st.sampled_from(["2026", "2027", "1899"]),
    "people_count": st.sampled_from(["1", "12"]),
    "attendance": st.sampled_from(["1", "12"]),
    **{name: st.sampled_from(values) for name, values in CHOICES.items()},
    **dict.fromkeys((*IDS, "statutory_leader", "vcse_leader"), SOME_ID),
}


def field(name: str, good: dict[str, str] | None = None) -> st.SearchStrategy[object]:
    # One per criterion or budget line (score_3 is a score), a form's prefix (pair-status is a
    # status) and a date's parts (held_on-day is a day).
    stem = re.sub(r"_\d+$", "", name).rsplit("-", 1)[-1]
    nasty = st.one_of(LIKELY[stem], FIELD) if stem in LIKELY else FIELD
    if good and name in good:
        # Mostly the well-formed answer, so most submissions are a valid form with one or two
        # fields broken: the way a half-finished write would show.
        return st.one_of(st.just(good[name]), st.just(good[name]), st.just(good[name]), nasty)
    return nasty


def date(name: str, day: str = "14", month: str = "11", year: str = "2026") -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def database_state() -> str:
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label in APPS:
            for row in model._default_manager.order_by("pk").values_list():
                digest.update(repr(row).encode())
    return digest.hexdigest()


def form_fields(client, url: str) -> list[str]:
    """The names the page's POST form sends (from its HTML), less the CSRF token."""
    page = client.get(url).content.decode()
    forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page, flags=re.S | re.I)
    names = {name for form in forms for name in re.findall(r'\bname="([^"]+)"', form)}
    return sorted(names - {"csrfmiddlewaretoken"})


class Target(NamedTuple):
    label: str
    person: str  # who posts
    page_url: str  # where the form is
    post_url: str = ""  # where it posts, if not back to its page
    extra: Sequence[str] = ()  # field names a form may take besides those on its page
    # The version of what the form saves as typed even when it then lists what is missing (a
    # section, scores, a report); None for the member's application.
    draft: Callable[[], int] | None = None
    # A form that works once (a declaration, a decision, a payment): each submission is made to the
    # world as built and rolled back after, so every one reaches the same step.
    fresh: bool = False
    # Well-formed answers, mixed with the nasty ones (a form needing several right answers to get
    # past its validation is otherwise never saved).
    good: dict[str, str] | None = None


def targets(world) -> list[Target]:
    app, other = world["application"], world["other_application"]
    section = lambda key, a=app: reverse("funding:section", kwargs={"pk": a.pk, "section": key})  # noqa: E731
    # Decisions are made on the other group's application, in assessment, so amounts are checked.
    transition = lambda a: reverse("funding:transition", kwargs={"pk": a.pk})  # noqa: E731
    report, scored, place = world["report_due"], world["scored"], world["place"]
    criteria = [c.pk for c in other.round.criteria.all()]
    insight = {"title": "Buses", "summary": "Late buses", "source": "conversation", "consent_basis": "anonymous"}
    return [
        Target("action update", expect.OFFICER, reverse("actions:update", args=[9])),
        Target("insight", expect.CONNECTOR, reverse("insights:add"), extra=["actions", "themes", "ward"]),
        # The sample insight is the connector's own: they may correct it (never its status or actions).
        Target(
            "insight edit",
            expect.CONNECTOR,
            reverse("insights:edit", args=[world["insight"].pk]),
            extra=["status", "actions"],
        ),
        Target("insight review", expect.OFFICER, reverse("insights:review", args=[world["insight"].pk])),
        Target("insight response", expect.OFFICER, reverse("insights:respond", args=[world["insight"].pk])),
        Target("insight import columns", expect.OFFICER, reverse("insights:import_map", args=[world["import"].pk])),
        Target(
            "seed fund start",
            expect.MEMBER,
            reverse("funding:rounds"),
            reverse("funding:start"),
            ["round", "organisation"],
        ),
        *[
            Target(f"section {key}", expect.MEMBER, section(key))
            for key in ("group", "project", "priority", "budget", "declarations")
        ],
        Target("another group's section (forged id)", expect.MEMBER, section("group"), section("group", other)),
        Target(
            "decision",
            expect.OFFICER,
            other.get_absolute_url(),
            transition(other),
            ["name", "amount", "conditions", "note"],
        ),
        Target("email preferences", expect.BOARD, reverse("notifications:preferences")),
        # The connector network.
        Target(
            "place",
            expect.OFFICER,
            reverse("connectors:place_add"),
            good={"name": "Hall", "kind": "library", "ward": str(place.ward_id), "ownership": "council"},
        ),
        Target(
            "connector",
            expect.OFFICER,
            reverse("connectors:connector_edit", args=[world["connector"].pk]),
            good={"name": "Sam", "version": "1", "places": str(place.pk), **date("trained_on")},
        ),
        Target(
            "conversation",
            expect.CONNECTOR,
            reverse("connectors:conversation_add"),
            extra=["connector"],
            good={"connector": str(world["connector"].pk), "place": str(place.pk), "people_count": "6"}
            | date("held_on"),
        ),
        Target(
            "insight from a conversation",
            expect.CONNECTOR,
            reverse("connectors:raise_insights", args=[world["conversation"].pk]),
            extra=["actions", "themes", "ward", "another"],
            good=insight | date("heard_on"),
        ),
        Target(
            "forum meeting",
            expect.CONNECTOR,
            reverse("connectors:meeting_add"),
            good={"attendance": "12", "action_1": "Book the hall", "owner_1": "Youth club"} | date("held_on"),
        ),
        Target(
            "mentoring check-in",
            expect.OFFICER,
            reverse("connectors:pair", args=[world["pair"].pk]),
            good={"form": "check_in", "check_in-note": "Shared a venue"} | date("check_in-held_on"),
        ),
        # Assessment, the panel, payments and the end-of-grant report.
        Target(
            "conflict declaration",
            expect.ASSESSOR,
            reverse("funding:assessment_declare", args=[world["assignment"].pk]),
            fresh=True,
            good={"has_conflict": "yes", "conflict_details": "My sister chairs the group"},
        ),
        Target(
            "scores",
            expect.ASSESSOR,
            reverse("funding:assessment", args=[scored.pk]),
            draft=lambda: Assignment.objects.get(pk=scored.pk).version,
            fresh=True,
            good={"version": "1", "action": "submit"} | {f"score_{pk}": "4" for pk in criteria},
        ),
        Target(
            "assign an assessor",
            expect.OFFICER,
            other.get_absolute_url(),
            reverse("funding:assign", args=[other.pk]),
            ["assessor"],
            good={"assessor": str(world["people"][expect.ASSESSOR].pk)},
        ),
        Target(
            "panel approval",
            expect.OFFICER,
            reverse("funding:panel", args=[other.round_id]),
            transition(other),
            ["name", "amount", "conditions", "return_to", "page"],
            fresh=True,
            good={"name": "approve", "amount": "500", "return_to": "panel"},
        ),
        Target(
            "payment",
            expect.OFFICER,
            world["offered"].get_absolute_url(),
            transition(world["offered"]),
            ["name", "amount", "paid_on-day", "paid_on-month", "paid_on-year", "reference"],
            fresh=True,
            good={"name": "record_payment", "amount": "250", "reference": "BACS 1"} | date("paid_on"),
        ),
        Target(
            "request the report",
            expect.OFFICER,
            world["paid"].get_absolute_url(),
            transition(world["paid"]),
            ["name", "due_on-day", "due_on-month", "due_on-year"],
            fresh=True,
            good={"name": "request_report"} | date("due_on", "30", "9", "2027"),
        ),
        Target(
            "end-of-grant report",
            expect.MEMBER,
            reverse("funding:report", args=[report.pk]),
            extra=["action"],
            draft=lambda: GrantReport.objects.filter(application=report).values_list("version", flat=True).first() or 0,
            fresh=True,
            good={"what_happened": "We ran it", "people_reached": "40", "version": "1", "action": "send"}
            | {f"spent_{line.pk}": "200" for line in report.budget_lines.all()},
        ),
        # The board.
        Target("board snapshot", expect.ADMIN, reverse("board:freeze"), good=date("meeting_date", "14", "1", "2027")),
    ]


FORMS = 29  # len(targets(world)): parametrised before any world is built


@pytest.fixture
def world(settings, tmp_path):
    """The sample world, with the other group's application in assessment (criteria to score it
    on), an assessment to declare on and one to score, and grants offered, paid and reporting."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    world = make_world()
    Application.objects.filter(pk=world["other_application"].pk).update(state=State.IN_ASSESSMENT)
    round_, other = world["round"], world["other_application"]
    CriterionFactory.create_batch(2, round=round_)
    assessor = world["people"][expect.ASSESSOR]
    in_assessment = {"round": round_, "organisation": other.organisation, "state": State.IN_ASSESSMENT}
    world["assignment"] = AssignmentFactory(application=ApplicationFactory(**in_assessment), assessor=assessor)
    world["scored"] = AssignmentFactory(
        application=ApplicationFactory(**in_assessment), assessor=assessor, declared=True
    )
    awarded = {"round": round_, "organisation": other.organisation, "amount_awarded": Decimal(500)}
    world["offered"] = ApplicationFactory(**awarded, state=State.OFFER_ACCEPTED, reference="HP-90001")
    world["paid"] = PaymentFactory(
        application=ApplicationFactory(**awarded, state=State.PAID, reference="HP-90002")
    ).application
    world["report_due"] = ApplicationFactory(
        **{**awarded, "organisation": world["application"].organisation},
        state=State.REPORT_DUE,
        reference="HP-90003",
    )
    BudgetLineFactory(application=world["report_due"])
    return world


def submit(client, url, fields, files=None):
    data = {name: value for name, value in fields.items() if value is not None}
    return client.post(url, {**data, **(files or {})})


def accepted(response, draft: Callable[[], int], before_version: int) -> bool:
    # A form that always answers with a redirect says it refused in an error message.
    refused = any(message.level >= messages.ERROR for message in messages.get_messages(response.wsgi_request))
    # A section saves every well-formed answer as the group goes, then lists what is still missing.
    return (response.status_code == 302 and not refused) or draft() > before_version


@pytest.mark.parametrize("index", range(FORMS), ids=lambda i: f"form{i}")
def test_no_malformed_submission_errors_or_writes_half(client, world, index):
    every = targets(world)
    assert len(every) == FORMS
    label, person, page_url, post_url, extra, draft, fresh, good = every[index]
    draft = draft or (lambda: Application.objects.get(pk=world["application"].pk).version)
    client.force_login(world["people"][person])
    names = sorted(set(form_fields(client, page_url)) | set(extra) | set(good or ()) | {"unexpected_field"})
    post_url = post_url or page_url

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.fixed_dictionaries({name: field(name, good) for name in names}))
    def attack(fields):
        with transaction.atomic() if fresh else nullcontext():
            attempt(fields)
            if fresh:
                transaction.set_rollback(True)

    def attempt(fields):
        before = database_state()
        version = draft()
        response = submit(client, post_url, fields)  # a server error raises here and fails the test
        TALLY["submissions"] += 1
        assert response.status_code < 500, label
        if not accepted(response, draft, version):
            assert database_state() == before, f"{label}: refused ({response.status_code}) but the database changed"
        else:
            TALLY[f"accepted {label}"] += 1
            # Replayed exactly: the second is refused without a write, or accepted again.
            replay_before, version = database_state(), draft()
            again = submit(client, post_url, fields)
            TALLY["submissions"] += 1
            assert again.status_code < 500, f"{label} (replayed)"
            if not accepted(again, draft, version):
                assert database_state() == replay_before, f"{label}: replay refused but the database changed"

    attack()
    print(
        f"campaign: {label}: {TALLY['submissions']} submissions so far, 0 server errors, 0 partial writes"
        f" ({TALLY[f'accepted {label}']} of this form's accepted)"
    )


UPLOAD_BYTES = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from(
        [b"", b"%PDF-1.4 but not really", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04broken zip", b"\xff\xfe\x00\x00"]
    ),
    st.text(max_size=500).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.integers(min_value=1, max_value=20).map(lambda n: b"Title,Summary\n" + b"a,\x00\xff\n" * n),
    # Ward deciles: wards that exist and do not, deciles in range and out of it, repeated rows.
    st.lists(
        st.tuples(st.sampled_from([b"Ward 0", b"Ward 1", b"ward 2", b"E05000000", b"", b"Nowhere"]), NASTY_NUMBER),
        max_size=6,
    ).map(lambda rows: b"ward,decile\n" + b"".join(ward + b"," + decile.encode() + b"\n" for ward, decile in rows)),
)
UPLOAD_NAME = st.one_of(
    NASTY_TEXT.filter(lambda name: 0 < len(name) < 200 and "\x00" not in name),
    st.sampled_from(["../../etc/passwd", "a.csv", "a.pdf.exe", "CON", ".xlsx"]),
)


@pytest.mark.parametrize("which", ["insight import", "application document", "ward deprivation"])
def test_no_malformed_upload_errors_or_writes_half(client, world, which):
    app = world["application"]
    if which == "insight import":
        client.force_login(world["people"][expect.OFFICER])
        url, file_field, extra = reverse("insights:import"), "file", {}
    elif which == "ward deprivation":
        client.force_login(world["people"][expect.ADMIN])
        url, file_field, extra = reverse("board:deprivation"), "file", {}
    else:
        client.force_login(world["people"][expect.MEMBER])
        url = reverse("funding:section", kwargs={"pk": app.pk, "section": "documents"})
        file_field, extra = "file", {"kind": st.one_of(st.sampled_from(["constitution", "quote", "other"]), FIELD)}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        UPLOAD_BYTES,
        UPLOAD_NAME,
        st.fixed_dictionaries(extra),
        st.sampled_from(["text/csv", "application/pdf", "", "x/\x7f"]),
    )
    def attack(content, name, fields, content_type):
        before = database_state()
        upload = SimpleUploadedFile(name, content, content_type=content_type or "application/octet-stream")
        response = submit(client, url, fields, {file_field: upload})
        TALLY["submissions"] += 1
        assert response.status_code < 500, which
        if response.status_code != 302:
            assert database_state() == before, f"{which}: refused ({response.status_code}) but the database changed"

    attack()
    print(f"campaign: {which}: {TALLY['submissions']} submissions so far, 0 server errors, 0 partial writes")


def test_the_campaign_made_at_least_a_thousand_submissions(capsys):
    # Runs after the campaign's tests above (pytest keeps the file's order). Printed past pytest's
    # capture, so every run (CI's included) shows the count.
    summary = f"bad-input campaign: {TALLY['submissions']} submissions, 0 server errors, 0 partial writes"
    with capsys.disabled():
        print(f"\n{summary}")
    assert TALLY["submissions"] >= 1000
