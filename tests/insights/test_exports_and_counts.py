import csv
import datetime
import io

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from healthyplaces.accounts.roles import Role
from healthyplaces.core.spreadsheets import BOM, csv_safe
from healthyplaces.notifications.digest import DigestPeriod
from insights.digest import insights_section
from insights.models import Insight
from insights.services import InsightFields, insight_create
from insights.stats import theme_group_counts
from tests.factories import PopulationGroupFactory, ThemeFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db


def add(actor, title, *, themes=(), groups=(), summary="People said so.", ward=None):
    return insight_create(
        actor=actor,
        fields=InsightFields(
            title=title,
            summary=summary,
            source="conversation",
            heard_on=datetime.date(2026, 11, 1),
            consent_basis="anonymous",
            ward=ward,
            themes=list(themes),
            population_groups=list(groups),
        ),
    )


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_a_spreadsheet_would_run_is_defused(value):
    assert csv_safe(value) == "'" + value


def test_ordinary_values_are_left_alone():
    assert [csv_safe(v) for v in ["Bus stop", 12, "", "a=b"]] == ["Bus stop", 12, "", "a=b"]


def test_csv_export_round_trips_the_filtered_rows_and_defuses_formulas(officer_client, officer):
    north = WardFactory(name="North")
    add(officer, "=cmd|' /C calc'!A0", ward=north, summary="@risky")
    add(officer, "Bus shelter", ward=north)
    add(officer, "Somewhere else")

    response = officer_client.get(reverse("insights:export", kwargs={"file_format": "csv"}), {"ward": north.pk})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="insights-')
    # Excel on Windows reads UTF-8 only after a byte-order mark.
    assert response.content.startswith(BOM.encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["Title"] for row in rows) == ["'=cmd|' /C calc'!A0", "Bus shelter"]
    assert {row["Ward"] for row in rows} == {"North"}
    assert next(row for row in rows if row["Title"].startswith("'="))["What people said"] == "'@risky"
    assert {int(row["ID"]) for row in rows} == set(Insight.objects.filter(ward=north).values_list("pk", flat=True))


def test_xlsx_export_has_the_same_rows(officer_client, officer):
    add(officer, "Bus shelter")
    add(officer, "+44 helpline")

    response = officer_client.get(reverse("insights:export", kwargs={"file_format": "xlsx"}))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("ID", "Title")
    # The text is as typed; the cell's quote-prefix style, not an apostrophe, stops it running.
    assert sorted(row[1] for row in rows[1:]) == ["+44 helpline", "Bus shelter"]
    helpline = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "+44 helpline")
    assert helpline[1].data_type == "s"
    assert helpline[1].quotePrefix is True
    # Typed cells: the ID a number, the date heard a date shown as one.
    assert {type(row[0]) for row in rows[1:]} == {int}
    heard = helpline[5]
    assert heard.is_date
    assert heard.value.isoformat() == "2026-11-01T00:00:00"
    assert heard.number_format == "d mmm yyyy"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:R3"
    assert all(cell.font.b for cell in sheet[1])


def test_export_is_for_those_who_may_read_the_bank(client):
    client.force_login(UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]))
    assert client.get(reverse("insights:export", kwargs={"file_format": "csv"})).status_code == 403
    client.logout()
    assert client.get(reverse("insights:export", kwargs={"file_format": "csv"})).status_code == 302


def test_counts_table_is_exact_and_only_for_those_who_read_the_bank(client, officer):
    food = ThemeFactory(name="Food")
    carers = PopulationGroupFactory(name="Carers", seldom_heard=True)
    young = PopulationGroupFactory(name="Young people")
    for n in range(6):
        add(officer, f"Food and carers {n}", themes=[food], groups=[carers])
    for n in range(3):
        add(officer, f"Food and young people {n}", themes=[food], groups=[young])

    exact = theme_group_counts(insights=Insight.objects.all())
    food_row = [t.name for t in exact.themes].index("Food")
    columns = [g.name for g in exact.groups]
    assert exact.rows[food_row][columns.index("Carers")] == "6"
    assert exact.rows[food_row][columns.index("Young people")] == "3"

    # The table's filters could slice the bank finely enough to undo any suppression: board
    # members and connectors see insights counted on the board's pages instead.
    for role in (Role.BOARD_MEMBER, Role.COMMUNITY_CONNECTOR):
        client.force_login(UserFactory(roles=[role]))
        assert client.get(reverse("insights:counts")).status_code == 403
    client.force_login(officer)
    officer_page = client.get(reverse("insights:counts")).content.decode()
    assert "fewer than 5</td>" not in officer_page
    assert ">3</td>" in officer_page


@pytest.mark.parametrize("rows", [5, 50])
def test_counts_page_runs_the_same_queries_however_many_insights(client, officer, django_assert_num_queries, rows):
    food = ThemeFactory(name="Food")
    carers = PopulationGroupFactory(name="Carers")
    for n in range(rows):
        add(officer, f"Insight {n}", themes=[food], groups=[carers])
    client.force_login(officer)

    # session, user, the counts, the themes, the population groups (the officer's permissions
    # were cached when they added the insights).
    with django_assert_num_queries(5):
        client.get(reverse("insights:counts"))


def test_the_digest_counts_new_insights_by_theme_with_small_numbers_suppressed(officer):
    food = ThemeFactory(name="Food")
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False):
        for n in range(6):
            add(officer, f"Food {n}", themes=[food])
        add(officer, "No theme")
    with time_machine.travel(datetime.datetime(2026, 11, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        add(officer, "Too old")

    start = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)
    section = insights_section(DigestPeriod(start=start, end=end))

    assert section is not None
    assert section.context["total"] == "7"
    # 7 - 6 would give the 1 away: the 6 is withheld (and not called small).
    assert section.context["by_theme"] == [("Food", "withheld"), ("No theme recorded", "fewer than 5")]
    officers = insights_section(DigestPeriod(start=start, end=end, exact_counts=True))
    assert officers is not None
    assert officers.context["by_theme"] == [("Food", "6"), ("No theme recorded", "1")]


def test_the_digest_in_the_issue_no_longer_lets_food_be_computed(officer):
    """Issue 15: "New insights in the bank: 7 / Housing: 5 / Food: fewer than 5" gave Food = 2."""
    housing, food = ThemeFactory(name="Housing"), ThemeFactory(name="Food")
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False):
        for n in range(5):
            add(officer, f"Housing {n}", themes=[housing])
        for n in range(2):
            add(officer, f"Food {n}", themes=[food])

    section = insights_section(
        DigestPeriod(
            start=datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC),
            end=datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC),
        )
    )

    assert section is not None
    assert section.context["total"] == "7"
    assert section.context["by_theme"] == [("Food", "fewer than 5"), ("Housing", "withheld")]
    text = render_to_string(f"{section.template}.txt", {"section": section})
    assert "- Housing: withheld" in text
    assert "5" not in text.replace("fewer than 5", "")


def test_a_quiet_week_has_no_insights_section():
    period = DigestPeriod(
        start=datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC),
    )
    assert insights_section(period) is None


def test_the_action_page_lists_the_insights_that_inform_it(client, officer, led_action):
    insight = add(officer, "Residents want a community fridge")
    insight.actions.add(led_action)
    client.force_login(officer)

    page = client.get(reverse("actions:detail", kwargs={"number": led_action.number})).content.decode()

    assert "Residents want a community fridge" in page
    assert reverse("insights:detail", kwargs={"pk": insight.pk}) in page


def test_the_action_page_lists_no_insight_to_a_board_member(client, officer, board_member, led_action):
    insight = add(officer, "Residents want a community fridge")
    insight.actions.add(led_action)
    client.force_login(board_member)

    page = client.get(reverse("actions:detail", kwargs={"number": led_action.number})).content.decode()

    assert "Residents want a community fridge" not in page
    assert reverse("insights:detail", kwargs={"pk": insight.pk}) not in page
    assert "The board dashboard counts them by action" in page
