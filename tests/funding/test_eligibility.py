"""A round's eligibility questions: a task-list section of their own that every question must be
answered in, and answers that miss the round's rule shown to officers in words."""

import pytest
from django.urls import reverse

from funding.models import EligibilityQuestion
from funding.services import application_save_section, sections_for
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from tests.factories import UserFactory
from tests.funding.factories import ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])


@pytest.fixture
def round_():
    round_ = RoundFactory()
    EligibilityQuestion.objects.create(round=round_, text="Is your group based in the borough?", position=1)
    EligibilityQuestion.objects.create(
        round=round_, text="Does your group make a profit for its members?", eligible_answer=False, position=2
    )
    return round_


def question_ids(round_):
    return list(round_.eligibility_questions.values_list("pk", flat=True))


def test_a_round_without_questions_has_no_eligibility_section():
    assert "eligibility" not in [section.key for section in sections_for(RoundFactory())]
    assert "eligibility" not in [section.key for section in sections_for(RoundFactory(quick_response=True))]


def test_a_round_with_questions_asks_them_first_also_in_the_short_form(round_):
    assert sections_for(round_)[0].key == "eligibility"
    round_.quick_response = True
    assert sections_for(round_)[0].key == "eligibility"


def test_every_question_must_be_answered_and_what_was_answered_is_kept(client, member, round_):
    application = ApplicationFactory(round=round_, members=[member])
    borough, _ = question_ids(round_)
    client.force_login(member)

    response = client.post(
        reverse("funding:section", kwargs={"pk": application.pk, "section": "eligibility"}),
        {f"question_{borough}": "yes", "completed": "yes", "version": application.version},
    )

    assert response.status_code == 200
    assert "Answer “Does your group make a profit for its members?”" in response.content.decode()
    application.refresh_from_db()
    assert application.eligibility_answers == {str(borough): True}
    assert "eligibility" not in application.sections_done
    # The answer given is still selected on the page shown again.
    assert f'id="id_question_{borough}_0" name="question_{borough}" type="radio" value="yes" checked' in (
        response.content.decode()
    )


def test_answered_questions_complete_the_section(member, round_):
    application = ApplicationFactory(round=round_, members=[member])
    borough, profit = question_ids(round_)

    problems = application_save_section(
        actor=member,
        application=application,
        section="eligibility",
        values={"eligibility_answers": {str(borough): True, str(profit): False}},
        completed=True,
        expected_version=application.version,
    )

    assert problems == {}
    application.refresh_from_db()
    assert "eligibility" in application.sections_done


def test_officers_see_in_words_which_answers_miss_the_rounds_rule(client, round_):
    borough, profit = question_ids(round_)
    application = ApplicationFactory(
        round=round_,
        state=State.SUBMITTED,
        reference="HP-2026-00001",
        eligibility_answers={str(borough): True, str(profit): True},
    )
    client.force_login(UserFactory(roles=[Role.COUNCIL_OFFICER]))

    page = client.get(application.get_absolute_url()).content.decode()

    assert "Is your group based in the borough?" in page
    assert "Yes (does not meet this round&#x27;s rule)" in page
    assert page.count("does not meet this round") == 1
