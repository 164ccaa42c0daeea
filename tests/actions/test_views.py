import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from actions.models import Action, ActionUpdate, Status
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from tests.board.factories import GrantFactory, SentReportFactory
from tests.factories import ActionFactory, MilestoneFactory, ThemeFactory, UserFactory
from tests.funding.factories import PriorityFactory
from tests.insights.factories import InsightFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "programme admin": [Role.PROGRAMME_ADMIN],
    "lead officer": [Role.COUNCIL_OFFICER],
    "other officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community group member": [Role.COMMUNITY_GROUP_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
TRACKER_READERS = {"programme admin", "lead officer", "other officer", "board member"}
ACTION_EDITORS = {"programme admin", "lead officer"}

# (url name, method, who gets 200; everyone else signed in gets 403, anonymous goes to sign in)
MATRIX = [
    ("actions:list", "get", TRACKER_READERS),
    ("actions:mine", "get", TRACKER_READERS),
    ("actions:detail", "get", TRACKER_READERS),
    ("actions:update", "get", ACTION_EDITORS),
    ("actions:update", "post", ACTION_EDITORS),
]


@pytest.fixture
def people():
    users = {name: UserFactory(roles=roles) if roles else None for name, roles in ROLES.items()}
    ActionFactory(number=3, leads=[users["lead officer"]])
    return users


def url_for(name):
    return reverse(name, kwargs={"number": 3}) if name in {"actions:detail", "actions:update"} else reverse(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method", "allowed"), MATRIX, ids=[f"{u}-{m}" for u, m, _ in MATRIX])
def test_who_may_use_each_actions_url(client, people, role, url_name, method, allowed):
    user = people[role]
    if user is not None:
        client.force_login(user)
    url = url_for(url_name)
    data = {"status": Status.ON_TRACK, "progress": "50", "version": "1", "narrative": "Progress"}

    response = client.post(url, data) if method == "post" else client.get(url)

    if user is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in allowed:
        # A successful POST redirects to the action.
        assert response.status_code == (302 if method == "post" else 200)
    else:
        assert response.status_code == 403
    if method == "post" and role not in allowed:
        assert not ActionUpdate.objects.exists()
        assert Action.objects.get(number=3).progress == 25


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_read_the_public_progress_page(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])

    response = client.get(reverse("actions:progress"))

    assert response.status_code == 200
    assert "Action number 3" in response.content.decode()


def test_the_public_page_shows_published_summaries_and_statuses_only(client, officer):
    ActionFactory(number=5, public_summary="Draft Local Plan now names health as an objective.", leads=[officer])
    action = Action.objects.get(number=5)
    ActionUpdate.objects.create(
        action=action,
        author=officer,
        version=2,
        old_status=Status.ON_TRACK,
        new_status=Status.AT_RISK,
        old_progress=25,
        new_progress=25,
        narrative="Internal: waiting on planning committee minutes",
    )

    page = client.get(reverse("actions:progress")).content.decode()

    assert "Draft Local Plan now names health as an objective." in page
    assert "On track" in page
    assert "Internal: waiting on planning committee minutes" not in page
    assert officer.full_name not in page


def test_an_unknown_action_is_404(client, officer):
    client.force_login(officer)

    assert client.get(reverse("actions:detail", kwargs={"number": 17})).status_code == 404


@time_machine.travel(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_an_officer_updates_their_action_and_sees_it_on_the_timeline(client, officer, led_action):
    milestone = MilestoneFactory(action=led_action, title="Run first insight session")
    client.force_login(officer)
    form_page = client.get(reverse("actions:update", kwargs={"number": 9}))
    assert form_page.status_code == 200

    response = client.post(
        reverse("actions:update", kwargs={"number": 9}),
        {
            "status": Status.AT_RISK,
            "progress": "45",
            "next_review_date-day": "8",
            "next_review_date-month": "1",
            "next_review_date-year": "2027",
            "narrative": "Two partners have not shared their insight data yet.",
            "done_milestones": [str(milestone.pk)],
            "new_milestone_title": "Agree data-sharing protocol",
            "new_milestone_due-day": "",
            "new_milestone_due-month": "",
            "new_milestone_due-year": "",
            "version": "1",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("actions:detail", kwargs={"number": 9}), 302)]
    page = response.content.decode()
    assert "Action 9 updated" in page
    assert "Two partners have not shared their insight data yet." in page
    assert "Progress changed from 25% to 45%" in page
    assert "Milestone “Run first insight session” marked as done" in page
    assert "Milestone “Agree data-sharing protocol” added" in page
    action = Action.objects.get(number=9)
    assert (action.status, action.progress, action.next_review_date) == (
        Status.AT_RISK,
        45,
        datetime.date(2027, 1, 8),
    )


def test_bad_input_is_shown_beside_the_field_and_every_answer_is_kept(client, officer, led_action):
    client.force_login(officer)

    response = client.post(
        reverse("actions:update", kwargs={"number": 9}),
        {
            "status": Status.OFF_TRACK,
            "progress": "150",
            "next_review_date-day": "31",
            "next_review_date-month": "2",
            "next_review_date-year": "2027",
            "narrative": "",
            "new_milestone_title": "Keep this title",
            "version": "1",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert "Progress must be 100 or less" in page
    assert "Explain why the status changed" in page
    assert "must be a real date" in page
    assert 'value="150"' in page
    assert 'value="Keep this title"' in page
    assert 'value="31"' in page
    assert Action.objects.get(number=9).version == 1
    assert not ActionUpdate.objects.exists()


def test_a_second_officer_saving_a_stale_form_is_refused_and_keeps_what_they_typed(
    client, officer, admin_user, led_action
):
    url = reverse("actions:update", kwargs={"number": 9})
    # Both open the form at version 1; the admin saves first.
    client.force_login(admin_user)
    first = client.post(
        url, {"status": Status.AT_RISK, "progress": "30", "narrative": "Lost the venue", "version": "1"}
    )
    assert first.status_code == 302

    client.force_login(officer)
    typed = "Met the residents' association; they will host the next session."
    second = client.post(url, {"status": Status.ON_TRACK, "progress": "60", "narrative": typed, "version": "1"})

    assert second.status_code == 200
    page = second.content.decode()
    assert "Someone else updated this action while you were editing" in page
    assert "Lost the venue" in page  # what the other person changed
    assert typed.replace("'", "&#x27;") in page  # what this officer typed, still on the form
    assert 'value="60"' in page
    assert 'name="version" value="2"' in page  # saving again is now a deliberate choice
    action = Action.objects.get(number=9)
    assert (action.status, action.progress, action.version) == (Status.AT_RISK, 30, 2)
    assert ActionUpdate.objects.count() == 1


def build_actions(count):
    """count actions, each with three leads and two themes, so related rows grow with the list."""
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(4)]
    for number in range(1, count + 1):
        leads = UserFactory.create_batch(3, roles=[Role.COUNCIL_OFFICER])
        ActionFactory(number=number, leads=leads, themes=themes[number % 2 :: 2])


# The plan has at most 18 actions (a database constraint), so the larger list is all 18 with
# 54 lead officers and 36 theme links: over 50 rows beside the list itself.
@pytest.mark.parametrize("count", [5, 18])
def test_the_actions_list_runs_the_same_queries_however_many_rows(
    client, django_assert_num_queries, board_member, count
):
    build_actions(count)
    client.force_login(board_member)

    # 1 session, 2 user, 3-4 the user's permissions and group permissions, 5 the actions,
    # 6 their lead officers, 7 their themes, 8 lead officer choices, 9 theme choices.
    with django_assert_num_queries(9):
        response = client.get(reverse("actions:list"))

    assert len(response.context["actions"]) == count


@pytest.mark.parametrize("count", [5, 18])
def test_my_actions_runs_the_same_queries_however_many_rows(client, django_assert_num_queries, officer, count):
    build_actions(count)
    for action in Action.objects.all():
        action.lead_officers.add(officer)
    client.force_login(officer)

    # As the full list: session, user, 2 permission queries, actions, leads, themes, 2 choice lists.
    with django_assert_num_queries(9):
        response = client.get(reverse("actions:mine"))

    assert len(response.context["actions"]) == count


@pytest.mark.parametrize("count", [5, 18])
def test_the_public_progress_page_runs_one_query_however_many_rows(client, django_assert_num_queries, count):
    build_actions(count)

    # The actions; an anonymous visitor has no session row and no user to load.
    with django_assert_num_queries(1):
        response = client.get(reverse("actions:progress"))

    assert response.content.decode().count("app-progress-list__item") == count


@pytest.mark.parametrize("updates", [5, 50])
def test_the_timeline_runs_the_same_queries_however_many_updates(
    client, django_assert_num_queries, officer, led_action, updates
):
    MilestoneFactory.create_batch(3, action=led_action)
    for version in range(2, updates + 2):
        ActionUpdate.objects.create(
            action=led_action,
            author=UserFactory(),
            version=version,
            old_status=Status.ON_TRACK,
            new_status=Status.ON_TRACK,
            old_progress=25,
            new_progress=25,
            narrative=f"Note {version}",
        )
    client.force_login(officer)

    # session, user, 2 permission queries, the action, its leads, themes, partners, milestones,
    # the insights that inform it, the grants under the priorities that serve it (with their
    # groups and reports, in one query), and one page of the timeline with its authors.
    with django_assert_num_queries(12):
        response = client.get(reverse("actions:detail", kwargs={"number": 9}))

    assert response.content.decode().count("app-timeline__item") == min(updates, 20)


def test_the_timeline_shows_twenty_updates_at_a_time_newest_first(client, officer, led_action):
    for version in range(2, 47):
        ActionUpdate.objects.create(
            action=led_action,
            version=version,
            old_status=Status.ON_TRACK,
            new_status=Status.ON_TRACK,
            old_progress=25,
            new_progress=25,
            narrative=f"Note number {version}.",
        )
    client.force_login(officer)
    url = reverse("actions:detail", kwargs={"number": 9})

    pages = [client.get(url).content.decode()]
    while 'rel="next"' in pages[-1]:
        older = re.search(r'href="\?before=(\d+)#timeline"', pages[-1]).group(1)
        pages.append(client.get(f"{url}?before={older}").content.decode())

    shown = [[int(n) for n in re.findall(r"Note number (\d+)\.", page)] for page in pages]
    assert shown == [list(range(46, 26, -1)), list(range(26, 6, -1)), list(range(6, 1, -1))]
    assert "Latest updates" not in pages[0]
    assert "Latest updates" in pages[1]


@time_machine.travel(datetime.date(2026, 11, 26), tick=False)
def test_the_list_marks_actions_overdue_for_review_in_words(client, board_member):
    ActionFactory(number=1, next_review_date=datetime.date(2026, 11, 1))
    ActionFactory(number=2, next_review_date=datetime.date(2026, 12, 1))
    client.force_login(board_member)

    page = client.get(reverse("actions:list")).content.decode()

    assert page.count("Overdue for review</strong>") == 1


def test_filter_labels_do_not_call_every_filter_optional(client, board_member):
    client.force_login(board_member)

    page = client.get(reverse("actions:list")).content.decode()

    assert "(optional)" not in page
    assert "Lead officer" in page


@pytest.mark.parametrize("grants", [2, 20])
def test_the_closed_loop_runs_the_same_queries_however_many_grants(
    client, django_assert_num_queries, officer, led_action, grants
):
    priority = PriorityFactory(title="Loneliness in later life")
    priority.actions.add(led_action)
    InsightFactory.create_batch(
        grants, actions=[led_action], response="We funded lunch clubs.", response_published=True
    )
    for _ in range(grants):
        SentReportFactory(application__priority=priority)
    client.force_login(officer)

    # As the timeline test: the grants come with their groups and reports in one query.
    with django_assert_num_queries(12):
        response = client.get(reverse("actions:detail", kwargs={"number": 9}))

    assert len(response.context["closed_loop"].grants) == grants


def test_the_action_page_shows_the_loop_from_insight_to_response(client, board_member, officer, led_action):
    priority = PriorityFactory(title="Loneliness in later life")
    priority.actions.add(led_action)
    InsightFactory(
        title="Older people feel cut off",
        actions=[led_action],
        response="We funded lunch clubs.",
        response_published=True,
    )
    InsightFactory(title="Unanswered insight", actions=[led_action])
    SentReportFactory(
        application__priority=priority,
        application__project_title="Lunch club",
        what_happened="Twelve lunch clubs ran.",
        people_reached=3,
    )
    GrantFactory(priority=priority, project_title="Still running")
    GrantFactory(priority=priority, project_title="Turned down", state=State.DECLINED)
    GrantFactory(project_title="Another priority's grant")
    client.force_login(board_member)

    page = client.get(reverse("actions:detail", kwargs={"number": 9})).content.decode()

    # A small number of people reached is a small number to the board, exact to officers.
    assert "People reached: fewer than 5" in page
    assert "Unanswered insight" not in page

    assert "Older people feel cut off" in page
    assert "Lunch club" in page
    assert "Twelve lunch clubs ran." in page
    assert "Still running" in page
    assert "No end-of-grant report yet." in page
    assert "Turned down" not in page
    assert "Another priority&#x27;s grant" not in page
    assert "<strong>We did:</strong> We funded lunch clubs." in page
    assert page.count("<strong>You said:</strong>") == 1
    client.force_login(officer)
    assert "People reached: 3" in client.get(reverse("actions:detail", kwargs={"number": 9})).content.decode()


def test_the_action_page_lists_the_twenty_most_recent_insights_and_links_to_the_rest(client, officer, led_action):
    from tests.insights.factories import InsightFactory

    for day in range(1, 26):
        InsightFactory(title=f"Heard on day {day}", heard_on=datetime.date(2026, 10, day)).actions.add(led_action)
    client.force_login(officer)

    page = client.get(reverse("actions:detail", kwargs={"number": 9})).content.decode()

    assert [int(day) for day in re.findall(r"Heard on day (\d+)<", page)] == list(range(25, 5, -1))
    assert f'href="/insights/?action={led_action.pk}"' in page


def test_the_action_page_shows_what_changed_in_its_loop_on_the_next_request(client, officer, led_action):
    from tests.insights.factories import InsightFactory

    InsightFactory(title="Heard first", heard_on=datetime.date(2026, 10, 1)).actions.add(led_action)
    client.force_login(officer)
    url = reverse("actions:detail", kwargs={"number": 9})
    first = client.get(url).content.decode()

    # The loop is cached; linking another insight, or a response published without the
    # services, shows at once all the same.
    later = InsightFactory(title="Heard later", heard_on=datetime.date(2026, 10, 2))
    later.actions.add(led_action)
    type(later).objects.filter(pk=later.pk).update(response="We fixed the lights.", response_published=True)
    second = client.get(url).content.decode()

    assert "Heard first" in first
    assert "Heard later" not in first
    assert "Heard later" in second
    assert "<strong>We did:</strong> We fixed the lights." in second
