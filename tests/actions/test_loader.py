import re
from io import StringIO

import pytest
from django.core.management import call_command

from actions.models import Action, Status
from actions.services import PLAN_FILE, actions_load_plan, read_plan_file

pytestmark = pytest.mark.django_db


def plan_actions_from_seed(shared_dir):
    """The numbered actions as the published plan words them."""
    text = (shared_dir / "seed" / "next-steps-community-centred-healthy-places.txt").read_text(encoding="utf-8")
    found = re.findall(r"^\s+(\d+)\.\s(.+?)\s*$", text, flags=re.MULTILINE)
    return {int(number): words for number, words in found}


def test_the_data_file_holds_the_plans_18_actions_verbatim(shared_dir):
    from_plan = plan_actions_from_seed(shared_dir)
    from_file = {entry["number"]: entry["text"] for entry in read_plan_file(PLAN_FILE)}

    assert sorted(from_plan) == list(range(1, 19))
    assert from_file == from_plan


def test_loading_creates_18_actions_numbered_1_to_18_with_the_full_text():
    created = actions_load_plan()

    assert created == 18
    assert list(Action.objects.values_list("number", flat=True)) == list(range(1, 19))
    texts = {entry["number"]: entry["text"] for entry in read_plan_file()}
    for action in Action.objects.all():
        assert action.text == texts[action.number]
        assert action.title
        assert action.status == Status.NOT_STARTED
    assert Action.objects.get(number=9).themes.filter(name="Community insight").exists()


def test_loading_again_creates_nothing_and_keeps_officers_edits():
    actions_load_plan()
    Action.objects.filter(number=4).update(title="Health in All Policies", status=Status.AT_RISK, progress=60)
    Action.objects.get(number=4).themes.clear()

    assert actions_load_plan() == 0

    assert Action.objects.count() == 18
    edited = Action.objects.get(number=4)
    assert (edited.title, edited.status, edited.progress) == ("Health in All Policies", Status.AT_RISK, 60)
    assert not edited.themes.exists()


def test_loading_fills_in_an_action_that_is_missing():
    actions_load_plan()
    Action.objects.filter(number=18).delete()

    assert actions_load_plan() == 1
    assert Action.objects.filter(number=18).exists()


def test_the_command_reports_what_it_did():
    out = StringIO()
    call_command("load_plan_actions", stdout=out)
    call_command("load_plan_actions", stdout=out)

    assert out.getvalue().splitlines() == [
        "Plan actions: 18 created, 18 in the tracker",
        "Plan actions: 0 created, 18 in the tracker",
    ]
