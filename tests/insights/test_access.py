"""Row-level insights only for those who need them (issue 15): officers and programme admins read
and export the whole bank; a connector lists, reads and edits only the insights they recorded;
board members see aggregates only, on the board's pages."""

import pytest
from django.urls import reverse

from actions.models import Action
from healthyplaces.accounts.roles import Role
from insights.models import Insight, InsightStatus
from tests.factories import ActionFactory, UserFactory
from tests.insights.factories import InsightFactory

pytestmark = pytest.mark.django_db

EXPORTS = [reverse("insights:export", kwargs={"file_format": f}) for f in ("csv", "xlsx")]


@pytest.fixture
def connectors():
    return UserFactory(roles=[Role.COMMUNITY_CONNECTOR]), UserFactory(roles=[Role.COMMUNITY_CONNECTOR])


def edit_answers(insight, **overrides):
    return {
        "title": "Corrected title",
        "summary": insight.summary,
        "source": insight.source,
        "heard_on-day": str(insight.heard_on.day),
        "heard_on-month": str(insight.heard_on.month),
        "heard_on-year": str(insight.heard_on.year),
        "consent_basis": insight.consent_basis,
        "version": str(insight.version),
    } | overrides


def test_a_connector_lists_only_the_insights_they_recorded(client, connectors):
    mine, theirs = connectors
    InsightFactory(title="Mine about buses", collected_by=mine)
    InsightFactory(title="Theirs about buses", collected_by=theirs)
    InsightFactory(title="An officer's about buses", collected_by=UserFactory(roles=[Role.COUNCIL_OFFICER]))
    client.force_login(mine)

    response = client.get(reverse("insights:list"), {"q": "buses"})

    assert [insight.title for insight in response.context["page"]] == ["Mine about buses"]
    page = response.content.decode()
    assert "These are the insights you recorded." in page
    assert EXPORTS[0] not in page
    assert reverse("insights:counts") not in page
    for url in (*EXPORTS, reverse("insights:counts")):
        assert client.get(url).status_code == 403


def test_another_connectors_insight_does_not_exist_for_a_connector(client, connectors):
    mine, theirs = connectors
    other = InsightFactory(title="Theirs", collected_by=theirs)
    client.force_login(mine)

    assert client.get(reverse("insights:detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("insights:edit", kwargs={"pk": other.pk})).status_code == 404
    response = client.post(reverse("insights:edit", kwargs={"pk": other.pk}), edit_answers(other))
    assert response.status_code == 404
    assert Insight.objects.get(pk=other.pk).title == "Theirs"


def test_a_connector_corrects_their_own_insight_but_not_its_status_or_actions(client, connectors):
    mine, _ = connectors
    insight = InsightFactory(title="Typo in the titel", collected_by=mine)
    action = ActionFactory(number=9)
    client.force_login(mine)

    response = client.post(
        reverse("insights:edit", kwargs={"pk": insight.pk}),
        edit_answers(insight, status=InsightStatus.RESPONDED, actions=[str(action.pk)]),
    )

    assert response.status_code == 302
    saved = Insight.objects.get(pk=insight.pk)
    assert (saved.title, saved.status, saved.version) == ("Corrected title", InsightStatus.NEW, insight.version + 1)
    assert not Action.objects.filter(insights=saved).exists()


def test_an_edit_from_a_stale_form_keeps_the_answers_and_says_so(client, connectors):
    mine, _ = connectors
    insight = InsightFactory(title="First", collected_by=mine)
    client.force_login(mine)
    Insight.objects.filter(pk=insight.pk).update(version=insight.version + 1)

    response = client.post(reverse("insights:edit", kwargs={"pk": insight.pk}), edit_answers(insight))

    assert response.status_code == 200
    assert "Someone else changed this insight" in response.content.decode()
    assert "Corrected title" in response.content.decode()
    assert Insight.objects.get(pk=insight.pk).title == "First"


def test_board_members_see_aggregates_only(client, board_member):
    insight = InsightFactory()
    client.force_login(board_member)

    for url in (
        reverse("insights:list"),
        reverse("insights:detail", kwargs={"pk": insight.pk}),
        reverse("insights:edit", kwargs={"pk": insight.pk}),
        reverse("insights:counts"),
        *EXPORTS,
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("board:dashboard")).status_code == 200
    assert reverse("insights:list") not in client.get(reverse("board:dashboard")).content.decode()


def test_officers_read_and_export_every_insight(client, officer, connectors):
    InsightFactory(title="A connector's", collected_by=connectors[0])
    InsightFactory(title="Another's", collected_by=connectors[1])
    client.force_login(officer)

    assert client.get(reverse("insights:list")).context["page"].paginator.count == 2
    assert "A connector's" in client.get(EXPORTS[0]).content.decode()
