import datetime
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string

from funding.digest import funding_section
from funding.models import Application
from funding.services import round_closing_reminders_queue
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.digest import DigestPeriod
from healthyplaces.notifications.models import Notification
from tests.factories import UserFactory
from tests.funding.factories import ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


def member():
    return UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])


def test_groups_with_unsubmitted_applications_hear_once_when_their_round_closes_within_3_days():
    closing = RoundFactory(opens_on=TODAY - datetime.timedelta(days=30), closes_on=TODAY + datetime.timedelta(days=3))
    later = RoundFactory(opens_on=TODAY - datetime.timedelta(days=30), closes_on=TODAY + datetime.timedelta(days=4))
    first, second = member(), member()
    draft = ApplicationFactory(round=closing, members=[first, second])
    ApplicationFactory(round=closing, members=[member()], state=State.SUBMITTED)
    later_member = member()
    ApplicationFactory(round=later, members=[later_member])

    assert round_closing_reminders_queue(today=TODAY) == 2
    assert round_closing_reminders_queue(today=TODAY) == 0
    # A day on, the later round is within three days too; the first round's group is not told again.
    assert round_closing_reminders_queue(today=TODAY + datetime.timedelta(days=1)) == 1
    assert Notification.objects.filter(to_email=later_member.email).count() == 1

    reminders = Notification.objects.filter(kind="round_closing").exclude(to_email=later_member.email)
    assert sorted(n.to_email for n in reminders) == sorted([first.email, second.email])
    assert reminders[0].subject == f"{closing.name} closes in 3 days: your application is not submitted yet"
    assert draft.get_absolute_url() in reminders[0].body_text


def test_the_schedule_for_round_closing_reminders_exists():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Remind groups of rounds closing")
    assert task.task == "funding.tasks.send_round_closing_reminders"


def test_the_digest_reports_the_periods_applications_and_decisions():
    round_ = RoundFactory(budget=Decimal("10000"))
    start = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)
    inside = start + datetime.timedelta(days=2)
    ApplicationFactory(round=round_, state=State.SUBMITTED, submitted_at=inside)
    ApplicationFactory(
        round=round_,
        state=State.APPROVED,
        submitted_at=start - datetime.timedelta(days=10),
        decided_at=inside,
        amount_awarded=Decimal("1500"),
    )
    ApplicationFactory(round=round_, state=State.DECLINED, submitted_at=inside, decided_at=inside)
    ApplicationFactory(
        round=round_, state=State.PAID, decided_at=start - datetime.timedelta(days=40), amount_awarded=Decimal("500")
    )

    with time_machine.travel(end, tick=False):
        section = funding_section(DigestPeriod(start=start, end=end))

    assert section is not None
    assert (section.context["submitted"], section.context["approved"], section.context["declined"]) == (2, 1, 1)
    assert section.context["awarded"] == Decimal("1500")
    [summary] = [r for r in section.context["rounds"] if r["round"] == round_]
    assert (summary["awarded"], summary["remaining"]) == (Decimal("2000"), Decimal("8000"))


def test_a_quiet_week_has_no_seed_fund_section():
    ApplicationFactory(state=State.DRAFT)
    period = DigestPeriod(
        start=datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC),
    )
    assert funding_section(period) is None
    assert Application.objects.count() == 1


def test_the_digest_writes_an_overspent_round_with_the_one_money_format():
    round_ = RoundFactory(budget=Decimal("10000"))
    start = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)
    ApplicationFactory(
        round=round_,
        state=State.APPROVED,
        submitted_at=start - datetime.timedelta(days=10),
        decided_at=start + datetime.timedelta(days=1),
        amount_awarded=Decimal("26500"),
    )
    with time_machine.travel(end, tick=False):
        section = funding_section(DigestPeriod(start=start, end=end))

    text = render_to_string(f"{section.template}.txt", {"section": section})
    html = render_to_string(f"{section.template}.html", {"section": section})

    # Once printed "£-16500.00 left".
    for body in (text, html):
        assert "(£26,500.00)" in body
        assert "£26,500.00 awarded, \N{MINUS SIGN}£16,500.00 left" in body
