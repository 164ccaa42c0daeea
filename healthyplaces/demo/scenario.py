"""The living demo: a believable year of the programme, so that someone trying the portal sees it
at work rather than 18 "Not started" actions and a column of zeros.

Built on the benchmark's dataset generator (one year of it, in plain English, anchored four weeks
ago), then curated: real ward names with illustrative deprivation deciles, one deprived ward the
network has held no conversation in, a board snapshot frozen four weeks ago, and the four weeks
since (status moves, progress, milestones done, new insights, grants approved) so that "what
changed since the last board" has something to say. Every figure is invented. Deterministic: the
same day gives the same rows. Counts are large enough that the small-numbers rule (counts of 1 to 4
hidden) leaves every dashboard section with figures to show."""

import datetime
import random
from collections.abc import Mapping

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from actions.models import Action, ActionUpdate, Milestone, Status
from connectors.models import Conversation, Place
from connectors.services import (
    ForumMeetingFields,
    check_in_add,
    forum_meeting_create,
    forum_member_add,
    mentoring_pair_create,
)
from funding.models import Application, ApplicationEvent, Priority, Round
from funding.workflow import State
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import Role
from healthyplaces.board.models import BoardSnapshot
from healthyplaces.board.services import deprivation_load, snapshot_freeze
from healthyplaces.demo.dataset import EMAIL_DOMAIN, Sizes, Text, aware, dataset_generate, insights_index
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.models import ConsentBasis, Insight, InsightStatus, Source

SEED = 19
# Four weeks between the last board and today: long enough for a month's news.
SNAPSHOT_DAYS_AGO = 28
SIZES = Sizes(years=1, users=40, wards=0, insights=1500, rounds=2, applications=240, connectors=90, conversations=1200)

# Stockton-on-Tees ward names, so that loading the real ward list later (by name) fills in their
# ONS codes rather than adding wards. The deciles are illustrative, not the ONS's figures.
DEMO_WARDS = (
    ("Stockton Town Centre", 1),
    ("Newtown", 1),
    ("Mandale and Victoria", 1),
    ("Parkfield and Oxbridge", 2),
    ("Roseworth", 2),
    ("Hardwick and Salters Lane", 2),
    ("Norton North", 3),
    ("Billingham Central", 3),
    ("Billingham East", 4),
    ("Norton South", 5),
    ("Fairfield", 6),
    ("Grangefield", 7),
    ("Eaglescliffe East", 8),
    ("Yarm", 9),
    ("Ingleby Barwick North", 10),
    ("Hartburn", 10),
)
# A deprived ward where the network has held no conversation: the gap the board should see.
WARD_WITHOUT_CONVERSATIONS = "Newtown"

WHO = (
    "Parents",
    "Older residents",
    "Young people",
    "Carers",
    "Volunteers",
    "Tenants",
    "Shop owners",
    "Families",
    "Neighbours",
    "Dog walkers",
)
WHERE = (
    "at the coffee morning",
    "at the library",
    "in the park",
    "at the school gates",
    "at the community hub",
    "on the estate",
    "at the food pantry",
    "at the bus station",
    "at the youth club",
    "at the mosque's open day",
)
# (title, what people said, the theme it is filed under)
ISSUES = (
    ("Dark path through the park", "the path through the park is dark after four o'clock", "Safety"),
    ("Bus shelter with no roof", "the bus shelter on the high street has no roof and no seat", "Transport"),
    ("Damp in the flats", "damp in the flats is making children ill", "Housing"),
    ("Food pantry runs short", "the food pantry runs out by Thursday", "Food"),
    ("Nowhere warm to meet", "there is nowhere warm to meet in the afternoons", "Loneliness"),
    ("Dangerous school crossing", "the crossing by the school is dangerous at pick-up time", "Safety"),
    ("Buses stop too early", "the last bus to the hospital leaves before evening visiting ends", "Transport"),
    ("Allotment waiting list", "the allotment waiting list is three years long", "Green spaces"),
    ("Lonely since the day centre closed", "people have felt lonely since the day centre closed", "Loneliness"),
    ("Heating or eating", "families are choosing between heating and eating", "Money"),
    ("No interpreter at the surgery", "there is no interpreter at the GP surgery", "Health"),
    ("Broken swings", "the playground swings have been broken since spring", "Green spaces"),
    ("Litter behind the shops", "litter and fly-tipping behind the shops put people off walking", "Green spaces"),
    ("Nowhere to rest on the way", "older people cannot walk to the shops without somewhere to rest", "Transport"),
    ("Speeding on the estate", "cars speed through the estate at night", "Safety"),
    ("Waiting for mental health support", "young people wait months for mental health support", "Health"),
)
ASKS = (
    "more street lighting",
    "a weekly drop-in",
    "a volunteer rota",
    "a bench at the bus stop",
    "help with energy bills",
    "a walking group",
    "a warm space",
    "translated leaflets",
    "a school crossing patrol",
    "a community fridge",
    "repairs by the landlord",
    "a youth worker on Friday nights",
)
FOLLOW_UPS = (
    "Three people offered to help.",
    "It came up again the following week.",
    "A local group is already looking at it.",
    "We passed it to the council team responsible.",
    "Several people said the same at the last forum.",
)


class PlainText(Text):
    """The generator's titles and sentences in plain English about local life, so that every page
    of the demo reads as a real programme would (and a search for "damp" or "bus" finds rows)."""

    def title(self) -> str:
        return self.rng.choice(ISSUES)[0]

    def sentence(self, low: int = 15, high: int = 40) -> str:
        issue = self.rng.choice(ISSUES)[1]
        said = f"{self.rng.choice(WHO)} {self.rng.choice(WHERE)} said {issue}, and asked for {self.rng.choice(ASKS)}."
        return f"{said} {self.rng.choice(FOLLOW_UPS)}" if high > 20 else said


FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ellie",
    "Faisal",
    "Grace",
    "Harry",
    "Imran",
    "Jess",
    "Kwame",
    "Laura",
    "Mo",
    "Nadia",
    "Olly",
    "Pat",
    "Rosa",
    "Sam",
    "Tom",
    "Uzma",
    "Vic",
    "Wes",
    "Yasmin",
    "Zoe",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Foster",
    "Green",
    "Hussain",
    "Iqbal",
    "Jones",
    "Khan",
    "Lee",
    "Moore",
    "Patel",
    "Shaw",
    "Walker",
]
GROUP_KINDS = (
    "Residents Association",
    "Carers Group",
    "Community Garden",
    "Youth Club",
    "Food Pantry",
    "Walking Group",
    "Men's Shed",
    "Tenants Forum",
    "Parent and Toddler Group",
    "Friendship Club",
)
# (title, what it serves, the plan's actions it serves)
PRIORITIES = (
    ("Places to meet", "Warm, welcoming places where neighbours can get together.", (10, 15)),
    ("Food for all", "Fresh food within reach, and no one going hungry.", (3, 4)),
    ("Getting about", "Safe streets, buses that run when people need them.", (5, 6)),
    ("Green spaces", "Parks and gardens people use and look after.", (7, 8)),
    ("Warm homes", "Homes without damp, and help with heating bills.", (11, 12)),
    ("No one alone", "Company for people who are lonely or isolated.", (1, 2)),
    ("Young people's voices", "Young people shaping what happens where they live.", (13, 14)),
    ("Heard in every language", "Services people can use whatever language they speak.", (9, 16, 17, 18)),
)
# Where each action stands today; set by the last four weeks' updates.
TARGET_STATUS = {
    1: Status.AT_RISK,
    2: Status.ON_TRACK,
    3: Status.ON_TRACK,
    4: Status.OFF_TRACK,
    5: Status.ON_TRACK,
    6: Status.COMPLETE,
    7: Status.AT_RISK,
    8: Status.ON_TRACK,
    9: Status.ON_TRACK,
    10: Status.ON_TRACK,
    11: Status.COMPLETE,
    12: Status.AT_RISK,
    13: Status.ON_TRACK,
    14: Status.OFF_TRACK,
    15: Status.ON_TRACK,
    16: Status.AT_RISK,
    17: Status.ON_TRACK,
    18: Status.ON_TRACK,
}
MOVE_NARRATIVE = {
    Status.ON_TRACK: "Partners have agreed the plan and the first sessions are booked.",
    Status.AT_RISK: "The venue we planned to use is closed for repairs; we are looking for another.",
    Status.OFF_TRACK: "The partner's funding fell through; the board is asked to agree a smaller scope.",
    Status.COMPLETE: "Done: the last sessions ran and the evaluation is written up.",
}
# Actions whose review is overdue today, by how many days: the reminders and the dashboard's
# "Reviews overdue" have something to say (action 1 is the demo officer's).
OVERDUE_BY_DAYS = {1: 3, 4: 9}
REVIEW_DAYS = 14
MILESTONES_DONE = (
    (2, "Lunch club opened in the library"),
    (5, "Bus operator agreed a later timetable"),
    (6, "Evaluation written up"),
    (9, "Interpreting line live at two surgeries"),
    (11, "Energy advice sessions finished"),
    (13, "Youth panel met for the first time"),
)
MILESTONES_COMING = (
    (3, "Second food pantry opens", 12),
    (7, "Park lighting survey done", 25),
    (8, "Community garden planted", 40),
    (15, "Asset transfer of the hub agreed", 55),
)
NEW_INSIGHTS = 40
NEW_GRANTS = 6


def demo_scenario_loaded() -> bool:
    """The scenario's generated people are there (they are made once, with everything else)."""
    return User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()


def demo_scenario_load(*, users: Mapping[Role, User], group: Organisation, today: datetime.date) -> None:
    """Load the year (inside the caller's transaction). Meant for a database holding only the plan
    and the demo users: demo_seed calls it once, when demo_scenario_loaded() is false."""
    rng = random.Random(SEED)  # noqa: S311 - repeatable made-up data, nothing secret
    anchor = today - datetime.timedelta(days=SNAPSHOT_DAYS_AGO)
    for name, _ in DEMO_WARDS:
        Ward.objects.get_or_create(name=name)
    dataset_generate(sizes=SIZES, today=anchor, seed=SEED, text=PlainText)
    _names()
    _deciles(users[Role.PROGRAMME_ADMIN])
    Conversation.objects.filter(place__ward__name=WARD_WITHOUT_CONVERSATIONS).delete()
    _responses_published()
    _demo_group_applications(group)
    snapshot = snapshot_freeze(actor=users[Role.PROGRAMME_ADMIN], meeting_date=anchor)
    # The snapshot stands for the board four weeks ago: what changed since is counted from then.
    BoardSnapshot.objects.filter(pk=snapshot.pk).update(
        frozen_at=aware(anchor, 17), figures={**snapshot.figures, "as_of": anchor.isoformat()}
    )
    _last_four_weeks(rng, anchor=anchor, today=today, officer=users[Role.COUNCIL_OFFICER])
    _new_insights(rng, anchor=anchor, collectors=[users[Role.COUNCIL_OFFICER], users[Role.COMMUNITY_CONNECTOR]])
    _new_grants(anchor=anchor, officer=users[Role.COUNCIL_OFFICER])
    _forum_and_mentoring(users, today=today)


def _names() -> None:
    """Names people would recognise in place of the generator's numbered ones."""
    people = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk"))
    for n, person in enumerate(people):
        person.full_name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 7) % len(LAST_NAMES)]}"
    User.objects.bulk_update(people, ["full_name"])
    groups = list(Organisation.objects.filter(name__startswith="Community group ").select_related("ward"))
    for n, organisation in enumerate(groups):
        ward = organisation.ward.name if organisation.ward else "Borough"
        organisation.name = f"{ward} {GROUP_KINDS[n % len(GROUP_KINDS)]}"
        if n >= len(GROUP_KINDS) * len(DEMO_WARDS):
            organisation.name += f" {n}"
    Organisation.objects.bulk_update(groups, ["name"])
    places = list(Place.objects.select_related("ward"))
    for place in places:
        if place.ward:
            place.name = f"{place.ward.name} {place.get_kind_display().lower()}"
    Place.objects.bulk_update(places, ["name"])
    for n, round_ in enumerate(Round.objects.order_by("closes_on"), start=1):
        Round.objects.filter(pk=round_.pk).update(name=f"Round {n}, {round_.opens_on:%B %Y}")
    actions = {action.number: action for action in Action.objects.all()}
    generated = Priority.objects.filter(title__startswith="Dataset priority ").order_by("pk")
    for priority, (title, description, numbers) in zip(generated, PRIORITIES, strict=True):
        priority.title, priority.description = title, description
        priority.save(update_fields=["title", "description"])
        priority.actions.add(*(actions[number] for number in numbers))


def _deciles(admin: User) -> None:
    """Loaded as an admin would, through the upload's service."""
    rows = "ward,decile\n" + "".join(f"{name},{decile}\n" for name, decile in DEMO_WARDS)
    deprivation_load(actor=admin, uploaded=SimpleUploadedFile("deciles.csv", rows.encode(), "text/csv"))


def _responses_published() -> None:
    """One in three insights that informed an action answered in public, so "you said, we did" and
    the closed loop count enough responses to show (not "fewer than 5")."""
    informing = list(Insight.objects.filter(actions__isnull=False).order_by("pk").values_list("pk", flat=True))
    Insight.objects.filter(pk__in=informing[::3]).update(
        status=InsightStatus.RESPONDED,
        response="We shared this with the action's lead, who has changed the plan because of it.",
        response_on=F("heard_on") + datetime.timedelta(days=21),
        response_published=True,
    )


def _demo_group_applications(group: Organisation) -> None:
    """The demo group's own history: a finished grant, a paid one, and one being assessed."""
    for state in (State.REPORT_RECEIVED, State.PAID, State.SUBMITTED):
        application = Application.objects.filter(state=state).exclude(organisation=group).order_by("pk").first()
        if application is not None:
            Application.objects.filter(pk=application.pk).update(organisation=group)


def _last_four_weeks(rng: random.Random, *, anchor: datetime.date, today: datetime.date, officer: User) -> None:
    """Weekly updates since the snapshot, moving each action to where it stands today; two actions
    whose officers have let the fortnightly review slip; milestones done and coming."""
    others = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", groups__name=Role.COUNCIL_OFFICER.value))
    actions = list(Action.objects.order_by("number").prefetch_related("lead_officers"))
    updates = []
    for action in actions:
        target = TARGET_STATUS[action.number]
        lead = officer if officer in action.lead_officers.all() else rng.choice(others)
        if action.number in OVERDUE_BY_DAYS:
            # One update, whose fortnightly review has since passed.
            review = today - datetime.timedelta(days=OVERDUE_BY_DAYS[action.number])
            days = [review - datetime.timedelta(days=REVIEW_DAYS)]
        else:
            days = [anchor + datetime.timedelta(days=7 * week - 1) for week in range(1, 5)]
        for index, day in enumerate(days):
            moves = action.status != target and index == len(days) // 2
            status = target if moves else action.status
            progress = 100 if status == Status.COMPLETE else min(99, action.progress + rng.randint(1, 4))
            if action.number in OVERDUE_BY_DAYS:
                next_review = day + datetime.timedelta(days=REVIEW_DAYS)
            else:
                next_review = day + datetime.timedelta(days=91)
            action.version += 1
            updates.append(
                ActionUpdate(
                    action=action,
                    author=lead,
                    created_at=aware(day),
                    version=action.version,
                    old_status=action.status,
                    new_status=status,
                    old_progress=action.progress,
                    new_progress=progress,
                    old_next_review_date=action.next_review_date,
                    new_next_review_date=next_review,
                    narrative=MOVE_NARRATIVE[target] if moves else "",
                )
            )
            action.status, action.progress, action.next_review_date = status, progress, next_review
    ActionUpdate.objects.bulk_create(updates)
    Action.objects.bulk_update(actions, ["status", "progress", "version", "next_review_date"])
    by_number = {action.number: action for action in actions}
    Milestone.objects.bulk_create(
        [
            Milestone(
                action=by_number[number],
                title=title,
                due_date=anchor + datetime.timedelta(days=3 + 4 * n),
                done=True,
                done_on=anchor + datetime.timedelta(days=3 + 4 * n),
            )
            for n, (number, title) in enumerate(MILESTONES_DONE)
        ]
        + [
            Milestone(action=by_number[number], title=title, due_date=today + datetime.timedelta(days=days))
            for number, title, days in MILESTONES_COMING
        ]
    )


def _new_insights(rng: random.Random, *, anchor: datetime.date, collectors: list[User]) -> None:
    """What communities said in the four weeks since the board, across wards and themes."""
    wards = list(Ward.objects.exclude(name=WARD_WITHOUT_CONVERSATIONS).order_by("name"))
    themes = {theme.name: theme for theme in Theme.objects.all()}
    groups = list(PopulationGroup.objects.order_by("name"))
    made = []
    for n in range(NEW_INSIGHTS):
        title, issue, _ = ISSUES[n % len(ISSUES)]
        heard = anchor + datetime.timedelta(days=1 + n % (SNAPSHOT_DAYS_AGO - 1))
        made.append(
            Insight(
                title=title,
                summary=f"{WHO[n % len(WHO)]} {WHERE[n % len(WHERE)]} said {issue}.",
                source=(Source.CONVERSATION, Source.EVENT, Source.SURVEY)[n % 3],
                heard_on=heard,
                ward=wards[n % len(wards)],
                people_count=rng.randint(2, 30),
                collected_by=collectors[n % len(collectors)],
                consent_basis=ConsentBasis.ANONYMOUS,
                status=InsightStatus.NEW,
                created_at=aware(heard, 15),
            )
        )
    made = Insight.objects.bulk_create(made)
    Insight.themes.through.objects.bulk_create(
        Insight.themes.through(insight_id=insight.pk, theme_id=themes[ISSUES[n % len(ISSUES)][2]].pk)
        for n, insight in enumerate(made)
    )
    Insight.population_groups.through.objects.bulk_create(
        Insight.population_groups.through(insight_id=insight.pk, populationgroup_id=groups[n % len(groups)].pk)
        for n, insight in enumerate(made)
    )
    insights_index(made)


def _new_grants(*, anchor: datetime.date, officer: User) -> None:
    """The panel of the latest round approved its best-scored applications since the board; the
    rest stay in assessment, ranked on the panel. Awards are dated in the past (360Giving)."""
    latest = Round.objects.order_by("-closes_on").first()
    ready = list(
        Application.objects.filter(round=latest, state=State.IN_ASSESSMENT, assignments__submitted_at__isnull=False)
        .distinct()
        .order_by("pk")[:NEW_GRANTS]
    )
    for n, application in enumerate(ready):
        decided = aware(anchor + datetime.timedelta(days=3 + 3 * n), 14)
        Application.objects.filter(pk=application.pk).update(
            state=State.APPROVED, amount_awarded=application.amount_requested, decided_at=decided
        )
        ApplicationEvent.objects.create(
            application=application,
            actor=officer,
            transition="approve",
            from_state=State.IN_ASSESSMENT,
            to_state=State.APPROVED,
            created_at=decided,
        )


def _forum_and_mentoring(users: Mapping[Role, User], *, today: datetime.date) -> None:
    admin, officer = users[Role.PROGRAMME_ADMIN], users[Role.COUNCIL_OFFICER]
    for n, name in enumerate(("Aisha Khan", "Dev Patel", "Rosa Evans", "Kwame Foster", "Jess Shaw")):
        forum_member_add(actor=officer, name=name, joined_on=today - datetime.timedelta(days=200 - 20 * n))
    forum_meeting_create(
        actor=users[Role.COMMUNITY_CONNECTOR],
        fields=ForumMeetingFields(
            held_on=today - datetime.timedelta(days=12),
            attendance=23,
            place=Place.objects.filter(ward__name="Stockton Town Centre").order_by("pk").first(),
            agenda="Winter: warm spaces, the food pantry, and the bus timetable.",
            minutes=(
                "Connectors from six wards reported back. The food pantry runs out by Thursday; "
                "two groups offered to share their fridge. Newtown has had no conversations this year."
            ),
            agreed_actions=[
                ("Find a connector for Newtown", "Owen Officer"),
                ("Ask the bus operator about a later last bus", "Forum chair"),
            ],
        ),
    )
    pair = mentoring_pair_create(
        actor=admin,
        statutory_leader=officer,
        vcse_leader=users[Role.COMMUNITY_GROUP_MEMBER],
        started_on=today - datetime.timedelta(days=120),
    )
    check_in_add(
        actor=officer,
        pair=pair,
        held_on=today - datetime.timedelta(days=30),
        note="Talked through how the council commissions; next time, the group's funding bid.",
    )
