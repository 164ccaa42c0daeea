"""Assessment: officers assign assessors; each assessor declares any conflict of interest before
they see the application, scores it against the round's weighted criteria, and sees the other
assessors' scores only once their own are sent. The panel ranks a round's applications by weighted
score with the budget left as a running total."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from funding.models import Application, Assignment, Round, Score
from funding.services import (
    ASSIGNABLE,
    AssessmentConflict,
    assessment_save,
    assignment_create,
    assignment_declare,
    attachment_add,
)
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.models import Notification
from tests.factories import OrganisationFactory, UserFactory
from tests.funding.factories import (
    PDF,
    ApplicationFactory,
    AssignmentFactory,
    CriterionFactory,
    RoundFactory,
    sent_scores,
    upload,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "applicant": [Role.COMMUNITY_GROUP_MEMBER],
    "other group's member": [Role.COMMUNITY_GROUP_MEMBER],
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
STAFF = {"programme admin", "council officer"}


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    # These tests are about which notifications exist; delivery has its own tests.
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


@pytest.fixture
def people():
    people = {name: UserFactory(roles=roles) for name, roles in ROLES.items()}
    OrganisationFactory(name="Other group").members.add(people["other group's member"])
    return people


@pytest.fixture
def round_():
    return RoundFactory(name="Autumn 2026", budget=Decimal("3000"))


@pytest.fixture
def criteria(round_):
    """Need counts three times as much as value for money."""
    return (
        CriterionFactory(round=round_, name="Community need", weight=3, position=1),
        CriterionFactory(round=round_, name="Value for money", weight=1, position=2),
    )


@pytest.fixture
def application(round_, criteria, people):
    return ApplicationFactory(
        round=round_,
        members=[people["applicant"]],
        state=State.IN_ASSESSMENT,
        reference="HP-2026-00001",
        project_title="Community fridge",
        amount_requested=Decimal("500"),
        submitted_at=timezone.now() - datetime.timedelta(days=10),
    )


@pytest.fixture
def assessor(people):
    return people["assessor"]


@pytest.fixture
def assignment(application, assessor):
    return AssignmentFactory(application=application, assessor=assessor)


@pytest.fixture
def declared(application, assessor):
    return AssignmentFactory(application=application, assessor=assessor, declared=True)


def another_assessor():
    return UserFactory(roles=[Role.ASSESSOR])


def scores_for(criteria, *values, comments=("", "")):
    return {c.pk: (value, comment) for c, value, comment in zip(criteria, values, comments, strict=True)}


def score_answers(version, criteria, action, scores, comments=("", "")):
    """The score page's POST: a score (left out when None) and a comment for each criterion."""
    data = {"version": version, "action": action}
    for criterion, score, comment in zip(criteria, scores, comments, strict=True):
        if score is not None:
            data[f"score_{criterion.pk}"] = str(score)
        data[f"comment_{criterion.pk}"] = comment
    return data


def checked(page, name, value):
    return re.search(rf'name="{name}" type="radio" value="{value}" checked', page) is not None


def assessment_url(assignment):
    return reverse("funding:assessment", kwargs={"pk": assignment.pk})


def declare_url(assignment):
    return reverse("funding:assessment_declare", kwargs={"pk": assignment.pk})


# --- assigning ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_officers_and_programme_admins_assign_assessors(people, application, assessor, role):
    if role in STAFF:
        assignment = assignment_create(actor=people[role], application=application, assessor=assessor)
        assert (assignment.assessor, assignment.assigned_by, assignment.has_conflict) == (assessor, people[role], None)
    else:
        with pytest.raises(PermissionDenied):
            assignment_create(actor=people[role], application=application, assessor=assessor)
        assert not Assignment.objects.exists()


@pytest.mark.parametrize("who", ["inactive assessor", "council officer", "community group member"])
def test_only_active_people_with_the_assessor_role_can_be_assigned(people, application, who):
    candidate = {
        "inactive assessor": UserFactory(roles=[Role.ASSESSOR], is_active=False),
        "council officer": UserFactory(roles=[Role.COUNCIL_OFFICER]),
        "community group member": UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]),
    }[who]

    with pytest.raises(ValidationError) as error:
        assignment_create(actor=people["council officer"], application=application, assessor=candidate)

    assert error.value.message_dict == {"assessor": ["Select an assessor"]}
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("state", State.values)
def test_assessors_are_assigned_only_while_the_application_is_being_considered(people, application, assessor, state):
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()

    if state in ASSIGNABLE:
        assignment_create(actor=people["council officer"], application=application, assessor=assessor)
        assert Assignment.objects.count() == 1
    else:
        with pytest.raises(ValidationError, match="Assessors cannot be assigned to an application that is"):
            assignment_create(actor=people["council officer"], application=application, assessor=assessor)
        assert not Assignment.objects.exists()


def test_an_assessor_is_assigned_once(people, application, assessor):
    assignment_create(actor=people["council officer"], application=application, assessor=assessor)

    with pytest.raises(ValidationError) as error:
        assignment_create(actor=people["programme admin"], application=application, assessor=assessor)

    assert error.value.message_dict == {"assessor": [f"{assessor} is already assessing this application"]}
    assert Assignment.objects.count() == 1


def test_a_member_of_the_applying_group_cannot_assess_it(people, application):
    insider = UserFactory(roles=[Role.ASSESSOR])
    application.organisation.members.add(insider)

    with pytest.raises(ValidationError) as error:
        assignment_create(actor=people["council officer"], application=application, assessor=insider)

    assert error.value.message_dict == {
        "assessor": [f"{insider} is a member of the applying group, so cannot assess it"]
    }
    assert not Assignment.objects.exists()


def test_the_assessor_hears_they_have_been_assigned(people, application, assessor):
    assignment = assignment_create(actor=people["council officer"], application=application, assessor=assessor)

    notification = Notification.objects.get(kind="assessment_assigned")
    assert (notification.recipient, notification.to_email) == (assessor, assessor.email)
    assert notification.subject == "Please assess HP-2026-00001: Community fridge"
    assert assignment.get_absolute_url() in notification.body_text
    assert "conflict of interest" in notification.body_text


# --- declaring ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["another assessor", "council officer", "programme admin"])
def test_only_the_assignments_own_assessor_declares(people, assignment, who):
    actor = another_assessor() if who == "another assessor" else people[who]

    with pytest.raises(PermissionDenied):
        assignment_declare(actor=actor, assignment=assignment, has_conflict=False)

    assignment.refresh_from_db()
    assert (assignment.has_conflict, assignment.declared_at) == (None, None)


def test_a_declaration_is_made_once(assessor, assignment):
    assignment_declare(actor=assessor, assignment=assignment, has_conflict=False)

    with pytest.raises(ValidationError, match="You have already made your declaration for this application"):
        assignment_declare(actor=assessor, assignment=assignment, has_conflict=True, details="Changed my mind")

    assignment.refresh_from_db()
    assert (assignment.has_conflict, assignment.conflict_details) == (False, "")


def test_a_conflict_needs_its_details(assessor, assignment):
    with pytest.raises(ValidationError) as error:
        assignment_declare(actor=assessor, assignment=assignment, has_conflict=True, details="   ")

    assert error.value.message_dict == {"conflict_details": ["Say what your conflict of interest is"]}
    assignment.refresh_from_db()
    assert (assignment.has_conflict, assignment.declared_at) == (None, None)


def test_declaring_a_conflict_keeps_its_details_and_stops_the_assessment(assessor, assignment):
    declared = assignment_declare(
        actor=assessor, assignment=assignment, has_conflict=True, details=" I volunteer there "
    )

    assert (declared.has_conflict, declared.conflict_details, declared.may_assess) == (True, "I volunteer there", False)
    assert declared.declared_at is not None


def test_no_conflict_means_the_assessor_may_assess(assessor, assignment):
    declared = assignment_declare(actor=assessor, assignment=assignment, has_conflict=False, details="ignored")

    assert (declared.has_conflict, declared.conflict_details, declared.may_assess) == (False, "", True)
    assert declared.declared_at is not None
    assert declared.version == assignment.version + 1


# --- scoring --------------------------------------------------------------------------------------


def test_a_conflicted_assessor_cannot_score(application, assessor, criteria):
    conflicted = AssignmentFactory(application=application, assessor=assessor, conflicted=True)

    with pytest.raises(PermissionDenied):
        assessment_save(
            actor=assessor, assignment=conflicted, scores=scores_for(criteria, 5, 5), submit=True, expected_version=1
        )

    assert not Score.objects.exists()


def test_an_assessor_who_has_not_declared_cannot_score(assessor, assignment, criteria):
    with pytest.raises(PermissionDenied):
        assessment_save(
            actor=assessor, assignment=assignment, scores=scores_for(criteria, 5, 5), submit=False, expected_version=1
        )

    assert not Score.objects.exists()


def test_another_assessor_cannot_score_this_assignment(declared, criteria):
    with pytest.raises(PermissionDenied):
        assessment_save(
            actor=another_assessor(),
            assignment=declared,
            scores=scores_for(criteria, 5, 5),
            submit=False,
            expected_version=declared.version,
        )

    assert not Score.objects.exists()


@pytest.mark.parametrize("state", sorted(set(State.values) - {State.IN_ASSESSMENT}))
def test_scores_are_given_only_while_the_application_is_in_assessment(application, assessor, declared, criteria, state):
    Application.objects.filter(pk=application.pk).update(state=state)

    with pytest.raises(ValidationError, match="This application is not being assessed now"):
        assessment_save(
            actor=assessor,
            assignment=declared,
            scores=scores_for(criteria, 4, 4),
            submit=False,
            expected_version=declared.version,
        )

    assert not Score.objects.exists()


@pytest.mark.parametrize("bad", [6, -1, 99])
def test_a_score_outside_0_to_5_is_refused_and_nothing_is_saved(assessor, declared, criteria, bad):
    need, value = criteria

    with pytest.raises(ValidationError) as error:
        assessment_save(
            actor=assessor,
            assignment=declared,
            scores={need.pk: (4, "Good"), value.pk: (bad, "Odd")},
            submit=False,
            expected_version=declared.version,
        )

    assert error.value.message_dict == {f"score_{value.pk}": ["Give a score from 0 to 5"]}
    assert not Score.objects.exists()
    assert Assignment.objects.get(pk=declared.pk).version == declared.version


def test_a_draft_keeps_comments_without_scores(assessor, declared, criteria):
    problems = assessment_save(
        actor=assessor,
        assignment=declared,
        scores=scores_for(criteria, None, 2, comments=("  Real need on the estate  ", "Quotes missing")),
        submit=False,
        expected_version=declared.version,
    )

    assert problems == {}
    assert [(s.criterion.name, s.score, s.comment) for s in Score.objects.filter(assignment=declared)] == [
        ("Community need", None, "Real need on the estate"),
        ("Value for money", 2, "Quotes missing"),
    ]
    declared.refresh_from_db()
    assert declared.submitted_at is None
    assert declared.version == 2  # saved once


def test_sending_with_a_criterion_unscored_names_it_and_sends_nothing(assessor, declared, criteria):
    _need, value = criteria

    problems = assessment_save(
        actor=assessor,
        assignment=declared,
        scores=scores_for(criteria, 4, None, comments=("Clear need", "Not sure yet")),
        submit=True,
        expected_version=declared.version,
    )

    assert problems == {f"score_{value.pk}": "Give a score for “Value for money”"}
    declared.refresh_from_db()
    assert declared.submitted_at is None
    # What was typed is kept all the same.
    assert sorted(Score.objects.values_list("criterion__name", "score", "comment")) == [
        ("Community need", 4, "Clear need"),
        ("Value for money", None, "Not sure yet"),
    ]


def test_sending_with_every_criterion_scored_sends_them(assessor, declared, criteria):
    problems = assessment_save(
        actor=assessor,
        assignment=declared,
        scores=scores_for(criteria, 5, 0),
        submit=True,
        expected_version=declared.version,
    )

    assert problems == {}
    declared.refresh_from_db()
    assert declared.submitted_at is not None


def test_scores_saved_in_two_goes_can_be_sent(assessor, declared, criteria):
    need, value = criteria
    assessment_save(
        actor=assessor, assignment=declared, scores={need.pk: (3, "")}, submit=False, expected_version=declared.version
    )

    problems = assessment_save(
        actor=assessor,
        assignment=declared,
        scores={value.pk: (2, "")},
        submit=True,
        expected_version=declared.version + 1,
    )

    assert problems == {}
    assert Assignment.objects.get(pk=declared.pk).submitted_at is not None


def test_a_stale_version_is_a_conflict_and_writes_nothing(assessor, declared, criteria):
    assessment_save(
        actor=assessor,
        assignment=declared,
        scores=scores_for(criteria, 3, 3, comments=("First tab", "First tab")),
        submit=False,
        expected_version=declared.version,
    )

    with pytest.raises(AssessmentConflict):
        assessment_save(
            actor=assessor,
            assignment=declared,
            scores=scores_for(criteria, 5, 5, comments=("Second tab", "Second tab")),
            submit=True,
            expected_version=declared.version,
        )

    saved = Assignment.objects.get(pk=declared.pk)
    assert (saved.version, saved.submitted_at) == (declared.version + 1, None)
    assert set(Score.objects.values_list("score", "comment")) == {(3, "First tab")}


def test_sent_scores_cannot_be_changed(assessor, declared, criteria):
    loaded_at = declared.version
    assessment_save(
        actor=assessor, assignment=declared, scores=scores_for(criteria, 4, 4), submit=True, expected_version=loaded_at
    )

    with pytest.raises(ValidationError, match="You have already sent your scores for this application"):
        assessment_save(
            actor=assessor,
            assignment=declared,
            scores=scores_for(criteria, 0, 0),
            submit=False,
            expected_version=loaded_at + 1,
        )

    assert set(Score.objects.values_list("score", flat=True)) == {4}


# --- who sees what --------------------------------------------------------------------------------


@pytest.fixture
def with_document(round_, criteria, people):
    """An application with a document, uploaded while it was a draft and now in assessment."""
    draft = ApplicationFactory(round=round_, members=[people["applicant"]], project_title="Allotment")
    attachment = attachment_add(
        actor=people["applicant"], application=draft, kind="constitution", uploaded=upload("Constitution.pdf", PDF)
    )
    Application.objects.filter(pk=draft.pk).update(state=State.IN_ASSESSMENT, reference="HP-2026-00002")
    return Application.objects.get(pk=draft.pk), attachment


def status_of(client, name, application, attachment=None):
    if name == "attachment":
        url = reverse("funding:attachment", kwargs={"pk": application.pk, "attachment_pk": attachment.pk})
    else:
        url = reverse(f"funding:{name}", kwargs={"pk": application.pk})
    response = client.get(url)
    if response.status_code == 200 and name == "attachment":
        assert b"".join(response.streaming_content) == PDF
    return response.status_code


def test_an_unassigned_assessor_finds_nothing(client, assessor, with_document):
    application, attachment = with_document
    client.force_login(assessor)

    assert status_of(client, "application", application) == 404
    assert status_of(client, "check", application) == 404
    assert status_of(client, "attachment", application, attachment) == 404


def test_an_assessor_declares_before_seeing_the_application(client, assessor, with_document):
    application, attachment = with_document
    assignment = AssignmentFactory(application=application, assessor=assessor)
    client.force_login(assessor)

    response = client.get(assessment_url(assignment))
    assert response.status_code == 302
    assert response.url == declare_url(assignment)
    assert status_of(client, "application", application) == 404
    assert status_of(client, "attachment", application, attachment) == 404
    page = client.get(declare_url(assignment)).content.decode()
    assert "Declare any conflict of interest" in page
    assert "Allotment" in page  # enough to tell whether they have a conflict

    response = client.post(declare_url(assignment), {"has_conflict": "no"})

    assert response.status_code == 302
    assert response.url == assessment_url(assignment)
    assert status_of(client, "application", application) == 200
    assert status_of(client, "check", application) == 200
    assert status_of(client, "attachment", application, attachment) == 200
    assert client.get(assessment_url(assignment)).status_code == 200


def test_a_conflicted_assessor_sees_nothing_of_the_application(client, assessor, with_document):
    application, attachment = with_document
    assignment = AssignmentFactory(application=application, assessor=assessor)
    client.force_login(assessor)

    response = client.post(
        declare_url(assignment), {"has_conflict": "yes", "conflict_details": "I chair it"}, follow=True
    )

    assert response.redirect_chain == [(reverse("funding:assessments"), 302)]
    assert "You will not assess this application" in response.content.decode()
    assert client.get(assessment_url(assignment)).status_code == 403
    assert status_of(client, "application", application) == 404
    assert status_of(client, "check", application) == 404
    assert status_of(client, "attachment", application, attachment) == 404
    # Their declaration is made; the form does not come back, and they are sent to their list.
    assert client.get(declare_url(assignment)).url == reverse("funding:assessments")


def test_an_assessor_sees_others_scores_only_after_sending_their_own(client, application, assessor, criteria):
    first = AssignmentFactory(application=application, declared=True)
    sent_scores(first, {criteria[0]: 5, criteria[1]: 1}, comment="First assessor's private view")
    mine = AssignmentFactory(application=application, assessor=assessor, declared=True)
    conflicted = AssignmentFactory(application=application, conflicted=True)
    secret = escape("First assessor's private view")
    client.force_login(assessor)

    before = client.get(assessment_url(mine)).content.decode()
    assert secret not in before
    assert "Other assessors" not in before
    assert secret not in client.get(application.get_absolute_url()).content.decode()

    response = client.post(
        assessment_url(mine), score_answers(mine.version, criteria, "submit", (3, 3), ("My own view", ""))
    )
    assert response.status_code == 302
    assert response.url == reverse("funding:assessments")

    after = client.get(assessment_url(mine)).content.decode()
    assert "Other assessors' scores" in after
    assert secret in after
    assert "My own view" in after
    # Staff only: the application page itself never lists assessors' scores for an assessor.
    assert secret not in client.get(application.get_absolute_url()).content.decode()

    client.force_login(conflicted.assessor)
    assert client.get(assessment_url(conflicted)).status_code == 403
    assert client.get(application.get_absolute_url()).status_code == 404


def test_an_assessors_lists_show_only_what_they_may_open(client, assessor, round_, criteria):
    def assigned(reference, **traits):
        application = ApplicationFactory(
            round=round_, state=State.IN_ASSESSMENT, reference=reference, project_title=f"Project {reference}"
        )
        return AssignmentFactory(application=application, assessor=assessor, **traits)

    undeclared = assigned("HP-2026-00021")
    scoring = assigned("HP-2026-00022", declared=True)
    conflicted = assigned("HP-2026-00023", conflicted=True)
    sent = sent_scores(assigned("HP-2026-00024", declared=True), {criteria[0]: 3, criteria[1]: 3})
    ApplicationFactory(round=round_, state=State.IN_ASSESSMENT, reference="HP-2026-00025")  # not theirs
    client.force_login(assessor)

    page = client.get(reverse("funding:assessments")).content.decode()

    assert "4 assessments" in page
    assert f'href="{declare_url(undeclared)}">HP-2026-00021</a>' in page
    assert f'href="{assessment_url(scoring)}">HP-2026-00022</a>' in page
    assert f'href="{assessment_url(sent)}">HP-2026-00024</a>' in page
    assert assessment_url(conflicted) not in page
    for status in ("Declaration needed", "Scoring", "Conflict of interest declared", "Scores sent"):
        assert status in page
    assert "HP-2026-00025" not in page
    # Their applications list: only those they have declared no conflict on.
    listed = client.get(reverse("funding:applications")).content.decode()
    assert {"HP-2026-00022", "HP-2026-00024"} == set(re.findall(r"HP-2026-000\d\d", listed))


# --- the declaration and score pages --------------------------------------------------------------


def test_the_declaration_needs_an_answer(client, assessor, assignment):
    client.force_login(assessor)

    # As a browser sends it: no radio chosen, the details box empty.
    response = client.post(declare_url(assignment), {"conflict_details": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert page.count("Select yes if you have a conflict of interest") == 2  # summary and beside the question
    assignment.refresh_from_db()
    assert assignment.declared_at is None


def test_a_declared_conflict_without_details_is_explained_and_the_answer_kept(client, assessor, assignment):
    client.force_login(assessor)

    response = client.post(declare_url(assignment), {"has_conflict": "yes", "conflict_details": "  "})

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert page.count("Say what your conflict of interest is") == 2
    assert 'href="#id_conflict_details"' in page
    assert checked(page, "has_conflict", "yes")
    assignment.refresh_from_db()
    assert (assignment.has_conflict, assignment.declared_at) == (None, None)


def test_saving_a_draft_keeps_every_typed_answer(client, assessor, declared, criteria):
    need, value = criteria
    client.force_login(assessor)

    response = client.post(
        assessment_url(declared),
        score_answers(declared.version, criteria, "save", (4, None), ("Strong need", "Costs unclear")),
        follow=True,
    )

    assert response.redirect_chain == [(assessment_url(declared), 302)]
    page = response.content.decode()
    assert "Your scores have been saved as a draft" in page
    assert checked(page, f"score_{need.pk}", "4")
    assert not re.search(rf'name="score_{value.pk}" type="radio" value="\d" checked', page)
    assert "Strong need" in page
    assert "Costs unclear" in page
    assert Assignment.objects.get(pk=declared.pk).submitted_at is None


def test_sending_with_a_score_missing_shows_the_error_beside_it_and_keeps_the_rest(
    client, assessor, declared, criteria
):
    need, value = criteria
    client.force_login(assessor)

    response = client.post(
        assessment_url(declared),
        score_answers(declared.version, criteria, "submit", (4, None), ("Strong need", "Costs unclear")),
    )

    page = response.content.decode()
    assert response.status_code == 200
    message = escape("Give a score for “Value for money”")
    assert "govuk-error-summary" in page
    assert f'id="id_score_{value.pk}-error"' in page
    assert page.count(message) == 2  # in the summary and beside the criterion
    assert checked(page, f"score_{need.pk}", "4")
    assert "Strong need" in page
    assert "Costs unclear" in page
    saved = Assignment.objects.get(pk=declared.pk)
    assert saved.submitted_at is None
    assert f'name="version" value="{saved.version}"' in page  # sending again is not a conflict


def test_a_score_saved_in_another_tab_is_a_conflict_and_the_typed_answers_are_kept(
    client, assessor, declared, criteria
):
    need, _value = criteria
    loaded_at = declared.version
    assessment_save(
        actor=assessor, assignment=declared, scores=scores_for(criteria, 1, 1), submit=False, expected_version=loaded_at
    )
    client.force_login(assessor)

    response = client.post(
        assessment_url(declared),
        score_answers(loaded_at, criteria, "save", (5, None), ("From the old tab", "")),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your scores were saved somewhere else" in page
    assert checked(page, f"score_{need.pk}", "5")
    assert "From the old tab" in page
    assert set(Score.objects.values_list("score", flat=True)) == {1}


def test_sent_scores_are_shown_not_offered_for_change(client, assessor, declared, criteria):
    sent_scores(declared, {criteria[0]: 2, criteria[1]: 4}, comment="Sent view")
    client.force_login(assessor)

    response = client.post(
        assessment_url(declared),
        {"version": declared.version, "action": "submit", f"score_{criteria[0].pk}": "5"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "You sent your scores on" in page
    assert "2 out of 5" in page
    assert 'name="action"' not in page
    assert sorted(Score.objects.values_list("score", flat=True)) == [2, 4]


# --- officers: assigning, removing, and the weighted score ----------------------------------------


def test_staff_assign_and_remove_assessors_from_the_application_page(client, people, application, assessor):
    officer = people["council officer"]
    client.force_login(officer)
    page = client.get(application.get_absolute_url()).content.decode()
    assert reverse("funding:assign", kwargs={"pk": application.pk}) in page
    assert "No assessors have been assigned yet" in page

    response = client.post(
        reverse("funding:assign", kwargs={"pk": application.pk}), {"assessor": assessor.pk}, follow=True
    )

    assert response.redirect_chain == [(f"{application.get_absolute_url()}#assessment", 302)]
    page = response.content.decode()
    assert escape(f"{assessor} has been asked to assess HP-2026-00001") in page
    assignment = Assignment.objects.get()
    assert (assignment.application, assignment.assessor, assignment.assigned_by) == (application, assessor, officer)
    assert "Declaration needed" in page
    unassign = reverse("funding:unassign", kwargs={"pk": application.pk, "assignment_pk": assignment.pk})
    assert unassign in page

    response = client.post(unassign, follow=True)

    assert escape(f"{assessor} is no longer assessing HP-2026-00001") in response.content.decode()
    assert not Assignment.objects.exists()


def test_assigning_someone_not_offered_is_explained(client, people, application):
    client.force_login(people["council officer"])

    response = client.post(
        reverse("funding:assign", kwargs={"pk": application.pk}), {"assessor": people["board member"].pk}, follow=True
    )

    assert "Select an assessor from the list" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("role", sorted(set(ROLES) - STAFF - {"applicant", "other group's member"}))
def test_only_staff_assign_or_remove(client, people, application, assessor, role):
    assignment = AssignmentFactory(application=application, declared=True)
    client.force_login(people[role])

    assign = client.post(reverse("funding:assign", kwargs={"pk": application.pk}), {"assessor": assessor.pk})
    unassign = client.post(reverse("funding:unassign", kwargs={"pk": application.pk, "assignment_pk": assignment.pk}))

    assert (assign.status_code, unassign.status_code) == (403, 403)
    assert list(Assignment.objects.all()) == [assignment]


def test_the_group_cannot_assign_or_remove_assessors(client, people, application, assessor):
    assignment = AssignmentFactory(application=application, declared=True)
    client.force_login(people["applicant"])

    assert (
        client.post(reverse("funding:assign", kwargs={"pk": application.pk}), {"assessor": assessor.pk}).status_code
        == 403
    )
    remove = reverse("funding:unassign", kwargs={"pk": application.pk, "assignment_pk": assignment.pk})
    assert client.post(remove).status_code == 403
    assert list(Assignment.objects.all()) == [assignment]


def test_an_assessor_who_has_sent_their_scores_cannot_be_removed(client, people, application, criteria):
    assignment = sent_scores(
        AssignmentFactory(application=application, declared=True), {criteria[0]: 3, criteria[1]: 3}
    )
    client.force_login(people["council officer"])

    response = client.post(
        reverse("funding:unassign", kwargs={"pk": application.pk, "assignment_pk": assignment.pk}), follow=True
    )

    assert "This assessor has already sent their scores, so cannot be taken off" in response.content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.fixture
def two_sent(application, criteria):
    """Assessor A: 5 and 1, so (5x3 + 1x1) / (4x5) = 16/20 = 80%. Assessor B: 3 and 3, so
    (3x3 + 3x1) / 20 = 12/20 = 60%. Their mean: 70%."""
    need, value = criteria
    a = sent_scores(
        AssignmentFactory(
            application=application, assessor=UserFactory(roles=[Role.ASSESSOR], full_name="Ann Able"), declared=True
        ),
        {need: 5, value: 1},
    )
    b = sent_scores(
        AssignmentFactory(
            application=application, assessor=UserFactory(roles=[Role.ASSESSOR], full_name="Bob Bell"), declared=True
        ),
        {need: 3, value: 3},
    )
    waiting = AssignmentFactory(
        application=application, assessor=UserFactory(roles=[Role.ASSESSOR], full_name="Cat Cole"), declared=True
    )
    conflicted = AssignmentFactory(
        application=application, assessor=UserFactory(roles=[Role.ASSESSOR], full_name="Dan Dee"), conflicted=True
    )
    return a, b, waiting, conflicted


def row_of(page, name):
    match = re.search(
        rf'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">{name}</td>(.*?)</tr>', page, re.S
    )
    assert match, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_officer_sees_each_assessors_weighted_score_and_their_mean(client, people, application, two_sent):
    client.force_login(people["council officer"])

    page = client.get(application.get_absolute_url()).content.decode()

    assert "Weighted score: <strong>70.0%</strong>" in page
    assert row_of(page, "Ann Able").startswith("Scores sent 80.0%")
    assert row_of(page, "Bob Bell").startswith("Scores sent 60.0%")
    assert row_of(page, "Cat Cole").startswith("Scoring None yet")
    assert row_of(page, "Dan Dee").startswith("Conflict of interest declared My sister chairs the group None yet")


def test_the_application_page_and_the_panel_agree_on_a_score_that_does_not_divide_exactly(
    client, people, round_, application
):
    """Weights 2 and 1, so each assessor's points are out of 15. A: 5 and 0, so 10/15 = 66.67%; B: 1
    and 1, so 3/15 = 20%. The mean is 13/30 = 43.33%, shown as 43.3% — not 43.4%, which is what
    averaging the already-rounded 66.7% and 20.0% and rounding again would give."""
    need = CriterionFactory(round=round_, name="Reach", weight=2, position=3)
    value = CriterionFactory(round=round_, name="Cost", weight=1, position=4)
    round_.criteria.exclude(pk__in=[need.pk, value.pk]).delete()
    sent_scores(AssignmentFactory(application=application, declared=True), {need: 5, value: 0})
    sent_scores(AssignmentFactory(application=application, declared=True), {need: 1, value: 1})
    client.force_login(people["council officer"])

    application_page = client.get(application.get_absolute_url()).content.decode()
    panel_page = client.get(panel_url(round_)).content.decode()

    assert panel_rows(panel_page)[0][1] == "43.3%"
    assert "Weighted score: <strong>43.3%</strong>" in application_page


def test_the_group_does_not_see_the_assessment(client, people, application, two_sent):
    client.force_login(people["applicant"])

    page = client.get(application.get_absolute_url()).content.decode()

    assert "Weighted score" not in page
    assert "Ann Able" not in page


# --- the panel ------------------------------------------------------------------------------------


def panel_url(round_):
    return reverse("funding:panel", kwargs={"pk": round_.pk})


@pytest.fixture
def panel(round_, criteria, application, two_sent):
    """Budget £3,000, of which £1,000 is awarded already (Decided). In assessment: Leading (90%,
    asks £1,500), the application (70%, asks £500), Unscored (asks £200), and Trailing (40%,
    asks £900)."""
    now = timezone.now()

    def applying(reference, title, asked, days_ago, scores=None, **fields):
        application = ApplicationFactory(
            round=round_,
            state=fields.pop("state", State.IN_ASSESSMENT),
            reference=reference,
            project_title=title,
            amount_requested=Decimal(asked),
            submitted_at=now - datetime.timedelta(days=days_ago),
            **fields,
        )
        if scores:
            sent_scores(
                AssignmentFactory(application=application, declared=True), dict(zip(criteria, scores, strict=True))
            )
        return application

    leading = applying("HP-2026-00010", "Leading", "1500", 5, scores=(5, 3))  # (5x3 + 3x1) / 20 = 90%
    trailing = applying("HP-2026-00011", "Trailing", "900", 5, scores=(2, 2))  # (2x3 + 2x1) / 20 = 40%
    decided = applying("HP-2026-00012", "Decided", "1000", 4, state=State.APPROVED, amount_awarded=Decimal("1000"))
    unscored = applying("HP-2026-00013", "Unscored", "200", 3)
    # Not in the panel: still a draft, and another round's.
    ApplicationFactory(round=round_, project_title="A draft", amount_requested=Decimal("700"))
    ApplicationFactory(state=State.IN_ASSESSMENT, project_title="Another round", reference="HP-2026-00099")
    return {"leading": leading, "scored": application, "trailing": trailing, "decided": decided, "unscored": unscored}


def panel_rows(page):
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)[1:]  # after the header
    out = []
    for row in rows:
        cells = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', row, re.S)
        text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]
        out.append((text[1].split(" ")[0], text[2], text[3], text[4], text[5]))
    return out


def test_the_panel_ranks_by_weighted_score_with_a_running_budget(client, people, round_, panel):
    client.force_login(people["council officer"])

    response = client.get(panel_url(round_))

    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="budget-remaining">£2,000.00<', page)  # £3,000 less the £1,000 awarded
    # Running total: 2000 - 1500 = 500; 500 - 500 = 0; 0 - 900 = -900; decided rows do not count;
    # 0 - 900 - 200 = -1,100. Unscored applications come last, in the order they were sent.
    assert panel_rows(page) == [
        ("HP-2026-00010", "90.0%", "1 of 1", "£1,500.00", "£500.00"),
        ("HP-2026-00001", "70.0%", "2 of 3", "£500.00", "£0.00"),
        ("HP-2026-00011", "40.0%", "1 of 1", "£900.00", "Over budget by £900.00"),
        ("HP-2026-00012", "Not scored", "0 of 0", "£1,000.00", "Decided"),
        ("HP-2026-00013", "Not scored", "0 of 0", "£200.00", "Over budget by £1,100.00"),
    ]
    assert "A draft" not in page
    assert "Another round" not in page


def test_approving_from_the_panel_comes_back_to_it(client, people, round_, panel):
    client.force_login(people["council officer"])
    leading = panel["leading"]

    response = client.post(
        reverse("funding:transition", kwargs={"pk": leading.pk}),
        {"name": "approve", "amount": "1500", "return_to": "panel"},
        follow=True,
    )

    assert response.redirect_chain == [(panel_url(round_), 302)]
    page = response.content.decode()
    assert "HP-2026-00010 is now: Approved" in page
    assert re.search(r'id="budget-remaining">£500.00<', page)
    leading.refresh_from_db()
    assert (leading.state, leading.amount_awarded) == (State.APPROVED, Decimal("1500"))


def test_approving_beyond_the_budget_left_is_refused_on_the_panel_with_the_amount_kept(client, people, round_, panel):
    Application.objects.filter(pk=panel["leading"].pk).update(state=State.APPROVED, amount_awarded=Decimal("1800"))
    client.force_login(people["council officer"])
    trailing = panel["trailing"]

    response = client.post(
        reverse("funding:transition", kwargs={"pk": trailing.pk}),
        {"name": "approve", "amount": "900", "return_to": "panel"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Panel: Autumn 2026" in page
    assert "<title>Error: " in page
    assert page.count(escape("Only £200.00 of the round's budget is left")) == 2  # summary and beside the amount
    assert 'value="900"' in page
    trailing.refresh_from_db()
    assert (trailing.state, trailing.amount_awarded) == (State.IN_ASSESSMENT, None)


@pytest.mark.parametrize("role", sorted(set(ROLES) - STAFF))
def test_only_staff_see_panels(client, people, round_, panel, role):
    client.force_login(people[role])

    assert client.get(reverse("funding:panels")).status_code == 403
    assert client.get(panel_url(round_)).status_code == 403


@pytest.fixture
def long_panel(round_):
    """30 unscored applications in assessment, each asking £100 of the £3,000 budget, ranked in
    the order they were sent: HP-2026-00000 first."""
    sent = timezone.now() - datetime.timedelta(days=1)
    return [
        ApplicationFactory(
            round=round_,
            state=State.IN_ASSESSMENT,
            reference=f"HP-2026-{n:05d}",
            amount_requested=Decimal("100"),
            submitted_at=sent + datetime.timedelta(minutes=n),
        )
        for n in range(30)
    ]


def test_the_panel_is_paged_with_ranks_and_the_running_budget_carried_across_pages(client, people, round_, long_panel):
    client.force_login(people["council officer"])

    first = client.get(panel_url(round_)).content.decode()
    second = client.get(panel_url(round_), {"page": "2"}).content.decode()

    ranked = [row[0] for row in panel_rows(first) + panel_rows(second)]
    assert len(panel_rows(first)) == 25
    assert len(ranked) == 30
    assert ranked == [a.reference for a in long_panel]  # each once, in rank order across the pages
    assert "30 applications ranked by score: 1 to 25" in first
    assert "30 applications ranked by score: 26 to 30" in second
    ranks = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>', second)
    assert ranks == ["26", "27", "28", "29", "30"]
    # £3,000 less £100 for each row above and on it: the 25th leaves £500, the 26th £400.
    assert panel_rows(first)[-1][4] == "£500.00"
    assert [row[4] for row in panel_rows(second)] == ["£400.00", "£300.00", "£200.00", "£100.00", "£0.00"]
    assert "before this one is awarded: £500.00" in second
    assert 'id="budget-carried"' not in first


def test_the_budget_carried_to_a_later_page_says_by_how_much_it_is_over(client, people, round_, long_panel):
    # £100 a row: the 25 rows of the first page ask for £2,500, £500 more than the budget.
    Round.objects.filter(pk=round_.pk).update(budget=Decimal("2000"))
    client.force_login(people["council officer"])

    second = client.get(panel_url(round_), {"page": "2"}).content.decode()

    assert (
        "before this one is awarded: "
        '<strong class="govuk-tag govuk-tag--red">Over budget</strong> by £500.00</p>' in second
    )


def test_approving_from_a_later_page_of_the_panel_comes_back_to_that_page(client, people, round_, long_panel):
    client.force_login(people["council officer"])
    second = client.get(panel_url(round_), {"page": "2"}).content.decode()
    on_second = next(a for a in long_panel if a.reference == panel_rows(second)[0][0])
    assert 'name="page" value="2"' in second

    response = client.post(
        reverse("funding:transition", kwargs={"pk": on_second.pk}),
        {"name": "approve", "amount": "100", "return_to": "panel", "page": "2"},
        follow=True,
    )

    assert response.redirect_chain == [(panel_url(round_) + "?page=2", 302)]
    assert f"{on_second.reference} is now: Approved" in response.content.decode()
    assert panel_rows(response.content.decode())[0][4] == "Decided"


def test_a_refused_approval_on_a_later_page_comes_back_on_that_page(client, people, round_, long_panel):
    Round.objects.filter(pk=round_.pk).update(budget=Decimal("50"))
    client.force_login(people["council officer"])
    last = client.get(panel_url(round_), {"page": "2"}).content.decode()
    on_second = next(a for a in long_panel if a.reference == panel_rows(last)[-1][0])

    response = client.post(
        reverse("funding:transition", kwargs={"pk": on_second.pk}),
        {"name": "approve", "amount": "100", "return_to": "panel"},
    )

    page = response.content.decode()
    assert "30 applications ranked by score: 26 to 30" in page
    assert page.count(escape("Only £50.00 of the round's budget is left")) == 2
    on_second.refresh_from_db()
    assert on_second.state == State.IN_ASSESSMENT


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_the_panel_runs_the_same_queries_however_many_applications(
    client, django_assert_num_queries, people, round_, criteria, rows
):
    need, value = criteria
    for n in range(rows):
        scored = ApplicationFactory(
            round=round_, state=State.IN_ASSESSMENT, reference=f"HP-2026-{n:05d}", amount_requested=Decimal("100")
        )
        if n % 2:
            sent_scores(AssignmentFactory(application=scored, declared=True), {need: n % 6, value: 2})
    client.force_login(people["council officer"])

    # session, user, the user's own and their groups' permissions (2), the round with its fund, the
    # criteria's total weight, and the applications with their organisation and score annotations
    with django_assert_num_queries(7):
        response = client.get(panel_url(round_))

    assert response.status_code == 200
    assert len(panel_rows(response.content.decode())) == min(rows, 25)  # a page at a time


@pytest.mark.parametrize("rows", [5, 50])
def test_the_assessors_list_runs_the_same_queries_however_many_rows(
    client, django_assert_num_queries, assessor, round_, rows
):
    for n in range(rows):
        AssignmentFactory(
            assessor=assessor,
            application=ApplicationFactory(round=round_, state=State.IN_ASSESSMENT, reference=f"HP-2026-{n:05d}"),
            declared=bool(n % 2),
        )
    client.force_login(assessor)

    # session, user, the user's own and their groups' permissions (2), count, and the page of
    # assignments with application, organisation, round and fund joined
    with django_assert_num_queries(6):
        response = client.get(reverse("funding:assessments"))

    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') == min(rows, 25) + 1  # and the header


@pytest.mark.parametrize("rows", [5, 50])
def test_the_panels_list_runs_the_same_queries_however_many_rounds(client, django_assert_num_queries, people, rows):
    for n in range(rows):
        round_ = RoundFactory(name=f"Round {n:03d}")
        ApplicationFactory(round=round_, state=State.IN_ASSESSMENT)
    client.force_login(people["programme admin"])

    # session, user, the user's own and their groups' permissions (2), count, and the page of
    # rounds with their fund and the count of applications in assessment
    with django_assert_num_queries(6):
        response = client.get(reverse("funding:panels"))

    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') == min(rows, 25) + 1  # and the header
