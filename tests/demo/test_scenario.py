"""The living demo that setup loads by default: seen as the demo board member and officer, every
section of the board dashboard has figures, "what changed" since the demo snapshot lists changes,
an insight search finds results and the latest round's panel ranks applications. `--empty` gives
the programme on day one; seeding twice adds nothing."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from actions.models import Action, ActionUpdate, Milestone
from connectors.models import Connector, Conversation, ForumMeeting, MentoringPair, Place
from funding.models import Application, Payment, Round
from funding.workflow import State
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.board.models import BoardSnapshot
from healthyplaces.demo.scenario import WARD_WITHOUT_CONVERSATIONS
from healthyplaces.demo.services import DEMO_USERS
from insights.models import Insight

# Marked as database tests so pytest-django runs them with the other plain database tests, before the
# transactional ones: those flush every table afterwards (the roles included), and a non-database test
# runs after them all.
pytestmark = pytest.mark.django_db

NUMERIC_CELL = re.compile(r'<td class="govuk-table__cell govuk-table__cell--numeric">(.*?)</td>', re.S)
SECTION_IDS = ("actions", "loop", "insights", "funding", "reach")


class Rollback(Exception):
    pass


def _sections(page: str) -> dict[str, str]:
    """The dashboard's sections (each from its h2 to the next), by the h2's id."""
    parts = re.split(r'<h2 class="govuk-heading-l" id="([a-z]+)">', page)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _pages(client: Client) -> dict[str, str]:
    board = User.objects.get(email="board@example.org")
    officer = User.objects.get(email="officer@example.org")
    client.force_login(board)
    pages = {"dashboard": client.get(reverse("board:dashboard")).content.decode()}
    snapshot = BoardSnapshot.objects.get()
    pages["changes"] = client.get(reverse("board:changes", kwargs={"pk": snapshot.pk})).content.decode()
    client.force_login(officer)
    pages["search"] = client.get(reverse("insights:list"), {"q": "damp"}).content.decode()
    latest = Round.objects.filter(applications__state=State.IN_ASSESSMENT).distinct().get()
    pages["panel"] = client.get(reverse("funding:panel", kwargs={"pk": latest.pk})).content.decode()
    return pages


@pytest.fixture(scope="module")
def demo(django_db_blocker, django_db_setup):
    """The pages of one seeded living demo, read inside a transaction rolled back after."""
    result = {}
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        try:
            with transaction.atomic():
                out = StringIO()
                call_command("seed_demo", stdout=out)
                result = _pages(Client())
                result["out"] = out.getvalue()
                result["snapshots"] = BoardSnapshot.objects.count()
                result["quiet ward conversations"] = Conversation.objects.filter(
                    place__ward__name=WARD_WITHOUT_CONVERSATIONS
                ).count()
                result["wards with conversations"] = Conversation.objects.values("place__ward").distinct().count()
                result["states"] = set(Application.objects.values_list("state", flat=True))
                result["rounds with awards"] = (
                    Round.objects.filter(applications__state__in=(State.CLOSED, State.APPROVED)).distinct().count()
                )
                result["forum meetings"] = ForumMeeting.objects.count()
                result["mentoring pairs"] = MentoringPair.objects.count()
                result["open rounds"] = sum(round_.is_open() for round_ in Round.objects.all())
                raise Rollback
        except Rollback:
            pass
    return result


def test_every_dashboard_section_has_figures_above_zero(demo):
    sections = _sections(demo["dashboard"])

    assert set(SECTION_IDS) <= set(sections)
    for key in SECTION_IDS:
        cells = [re.sub(r"<[^>]+>|\s+", "", cell) for cell in NUMERIC_CELL.findall(sections[key])]
        shown = [cell for cell in cells if re.fullmatch(r"\u2212?£?[\d,]+(\.\d+)?%?", cell)]
        assert any(re.search(r"[1-9]", cell) for cell in shown), f"section {key} shows no figure above zero"
        # More figures shown than hidden: the counts are big enough for the small-numbers rule.
        hidden = sum(cell in ("fewerthan5", "withheld") for cell in cells)
        assert len(shown) > hidden, f"section {key}: {hidden} hidden, {len(shown)} shown"


def test_what_changed_since_the_demo_snapshot_lists_changes(demo):
    page = demo["changes"]

    assert demo["snapshots"] == 1
    assert len(re.findall(r'<li class="app-change">', page)) >= 5
    assert "No action changed status." not in page
    assert "No milestones were done." not in page
    assert "No grants were awarded." not in page
    assert re.search(r"Insights added to the bank: (\d+)\.", page).group(1) == "40"


def test_an_insight_search_for_a_word_in_the_scenario_finds_results(demo):
    page = demo["search"]

    assert "No insights match" not in page
    assert len(re.findall(r'<li class="app-result-list__item">', page)) >= 5
    assert "damp" in page.lower()


def test_the_latest_rounds_panel_ranks_applications(demo):
    page = demo["panel"]

    ranked = int(re.search(r"(\d+) applications? ranked by score", page).group(1))
    assert ranked >= 20
    scores = [float(s) for s in re.findall(r'numeric">(\d+\.\d)%</td>', page)]
    assert len(scores) >= 5
    assert scores == sorted(scores, reverse=True)


def test_the_year_has_what_the_issue_asked_for(demo):
    # Applications in every workflow state the board follows, awards in both rounds.
    assert {State.IN_ASSESSMENT, State.APPROVED, State.PAID, State.REPORT_DUE, State.REPORT_RECEIVED} <= demo["states"]
    assert demo["rounds with awards"] == 2
    # Conversations across the wards, but none in the one left out.
    assert demo["quiet ward conversations"] == 0
    assert demo["wards with conversations"] >= 10
    assert demo["forum meetings"] == 1
    assert demo["mentoring pairs"] == 1
    # The demo group can still apply: a round is open today.
    assert demo["open rounds"] == 1
    assert "Loaded the living demo" in demo["out"]


def _counts() -> tuple[int, ...]:
    return tuple(
        model._default_manager.count()
        for model in (
            User,
            Organisation,
            Action,
            ActionUpdate,
            Milestone,
            Insight,
            Round,
            Application,
            Payment,
            Place,
            Connector,
            Conversation,
            BoardSnapshot,
            ForumMeeting,
            MentoringPair,
        )
    )


def test_seeding_twice_adds_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert _counts() == first
    assert first[5] > 1000  # insights: the year was loaded the first time
    assert "Loaded the living demo" not in out.getvalue()


def test_empty_leaves_the_18_actions_and_the_demo_users_only(settings):
    settings.DEBUG = True

    call_command("seed_demo", "--empty", stdout=StringIO())

    assert Action.objects.count() == 18
    assert not ActionUpdate.objects.exists()
    assert set(User.objects.values_list("email", flat=True)) == {demo.email for demo in DEMO_USERS}
    assert not Insight.objects.exists()
    assert not Application.objects.exists()
    assert not BoardSnapshot.objects.exists()
    # Only the open round and the handful of places the demo group and connector need.
    assert Round.objects.count() == 1
    assert Conversation.objects.count() == 1
