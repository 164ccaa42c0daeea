from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actions.models import Action
from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.demo.services import DEMO_USERS

pytestmark = pytest.mark.django_db


def test_demo_seed_loads_the_plan_and_one_user_per_role_and_prints_them(settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("seed_demo", "--empty", stdout=out)
    call_command("seed_demo", "--empty", stdout=StringIO())

    assert Action.objects.count() == 18
    assert User.objects.count() == len(Role) == len(DEMO_USERS)
    for demo in DEMO_USERS:
        user = User.objects.get(email=demo.email)
        assert user.role_names == {demo.role.value}
        assert user.check_password(demo.password)
        assert f"{demo.email}" in out.getvalue()
        assert demo.password in out.getvalue()
    assert Action.objects.filter(lead_officers__email="officer@example.org").count() == 6


def test_demo_seed_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_after_setup_the_demo_officer_has_a_review_reminder_waiting(settings, monkeypatch):
    from healthyplaces.notifications.models import Notification

    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("send_review_reminders", stdout=StringIO())

    reminder = Notification.objects.get(kind="review_reminder", to_email="officer@example.org", key__contains=":")
    assert reminder.subject == "Action 1 is overdue for review"


def test_the_demo_group_has_an_open_round_to_apply_to(settings):
    from funding.models import Round

    settings.DEBUG = True
    call_command("seed_demo", "--empty", stdout=StringIO())
    call_command("seed_demo", "--empty", stdout=StringIO())

    rounds = list(Round.objects.all())
    assert len(rounds) == 1
    assert rounds[0].is_open()
    assert rounds[0].priorities.count() == 1
    # Run twice, the demo priority still serves the same two actions once each.
    assert list(rounds[0].priorities.get().actions.values_list("number", flat=True)) == [10, 15]


def test_the_demo_connector_has_places_and_a_conversation_made_once(settings):
    from connectors.models import Activity, Connector, Conversation, Place

    settings.DEBUG = True
    call_command("seed_demo", "--empty", stdout=StringIO())
    before = (Place.objects.count(), Activity.objects.count(), Connector.objects.count(), Conversation.objects.count())
    call_command("seed_demo", "--empty", stdout=StringIO())

    after = (Place.objects.count(), Activity.objects.count(), Connector.objects.count(), Conversation.objects.count())
    assert after == before == (3, 3, 1, 1)
    # The demo group's activities are what the Open Referral UK API publishes.
    assert set(Activity.objects.values_list("organisation__name", flat=True)) == {"Demo Residents Association"}
    connector = Connector.objects.get()
    assert connector.user.email == "connector@example.org"
    assert connector.conversations.get().place.name == "Parkfield Community Hub"


def test_demo_staff_who_must_use_a_second_factor_have_the_published_demo_app(settings, client):
    from allauth.mfa.models import Authenticator

    from healthyplaces.accounts.roles import MFA_ROLES
    from healthyplaces.demo.services import DEMO_TOTP_SECRET

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--empty", stdout=out)
    call_command("seed_demo", "--empty", stdout=StringIO())

    with_app = set(Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user__email", flat=True))
    assert with_app == {demo.email for demo in DEMO_USERS if demo.role in MFA_ROLES}
    assert DEMO_TOTP_SECRET in out.getvalue()

    code = StringIO()
    call_command("demo_mfa_code", stdout=code)
    client.post("/accounts/login/", {"login": "officer@example.org", "password": "demo-officer-password"})
    response = client.post("/accounts/2fa/authenticate/", {"code": code.getvalue().strip()})
    assert response.status_code == 302
    assert client.get("/actions/mine/").status_code == 200
