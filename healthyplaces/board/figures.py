"""The dashboard's figures as plain data: built by healthyplaces.board.selectors, shown by the
dashboard, frozen into a board snapshot as JSON and read back from it unchanged."""

import datetime
from dataclasses import dataclass, replace
from typing import Any

from actions.models import Status
from healthyplaces.board.charts import Chart
from healthyplaces.core.disclosure import Figure, protect_columns


@dataclass(frozen=True)
class ActionRow:
    number: int
    title: str
    status: str
    progress: int
    next_review_date: datetime.date | None
    overdue: bool
    narrative: str = ""

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True)
class MilestoneRow:
    action_number: int
    action_title: str
    title: str
    due_date: datetime.date


@dataclass(frozen=True)
class LoopRow:
    """How far round the loop an action has come: insights informing it, grants awarded under its
    priorities, reports from those grants and responses published. Insights and responses are
    the small-numbers rule's marker where it hides them."""

    number: int
    title: str
    insights: Figure
    grants: int
    reports: int
    responses: Figure


@dataclass(frozen=True)
class Figures:
    as_of: datetime.date
    actions: list[ActionRow]
    milestones_due: list[MilestoneRow]
    loop: list[LoopRow]
    charts: dict[str, Chart]
    deprivation_loaded: bool

    @property
    def overdue(self) -> list[ActionRow]:
        return [action for action in self.actions if action.overdue]

    def chart(self, key: str) -> Chart:
        return self.charts[key]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "actions": [{**vars(row), "next_review_date": _iso(row.next_review_date)} for row in self.actions],
            "milestones_due": [{**vars(row), "due_date": row.due_date.isoformat()} for row in self.milestones_due],
            "loop": [vars(row) for row in self.loop],
            "charts": [chart.to_json() for chart in self.charts.values()],
            "deprivation_loaded": self.deprivation_loaded,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Figures":
        charts = [Chart.from_json(chart) for chart in data["charts"]]
        return cls(
            as_of=datetime.date.fromisoformat(data["as_of"]),
            actions=[
                ActionRow(**{**row, "next_review_date": _date(row["next_review_date"])}) for row in data["actions"]
            ],
            milestones_due=[
                MilestoneRow(**{**row, "due_date": datetime.date.fromisoformat(row["due_date"])})
                for row in data["milestones_due"]
            ],
            loop=protect_loop([LoopRow(**row) for row in data["loop"]]),
            charts={chart.key: chart for chart in charts},
            deprivation_loaded=data["deprivation_loaded"],
        )


def protect_loop(rows: list[LoopRow]) -> list[LoopRow]:
    """Insights and responses are counts about communities: through the small-numbers rule, each
    column a list whose total may be published (grants and reports are public, in the 360Giving
    file). Also applied on reading a snapshot frozen before the rule covered the loop; rows already
    protected come back unchanged."""
    insights_column = [row.insights for row in rows if isinstance(row.insights, int)]
    responses_column = [row.responses for row in rows if isinstance(row.responses, int)]
    if len(insights_column) < len(rows) or len(responses_column) < len(rows):
        return rows
    insights, responses = protect_columns(
        [insights_column, responses_column],
        labels=[f"{row.number:03d}" for row in rows],
    )
    return [replace(row, insights=insights[i], responses=responses[i]) for i, row in enumerate(rows)]


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None
