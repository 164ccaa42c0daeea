"""A deterministic large dataset for benchmarks and query-budget tests: ten years of a programme.

The same seed and anchor date always give the same rows. Everything is written with bulk_create
in batches, so ten years load in minutes rather than hours; the rows are shaped as the services
would write them (versions, timelines, states and their dates agree) without sending anything."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any, TypeVar

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from actions.models import Action, ActionUpdate, Milestone, Status
from actions.services import actions_load_plan
from connectors.models import Activity, Connector, Conversation, Ownership, Place, PlaceKind
from funding.models import (
    MAX_SCORE,
    Application,
    ApplicationEvent,
    AssessmentCriterion,
    Assignment,
    BudgetLine,
    Fund,
    GrantReport,
    Payment,
    Priority,
    Round,
    Score,
)
from funding.workflow import State
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import MFA_ROLES, Role
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.models import ConsentBasis, Insight, InsightStatus, Source
from insights.services import SEARCH_VECTOR, search_words_add

BATCH = 5_000
DATASET_TOTP_SECRET = "DATASETDATASETDATASETDATASETDATA"  # noqa: S105 - benchmark users only
PASSWORD = "dataset-password"  # noqa: S105 - generated users for benchmarks on a throwaway database
# Generated people's addresses: a reserved domain, so no mail can reach anyone, and the mark by which
# the demo and the generate_dataset command tell generated rows from real ones.
EMAIL_DOMAIN = "dataset.invalid"
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Sizes:
    years: int = 10
    users: int = 300
    wards: int = 24
    insights: int = 100_000
    rounds: int = 40
    applications: int = 5_000
    connectors: int = 1_000
    conversations: int = 20_000

    def scaled(self, factor: float) -> Sizes:
        """Everything but the years and wards times factor (at least one of each)."""
        kept = {"years", "wards"}
        return replace(
            self,
            **{f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self) if f.name not in kept},
        )


TOPICAL_WORDS = (
    "bus stop shelter park bench play area swings lighting path dog fouling litter bins traffic speeding "
    "crossing school walk cycle lane allotment garden food bank pantry fridge cafe library hall church "
    "mosque youth club older people lonely isolated carers GP pharmacy mental health anxiety money debt "
    "energy heating damp housing repairs noise neighbours safety police community centre volunteers "
    "events festival market shops jobs training english classes translation interpreter wheelchair "
    "access toilets parking buses timetable night dark trees flowers clean river canal fishing football"
)
TOPICAL = TOPICAL_WORDS.split()


def filler_vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Made-up words from English-like syllables: real text has thousands of distinct words, and a
    search's cost depends on how many insights share the searched ones."""
    syllable_text = (
        "ba be bi bo bu ca ce co da de di do fa fe fi ga go ha he hi ho la le li lo ma me mi mo "
        "na ne ni no pa pe po ra re ri ro sa se si so ta te ti to va ve wa we wi"
    )
    syllables = syllable_text.split()
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    return sorted(words)


class Text:
    """Zipf-like filler text with topical words mixed in; one in a hundred says "bus stop shelter"."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.filler = filler_vocabulary(rng)
        self.weights = [1 / rank for rank in range(1, len(self.filler) + 1)]

    def title(self) -> str:
        words = self.rng.choices(self.filler, weights=self.weights, k=3) + self.rng.sample(TOPICAL, 1)
        return " ".join(words).capitalize()

    def sentence(self, low: int = 15, high: int = 40) -> str:
        words = self.rng.choices(self.filler, weights=self.weights, k=self.rng.randint(low, high))
        words += self.rng.sample(TOPICAL, 2)
        self.rng.shuffle(words)
        if self.rng.random() < 0.01:
            words.insert(self.rng.randint(0, len(words)), "bus stop shelter")
        return " ".join(words).capitalize() + "."


def in_batches(make: Iterator[M], model: type[M], size: int = BATCH) -> list[M]:
    """bulk_create an iterator of unsaved rows in batches; returns them with their keys."""
    created: list[M] = []
    batch: list[M] = []
    for row in make:
        batch.append(row)
        if len(batch) == size:
            created += model._default_manager.bulk_create(batch)
            batch = []
    if batch:
        created += model._default_manager.bulk_create(batch)
    return created


def link(through: type[models.Model], pairs: Sequence[tuple[int, int]], left: str, right: str) -> None:
    """Fill a many-to-many through table from (left id, right id) pairs."""
    rows = iter(through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in sorted(set(pairs)))
    in_batches(rows, through)


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class Context:
    rng: random.Random
    text: Text
    today: datetime.date
    start: datetime.date
    sizes: Sizes
    wards: list[Ward]
    themes: list[Theme]
    groups: list[PopulationGroup]
    users: dict[Role, list[User]]
    organisations: list[Organisation]
    actions: list[Action]

    def day(self) -> datetime.date:
        return self.start + datetime.timedelta(days=self.rng.randint(0, (self.today - self.start).days))


ROLE_SHARES = (
    (Role.PROGRAMME_ADMIN, 0.03),
    (Role.COUNCIL_OFFICER, 0.2),
    (Role.BOARD_MEMBER, 0.1),
    (Role.ASSESSOR, 0.07),
    (Role.COMMUNITY_CONNECTOR, 0.25),
    (Role.COMMUNITY_GROUP_MEMBER, 0.35),
)


def _users(ctx: Context) -> None:
    password = make_password(PASSWORD)
    total = ctx.sizes.users
    for role, share in ROLE_SHARES:
        count = max(1, round(total * share))
        slug = role.value.lower().replace(" ", "-")
        made = in_batches(
            (
                User(email=f"{slug}-{n}@{EMAIL_DOMAIN}", full_name=f"{role.value} {n}", password=password)
                for n in range(1, count + 1)
            ),
            User,
        )
        group = Group.objects.get(name=role.value)
        link(User.groups.through, [(user.pk, group.pk) for user in made], "user", "group")
        if role in MFA_ROLES:
            # Staff reach their pages only with an authenticator app; all share one made-up secret.
            for user in made:
                TOTP.activate(user, DATASET_TOTP_SECRET)
        ctx.users[role] = made
    members = ctx.users[Role.COMMUNITY_GROUP_MEMBER]
    # About one group for every two members, each with one to three of them.
    count = max(1, len(members) // 2)
    ctx.organisations = in_batches((_organisation(ctx, n) for n in range(1, count + 1)), Organisation)
    pairs = []
    for index, member in enumerate(members):
        pairs.append((ctx.organisations[index % count].pk, member.pk))
        if ctx.rng.random() < 0.3:
            pairs.append((ctx.rng.choice(ctx.organisations).pk, member.pk))
    link(Organisation.members.through, pairs, "organisation", "user")


def _organisation(ctx: Context, n: int) -> Organisation:
    """A group based in a ward; every other one a registered charity or company, with numbers in each
    register's form (made up, not drawn from ctx.rng, so the rest of the dataset stays as it was)."""
    organisation = Organisation(
        name=f"Community group {n}", type=Organisation.Type.GRASSROOTS, ward=ctx.wards[n % len(ctx.wards)]
    )
    registration = {
        2: {"charity_number": f"{1100000 + n}"},  # England and Wales
        4: {"company_number": f"{n:08d}"},
        6: {"charity_number": f"SC{n:06d}"},  # Scotland
        8: {"charity_number": f"NIC{100000 + n}"},  # Northern Ireland
    }.get(n % 8 or 8)
    if registration:
        organisation.type = Organisation.Type.VCSE
        for field, number in registration.items():
            setattr(organisation, field, number)
    return organisation


def _vocabulary(ctx: Context) -> None:
    for n in range(1, ctx.sizes.wards + 1):
        # Made-up codes shaped like ONS ward codes (E05 and six digits), far beyond those issued.
        Ward.objects.get_or_create(name=f"Ward {n:02d}", defaults={"ons_code": f"E0599{n:04d}"})
    ctx.wards = list(Ward.objects.all())
    for name in ("Food", "Transport", "Green spaces", "Loneliness", "Housing", "Money", "Safety", "Health"):
        Theme.objects.get_or_create(name=name)
    ctx.themes = list(Theme.objects.all())
    for name in ("Older people", "Young people", "Carers", "Disabled people", "Minority ethnic communities"):
        PopulationGroup.objects.get_or_create(name=name)
    ctx.groups = list(PopulationGroup.objects.all())


STATUS_WALK = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)


def _actions(ctx: Context) -> int:
    """Weekly updates for every action over the years: progress creeps up, status moves now and
    then (with a narrative, as the database requires), and the action ends where its last update
    left it."""
    actions_load_plan()
    ctx.actions = list(Action.objects.order_by("number"))
    officers = ctx.users[Role.COUNCIL_OFFICER]
    weeks = ctx.sizes.years * 52
    updates: list[ActionUpdate] = []
    milestones: list[Milestone] = []
    for action in ctx.actions:
        status, progress, version = action.status, action.progress, action.version
        review = ctx.start
        for week in range(weeks):
            day = ctx.start + datetime.timedelta(weeks=week)
            new_progress = min(100, progress + ctx.rng.choice((0, 0, 0, 1, 1, 2)))
            new_status = status
            if ctx.rng.random() < 0.05:
                new_status = ctx.rng.choice([s for s in STATUS_WALK if s != status])
            new_review = day + datetime.timedelta(days=91)
            version += 1
            updates.append(
                ActionUpdate(
                    action=action,
                    author=ctx.rng.choice(officers),
                    created_at=aware(day),
                    version=version,
                    old_status=status,
                    new_status=new_status,
                    old_progress=progress,
                    new_progress=new_progress,
                    old_next_review_date=review,
                    new_next_review_date=new_review,
                    narrative=ctx.text.sentence(10, 30) if new_status != status or ctx.rng.random() < 0.5 else "",
                )
            )
            status, progress, review = new_status, new_progress, new_review
        action.status, action.progress, action.version, action.next_review_date = status, progress, version, review
        for n in range(ctx.sizes.years * 2):
            due = ctx.start + datetime.timedelta(days=182 * n + ctx.rng.randint(0, 150))
            done = due < ctx.today and ctx.rng.random() < 0.8
            milestones.append(
                Milestone(action=action, title=ctx.text.title(), due_date=due, done=done, done_on=due if done else None)
            )
    in_batches(iter(updates), ActionUpdate)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    Action.objects.bulk_update(ctx.actions, ["status", "progress", "version", "next_review_date"])
    return len(updates)


def _insights(ctx: Context) -> int:
    collectors = ctx.users[Role.COMMUNITY_CONNECTOR] + ctx.users[Role.COUNCIL_OFFICER]
    sources = [Source.CONVERSATION, Source.SURVEY, Source.EVENT, Source.FOCUS_GROUP]

    def make() -> Iterator[Insight]:
        for _ in range(ctx.sizes.insights):
            responded = ctx.rng.random() < 0.1
            heard = ctx.day()
            yield Insight(
                title=ctx.text.title(),
                summary=ctx.text.sentence(),
                source=ctx.rng.choice(sources),
                heard_on=heard,
                ward=ctx.rng.choice(ctx.wards) if ctx.rng.random() < 0.9 else None,
                people_count=ctx.rng.randint(1, 40),
                collected_by=ctx.rng.choice(collectors),
                consent_basis=ConsentBasis.ANONYMOUS,
                status=InsightStatus.RESPONDED if responded else ctx.rng.choice(list(InsightStatus)[:3]),
                response=ctx.text.sentence(10, 20) if responded else "",
                response_on=heard + datetime.timedelta(days=30) if responded else None,
                response_published=responded,
                created_at=aware(heard),
            )

    made = in_batches(make(), Insight)
    rng = ctx.rng
    link(
        Insight.themes.through,
        [(i.pk, t.pk) for i in made for t in rng.sample(ctx.themes, rng.randint(1, 2))],
        "insight",
        "theme",
    )
    link(
        Insight.population_groups.through,
        [(i.pk, g.pk) for i in made if rng.random() < 0.6 for g in rng.sample(ctx.groups, 1)],
        "insight",
        "populationgroup",
    )
    link(
        Insight.actions.through,
        [(i.pk, rng.choice(ctx.actions).pk) for i in made if rng.random() < 0.2],
        "insight",
        "action",
    )
    insights_index(made)
    return len(made)


def insights_index(made: Sequence[Insight]) -> None:
    """What saving through the insights service does, for rows written in bulk: their search vector
    (PostgreSQL) and their words for "did you mean". The rows of one bulk write hold one range of
    keys; recomputing another row's vector inside it changes nothing."""
    if not made:
        return
    if connection.vendor == "postgresql":
        keys = [insight.pk for insight in made]
        Insight.objects.filter(pk__range=(min(keys), max(keys))).update(search_vector=SEARCH_VECTOR)
    search_words_add(texts=((insight.title, insight.summary) for insight in made))


# Where an application ends up, by how long ago its round closed.
SETTLED = (
    (State.CLOSED, 0.45),
    (State.DECLINED, 0.3),
    (State.INELIGIBLE, 0.1),
    (State.WITHDRAWN, 0.1),
    (State.REPORT_RECEIVED, 0.05),
)
CURRENT = (
    (State.DRAFT, 0.3),
    (State.SUBMITTED, 0.2),
    (State.IN_ASSESSMENT, 0.3),
    (State.APPROVED, 0.1),
    (State.PAID, 0.05),
    (State.REPORT_DUE, 0.05),
)


def _pick(rng: random.Random, weighted: Sequence[tuple[State, float]]) -> State:
    return rng.choices([state for state, _ in weighted], weights=[weight for _, weight in weighted])[0]


def _funding(ctx: Context) -> int:
    """Rounds spread over the years, the latest open today; applications settled in old rounds and
    in every state in the latest, with budget lines, assessments, payments and reports to match."""
    rng = ctx.rng
    fund, _ = Fund.objects.get_or_create(name="Healthy places seed fund", defaults={"purpose": "Small grants."})
    priorities = [Priority.objects.create(fund=fund, title=f"Dataset priority {n}") for n in range(1, 9)]
    span = (ctx.today - ctx.start).days
    rounds = []
    for n in range(ctx.sizes.rounds):
        closes = ctx.start + datetime.timedelta(days=span * (n + 1) // ctx.sizes.rounds)
        if n == ctx.sizes.rounds - 1:
            closes = ctx.today + datetime.timedelta(days=14)
        rounds.append(
            Round(
                fund=fund,
                name=f"Dataset round {n + 1}",
                opens_on=closes - datetime.timedelta(days=42),
                closes_on=closes,
                budget=Decimal("50000"),
                minimum_award=Decimal("100"),
                maximum_award=Decimal("5000"),
            )
        )
    rounds = Round.objects.bulk_create(rounds)
    criteria = {
        round_.pk: AssessmentCriterion.objects.bulk_create(
            AssessmentCriterion(round=round_, name=name, weight=weight, position=position)
            for position, (name, weight) in enumerate((("Priority", 3), ("Community-led", 2), ("Plan", 1)))
        )
        for round_ in rounds
    }
    link(Round.priorities.through, [(r.pk, p.pk) for r in rounds for p in priorities], "round", "priority")
    latest = rounds[-1]
    assessors = ctx.users[Role.ASSESSOR]
    applications: list[Application] = []
    for n in range(ctx.sizes.applications):
        round_ = rounds[n % len(rounds)]
        state = _pick(rng, CURRENT if round_ is latest else SETTLED)
        requested = Decimal(rng.randrange(200, 5000, 50))
        awarded = requested if state in (State.CLOSED, State.REPORT_RECEIVED, State.APPROVED, State.PAID) else None
        if state == State.REPORT_DUE:
            awarded = requested
        # Nothing is sent or decided after today: the latest round is still open, and an award is
        # never dated after the day it is published (360Giving's PostDatedAwardDates).
        submitted = aware(min(round_.closes_on - datetime.timedelta(days=rng.randint(0, 40)), ctx.today))
        decided = min(submitted + datetime.timedelta(days=30), aware(ctx.today))
        # The project's planned period: from a month after it was sent, for a year.
        starts_on = submitted.date() + datetime.timedelta(days=30)
        applications.append(
            Application(
                round=round_,
                organisation=rng.choice(ctx.organisations),
                reference=None if state == State.DRAFT else f"HP-{round_.closes_on:%Y}-{n + 1:05d}",
                state=state,
                sections_done=["group", "project", "priority", "budget", "declarations", "documents"],
                group_description=ctx.text.sentence(10, 20),
                project_title=ctx.text.title(),
                project_summary=ctx.text.sentence(),
                priority=rng.choice(priorities),
                amount_requested=requested,
                amount_awarded=awarded,
                submitted_at=None if state == State.DRAFT else submitted,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=364),
                decided_at=decided if awarded or state == State.DECLINED else None,
                report_due_on=round_.closes_on + datetime.timedelta(days=365) if state == State.REPORT_DUE else None,
                created_at=submitted - datetime.timedelta(days=7),
            )
        )
    applications = in_batches(iter(applications), Application)
    link(
        Application.wards.through,
        [(a.pk, w.pk) for a in applications for w in rng.sample(ctx.wards, rng.randint(1, 2))],
        "application",
        "ward",
    )
    in_batches(
        (
            BudgetLine(application=a, item=item, amount=(a.amount_requested or Decimal(0)) / 2)
            for a in applications
            for item in ("Equipment", "Venue hire")
        ),
        BudgetLine,
    )
    in_batches(
        (
            ApplicationEvent(
                application=a,
                transition="submit",
                from_state=State.DRAFT,
                to_state=State.SUBMITTED,
                created_at=a.submitted_at or a.created_at,
            )
            for a in applications
            if a.submitted_at
        ),
        ApplicationEvent,
    )
    assessed = [a for a in applications if a.state in (State.IN_ASSESSMENT, State.CLOSED, State.DECLINED)]
    assignments = in_batches(
        (
            Assignment(
                application=a,
                assessor=assessor,
                assigned_at=a.submitted_at or a.created_at,
                has_conflict=False,
                declared_at=a.submitted_at,
                submitted_at=None if a.state == State.IN_ASSESSMENT and rng.random() < 0.3 else a.submitted_at,
            )
            for a in assessed
            for assessor in rng.sample(assessors, min(2, len(assessors)))
        ),
        Assignment,
    )
    in_batches(
        (
            Score(assignment=s, criterion=c, score=rng.randint(0, MAX_SCORE), comment=ctx.text.sentence(5, 10))
            for s in assignments
            if s.submitted_at
            for c in criteria[s.application.round_id]
        ),
        Score,
    )
    paid = [a for a in applications if a.state in (State.PAID, State.REPORT_DUE, State.REPORT_RECEIVED, State.CLOSED)]
    in_batches(
        (
            Payment(
                application=a,
                amount=a.amount_awarded or Decimal(0),
                paid_on=min((a.decided_at or aware(ctx.today)).date() + datetime.timedelta(days=14), ctx.today),
                reference=f"BACS-{a.pk}",
            )
            for a in paid
        ),
        Payment,
    )
    in_batches(
        (
            GrantReport(
                application=a,
                what_happened=ctx.text.sentence(),
                people_reached=rng.randint(5, 300),
                story=ctx.text.sentence(10, 25),
                submitted_at=(a.decided_at or aware(ctx.today)) + datetime.timedelta(days=300),
            )
            for a in applications
            if a.state in (State.REPORT_RECEIVED, State.CLOSED)
        ),
        GrantReport,
    )
    return len(applications)


PLACE_KINDS = [PlaceKind.COMMUNITY_CENTRE, PlaceKind.LIBRARY, PlaceKind.CAFE, PlaceKind.PARK, PlaceKind.SCHOOL]
ACTIVITY_NAMES = ["Coffee morning", "Walking group", "Seed swap", "Chair exercise", "Homework club", "Warm space"]


def _place_details(ward_number: int, kind: PlaceKind) -> dict[str, Any]:
    """What is known of a place, varied as real records are: a centre with a street address and a
    position, a library with an address but no position, a park with a position but no street
    address, a cafe or school with only a postcode. Set by kind, not drawn, so the random draws
    (and so every other generated row) stay as they were."""
    address = f"{ward_number} High Street" if kind in (PlaceKind.COMMUNITY_CENTRE, PlaceKind.LIBRARY) else ""
    located = kind in (PlaceKind.COMMUNITY_CENTRE, PlaceKind.PARK)
    return {
        "address": address,
        "latitude": Decimal("54.55000") + Decimal(ward_number) / 1000 if located else None,
        "longitude": Decimal("-1.32000") + Decimal(ward_number) / 1000 if located else None,
    }


def _network(ctx: Context) -> dict[str, int]:
    """Places in every ward, connectors working in one or two wards (one in ten no longer active),
    and conversations at places across the years, most of them recent."""
    rng = ctx.rng
    places = in_batches(
        (
            Place(
                name=f"{ward.name} {kind.label.lower()} {n}",
                kind=kind,
                ward=ward,
                postcode="TS18 1LD",
                ownership=rng.choice(list(Ownership)),
                **_place_details(ward_number, kind),
            )
            for ward_number, ward in enumerate(ctx.wards, start=1)
            for n, kind in enumerate(PLACE_KINDS, start=1)
        ),
        Place,
    )
    users = iter(ctx.users[Role.COMMUNITY_CONNECTOR])
    connectors = in_batches(
        (
            Connector(name=f"Connector {n}", user=next(users, None), active=rng.random() > 0.1)
            for n in range(1, ctx.sizes.connectors + 1)
        ),
        Connector,
    )
    link(
        Connector.wards.through,
        [(c.pk, w.pk) for c in connectors for w in rng.sample(ctx.wards, rng.randint(1, 2))],
        "connector",
        "ward",
    )
    recorders = ctx.users[Role.COMMUNITY_CONNECTOR] + ctx.users[Role.COUNCIL_OFFICER]
    recent = ctx.today - datetime.timedelta(days=365)

    def conversation() -> Conversation:
        held = ctx.day() if rng.random() < 0.5 else recent + datetime.timedelta(days=rng.randint(0, 365))
        return Conversation(
            connector=rng.choice(connectors),
            place=rng.choice(places),
            held_on=held,
            people_count=rng.randint(1, 25),
            notes=ctx.text.sentence(10, 25),
            recorded_by=rng.choice(recorders),
            created_at=aware(held),
        )

    conversations = in_batches((conversation() for _ in range(ctx.sizes.conversations)), Conversation)
    link(
        Conversation.themes.through,
        [(c.pk, rng.choice(ctx.themes).pk) for c in conversations],
        "conversation",
        "theme",
    )
    # The activities groups run at places (the Open Referral UK API's services), as many as there
    # are connectors so that they grow with the network; drawn last, so no other row changes.
    activities = in_batches(
        (
            Activity(
                organisation=rng.choice(ctx.organisations),
                place=rng.choice(places),
                name=rng.choice(ACTIVITY_NAMES),
                description=ctx.text.sentence(8, 15),
                status=Activity.Status.INACTIVE if rng.random() < 0.1 else Activity.Status.ACTIVE,
            )
            for _ in range(ctx.sizes.connectors)
        ),
        Activity,
    )
    return {
        "places": len(places),
        "connectors": len(connectors),
        "conversations": len(conversations),
        "activities": len(activities),
    }


@transaction.atomic
def dataset_generate(
    *, sizes: Sizes, today: datetime.date, seed: int = 2026, text: type[Text] = Text
) -> dict[str, Any]:
    """Add the dataset to the database (meant for an empty one); returns what was made. `text` writes
    the titles and sentences: the benchmark's Zipf-like filler by default, plain English for the demo."""
    rng = random.Random(seed)  # noqa: S311 - repeatable made-up data, nothing secret
    ctx = Context(
        rng=rng,
        text=text(rng),
        today=today,
        start=today - datetime.timedelta(days=365 * sizes.years),
        sizes=sizes,
        wards=[],
        themes=[],
        groups=[],
        users={},
        organisations=[],
        actions=[],
    )
    _vocabulary(ctx)
    _users(ctx)
    made: dict[str, Any] = {
        "users": sum(len(users) for users in ctx.users.values()),
        "organisations": len(ctx.organisations),
        "action updates": _actions(ctx),
        "insights": _insights(ctx),
        "applications": _funding(ctx),
    }
    made.update(_network(ctx))
    if connection.vendor == "postgresql":
        # Statistics for every table, as autovacuum would soon gather after a bulk load: without
        # them the planner guessed the generated tables empty (the coverage page read all 20,000
        # conversations to find the last 90 days').
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return made
