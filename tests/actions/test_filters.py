import datetime

import pytest
import time_machine

from actions.filters import ActionFilter
from actions.models import Action, Status
from tests.factories import ActionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def numbers(params):
    return sorted(ActionFilter(params, queryset=Action.objects.all()).qs.values_list("number", flat=True))


@pytest.fixture
def actions(officer, other_officer):
    food = ThemeFactory(name="Food environment")
    ActionFactory(number=1, status=Status.ON_TRACK, leads=[officer], next_review_date=datetime.date(2026, 11, 1))
    ActionFactory(number=2, status=Status.AT_RISK, leads=[other_officer], themes=[food])
    ActionFactory(number=3, status=Status.COMPLETE, leads=[officer], next_review_date=datetime.date(2026, 1, 1))
    ActionFactory(number=4, status=Status.AT_RISK, leads=[officer, other_officer], themes=[food])
    return food


def test_no_filters_lists_everything(actions):
    assert numbers({}) == [1, 2, 3, 4]


def test_filter_by_status(actions):
    assert numbers({"status": Status.AT_RISK}) == [2, 4]


def test_filter_by_lead_officer(actions, officer):
    assert numbers({"lead": officer.pk}) == [1, 3, 4]


def test_filter_by_theme(actions):
    assert numbers({"theme": actions.pk}) == [2, 4]


@time_machine.travel(datetime.date(2026, 11, 26), tick=False)
def test_overdue_for_review_leaves_out_complete_actions(actions):
    assert numbers({"overdue": "on"}) == [1]


def test_filters_combine(actions, other_officer):
    assert numbers({"status": Status.AT_RISK, "lead": other_officer.pk, "theme": actions.pk}) == [2, 4]


def test_an_unknown_status_is_an_error_not_an_empty_list(actions):
    action_filter = ActionFilter({"status": "sideways"}, queryset=Action.objects.all())

    assert not action_filter.is_valid()
    assert "status" in action_filter.errors
