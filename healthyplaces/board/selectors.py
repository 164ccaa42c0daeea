"""Reads for the board: the dashboard's figures, snapshots, and what changed between two points.

One function per figure group, each a fixed number of SQL aggregate queries (the counting and
summing happen in the database), so the dashboard's query count is the same with 10 updates per
action or 500, and with 50 insights or 5,000."""

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, DecimalField, F, Func, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from actions.models import Action, ActionUpdate, Milestone, Status
from funding.models import Application, Payment
from funding.workflow import AWARDED
from healthyplaces.accounts.models import User
from healthyplaces.board.charts import Chart, Row, Series
from healthyplaces.board.figures import ActionRow, Figures, LoopRow, MilestoneRow, protect_loop
from healthyplaces.board.models import BoardSnapshot, SnapshotAction
from healthyplaces.board.permissions import can_view_dashboard
from healthyplaces.core.disclosure import shown_count
from healthyplaces.core.generations import Cached, cached
from healthyplaces.core.reach import reach_sources, reach_tables, register_reach_source
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.models import Insight

MILESTONE_WINDOW_DAYS = 60
PROGRESS_MONTHS = 12
NO_PRIORITY = "No priority chosen"
DECILE_HEADING = "Deprivation decile (1 is most deprived)"


def _pence(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def action_figures(*, today: datetime.date) -> tuple[list[ActionRow], Chart]:
    """The actions with their latest narrative (one query) and the count by status, made from
    those 18 rows."""
    latest_narrative = (
        ActionUpdate.objects.filter(action=OuterRef("pk"))
        .exclude(narrative="")
        .order_by("-created_at", "-pk")
        .values("narrative")[:1]
    )
    actions = Action.objects.only("number", "title", "status", "progress", "next_review_date").annotate(
        latest_narrative=Subquery(latest_narrative)
    )
    rows = [
        ActionRow(
            number=action.number,
            title=action.title,
            status=action.status,
            progress=action.progress,
            next_review_date=action.next_review_date,
            overdue=action.is_overdue_for_review(today),
            narrative=action.latest_narrative or "",
        )
        for action in actions
    ]
    counts = Counter(row.status for row in rows)
    chart = Chart(
        key="status",
        title="Actions by status",
        label_heading="Status",
        what="statuses",
        series=(Series("Actions"),),
        rows=tuple(Row(str(label), (counts[value],)) for value, label in Status.choices),
    )
    return rows, chart


def _month_start(today: datetime.date, months_back: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def progress_over_time(*, today: datetime.date) -> Chart:
    """The average progress officers reported in each month's updates, over the last 12 months;
    one query grouped by month."""
    start = _month_start(today, PROGRESS_MONTHS - 1)
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    months = (
        ActionUpdate.objects.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(average=Avg("new_progress"))
        .order_by("month")
    )
    return Chart(
        key="progress",
        title="Average progress reported each month",
        label_heading="Month",
        what="months with updates",
        series=(Series("Average progress", kind="percent"),),
        rows=tuple(Row(f"{row['month']:%B %Y}", (round(row["average"]),)) for row in months),
    )


def milestones_due(*, today: datetime.date) -> list[MilestoneRow]:
    """Milestones not yet done and due in the next 60 days; one query."""
    milestones = (
        Milestone.objects.filter(
            done=False, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=MILESTONE_WINDOW_DAYS)
        )
        .select_related("action")
        .only("title", "due_date", "action__number", "action__title")
        .order_by("due_date", "action__number", "pk")
    )
    return [
        MilestoneRow(m.action.number, m.action.title, m.title, m.due_date) for m in milestones if m.due_date is not None
    ]


def _aggregate(queryset: QuerySet[Any], function: str, field: str, output_field: Any = None) -> Subquery:
    """A correlated aggregate of the queryset's rows: Func, not an aggregate, so no GROUP BY."""
    result = Func(F(field), function=function, output_field=output_field)
    return Subquery(queryset.order_by().annotate(result=result).values("result"))


def _count(queryset: QuerySet[Any]) -> Subquery:
    return _aggregate(queryset, "COUNT", "pk")


def loop_figures() -> list[LoopRow]:
    """For each action, one query counting the insights informing it, the grants awarded under
    its priorities, their sent reports and the responses published. Each count is a subquery of
    its own: joining all four in one GROUP BY multiplied the rows (insights by grants) before
    counting, which took most of a second at ten years of data."""
    insights = Insight.objects.filter(actions=OuterRef("pk"))
    grants = Application.objects.filter(state__in=AWARDED, priority__actions=OuterRef("pk"))
    actions = (
        Action.objects.order_by("number")
        .values("number", "title")
        .annotate(
            n_insights=Coalesce(_count(insights), 0),
            n_responses=Coalesce(_count(insights.filter(response_published=True)), 0),
            n_grants=Coalesce(_count(grants), 0),
            n_reports=Coalesce(_count(grants.filter(report__submitted_at__isnull=False)), 0),
        )
    )
    return protect_loop(
        [
            LoopRow(
                row["number"], row["title"], row["n_insights"], row["n_grants"], row["n_reports"], row["n_responses"]
            )
            for row in actions
        ]
    )


def insight_vocabulary_charts() -> tuple[Chart, Chart]:
    """One query: how many insights carry each theme and each population group, zeros included."""
    themes = (
        Theme.objects.order_by().annotate(kind=Value("themes"), n=Count("insights")).values_list("kind", "name", "n")
    )
    groups = (
        PopulationGroup.objects.order_by()
        .annotate(kind=Value("groups"), n=Count("insights"))
        .values_list("kind", "name", "n")
    )
    counts: dict[str, list[tuple[str, int]]] = {"themes": [], "groups": []}
    for kind, name, count in sorted(themes.union(groups, all=True), key=lambda row: row[1]):
        counts[kind].append((name, count))
    return tuple(  # type: ignore[return-value]
        Chart(
            key=key,
            title=f"Insights by {heading.lower()}",
            label_heading=heading,
            what=what,
            series=(Series("Insights", suppress=True),),
            rows=tuple(Row(name, (count,)) for name, count in counts[key]),
        ).protect()
        for key, heading, what in (("themes", "Theme", "themes"), ("groups", "Population group", "population groups"))
    )


MONEY = (Series("Awarded", kind="money"), Series("Paid", kind="money"))


def funding_by_priority() -> Chart:
    """One query: awards summed by priority, and beside them payments summed by priority."""
    awarded_sums = (
        Application.objects.filter(state__in=AWARDED)
        .order_by()
        .values("priority", "priority__title")
        .annotate(kind=Value("awarded"), total=Sum("amount_awarded"))
    )
    paid_sums = (
        Payment.objects.order_by()
        .values("application__priority", "application__priority__title")
        .annotate(kind=Value("paid"), total=Sum("amount"))
    )
    sums: dict[str, dict[tuple[int | None, str | None], int]] = {"awarded": {}, "paid": {}}
    for priority, title, kind, total in awarded_sums.union(paid_sums, all=True).values_list(
        "priority", "priority__title", "kind", "total"
    ):
        sums[kind][(priority, title)] = _pence(total)
    awarded, paid = sums["awarded"], sums["paid"]
    keys = sorted(awarded.keys() | paid.keys(), key=lambda key: (key[1] is None, key[1] or ""))
    return Chart(
        key="funding_priorities",
        title="Funding awarded and paid by community priority",
        label_heading="Community priority",
        what="priorities",
        series=MONEY,
        rows=tuple(Row(key[1] or NO_PRIORITY, (awarded.get(key, 0), paid.get(key, 0))) for key in keys),
    )


@dataclass(frozen=True)
class WardRow:
    pk: int
    name: str
    decile: int | None


@dataclass(frozen=True)
class WardFigures:
    """Every ward with its deprivation decile if one is loaded, most deprived first when deciles
    are loaded (so inequalities read from the top of each table), and per ward id the pence
    awarded and paid and each reach source's count."""

    wards: list[WardRow]
    awarded: dict[int, int]
    paid: dict[int, int]
    reach: dict[str, dict[int, int]]


def ward_figures() -> WardFigures:
    """One query: each ward, its decile, and every per-ward figure as a correlated subquery over
    indexed keys (a grant working in several wards counts in full in each of them)."""
    sources = reach_sources()
    rows = Ward.objects.values("pk", "name", "deprivation__decile").annotate(
        awarded=_aggregate(grants_in_ward(), "SUM", "amount_awarded", DecimalField()),
        paid=_aggregate(Payment.objects.filter(application__wards=OuterRef("pk")), "SUM", "amount", DecimalField()),
        **{f"reach_{source.key}": Coalesce(_count(source.rows_in_ward()), 0) for source in sources},
    )
    wards, awarded, paid = [], {}, {}
    reach: dict[str, dict[int, int]] = {source.key: {} for source in sources}
    for row in rows:
        wards.append(WardRow(row["pk"], row["name"], row["deprivation__decile"]))
        awarded[row["pk"]] = _pence(row["awarded"])
        paid[row["pk"]] = _pence(row["paid"])
        for source in sources:
            reach[source.key][row["pk"]] = row[f"reach_{source.key}"]
    wards.sort(key=lambda ward: (ward.decile is None, ward.decile or 0, ward.name))
    return WardFigures(wards=wards, awarded=awarded, paid=paid, reach=reach)


def _ward_chart(
    *, key: str, title: str, wards: Sequence[WardRow], series: tuple[Series, ...], columns: Sequence[Mapping[int, int]]
) -> Chart:
    deprivation = any(ward.decile is not None for ward in wards)
    return Chart(
        finding=_most_deprived_share(wards, series, columns) if deprivation else "",
        key=key,
        title=title,
        label_heading="Ward",
        what="wards",
        note_heading=DECILE_HEADING if deprivation else "",
        series=series,
        rows=tuple(
            Row(
                ward.name,
                tuple(column.get(ward.pk, 0) for column in columns),
                note=("Not loaded" if ward.decile is None else str(ward.decile)) if deprivation else "",
            )
            for ward in wards
        ),
    )


MOST_DEPRIVED_DECILES = 3


def _most_deprived_share(
    wards: Sequence[WardRow], series: tuple[Series, ...], columns: Sequence[Mapping[int, int]]
) -> str:
    """How much of each money series went to wards in the three most deprived deciles. Counts are
    left out: a share of a small count can give away the count that "fewer than 5" hides."""
    deprived = {ward.pk for ward in wards if ward.decile is not None and ward.decile <= MOST_DEPRIVED_DECILES}
    sentences = []
    for one, column in zip(series, columns, strict=True):
        if one.kind != "money":
            continue
        total = sum(column.get(ward.pk, 0) for ward in wards)
        part = sum(value for pk, value in column.items() if pk in deprived)
        sentences.append(
            f"{one.name} in wards in the {MOST_DEPRIVED_DECILES} most deprived deciles: {one.shown(part)} of "
            f"{one.shown(total)}."
        )
    return " ".join(sentences)


def funding_by_ward(figures: WardFigures) -> Chart:
    return _ward_chart(
        key="funding_wards",
        title="Funding awarded and paid by ward",
        wards=figures.wards,
        series=MONEY,
        columns=[figures.awarded, figures.paid],
    )


def insights_in_ward() -> QuerySet[Insight]:
    return Insight.objects.filter(ward=OuterRef("pk"))


def grants_in_ward() -> QuerySet[Application]:
    return Application.objects.filter(state__in=AWARDED, wards=OuterRef("pk"))


register_reach_source("insights", "Insights", insights_in_ward, order=30)
register_reach_source("grants", "Grants", grants_in_ward, order=40)


def reach_by_ward(figures: WardFigures) -> Chart:
    sources = reach_sources()
    return _ward_chart(
        key="reach_wards",
        title="Reach by ward",
        wards=figures.wards,
        series=tuple(Series(source.label, suppress=True) for source in sources),
        columns=[figures.reach[source.key] for source in sources],
    ).protect()


def dashboard_figures(*, today: datetime.date | None = None) -> Figures:
    today = today or timezone.localdate()
    actions, status_chart = action_figures(today=today)
    wards = ward_figures()
    charts = [
        status_chart,
        progress_over_time(today=today),
        *insight_vocabulary_charts(),
        funding_by_priority(),
        funding_by_ward(wards),
        reach_by_ward(wards),
    ]
    return Figures(
        as_of=today,
        actions=actions,
        milestones_due=milestones_due(today=today),
        loop=loop_figures(),
        charts={chart.key: chart for chart in charts},
        deprivation_loaded=any(ward.decile is not None for ward in wards.wards),
    )


# What the board's own figures count; the reach sources' tables come from the reach registry
# (dashboard_tables), so a source another app registers invalidates the dashboard too.
DASHBOARD_APPS = ("actions", "insights", "funding", "vocabulary", "board")


@dataclass(frozen=True)
class DashboardData:
    apps: tuple[str, ...]
    tables: tuple[str, ...]


def dashboard_data() -> DashboardData:
    """The apps and tables the dashboard's cached figures are made from."""
    return DashboardData(apps=DASHBOARD_APPS, tables=tuple(sorted(reach_tables())))


def dashboard_for_user(*, user: User) -> Cached[Figures]:
    """Today's figures, made once and then kept until any of the data behind them changes: at
    ten years of data they take the database most of a second, and a board meeting asks for them
    many times while nothing changes."""
    if not can_view_dashboard(user):
        raise PermissionDenied
    today = timezone.localdate()
    data = dashboard_data()
    return cached(
        f"board:dashboard:{today.isoformat()}",
        lambda: dashboard_figures(today=today),
        apps=data.apps,
        tables=data.tables,
    )


# --- snapshots -------------------------------------------------------------------------------------


def snapshot_list(*, user: User) -> QuerySet[BoardSnapshot]:
    if not can_view_dashboard(user):
        raise PermissionDenied
    return BoardSnapshot.objects.defer("figures").select_related("frozen_by")


def get_snapshot_for_user(*, user: User, pk: int) -> BoardSnapshot:
    if not can_view_dashboard(user):
        raise PermissionDenied
    try:
        return BoardSnapshot.objects.select_related("frozen_by").get(pk=pk)
    except BoardSnapshot.DoesNotExist as missing:
        raise Http404("No such snapshot") from missing


def snapshot_figures(snapshot: BoardSnapshot) -> Figures:
    return Figures.from_json(snapshot.figures)


def snapshot_actions(snapshot: BoardSnapshot) -> QuerySet[SnapshotAction]:
    return snapshot.actions.order_by("number")


@dataclass(frozen=True)
class StatusMove:
    number: int
    title: str
    old_status: str
    new_status: str

    @property
    def old_label(self) -> str:
        return str(Status(self.old_status).label)

    @property
    def new_label(self) -> str:
        return str(Status(self.new_status).label)


@dataclass(frozen=True)
class ProgressChange:
    number: int
    title: str
    old_progress: int
    new_progress: int

    @property
    def delta(self) -> int:
        return self.new_progress - self.old_progress


@dataclass(frozen=True)
class Changes:
    since: BoardSnapshot
    # None: compared with the portal as it is now.
    until: BoardSnapshot | None
    status_moves: list[StatusMove]
    progress_changes: list[ProgressChange]
    milestones_done: list[Milestone]
    new_insights: str
    new_grants: list[Application]


def later_snapshots(*, snapshot: BoardSnapshot) -> QuerySet[BoardSnapshot]:
    return BoardSnapshot.objects.defer("figures").filter(meeting_date__gt=snapshot.meeting_date)


def what_changed(*, since: BoardSnapshot, until: BoardSnapshot | None = None) -> Changes:
    """Status moves and progress changes between the two points, and what happened in between:
    milestones done (by the day they were done, after the day `since` was frozen), insights added
    and grants awarded. Five queries."""
    before = {row.number: row for row in snapshot_actions(since)}
    after: list[tuple[int, str, str, int]] = (
        [(row.number, row.title, row.status, row.progress) for row in snapshot_actions(until)]
        if until is not None
        else list(Action.objects.order_by("number").values_list("number", "title", "status", "progress"))
    )
    start = since.frozen_at
    end = until.frozen_at if until is not None else timezone.now()
    status_moves, progress_changes = [], []
    for number, title, status, progress in after:
        old = before.get(number)
        if old is None:
            continue
        if old.status != status:
            status_moves.append(StatusMove(number, title, old.status, status))
        if old.progress != progress:
            progress_changes.append(ProgressChange(number, title, old.progress, progress))
    milestones = list(
        Milestone.objects.filter(done=True, done_on__gt=timezone.localdate(start), done_on__lte=timezone.localdate(end))
        .select_related("action")
        .order_by("done_on", "action__number", "pk")
    )
    new_insights = Insight.objects.filter(created_at__gt=start, created_at__lte=end).count()
    new_grants = list(
        Application.objects.filter(state__in=AWARDED, decided_at__gt=start, decided_at__lte=end)
        .select_related("organisation", "priority")
        .order_by("decided_at", "pk")
    )
    return Changes(
        since=since,
        until=until,
        status_moves=status_moves,
        progress_changes=progress_changes,
        milestones_done=milestones,
        new_insights=shown_count(new_insights, exact=False),
        new_grants=new_grants,
    )
