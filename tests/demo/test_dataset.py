"""The benchmark dataset: the sizes asked for, rows that agree with each other as the services
would have left them, and the same rows from the same seed."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F, Max, Sum

from actions.models import Action, ActionUpdate
from connectors.models import Connector, Conversation, Place
from funding.models import Application, Assignment, Payment, Round
from funding.workflow import State
from healthyplaces.accounts.models import User
from healthyplaces.demo.dataset import Sizes, dataset_generate
from insights.models import Insight

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
SMALL = Sizes(years=2, users=40, wards=6, insights=300, rounds=4, applications=60, connectors=10, conversations=50)


def test_the_sizes_asked_for_are_made():
    made = dataset_generate(sizes=SMALL, today=TODAY)

    assert made["insights"] == Insight.objects.count() == 300
    assert made["applications"] == Application.objects.count() == 60
    assert Round.objects.count() == 4
    assert made["users"] == User.objects.count() >= 40
    assert Action.objects.count() == 18
    assert made["action updates"] == ActionUpdate.objects.count() == 18 * 2 * 52
    assert made["connectors"] == Connector.objects.count() == 10
    assert made["conversations"] == Conversation.objects.count() == 50
    assert Place.objects.filter(ward__isnull=True).count() == 0


def test_rows_agree_with_each_other():
    dataset_generate(sizes=SMALL, today=TODAY)

    # Each action is where its last update left it.
    for action in Action.objects.annotate(last=Max("updates__version")):
        last = action.updates.get(version=action.last)
        assert (action.version, action.status, action.progress) == (last.version, last.new_status, last.new_progress)
    # A status change always carries a narrative, as the database requires.
    assert not ActionUpdate.objects.exclude(old_status=F("new_status")).filter(narrative="").exists()
    # Only sent applications have references; payments never exceed the award.
    assert not Application.objects.filter(state=State.DRAFT, reference__isnull=False).exists()
    assert not Application.objects.exclude(state=State.DRAFT).filter(reference__isnull=True).exists()
    for application in Application.objects.annotate(paid=Sum("payments__amount")).filter(paid__isnull=False):
        assert application.paid <= (application.amount_awarded or Decimal(0))
    # The latest round is open today, with applications in assessment that have assessors.
    latest = Round.objects.order_by("-closes_on").first()
    assert latest.is_open(TODAY)
    assert Assignment.objects.filter(application__round=latest).exists()
    assert Payment.objects.exists()


class Rollback(Exception):
    pass


def generated_rows(seed):
    """What the generator writes for a seed, compared by content (keys differ between runs)."""
    try:
        with transaction.atomic():
            dataset_generate(sizes=SMALL, today=TODAY, seed=seed)
            raise Rollback(
                list(Insight.objects.order_by("pk").values_list("title", "heard_on", "ward__name", "status")),
                list(Application.objects.order_by("pk").values_list("project_title", "state", "amount_requested")),
                list(ActionUpdate.objects.order_by("pk").values_list("new_status", "new_progress", "narrative")),
            )
    except Rollback as rows:
        return rows.args


def test_the_same_seed_gives_the_same_rows():
    first, again, other = generated_rows(7), generated_rows(7), generated_rows(8)

    assert first == again
    assert first != other
