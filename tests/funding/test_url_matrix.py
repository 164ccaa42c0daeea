"""Every URL in the funding namespace, by every role and method: the status each gets, and that a
refused request changes nothing. The matrix must name every funding URL; a new one without an
expectation fails test_the_matrix_covers_every_funding_url."""

import datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from funding.models import Application, ApplicationEvent, Assignment, Attachment, GrantReport, Payment, Score
from funding.services import attachment_add
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from insights.models import Insight
from tests.factories import OrganisationFactory, UserFactory, WardFactory
from tests.funding.factories import (
    PDF,
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    CriterionFactory,
    GrantReportFactory,
    RoundFactory,
    sent_scores,
    upload,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "applicant": [Role.COMMUNITY_GROUP_MEMBER],
    "other_member": [Role.COMMUNITY_GROUP_MEMBER],
    "programme_admin": [Role.PROGRAMME_ADMIN],
    "council_officer": [Role.COUNCIL_OFFICER],
    "board_member": [Role.BOARD_MEMBER],
    "connector": [Role.COMMUNITY_CONNECTOR],
    "unassigned_assessor": [Role.ASSESSOR],
    # Declared no conflict on the application in assessment and on the one whose report is due.
    "assigned_assessor": [Role.ASSESSOR],
}
OK, MOVED, FORBIDDEN, MISSING, NOT_ALLOWED, TO_SIGN_IN = 200, 302, 403, 404, 405, "sign in"


def expect(default, **by_role):
    """Every role gets `default` but those named; anonymous people are sent to sign in unless named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, TO_SIGN_IN if role == "anonymous" else default) for role in ROLES}


STAFF_ONLY = expect(FORBIDDEN, programme_admin=OK, council_officer=OK)
STAFF_CHANGE = expect(FORBIDDEN, programme_admin=MOVED, council_officer=MOVED)
POST_ONLY = expect(NOT_ALLOWED)
# The application in assessment: its group, staff and its declared assessor see it. Someone with
# no part in funding is refused outright; anyone else is told it does not exist.
SEEN = expect(OK, other_member=MISSING, board_member=FORBIDDEN, connector=FORBIDDEN, unassigned_assessor=MISSING)
# The group's own pages on its draft, which no assessor has been assigned to.
GROUP_DRAFT = dict(
    expect(FORBIDDEN, applicant=OK, other_member=MISSING, unassigned_assessor=MISSING, assigned_assessor=MISSING)
)
ASSESSOR_OWN = expect(FORBIDDEN, programme_admin=MISSING, unassigned_assessor=MISSING, assigned_assessor=OK)


def moved_for(table, role):
    return {**table, role: MOVED}


# (url name, method, variant) -> expected status by role.
MATRIX = {
    ("funding:rounds", "get", ""): expect(OK, anonymous=OK),
    ("funding:start", "get", ""): POST_ONLY,
    ("funding:start", "post", ""): expect(FORBIDDEN, applicant=MOVED, other_member=OK),  # the form says not theirs
    ("funding:applications", "get", ""): expect(OK, board_member=FORBIDDEN, connector=FORBIDDEN),
    ("funding:application", "get", ""): SEEN,
    ("funding:check", "get", ""): SEEN,
    ("funding:submitted", "get", ""): SEEN,
    ("funding:transition", "get", ""): POST_ONLY,
    ("funding:transition", "post", "withdraw"): expect(
        FORBIDDEN, applicant=MOVED, other_member=MISSING, unassigned_assessor=MISSING
    ),
    ("funding:transition", "post", "approve"): expect(
        FORBIDDEN, programme_admin=MOVED, council_officer=MOVED, other_member=MISSING, unassigned_assessor=MISSING
    ),
    ("funding:withdraw", "get", ""): expect(FORBIDDEN, applicant=OK, other_member=MISSING, unassigned_assessor=MISSING),
    # The report due: the assigned assessor assessed it, so sees it, but only the group writes the report.
    ("funding:report", "get", ""): expect(FORBIDDEN, applicant=OK, other_member=MISSING, unassigned_assessor=MISSING),
    ("funding:report", "post", ""): expect(
        FORBIDDEN, applicant=MOVED, other_member=MISSING, unassigned_assessor=MISSING
    ),
    ("funding:report_insight", "get", ""): STAFF_ONLY,
    ("funding:report_insight", "post", ""): STAFF_CHANGE,
    ("funding:assign", "get", ""): POST_ONLY,
    ("funding:assign", "post", ""): STAFF_CHANGE,
    ("funding:unassign", "get", ""): POST_ONLY,
    ("funding:unassign", "post", ""): STAFF_CHANGE,
    ("funding:section", "get", ""): GROUP_DRAFT,
    ("funding:section", "post", ""): moved_for(GROUP_DRAFT, "applicant"),
    # Documents are handed out only to those who see the application; to anyone else they do not exist.
    ("funding:attachment", "get", ""): expect(
        MISSING, applicant=OK, programme_admin=OK, council_officer=OK, assigned_assessor=OK
    ),
    ("funding:attachment_remove", "get", ""): POST_ONLY,
    ("funding:attachment_remove", "post", ""): moved_for(GROUP_DRAFT, "applicant"),
    # Programme admins may assess too, so have a (here empty) list of their own.
    ("funding:assessments", "get", ""): expect(
        FORBIDDEN, programme_admin=OK, unassigned_assessor=OK, assigned_assessor=OK
    ),
    ("funding:assessment", "get", ""): ASSESSOR_OWN,
    ("funding:assessment", "post", ""): moved_for(ASSESSOR_OWN, "assigned_assessor"),
    # An assignment the assigned assessor has not declared on yet.
    ("funding:assessment_declare", "get", ""): ASSESSOR_OWN,
    ("funding:assessment_declare", "post", ""): moved_for(ASSESSOR_OWN, "assigned_assessor"),
    ("funding:panels", "get", ""): STAFF_ONLY,
    ("funding:panel", "get", ""): STAFF_ONLY,
    ("funding:export", "get", ""): STAFF_ONLY,
    ("funding:export_file", "get", ""): STAFF_ONLY,
}


def funding_url_names():
    """Every named pattern under the funding namespace, however deeply included."""

    def names(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"funding:{pattern.name}"

    _, resolver = get_resolver().namespace_dict["funding"]
    return set(names(resolver.url_patterns))


def test_the_matrix_covers_every_funding_url():
    covered = {url_name for url_name, _, _ in MATRIX}
    missing = funding_url_names() - covered
    assert not missing, f"funding URLs with no expectation in MATRIX: {sorted(missing)}"
    assert covered <= funding_url_names(), (
        f"MATRIX names URLs that do not exist: {sorted(covered - funding_url_names())}"
    )


def test_each_url_refusing_get_has_its_post_expectation():
    for (url_name, method, _), table in MATRIX.items():
        if method == "get" and table is POST_ONLY:
            assert any(u == url_name and m == "post" for u, m, _ in MATRIX), url_name


@pytest.fixture
def world(settings):
    # Registered with 360Giving, so the export has a file to hand out (without, it is 404 for all).
    settings.GIVING360_PREFIX = "360G-example"
    people = {role: UserFactory(roles=roles) if roles else None for role, roles in ROLES.items()}
    group = OrganisationFactory(name="Riverside Gardeners")
    group.members.add(people["applicant"])
    OrganisationFactory(name="Other group").members.add(people["other_member"])
    round_ = RoundFactory(name="Autumn 2026")
    criterion = CriterionFactory(round=round_, name="Community need", weight=2)
    now = timezone.now()

    draft = ApplicationFactory(round=round_, organisation=group, created_by=people["applicant"])
    draft_document = attachment_add(
        actor=people["applicant"], application=draft, kind="other", uploaded=upload("Minutes.pdf", PDF)
    )

    # In assessment, with a document sent while it was a draft.
    assessed = ApplicationFactory(
        round=round_, organisation=group, project_title="Community fridge", amount_requested=Decimal("500")
    )
    document = attachment_add(
        actor=people["applicant"], application=assessed, kind="constitution", uploaded=upload("Rules.pdf", PDF)
    )
    Application.objects.filter(pk=assessed.pk).update(
        state=State.IN_ASSESSMENT, reference="HP-2026-00001", submitted_at=now
    )
    assessed.refresh_from_db()
    assignment = AssignmentFactory(application=assessed, assessor=people["assigned_assessor"], declared=True)
    pending = AssignmentFactory(application=assessed)  # another assessor's, not declared: an officer may remove it

    # Sent, and assigned to the assessor who has not declared on it yet.
    submitted = ApplicationFactory(
        round=round_, organisation=group, state=State.SUBMITTED, reference="HP-2026-00002", submitted_at=now
    )
    undeclared = AssignmentFactory(application=submitted, assessor=people["assigned_assessor"])

    awarded = {"amount_requested": Decimal("500"), "amount_awarded": Decimal("500"), "decided_at": now}
    report_due = ApplicationFactory(
        round=round_,
        organisation=group,
        state=State.REPORT_DUE,
        reference="HP-2026-00003",
        report_due_on=timezone.localdate() + datetime.timedelta(days=14),
        **awarded,
    )
    line = BudgetLineFactory(application=report_due, item="Fridge", amount=Decimal("500"))
    sent_scores(
        AssignmentFactory(application=report_due, assessor=people["assigned_assessor"], declared=True), {criterion: 4}
    )

    received = ApplicationFactory(
        round=round_, organisation=group, state=State.REPORT_RECEIVED, reference="HP-2026-00004", **awarded
    )
    received.wards.add(WardFactory())
    GrantReportFactory(
        application=received,
        what_happened="Forty neighbours used the fridge",
        people_reached=40,
        submitted_at=now - datetime.timedelta(days=1),
    )
    third = UserFactory(roles=[Role.ASSESSOR])
    return {
        "people": people,
        "group": group,
        "round": round_,
        "criterion": criterion,
        "draft": draft,
        "draft_document": draft_document,
        "assessed": assessed,
        "document": document,
        "assignment": assignment,
        "pending": pending,
        "undeclared": undeclared,
        "report_due": report_due,
        "line": line,
        "received": received,
        "third": third,
    }


def url_for(url_name, w):
    pk = {"pk": w["assessed"].pk}
    return {
        "funding:rounds": lambda: reverse(url_name),
        "funding:start": lambda: reverse(url_name),
        "funding:applications": lambda: reverse(url_name),
        "funding:application": lambda: reverse(url_name, kwargs=pk),
        "funding:check": lambda: reverse(url_name, kwargs=pk),
        "funding:submitted": lambda: reverse(url_name, kwargs=pk),
        "funding:transition": lambda: reverse(url_name, kwargs=pk),
        "funding:withdraw": lambda: reverse(url_name, kwargs=pk),
        "funding:report": lambda: reverse(url_name, kwargs={"pk": w["report_due"].pk}),
        "funding:report_insight": lambda: reverse(url_name, kwargs={"pk": w["received"].pk}),
        "funding:assign": lambda: reverse(url_name, kwargs=pk),
        "funding:unassign": lambda: reverse(url_name, kwargs={**pk, "assignment_pk": w["pending"].pk}),
        "funding:section": lambda: reverse(url_name, kwargs={"pk": w["draft"].pk, "section": "group"}),
        "funding:attachment": lambda: reverse(url_name, kwargs={**pk, "attachment_pk": w["document"].pk}),
        "funding:attachment_remove": lambda: reverse(
            url_name, kwargs={"pk": w["draft"].pk, "attachment_pk": w["draft_document"].pk}
        ),
        "funding:assessments": lambda: reverse(url_name),
        "funding:assessment": lambda: reverse(url_name, kwargs={"pk": w["assignment"].pk}),
        "funding:assessment_declare": lambda: reverse(url_name, kwargs={"pk": w["undeclared"].pk}),
        "funding:panels": lambda: reverse(url_name),
        "funding:panel": lambda: reverse(url_name, kwargs={"pk": w["round"].pk}),
        "funding:export": lambda: reverse(url_name),
        "funding:export_file": lambda: reverse(url_name, kwargs={"file_format": "json"}),
    }[url_name]()


def post_data(url_name, variant, w):
    today = timezone.localdate()
    if url_name == "funding:start":
        # The group may have a draft to this round already; starting another is then asked for
        # deliberately (tests/funding/test_start_once.py has the question).
        return {"round": w["round"].pk, "organisation": w["group"].pk, "another": "on"}
    if url_name == "funding:transition":
        return {"name": "withdraw"} if variant == "withdraw" else {"name": "approve", "amount": "500"}
    if url_name == "funding:report":
        return {
            "version": 1,
            "action": "save",
            "what_happened": "We bought the fridge",
            "people_reached": "12",
            f"spent_{w['line'].pk}": "480",
            "spend_notes": "",
            "story": "",
        }
    if url_name == "funding:report_insight":
        return {
            "title": "Food on the estate",
            "summary": "Forty neighbours used the fridge",
            "source": "grant_report",
            "heard_on-day": today.day,
            "heard_on-month": today.month,
            "heard_on-year": today.year,
            "consent_basis": "anonymous",
        }
    if url_name == "funding:assign":
        return {"assessor": w["third"].pk}
    if url_name == "funding:section":
        return {"group_description": "Changed", "contact_phone": "", "completed": "yes", "version": w["draft"].version}
    if url_name == "funding:assessment":
        criterion = w["criterion"].pk
        return {"version": w["assignment"].version, "action": "save", f"score_{criterion}": "3"} | {
            f"comment_{criterion}": "Clear need"
        }
    if url_name == "funding:assessment_declare":
        return {"has_conflict": "no", "conflict_details": ""}
    return {}


def snapshot():
    """Every row a funding URL could write."""
    return (
        list(Application.objects.order_by("pk").values_list("pk", "state", "version", "group_description")),
        list(ApplicationEvent.objects.values_list("pk", flat=True)),
        list(Assignment.objects.order_by("pk").values_list("pk", "has_conflict", "submitted_at", "version")),
        list(Score.objects.order_by("pk").values_list("pk", "score", "comment")),
        list(Attachment.objects.order_by("pk").values_list("pk", flat=True)),
        list(GrantReport.objects.order_by("pk").values_list("pk", "version", "submitted_at", "what_happened")),
        list(Insight.objects.values_list("pk", flat=True)),
        list(Payment.objects.values_list("pk", flat=True)),
    )


CASES = [(url_name, method, variant, role) for (url_name, method, variant) in MATRIX for role in ROLES]


@pytest.mark.parametrize(
    ("url_name", "method", "variant", "role"),
    CASES,
    ids=[f"{u}-{m}{'-' + v if v else ''}-{r}" for u, m, v, r in CASES],
)
def test_who_may_use_each_funding_url(client, world, url_name, method, variant, role):
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    url = url_for(url_name, world)
    before = snapshot()

    response = client.post(url, post_data(url_name, variant, world)) if method == "post" else client.get(url)

    want = MATRIX[(url_name, method, variant)][role]
    if want == TO_SIGN_IN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == want, getattr(response, "content", b"")[:300]
    changed = snapshot() != before
    assert changed == (method == "post" and want == MOVED)
