import datetime
from pathlib import Path

import pytest
import time_machine

from actions.models import ActionUpdate, Status
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.digest import (
    DigestPeriod,
    DigestSection,
    build_digest_sections,
    register_digest_section,
    registered_section_keys,
)
from healthyplaces.notifications.models import DigestFrequency, DigestSubscription, Notification
from healthyplaces.notifications.services import digest_set_frequency, digests_queue
from tests.factories import ActionFactory, MilestoneFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = datetime.timezone(datetime.timedelta(0))  # Europe/London is on GMT in November and December
MONDAY = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
FIRST_MONDAY_OF_DECEMBER = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("healthyplaces.notifications.services.notification_enqueue", lambda **kwargs: True)


def status_change(action, when, new_status, narrative):
    ActionUpdate.objects.create(
        action=action,
        author=None,
        version=ActionUpdate.objects.filter(action=action).count() + 2,
        old_status=Status.ON_TRACK,
        new_status=new_status,
        old_progress=10,
        new_progress=20,
        narrative=narrative,
        created_at=when,
    )


def digests():
    return {n.to_email: n for n in Notification.objects.filter(kind="digest")}


def test_the_digest_has_the_weeks_changes_and_nothing_older():
    board = UserFactory(roles=[Role.BOARD_MEMBER])
    action = ActionFactory(number=4, title="Health in All Policies sessions")
    status_change(action, MONDAY - datetime.timedelta(days=2), Status.AT_RISK, "Facilitator unavailable")
    status_change(action, MONDAY - datetime.timedelta(days=8), Status.OFF_TRACK, "Last month's news")
    MilestoneFactory(action=action, title="Book LGA session", done=True, done_on=datetime.date(2026, 11, 27))
    MilestoneFactory(action=action, title="Old milestone", done=True, done_on=datetime.date(2026, 11, 1))
    MilestoneFactory(action=action, title="Brief members", due_date=datetime.date(2026, 12, 10))
    ActionFactory(number=7, title="Food environment deep dive", next_review_date=datetime.date(2026, 11, 20))

    with time_machine.travel(MONDAY, tick=False):
        assert digests_queue(now=MONDAY) == 1

    digest = digests()[board.email]
    assert digest.subject == "Weekly progress on the healthy places plan, 30 November 2026"
    for body in (digest.body_text, digest.body_html):
        assert "Facilitator unavailable" in body
        assert "Last month" not in body
        assert "Book LGA session" in body
        assert "Old milestone" not in body
        assert "Brief members" in body
        assert "Food environment deep dive" in body  # overdue for review
    assert "since 23 November 2026" in digest.body_text


def test_the_next_digest_starts_where_the_last_one_ended():
    board = UserFactory(roles=[Role.BOARD_MEMBER])
    action = ActionFactory(number=4)
    status_change(action, MONDAY - datetime.timedelta(days=1), Status.AT_RISK, "First week")
    with time_machine.travel(MONDAY, tick=False):
        digests_queue(now=MONDAY)

    next_monday = MONDAY + datetime.timedelta(days=7)
    status_change(action, MONDAY + datetime.timedelta(days=3), Status.OFF_TRACK, "Second week")
    with time_machine.travel(next_monday, tick=False):
        digests_queue(now=next_monday)

    second = Notification.objects.filter(to_email=board.email).order_by("pk").last()
    assert "Second week" in second.body_text
    assert "First week" not in second.body_text


def test_running_twice_on_the_same_day_sends_one_digest():
    board = UserFactory(roles=[Role.BOARD_MEMBER])
    status_change(ActionFactory(number=4), MONDAY - datetime.timedelta(days=1), Status.AT_RISK, "Moved")

    with time_machine.travel(MONDAY, tick=False):
        assert digests_queue(now=MONDAY) == 1
        assert digests_queue(now=MONDAY + datetime.timedelta(minutes=5)) == 0

    assert Notification.objects.filter(to_email=board.email).count() == 1
    subscription = DigestSubscription.objects.get(user=board)
    assert subscription.covered_until == MONDAY


def test_frequency_none_weekly_and_monthly_are_respected():
    board_default = UserFactory(roles=[Role.BOARD_MEMBER])
    board_opted_out = UserFactory(roles=[Role.BOARD_MEMBER])
    digest_set_frequency(user=board_opted_out, frequency=DigestFrequency.NONE)
    officer_weekly = UserFactory(roles=[Role.COUNCIL_OFFICER])
    digest_set_frequency(user=officer_weekly, frequency=DigestFrequency.WEEKLY)
    officer_monthly = UserFactory(roles=[Role.COUNCIL_OFFICER])
    digest_set_frequency(user=officer_monthly, frequency=DigestFrequency.MONTHLY)
    UserFactory(roles=[Role.COUNCIL_OFFICER])  # never opted in
    action = ActionFactory(number=4)
    status_change(action, MONDAY - datetime.timedelta(days=1), Status.AT_RISK, "Moved")
    status_change(action, FIRST_MONDAY_OF_DECEMBER - datetime.timedelta(days=1), Status.OFF_TRACK, "Moved again")

    with time_machine.travel(MONDAY, tick=False):
        digests_queue(now=MONDAY)
    assert set(digests()) == {board_default.email, officer_weekly.email}

    with time_machine.travel(FIRST_MONDAY_OF_DECEMBER, tick=False):
        digests_queue(now=FIRST_MONDAY_OF_DECEMBER)
    monthly = Notification.objects.get(to_email=officer_monthly.email)
    assert monthly.subject.startswith("Monthly progress")
    assert "Moved again" in monthly.body_text
    assert "Moved" in monthly.body_text
    assert not Notification.objects.filter(to_email=board_opted_out.email).exists()


def test_a_quiet_period_sends_nothing():
    UserFactory(roles=[Role.BOARD_MEMBER])
    ActionFactory(number=4, next_review_date=datetime.date(2027, 1, 1))

    with time_machine.travel(MONDAY, tick=False):
        assert digests_queue(now=MONDAY) == 0


def test_every_digest_carries_a_one_click_unsubscribe():
    UserFactory(roles=[Role.BOARD_MEMBER])
    status_change(ActionFactory(number=4), MONDAY - datetime.timedelta(days=1), Status.AT_RISK, "Moved")

    with time_machine.travel(MONDAY, tick=False):
        digests_queue(now=MONDAY)

    digest = Notification.objects.get()
    url = digest.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://testserver/unsubscribe/")
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in digest.body_text
    assert f'href="{url}"' in digest.body_html


def test_apps_add_sections_through_the_registry_without_the_digest_importing_them():
    assert registered_section_keys()[0] == "actions"

    @register_digest_section("test-section", order=99)
    def test_section(period: DigestPeriod) -> DigestSection | None:
        return DigestSection(title="From a test", template="emails/digest/actions", context={})

    try:
        period = DigestPeriod(start=MONDAY - datetime.timedelta(days=7), end=MONDAY)
        assert [section.title for section in build_digest_sections(period)] == ["From a test"]
    finally:
        from healthyplaces.notifications import digest

        digest._builders.pop("test-section")

    source = Path(digest.__file__).read_text()
    assert "import actions" not in source
    assert "from actions" not in source


def test_html_email_has_inline_styles_and_no_outside_assets():
    UserFactory(roles=[Role.BOARD_MEMBER])
    status_change(ActionFactory(number=4), MONDAY - datetime.timedelta(days=1), Status.AT_RISK, "<script>x</script>")

    with time_machine.travel(MONDAY, tick=False):
        digests_queue(now=MONDAY)

    html = Notification.objects.get().body_html
    for outside_or_unsafe in ("<link", "<style", "<img", "<script>x"):
        assert outside_or_unsafe not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'style="' in html


def test_each_recipient_gets_the_counts_their_role_may_see():
    """An officer's digest is exact; a board member's goes through the small-numbers rule."""
    from tests.connectors.factories import ConversationFactory, PlaceFactory
    from tests.factories import WardFactory

    board = UserFactory(roles=[Role.BOARD_MEMBER])
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    digest_set_frequency(user=officer, frequency=DigestFrequency.WEEKLY)
    town, hill = PlaceFactory(ward=WardFactory(name="Town Centre")), PlaceFactory(ward=WardFactory(name="Hill"))
    ConversationFactory(place=town, people_count=9, created_at=MONDAY - datetime.timedelta(days=1))
    for _ in range(6):
        ConversationFactory(place=hill, people_count=5, created_at=MONDAY - datetime.timedelta(days=1))

    with time_machine.travel(MONDAY, tick=False):
        assert digests_queue(now=MONDAY) == 2

    exact, suppressed = digests()[officer.email].body_text, digests()[board.email].body_text
    assert "Town Centre: conversations 1, people reached 9" in exact
    assert "Town Centre: conversations fewer than 5, people reached 9" in suppressed
    # The 6 beside the hidden 1 is withheld, or 7 - 6 would give the 1 away.
    assert "Hill: conversations withheld, people reached 30" in suppressed
    assert "Conversations recorded: 7" in suppressed
