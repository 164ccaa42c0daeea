import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from connectors.models import ForumMeeting, MentoringPair
from connectors.selectors import get_mentoring_pair_for_user, mentoring_pair_list
from connectors.services import (
    ForumMeetingFields,
    check_in_add,
    forum_meeting_create,
    forum_member_add,
    mentoring_pair_create,
    mentoring_pair_set_status,
)
from healthyplaces.accounts.roles import Role
from tests.connectors.factories import CheckInFactory, ForumMeetingFactory, MentoringPairFactory, PlaceFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def date_parts(name, value):
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}


# --- the forum ------------------------------------------------------------------------------------


def test_a_connector_records_a_forum_meeting_with_the_actions_agreed_and_their_owners(make_user):
    connector = make_user(Role.COMMUNITY_CONNECTOR)
    place = PlaceFactory()

    meeting = forum_meeting_create(
        actor=connector,
        fields=ForumMeetingFields(
            held_on=datetime.date(2026, 11, 2),
            attendance=14,
            place=place,
            agenda="Warm spaces",
            agreed_actions=[("Ask about the hall", "Tenants group"), ("Map the benches", "Amal")],
        ),
    )

    assert (meeting.recorded_by, meeting.place, meeting.attendance) == (connector, place, 14)
    assert list(meeting.agreed_actions.values_list("description", "owner")) == [
        ("Ask about the hall", "Tenants group"),
        ("Map the benches", "Amal"),
    ]


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COMMUNITY_GROUP_MEMBER, Role.ASSESSOR])
def test_other_roles_cannot_record_forum_meetings(make_user, role):
    with pytest.raises(PermissionDenied):
        forum_meeting_create(actor=make_user(role), fields=ForumMeetingFields(datetime.date(2026, 11, 2), 3))


def test_only_officers_add_forum_members(make_user):
    member = forum_member_add(actor=make_user(Role.COUNCIL_OFFICER), name=" Amal ", joined_on=datetime.date(2026, 1, 5))
    assert member.name == "Amal"
    with pytest.raises(PermissionDenied):
        forum_member_add(actor=make_user(Role.COMMUNITY_CONNECTOR), name="X", joined_on=datetime.date(2026, 1, 5))


def test_an_action_without_an_owner_is_refused_and_every_answer_kept(client, make_user):
    client.force_login(make_user(Role.COMMUNITY_CONNECTOR))

    response = client.post(
        reverse("connectors:meeting_add"),
        {
            **date_parts("held_on", datetime.date(2026, 11, 2)),
            "attendance": "12",
            "minutes": "Keep these minutes",
            "action_1": "Ask about the hall",
            "owner_2": "Orphan owner",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Enter who owns action 1") == 2
    assert page.count("Enter what action 2 is, or remove its owner") == 2
    assert "Keep these minutes" in page
    assert 'value="Orphan owner"' in page
    assert not ForumMeeting.objects.exists()


def test_the_meeting_page_shows_the_actions_and_who_owns_them(client, make_user):
    meeting = ForumMeetingFactory()
    meeting.agreed_actions.create(description="Map the benches", owner="Amal")
    client.force_login(make_user(Role.COMMUNITY_CONNECTOR))

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert "Map the benches" in page
    assert "Amal" in page


@pytest.mark.parametrize("count", [5, 50])
def test_the_forum_page_runs_the_same_queries_however_many_meetings(
    client, django_assert_num_queries, make_user, count
):
    place = PlaceFactory()
    for _ in range(count):
        ForumMeetingFactory(place=place).agreed_actions.create(description="Do it", owner="Us")
    client.force_login(make_user(Role.COMMUNITY_CONNECTOR))

    # 1 session, 2 user, 3-4 permissions, 5 the count, 6 the page of meetings with their places
    # and counts of actions agreed, 7 the forum's members.
    with django_assert_num_queries(7):
        response = client.get(reverse("connectors:forum"))

    assert len(response.context["page"]) == min(count, 25)


# --- mentoring ------------------------------------------------------------------------------------


@pytest.fixture
def pairs():
    statutory, vcse, outsider = UserFactory(full_name="Sam Statutory"), UserFactory(full_name="Vi Vcse"), UserFactory()
    ours = MentoringPairFactory(statutory_leader=statutory, vcse_leader=vcse)
    theirs = MentoringPairFactory(statutory_leader=outsider)
    return {"statutory": statutory, "vcse": vcse, "outsider": outsider, "ours": ours, "theirs": theirs}


def test_each_mentor_sees_only_their_own_pairs_and_admins_see_all(pairs, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    nobody = make_user(Role.COUNCIL_OFFICER)

    def visible(user):
        return set(mentoring_pair_list(user=user, params={})[1])

    assert visible(pairs["statutory"]) == {pairs["ours"]}
    assert visible(pairs["vcse"]) == {pairs["ours"]}
    assert visible(pairs["outsider"]) == {pairs["theirs"]}
    assert visible(nobody) == set()
    assert visible(admin) == {pairs["ours"], pairs["theirs"]}
    assert get_mentoring_pair_for_user(user=admin, pk=pairs["ours"].pk) == pairs["ours"]


def test_a_pair_someone_is_not_in_is_404_and_not_named_on_their_list(client, pairs):
    client.force_login(pairs["outsider"])

    assert client.get(pairs["ours"].get_absolute_url()).status_code == 404
    page = client.get(reverse("connectors:mentoring")).content.decode()
    assert "Sam Statutory" not in page
    assert "Vi Vcse" not in page


def test_either_member_records_a_check_in_and_an_admin_or_outsider_cannot(pairs, make_user):
    check_in = check_in_add(
        actor=pairs["vcse"], pair=pairs["ours"], held_on=datetime.date(2026, 11, 1), note=" Shared venues "
    )
    assert (check_in.note, check_in.recorded_by) == ("Shared venues", pairs["vcse"])
    for actor in (pairs["outsider"], make_user(Role.PROGRAMME_ADMIN)):
        with pytest.raises(PermissionDenied):
            check_in_add(actor=actor, pair=pairs["ours"], held_on=datetime.date(2026, 11, 1), note="No")


def test_only_admins_set_up_pairs_of_two_different_people(make_user):
    admin, one, two = make_user(Role.PROGRAMME_ADMIN), UserFactory(), UserFactory()
    pair = mentoring_pair_create(
        actor=admin, statutory_leader=one, vcse_leader=two, started_on=datetime.date(2026, 9, 1)
    )
    assert pair.status == MentoringPair.Status.ACTIVE
    with pytest.raises(ValidationError):
        mentoring_pair_create(actor=admin, statutory_leader=one, vcse_leader=one, started_on=datetime.date(2026, 9, 1))
    with pytest.raises(PermissionDenied):
        mentoring_pair_create(
            actor=make_user(Role.COUNCIL_OFFICER), statutory_leader=one, vcse_leader=two, started_on=pair.started_on
        )


def test_the_pair_or_an_admin_change_its_status(client, pairs, make_user):
    mentoring_pair_set_status(actor=make_user(Role.PROGRAMME_ADMIN), pair=pairs["ours"], status="paused")
    client.force_login(pairs["statutory"])

    response = client.post(pairs["ours"].get_absolute_url(), {"form": "status", "pair-status": "ended"})

    assert response.status_code == 302
    pairs["ours"].refresh_from_db()
    assert pairs["ours"].status == MentoringPair.Status.ENDED
    with pytest.raises(PermissionDenied):
        mentoring_pair_set_status(actor=pairs["outsider"], pair=pairs["ours"], status="active")


def test_a_check_in_without_a_note_is_explained_and_the_date_kept(client, pairs):
    client.force_login(pairs["vcse"])

    response = client.post(
        pairs["ours"].get_absolute_url(),
        {"form": "check_in", **date_parts("check_in-held_on", datetime.date(2026, 11, 3)), "check_in-note": ""},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Enter a short note") == 2
    assert "<title>Error: " in page
    assert 'value="3"' in page
    assert not pairs["ours"].check_ins.exists()


@pytest.mark.parametrize("count", [5, 50])
def test_the_mentoring_list_runs_the_same_queries_however_many_pairs(
    client, django_assert_num_queries, make_user, count
):
    for _ in range(count):
        CheckInFactory(pair=MentoringPairFactory())
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    # 1 session, 2 user, 3-4 permissions, 5 the count, 6 the page of pairs with both leaders and
    # their check-in counts and latest dates.
    with django_assert_num_queries(6):
        response = client.get(reverse("connectors:mentoring"))

    assert len(response.context["page"]) == min(count, 25)
