"""Demo users and data for a developer's machine: one user per role, with dev-only passwords."""

import datetime
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.db import transaction
from django.utils import timezone

from actions.models import Action, Milestone
from actions.services import actions_load_plan
from funding.models import AssessmentCriterion, EligibilityQuestion, Fund, Priority, Round
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import user_set_roles
from healthyplaces.demo.network import demo_network
from healthyplaces.demo.scenario import demo_scenario_load, demo_scenario_loaded
from healthyplaces.vocabulary.services import vocabulary_load_csv

VOCABULARY_DIR = Path(__file__).resolve().parent.parent / "vocabulary" / "data"


@dataclass(frozen=True)
class DemoUser:
    role: Role
    email: str
    full_name: str
    password: str


DEMO_USERS = (
    DemoUser(Role.PROGRAMME_ADMIN, "admin@example.org", "Priya Admin", "demo-admin-password"),
    DemoUser(Role.COUNCIL_OFFICER, "officer@example.org", "Owen Officer", "demo-officer-password"),
    DemoUser(Role.BOARD_MEMBER, "board@example.org", "Bea Boardmember", "demo-board-password"),
    DemoUser(Role.COMMUNITY_GROUP_MEMBER, "group@example.org", "Gina Group", "demo-group-password"),
    DemoUser(Role.COMMUNITY_CONNECTOR, "connector@example.org", "Connie Connector", "demo-connector-password"),
    DemoUser(Role.ASSESSOR, "assessor@example.org", "Asa Assessor", "demo-assessor-password"),
)

# The demo staff's authenticator-app secret: published, like their passwords, so anyone trying the
# demo can add it to an app (or run `manage.py demo_mfa_code`). Development only.
DEMO_TOTP_SECRET = "DEMOHEALTHYPLACESDEMOHEALTHYPLAC"  # noqa: S105 - published on purpose (32 base32 characters)

# Actions the demo officer leads, so "My actions" has something in it.
DEMO_OFFICER_ACTIONS = (1, 2, 9, 10, 12, 14)


def _demo_user(demo: DemoUser) -> User:
    user = User.objects.filter(email=demo.email).first()
    if user is None:
        user = User.objects.create_user(email=demo.email, password=demo.password, full_name=demo.full_name)
        user_set_roles(actor=None, user=user, roles=[demo.role])
    # Demo users sign in straight away; real ones verify their address first.
    EmailAddress.objects.update_or_create(user=user, email=demo.email, defaults={"verified": True, "primary": True})
    if user.must_use_mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def demo_totp_code() -> str:
    """What an authenticator app holding DEMO_TOTP_SECRET shows now."""
    return str(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // mfa_settings.TOTP_PERIOD)))


@transaction.atomic
def demo_seed(*, empty: bool = False) -> list[DemoUser]:
    """Idempotent: users, vocabulary and actions are made once; later runs change nothing. Unless
    `empty`, the living demo's year of the programme is loaded too (once: healthyplaces.demo.scenario)."""
    vocabulary_load_csv(kind="themes", path=VOCABULARY_DIR / "themes.csv")
    vocabulary_load_csv(kind="population-groups", path=VOCABULARY_DIR / "population_groups.csv")
    actions_load_plan()
    users = {demo.role: _demo_user(demo) for demo in DEMO_USERS}

    group, _ = Organisation.objects.get_or_create(
        name="Demo Residents Association", defaults={"type": Organisation.Type.GRASSROOTS}
    )
    group.members.add(users[Role.COMMUNITY_GROUP_MEMBER])

    officer = users[Role.COUNCIL_OFFICER]
    today = timezone.localdate()
    for action in Action.objects.filter(number__in=DEMO_OFFICER_ACTIONS).prefetch_related("lead_officers"):
        if action.lead_officers.exists():
            continue
        action.lead_officers.add(officer)
        if action.next_review_date is None:
            # One action already overdue, so reminders have something to say.
            offset = -3 if action.number == 1 else 14 + action.number
            Action.objects.filter(pk=action.pk).update(next_review_date=today + datetime.timedelta(days=offset))
        if not action.milestones.exists():
            Milestone.objects.create(
                action=action, title="Agree approach with partners", due_date=today + datetime.timedelta(days=30)
            )
    if not empty and not demo_scenario_loaded():
        demo_scenario_load(users=users, group=group, today=today)
    _demo_fund(today)
    demo_network(connector_user=users[Role.COMMUNITY_CONNECTOR], group=group, today=today)
    _demo_priority_actions()
    return list(DEMO_USERS)


# The demo priority serves the seed-funding action and community ownership of spaces, so the
# action pages and the board dashboard show the loop once grants are made under it.
DEMO_PRIORITY_ACTIONS = {"Places to meet": (10, 15)}


def _demo_priority_actions() -> None:
    for title, numbers in DEMO_PRIORITY_ACTIONS.items():
        for priority in Priority.objects.filter(title=title):
            priority.actions.add(*Action.objects.filter(number__in=numbers))


def _demo_fund(today: datetime.date) -> None:
    """An open round, so the demo community group can apply straight away (the living demo's
    rounds have closed)."""
    fund, _ = Fund.objects.get_or_create(
        name="Healthy places seed fund",
        defaults={"purpose": "Small grants for community action on the issues communities have told us matter."},
    )
    if fund.rounds.filter(opens_on__lte=today, closes_on__gte=today).exists():
        return
    priority, _ = Priority.objects.get_or_create(
        fund=fund,
        title="Places to meet",
        defaults={"description": "Warm, welcoming places where neighbours can get together."},
    )
    round_ = Round.objects.create(
        fund=fund,
        name=f"Round {fund.rounds.count() + 1}, {today:%B %Y}",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=42),
        budget=Decimal("20000"),
        minimum_award=Decimal("250"),
        maximum_award=Decimal("2500"),
    )
    round_.priorities.add(priority)
    EligibilityQuestion.objects.create(
        round=round_, text="Is your group based in the borough, or does most of its work here?", position=1
    )
    EligibilityQuestion.objects.create(
        round=round_, text="Does your group have its own bank account with two unrelated signatories?", position=2
    )
    for position, (name, weight) in enumerate(
        (
            ("Meets a priority the community agreed", 3),
            ("Led by the community it serves", 2),
            ("A realistic plan and budget", 2),
            ("Reaches people the council rarely hears from", 3),
        ),
        start=1,
    ):
        AssessmentCriterion.objects.create(round=round_, name=name, weight=weight, position=position)
