import pytest
from django.db.models import OuterRef

from healthyplaces.accounts.models import Organisation
from healthyplaces.board.charts import Chart, Row, Series
from healthyplaces.board.selectors import DASHBOARD_APPS, dashboard_data, dashboard_figures, dashboard_for_user
from healthyplaces.core.reach import reach_sources, register_reach_source, unregister_reach_source
from healthyplaces.vocabulary.models import Ward
from tests.board.conftest import TODAY
from tests.connectors.factories import ConnectorFactory, ConversationFactory, PlaceFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def rows(figures, key):
    return {label: values for label, _, values in figures.chart(key).table}


def test_actions_by_status_and_each_action_row(world):
    figures = dashboard_figures(today=TODAY)

    assert rows(figures, "status") == {
        "Not started": ["1"],
        "On track": ["13"],
        "At risk": ["2"],
        "Off track": ["1"],
        "Complete": ["1"],
    }
    assert [row.number for row in figures.actions] == list(range(1, 19))
    assert [row.number for row in figures.overdue] == [1]
    action_9 = figures.actions[8]
    assert (action_9.status_label, action_9.progress, action_9.narrative) == ("On track", 25, "Clubs open")


def test_progress_over_time_and_milestones_due(world):
    figures = dashboard_figures(today=TODAY)

    assert rows(figures, "progress") == {"October 2026": ["30%"], "November 2026": ["25%"]}
    assert [(m.action_number, m.title) for m in figures.milestones_due] == [(3, "Venue booked"), (4, "Survey closes")]


def test_insights_by_theme_and_group_suppress_four_and_withhold_the_five_beside_it(world):
    figures = dashboard_figures(today=TODAY)

    # Each list's total may be published (the digest's, another page's), so a 4 alone beside a 5
    # would be the total minus 5: the 5 is withheld too, and not called small.
    assert rows(figures, "themes") == {"Loneliness": ["fewer than 5"], "Transport": ["withheld"]}
    assert rows(figures, "groups") == {"Carers": ["withheld"], "Older people": ["fewer than 5"]}


def test_funding_by_priority_and_by_ward(world):
    figures = dashboard_figures(today=TODAY)

    assert rows(figures, "funding_priorities") == {
        "Getting about": ["£2,000.00", "£0.00"],
        "Loneliness in later life": ["£1,500.00", "£1,250.00"],
    }
    assert rows(figures, "funding_wards") == {
        "Hardwick": ["£2,500.00", "£250.00"],
        "Norton": ["£1,500.00", "£1,250.00"],
        "Parkfield": ["£0.00", "£0.00"],
    }


def test_reach_by_ward_and_the_loop_by_action(world):
    hardwick, norton, _ = world["wards"]
    # Connectors: six active in Hardwick (one also in Norton), one inactive there. Conversations:
    # five at a Hardwick place, two at a Norton place, none in Parkfield.
    in_hardwick = [ConnectorFactory(wards=[hardwick]) for _ in range(5)]
    in_hardwick.append(ConnectorFactory(wards=[hardwick, norton]))
    ConnectorFactory(wards=[hardwick], active=False)
    hall, centre = PlaceFactory(ward=hardwick), PlaceFactory(ward=norton)
    for _ in range(5):
        ConversationFactory(connector=in_hardwick[0], place=hall)
    for _ in range(2):
        ConversationFactory(connector=in_hardwick[5], place=centre)

    figures = dashboard_figures(today=TODAY)

    assert figures.chart("reach_wards").headings == ["Ward", "Connectors", "Conversations", "Insights", "Grants"]
    # Each column has one other non-zero ward beside the small one, so it is withheld too.
    assert rows(figures, "reach_wards") == {
        "Hardwick": ["withheld", "withheld", "withheld", "fewer than 5"],
        "Norton": ["fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"],
        "Parkfield": ["0", "0", "0", "0"],
    }
    loop = {row.number: (row.insights, row.grants, row.reports, row.responses) for row in figures.loop}
    # Two insights and one response: counts about communities, so hidden; grants are public.
    assert loop[9] == ("fewer than 5", 2, 1, "fewer than 5")
    assert loop[1] == (0, 0, 0, 0)


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5")])
def test_suppression_at_four_and_five(count, shown):
    chart = Chart("c", "C", "Row", (Series("Insights", suppress=True), Series("Actions")), (Row("a", (count, count)),))
    assert chart.protect().table == [("a", "", [shown, str(count)])]


def test_a_suppressed_value_draws_no_bar_and_says_so(world):
    chart = dashboard_figures(today=TODAY).chart("themes")

    layout = chart.layout()

    assert len(layout.bars) == 0  # Loneliness's 4 and Transport's 5 withheld beside it are not drawn
    assert [text.text for text in layout.texts if text.css_class == "app-chart__value"] == ["fewer than 5", "withheld"]
    assert chart.summary == "Insights by theme, 2 themes. Insights: hidden for each (fewer than 5 or withheld)."


def test_figures_survive_the_round_trip_through_json(world):
    figures = dashboard_figures(today=TODAY)

    assert type(figures).from_json(figures.to_json()) == figures


def test_the_dashboards_data_is_the_boards_own_and_every_reach_sources_tables():
    data = dashboard_data()
    sources = reach_sources()
    assert {source.key for source in sources} >= {"connectors", "conversations", "insights", "grants"}
    assert data.apps == DASHBOARD_APPS
    assert set(data.tables) == set().union(*(source.tables() for source in sources))
    # Each source's own table and the link table it counts through are among them.
    assert {"connectors_connector", "connectors_connector_wards", "connectors_conversation"} <= set(data.tables)
    assert {"funding_application_wards", "insights_insight"} <= set(data.tables)


def test_a_new_reach_sources_table_invalidates_the_cached_dashboard(world, board_member):
    # Groups live in accounts, which nothing else on the dashboard reads.
    assert "accounts" not in DASHBOARD_APPS
    groups = [OrganisationFactory(name=f"Group {number}", ward=None) for number in range(6)]
    register_reach_source("groups", "Groups", lambda: Organisation.objects.filter(ward=OuterRef("pk")), order=50)
    try:
        assert "accounts_organisation" in dashboard_data().tables
        before = dashboard_for_user(user=board_member)
        assert dashboard_for_user(user=board_member).key == before.key, "served from the cache"
        hardwick = Ward.objects.get(name="Hardwick")
        # A queryset update: no service, no signal; only the write itself is seen.
        Organisation.objects.filter(pk__in=[group.pk for group in groups]).update(ward=hardwick)
        after = dashboard_for_user(user=board_member)
    finally:
        unregister_reach_source("groups")

    assert after.key != before.key
    column = before.value.chart("reach_wards").headings.index("Groups") - 1
    hardwick_before = next(row for row in before.value.chart("reach_wards").table if row[0] == "Hardwick")
    hardwick_after = next(row for row in after.value.chart("reach_wards").table if row[0] == "Hardwick")
    assert hardwick_before[2][column] == "0"
    assert hardwick_after[2][column] == "6"
