"""No small number can be worked out from everything a role is shown (issue 15).

Hypothesis builds small worlds: insights each with one theme, one population group and one ward,
informing one action or none, some with a published response; conversations in wards with the
people they reached. For each role it then collects every figure that role can see about those
slices, wherever it is published (the board dashboard and its chart CSVs, the board pack frozen
from it, the progress digest for that role, coverage by ward), writes each figure as the sum of
the world's unknown cells it counts, and asks an attacker's linear algebra
(tests/support/differencing.py) whether any hidden figure lies in the span of the figures shown:
that is exactly "totals minus visible cells, in rows and columns", across every page at once."""

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from connectors.selectors import ward_coverage
from healthyplaces.accounts.roles import Role
from healthyplaces.board.pack import pack_xlsx
from healthyplaces.board.selectors import dashboard_figures
from healthyplaces.board.services import snapshot_freeze
from healthyplaces.core.disclosure import SUPPRESSED, WITHHELD
from healthyplaces.notifications.digest import DigestPeriod, build_digest_sections
from tests.connectors.factories import ConnectorFactory, ConversationFactory, PlaceFactory
from tests.factories import ActionFactory, PopulationGroupFactory, ThemeFactory, UserFactory, WardFactory
from tests.insights.factories import InsightFactory
from tests.support.differencing import Span

pytestmark = pytest.mark.django_db

THEMES = ("Food", "Housing", "Transport")
GROUPS = ("Carers", "Young people")
WARDS = ("Hardwick", "Norton", "Parkfield")
ACTIONS = (1, 2)
HIDDEN = (SUPPRESSED, WITHHELD)

# An insight's cell: theme, group, ward, the action it informs (None: none) and whether a response
# to it is published.
Cell = tuple[str, str, str, int | None, bool]
Combination = dict[tuple[Any, ...], int]


@dataclass
class World:
    insights: dict[Cell, int]
    # Per ward: conversations and the people they reached.
    conversations: dict[str, list[int]]

    def cells(self, **where: object) -> Combination:
        names = ("theme", "group", "ward", "action", "responded")
        return {
            ("insight", *cell): 1
            for cell in self.every_cell()
            if all(cell[names.index(name)] == value for name, value in where.items())
        }

    @staticmethod
    def every_cell() -> Iterable[Cell]:
        for theme in THEMES:
            for group in GROUPS:
                for ward in WARDS:
                    for action in (None, *ACTIONS):
                        for responded in (False, True):
                            yield (theme, group, ward, action, responded)

    def value(self, combination: Combination) -> int:
        total = 0
        for key, coefficient in combination.items():
            kind, *rest = key
            if kind == "insight":
                total += coefficient * self.insights.get(tuple(rest), 0)
            elif kind == "conversations":
                total += coefficient * len(self.conversations.get(rest[0], []))
            elif kind == "people":
                total += coefficient * sum(self.conversations.get(rest[0], []))
        return total


@dataclass
class Seen:
    """Every figure one role was shown: where, what it counts, and as what it was shown."""

    figures: list[tuple[str, Combination, str]] = field(default_factory=list)

    def add(self, where: str, combination: Combination, shown: object) -> None:
        self.figures.append((where, combination, str(shown)))


def ward_sum(kind: str) -> Combination:
    return {(kind, ward): 1 for ward in WARDS}


def chart_figures(seen: Seen, world: World, where: str, key: str, rows: Sequence[Sequence[Any]]) -> None:
    """A chart's header and rows (as the table, CSV or XLSX has them) as figures."""
    header, *body = rows
    for row in body:
        label, *values = (str(cell) for cell in row)
        for series, shown in zip([str(name) for name in header[1:]], values, strict=True):
            combination = chart_cell(world, key, series, label)
            if combination is not None:
                seen.add(f"{where} {key} {label} {series}", combination, shown)


def chart_cell(world: World, key: str, series: str, label: str) -> Combination | None:
    if key == "themes":
        return world.cells(theme=label)
    if key == "groups":
        return world.cells(group=label)
    if key == "reach_wards" and series == "Insights":
        return world.cells(ward=label)
    if key == "reach_wards" and series == "Conversations":
        return {("conversations", label): 1}
    # Connectors and grants per ward count neither insights nor people (none in these worlds).
    return None


def dashboard_and_pack(seen: Seen, world: World, admin) -> None:
    figures = dashboard_figures()
    for key in ("themes", "groups", "reach_wards"):
        chart = figures.chart(key)
        table = [chart.headings, *([label, *values] for label, _, values in chart.table)]
        chart_figures(seen, world, "dashboard", key, table)
        chart_figures(seen, world, "chart CSV", key, [line.split(",") for line in chart.csv().splitlines()])
    for row in figures.loop:
        seen.add(f"loop {row.number} insights", world.cells(action=row.number), row.insights)
        seen.add(f"loop {row.number} responses", world.cells(action=row.number, responded=True), row.responses)
    snapshot = snapshot_freeze(actor=admin, meeting_date=timezone.localdate())
    workbook = load_workbook(io.BytesIO(pack_xlsx(snapshot)))
    for key, title in (("themes", "Insights by theme"), ("groups", "Insights by population group")):
        chart_figures(seen, world, "pack", key, list(workbook[title[:31]].values))
    chart_figures(seen, world, "pack", "reach_wards", list(workbook["Reach by ward"].values))


def digest(seen: Seen, world: World, start: datetime.datetime, *, exact: bool) -> None:
    sections = {
        section.title: section.context
        for section in build_digest_sections(DigestPeriod(start=start, end=timezone.now(), exact_counts=exact))
    }
    insights = sections.get("What communities told us")
    if insights is not None:
        seen.add("digest insights total", world.cells(), insights["total"])
        listed = dict(insights["by_theme"])
        # A theme the digest leaves out had no new insights: the reader knows it is 0.
        for theme in THEMES:
            seen.add(f"digest theme {theme}", world.cells(theme=theme), listed.get(theme, 0))
        if insights["responses_published"]:
            seen.add("digest responses", world.cells(responded=True), insights["responses_published"])
    conversations = sections.get("Conversations in the community")
    if conversations is not None:
        seen.add("digest conversations", ward_sum("conversations"), conversations["conversations"])
        seen.add("digest people", ward_sum("people"), conversations["people"])
        listed = {ward: (talks, people) for ward, talks, people in conversations["by_ward"]}
        for ward in WARDS:
            talks, people = listed.get(ward, (0, 0))
            seen.add(f"digest {ward} conversations", {("conversations", ward): 1}, talks)
            seen.add(f"digest {ward} people", {("people", ward): 1}, people)


def coverage(seen: Seen, user) -> None:
    for row in ward_coverage(user=user, today=timezone.localdate()):
        assert row.ward is not None
        seen.add(f"coverage {row.ward.name} conversations", {("conversations", row.ward.name): 1}, row.conversations)
        seen.add(f"coverage {row.ward.name} people", {("people", row.ward.name): 1}, row.people)


def leaks(seen: Seen) -> list[str]:
    shown = Span(combination for _, combination, value in seen.figures if value not in HIDDEN)
    return [where for where, combination, value in seen.figures if value in HIDDEN and shown.contains(combination)]


def published_as(true: int) -> set[str]:
    if 0 < true < 5:
        return {SUPPRESSED}
    return {str(true), WITHHELD} if true else {"0"}


def wrong_figures(seen: Seen, world: World, *, exact: bool = False) -> list[str]:
    """A figure shown must be the true one; 1 to 4 is always hidden as "fewer than 5"; zero never
    is; "withheld" stands only for a count of 5 or more. Exact: every figure is the true one."""
    problems = []
    for where, combination, value in seen.figures:
        true = world.value(combination)
        expected = {str(true)} if exact else published_as(true)
        if value not in expected:
            problems.append(f"{where}: shown {value!r}, true {true}")
    return problems


@st.composite
def worlds(draw: st.DrawFn) -> World:
    insights: dict[Cell, int] = {}
    for _ in range(draw(st.integers(0, 5))):
        cell = (
            draw(st.sampled_from(THEMES)),
            draw(st.sampled_from(GROUPS)),
            draw(st.sampled_from(WARDS)),
            draw(st.sampled_from((None, *ACTIONS))),
            draw(st.booleans()),
        )
        insights[cell] = insights.get(cell, 0) + draw(st.integers(1, 7))
    conversations: dict[str, list[int]] = {}
    for _ in range(draw(st.integers(0, 8))):
        ward = draw(st.sampled_from(WARDS))
        conversations.setdefault(ward, []).append(draw(st.integers(1, 4)))
    return World(insights=insights, conversations=conversations)


def build(world: World) -> None:
    themes = {name: ThemeFactory(name=name) for name in THEMES}
    groups = {name: PopulationGroupFactory(name=name) for name in GROUPS}
    wards = {name: WardFactory(name=name) for name in WARDS}
    actions = {number: ActionFactory(number=number) for number in ACTIONS}
    for (theme, group, ward, action, responded), count in world.insights.items():
        for _ in range(count):
            InsightFactory(
                themes=[themes[theme]],
                population_groups=[groups[group]],
                ward=wards[ward],
                actions=[actions[action]] if action else [],
                response="We did it." if responded else "",
                response_published=responded,
            )
    connector = ConnectorFactory()
    places = {name: PlaceFactory(ward=ward) for name, ward in wards.items()}
    for ward, people in world.conversations.items():
        for reached in people:
            ConversationFactory(
                connector=connector, place=places[ward], held_on=timezone.localdate(), people_count=reached
            )


ROLES = {
    # What each role is shown: board members the board's pages and their digest and coverage;
    # connectors their digest and coverage (the board's pages are not theirs).
    Role.BOARD_MEMBER: (True, True),
    Role.COMMUNITY_CONNECTOR: (False, True),
}


@pytest.mark.parametrize("role", ROLES, ids=str)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_no_hidden_count_can_be_solved_from_what_a_role_is_shown(role, world):
    board_pages, network_pages = ROLES[role]
    with transaction.atomic():
        start = timezone.now() - datetime.timedelta(hours=1)
        build(world)
        user = UserFactory(roles=[role])
        seen = Seen()
        if board_pages:
            dashboard_and_pack(seen, world, UserFactory(roles=[Role.PROGRAMME_ADMIN]))
        digest(seen, world, start, exact=False)
        if network_pages:
            coverage(seen, user)
        transaction.set_rollback(True)

    assert seen.figures
    assert wrong_figures(seen, world) == []
    assert leaks(seen) == []


def test_officers_see_the_exact_figures_their_work_needs(officer):
    world = World(
        insights={("Food", "Carers", "Hardwick", None, False): 2, ("Housing", "Carers", "Norton", 1, True): 5},
        conversations={"Hardwick": [3], "Norton": [1, 2]},
    )
    start = timezone.now() - datetime.timedelta(hours=1)
    build(world)
    seen = Seen()

    digest(seen, world, start, exact=True)
    coverage(seen, officer)

    assert {value for _, _, value in seen.figures} & set(HIDDEN) == set()
    assert wrong_figures(seen, world, exact=True) == []


def test_the_leak_finder_finds_the_digest_in_the_issue():
    """7 new insights, Housing 5, Food "fewer than 5": Food is 7 - 5."""
    world = World(
        insights={("Housing", "Carers", "Hardwick", None, False): 5, ("Food", "Carers", "Hardwick", None, False): 2},
        conversations={},
    )
    seen = Seen()
    seen.add("total", world.cells(), 7)
    seen.add("Housing", world.cells(theme="Housing"), 5)
    seen.add("Food", world.cells(theme="Food"), SUPPRESSED)
    seen.add("Transport", world.cells(theme="Transport"), 0)

    assert leaks(seen) == ["Food"]
