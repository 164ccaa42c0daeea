"""A small world whose every dashboard figure was counted by hand (see the comments)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from actions.models import Action, ActionUpdate, Status
from funding.models import GrantReport
from funding.workflow import State
from tests.board.factories import GrantFactory, GrantPaymentFactory
from tests.factories import ActionFactory, MilestoneFactory, PopulationGroupFactory, ThemeFactory, WardFactory
from tests.funding.factories import ApplicationFactory, PriorityFactory
from tests.insights.factories import InsightFactory

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(today):
    # Actions by status: not started 1 (5), on track 13 (6-18), at risk 2 (3, 4), off track 1 (1),
    # complete 1 (2). Reviews overdue: action 1 only (2's review date has passed but it is complete).
    for number in range(1, 19):
        ActionFactory(number=number, status=Status.ON_TRACK, progress=25)
    Action.objects.filter(number=1).update(
        status=Status.OFF_TRACK, progress=10, next_review_date=datetime.date(2026, 11, 1)
    )
    Action.objects.filter(number=2).update(
        status=Status.COMPLETE, progress=100, next_review_date=datetime.date(2026, 11, 1)
    )
    Action.objects.filter(number__in=[3, 4]).update(status=Status.AT_RISK)
    Action.objects.filter(number=5).update(status=Status.NOT_STARTED, progress=0)
    actions = {action.number: action for action in Action.objects.all()}

    # Milestones due in the next 60 days (to 25 January 2027): 3's and 4's (on the last day) only.
    MilestoneFactory(action=actions[3], title="Venue booked", due_date=datetime.date(2026, 12, 10))
    MilestoneFactory(action=actions[4], title="Survey closes", due_date=datetime.date(2027, 1, 25))
    MilestoneFactory(action=actions[5], title="Too late", due_date=datetime.date(2027, 1, 26))
    MilestoneFactory(action=actions[6], title="Already done", due_date=datetime.date(2026, 12, 1), done=True)
    MilestoneFactory(action=actions[7], title="In the past", due_date=datetime.date(2026, 11, 20))

    # Progress reported: October 2026 averages 30 (20 and 40), November 2026 is 25; the update
    # from October 2025 is before the 12 months shown. Action 9's latest narrative is "Clubs open".
    for version, (when, progress, narrative) in enumerate(
        [
            (at(2025, 10, 5), 5, "Too long ago"),
            (at(2026, 10, 3), 20, "Planning"),
            (at(2026, 10, 20), 40, "Clubs open"),
            (at(2026, 11, 2), 25, ""),
        ],
        start=2,
    ):
        ActionUpdate.objects.create(
            action=actions[9 if narrative != "" else 10],
            version=version,
            created_at=when,
            old_status=Status.ON_TRACK,
            new_status=Status.ON_TRACK,
            old_progress=0,
            new_progress=progress,
            narrative=narrative,
        )

    hardwick, norton, parkfield = (WardFactory(name=name) for name in ("Hardwick", "Norton", "Parkfield"))
    transport, loneliness = ThemeFactory(name="Transport"), ThemeFactory(name="Loneliness")
    carers, older = PopulationGroupFactory(name="Carers"), PopulationGroupFactory(name="Older people")
    # Insights: Transport 5 (Carers, Hardwick); Loneliness 4 (Older people, Norton), two of which
    # inform action 9 and one has a published response.
    InsightFactory.create_batch(5, themes=[transport], population_groups=[carers], ward=hardwick)
    lonely = InsightFactory.create_batch(4, themes=[loneliness], population_groups=[older], ward=norton)
    lonely[0].actions.add(actions[9])
    lonely[1].actions.add(actions[9])
    lonely[0].response, lonely[0].response_published = "We funded lunch clubs.", True
    lonely[0].save()

    # Funding. Awarded by priority: Loneliness £1,500 (paid £1,250), Getting about £2,000 (paid
    # nothing). By ward (a grant counts in each of its wards): Hardwick £2,500 awarded, £250 paid;
    # Norton £1,500 awarded, £1,250 paid; Parkfield nothing. Grants by ward: Hardwick 2, Norton 2.
    lonely_priority = PriorityFactory(title="Loneliness in later life")
    lonely_priority.actions.add(actions[9])
    getting_about = PriorityFactory(title="Getting about")
    lunch = GrantFactory(
        priority=lonely_priority, amount_awarded=Decimal(1000), state=State.REPORT_RECEIVED, wards=[norton]
    )
    GrantReport.objects.create(
        application=lunch, what_happened="Twelve lunch clubs ran.", people_reached=40, submitted_at=timezone.now()
    )
    GrantPaymentFactory(application=lunch, amount=Decimal(600))
    GrantPaymentFactory(application=lunch, amount=Decimal(400))
    walks = GrantFactory(priority=lonely_priority, amount_awarded=Decimal(500), wards=[norton, hardwick])
    GrantPaymentFactory(application=walks, amount=Decimal(250))
    GrantFactory(priority=getting_about, amount_awarded=Decimal(2000), state=State.APPROVED, wards=[hardwick])
    GrantFactory(priority=getting_about, amount_awarded=None, state=State.DECLINED, wards=[parkfield])
    ApplicationFactory(priority=lonely_priority, state=State.SUBMITTED)
    return {"actions": actions, "wards": (hardwick, norton, parkfield), "lunch": lunch}
