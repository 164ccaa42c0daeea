import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from connectors.models import (
    CheckIn,
    Connector,
    Conversation,
    ForumMeeting,
    ForumMember,
    MentoringPair,
    Ownership,
    Place,
    PlaceKind,
)
from healthyplaces.accounts.roles import Role
from insights.models import Insight
from tests.connectors.factories import (
    ConnectorFactory,
    ConversationFactory,
    ForumMeetingFactory,
    MentoringPairFactory,
    PlaceFactory,
)
from tests.factories import PopulationGroupFactory, ThemeFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community group member": [Role.COMMUNITY_GROUP_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
OK, MOVED, FORBIDDEN, MISSING, TO_SIGN_IN = 200, 302, 403, 404, "sign in"
STAFF = {"programme admin", "council officer"}
RECORDERS = STAFF | {"community connector"}
NETWORK = RECORDERS | {"board member"}

# Who may use each URL: (url name, method) -> the roles that may. Everyone else signed in gets 403;
# anonymous people are sent to sign in, except from the public Open Referral UK export.
ALLOWED = {
    ("connectors:coverage", "get"): NETWORK,
    ("connectors:places", "get"): NETWORK,
    ("connectors:place", "get"): NETWORK,
    ("connectors:place_add", "get"): RECORDERS,
    ("connectors:place_add", "post"): RECORDERS,
    ("connectors:place_edit", "get"): STAFF,
    ("connectors:place_edit", "post"): STAFF,
    ("connectors:connectors", "get"): RECORDERS,
    ("connectors:connector", "get"): RECORDERS,
    ("connectors:connector_add", "get"): STAFF,
    ("connectors:connector_add", "post"): STAFF,
    ("connectors:connector_edit", "get"): STAFF,
    ("connectors:connector_edit", "post"): STAFF,
    ("connectors:conversations", "get"): RECORDERS,
    ("connectors:conversation", "get"): RECORDERS,
    ("connectors:conversation_add", "get"): RECORDERS,
    ("connectors:conversation_add", "post"): RECORDERS,
    ("connectors:raise_insights", "get"): RECORDERS,
    ("connectors:raise_insights", "post"): RECORDERS,
    ("connectors:forum", "get"): RECORDERS,
    ("connectors:meeting", "get"): RECORDERS,
    ("connectors:meeting_add", "get"): RECORDERS,
    ("connectors:meeting_add", "post"): RECORDERS,
    ("connectors:member_add", "get"): STAFF,
    ("connectors:member_add", "post"): STAFF,
    ("connectors:mentoring", "get"): set(ROLES) - {"anonymous"},
    ("connectors:pair_add", "get"): {"programme admin"},
    ("connectors:pair_add", "post"): {"programme admin"},
}
# The pair in these tests is the council officer (statutory leader) and the community group member
# (VCSE leader): they and programme admins see it; anyone else gets 404, so they do not learn it
# exists. Check-ins are the pair's own: an admin may look but not write one.
PAIR = {
    ("connectors:pair", "get"): {"programme admin", "council officer", "community group member"},
    ("connectors:pair", "post"): {"council officer", "community group member"},
}
PUBLIC = {("connectors:open_referral", "get")}
MATRIX = [*ALLOWED, *PAIR, *PUBLIC]


def expected(url_name, method, role):
    if (url_name, method) in PUBLIC:
        return OK
    if role == "anonymous":
        return TO_SIGN_IN
    if (url_name, method) in PAIR:
        if role in PAIR[(url_name, method)]:
            return MOVED if method == "post" else OK
        return FORBIDDEN if role == "programme admin" else MISSING
    if role not in ALLOWED[(url_name, method)]:
        return FORBIDDEN
    return MOVED if method == "post" else OK


def date_parts(name, value):
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}


@pytest.fixture
def people():
    return {name: UserFactory(roles=roles) if roles else None for name, roles in ROLES.items()}


@pytest.fixture
def network(people):
    ward = WardFactory(name="Riverside")
    place = PlaceFactory(name="Riverside Community Centre", ward=ward)
    connector = ConnectorFactory(name="Cass Connector", user=people["community connector"], wards=[ward])
    conversation = ConversationFactory(connector=connector, place=place)
    meeting = ForumMeetingFactory(place=place)
    pair = MentoringPairFactory(
        statutory_leader=people["council officer"], vcse_leader=people["community group member"]
    )
    return {
        "ward": ward,
        "place": place,
        "connector": connector,
        "conversation": conversation,
        "meeting": meeting,
        "pair": pair,
    }


def url_for(url_name, network):
    target = {
        "connectors:place": network["place"],
        "connectors:place_edit": network["place"],
        "connectors:connector": network["connector"],
        "connectors:connector_edit": network["connector"],
        "connectors:conversation": network["conversation"],
        "connectors:raise_insights": network["conversation"],
        "connectors:meeting": network["meeting"],
        "connectors:pair": network["pair"],
    }.get(url_name)
    return reverse(url_name, kwargs={"pk": target.pk}) if target else reverse(url_name)


def post_data(url_name, network):
    place_answers = {
        "name": "Changed name",
        "kind": PlaceKind.LIBRARY,
        "ward": str(network["ward"].pk),
        "ownership": Ownership.COUNCIL,
        "version": "1",
    }
    return {
        "connectors:place_add": place_answers,
        "connectors:place_edit": place_answers,
        "connectors:connector_add": {"name": "New Connector", "active": "on", "version": "1"},
        "connectors:connector_edit": {"name": "Changed Connector", "active": "on", "version": "1"},
        "connectors:conversation_add": {
            "connector": str(network["connector"].pk),
            "place": str(network["place"].pk),
            **date_parts("held_on", datetime.date(2026, 11, 1)),
            "people_count": "4",
        },
        "connectors:raise_insights": {
            "title": "Bus shelter",
            "summary": "No shelter at the stop.",
            "source": "conversation",
            **date_parts("heard_on", datetime.date(2026, 11, 1)),
            "consent_basis": "anonymous",
        },
        "connectors:meeting_add": {
            **date_parts("held_on", datetime.date(2026, 11, 2)),
            "attendance": "14",
            "action_1": "Ask the council about the hall",
            "owner_1": "Tenants group",
        },
        "connectors:member_add": {"name": "Amal", **date_parts("joined_on", datetime.date(2026, 10, 1))},
        "connectors:pair_add": {
            "statutory_leader": str(network["pair"].statutory_leader.pk),
            "vcse_leader": str(network["pair"].vcse_leader.pk),
            **date_parts("started_on", datetime.date(2026, 10, 1)),
        },
        "connectors:pair": {
            "form": "check_in",
            **date_parts("check_in-held_on", datetime.date(2026, 11, 1)),
            "check_in-note": "Shared a venue list",
        },
    }[url_name]


def stored():
    return (
        list(Place.objects.values_list("name", "version")),
        list(Connector.objects.values_list("name", "version")),
        Conversation.objects.count(),
        Insight.objects.count(),
        ForumMeeting.objects.count(),
        ForumMember.objects.count(),
        MentoringPair.objects.count(),
        CheckIn.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method"), MATRIX, ids=[f"{u}-{m}" for u, m in MATRIX])
def test_who_may_use_each_connectors_url(client, people, network, role, url_name, method):
    user = people[role]
    if user is not None:
        client.force_login(user)
    url = url_for(url_name, network)
    before = stored()

    response = client.post(url, post_data(url_name, network)) if method == "post" else client.get(url)

    want = expected(url_name, method, role)
    if want == TO_SIGN_IN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == want, response.content.decode()[:2000]
    assert (stored() != before) == (want == MOVED)


def test_the_nav_shows_the_network_only_to_roles_that_may_see_it(client, people):
    for role, user in people.items():
        if user is not None:
            client.force_login(user)
        page = client.get(reverse("core:home")).content.decode()
        assert ("Community network" in page) == (role in NETWORK), role
        client.logout()


# --- places ---------------------------------------------------------------------------------------


def test_an_officer_adds_a_place_with_every_answer(client, people):
    ward = WardFactory(name="Hilltop")
    client.force_login(people["council officer"])

    response = client.post(
        reverse("connectors:place_add"),
        {
            "name": " Hilltop Library ",
            "kind": PlaceKind.LIBRARY,
            "ward": str(ward.pk),
            "address": "1 High Street\nStockton",
            "postcode": "ts18 1ld",
            "latitude": "54.56412",
            "longitude": "-1.31234",
            "accessibility": "Step-free entrance",
            "opening_times": "Mon to Sat 9 to 5",
            "ownership": Ownership.OWNERSHIP_TRIAL,
        },
    )

    place = Place.objects.get()
    assert response.url == place.get_absolute_url()
    assert (place.name, place.ward, place.postcode, place.ownership) == (
        "Hilltop Library",
        ward,
        "TS18 1LD",
        Ownership.OWNERSHIP_TRIAL,
    )
    assert (str(place.latitude), str(place.longitude)) == ("54.56412", "-1.31234")


def test_a_place_with_one_coordinate_or_a_bad_postcode_is_refused_and_answers_kept(client, people):
    ward = WardFactory()
    client.force_login(people["community connector"])

    response = client.post(
        reverse("connectors:place_add"),
        {"name": "Keep me", "kind": "cafe", "ward": str(ward.pk), "postcode": "NOT A CODE", "latitude": "54.5"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert page.count("Enter the longitude too, or leave both empty") == 2
    assert page.count("Select who owns the place") == 2
    assert 'value="Keep me"' in page
    assert 'value="NOT A CODE"' in page
    assert not Place.objects.exists()


def test_a_bad_postcode_is_explained_beside_the_field(client, people):
    ward = WardFactory()
    client.force_login(people["council officer"])

    response = client.post(
        reverse("connectors:place_add"),
        {"name": "Cafe", "kind": "cafe", "ward": str(ward.pk), "postcode": "NOT A CODE", "ownership": "other"},
    )

    assert response.status_code == 200
    assert "Enter a real postcode, like TS18 1LD" in response.content.decode()
    assert not Place.objects.exists()


def test_two_officers_changing_one_place_the_second_is_told_and_keeps_their_answers(client, people, network):
    place = network["place"]
    url = reverse("connectors:place_edit", kwargs={"pk": place.pk})
    answers = {"kind": "library", "ward": str(network["ward"].pk), "ownership": "council", "version": "1"}
    client.force_login(people["programme admin"])
    assert client.post(url, answers | {"name": "First"}).status_code == 302

    client.force_login(people["council officer"])
    response = client.post(url, answers | {"name": "Second"})

    page = response.content.decode()
    assert "Someone else changed this while you were editing" in page
    assert 'value="Second"' in page
    assert 'name="version" value="2"' in page
    place.refresh_from_db()
    assert (place.name, place.version) == ("First", 2)


@pytest.mark.parametrize("count", [5, 50])
def test_the_places_list_runs_the_same_queries_however_many_rows(client, django_assert_num_queries, people, count):
    ward = WardFactory()
    PlaceFactory.create_batch(count, ward=ward, latitude="54.5", longitude="-1.3")
    client.force_login(people["board member"])

    # 1 session, 2 user, 3-4 the user's permissions and group permissions, 5 the count for the
    # paginator, 6 the page of places with their wards, 7 the ward choices.
    with django_assert_num_queries(7):
        response = client.get(reverse("connectors:places"))

    assert len(response.context["page"]) == min(count, 25)
    assert response.content.decode().count("data-lat=") == min(count, 25)


# --- connectors -----------------------------------------------------------------------------------


def test_an_officer_adds_a_connector_who_does_not_sign_in(client, people):
    ward, place = WardFactory(name="Riverside"), PlaceFactory(name="The Hub")
    client.force_login(people["council officer"])

    response = client.post(
        reverse("connectors:connector_add"),
        {
            "name": "Ros Connector",
            "wards": [str(ward.pk)],
            "places": [str(place.pk)],
            "languages": "English, Urdu",
            **date_parts("trained_on", datetime.date(2026, 9, 14)),
            **date_parts("dbs_checked_on", datetime.date(2026, 9, 1)),
            "active": "on",
        },
    )

    connector = Connector.objects.get()
    assert response.url == connector.get_absolute_url()
    assert connector.user is None
    assert (list(connector.wards.all()), list(connector.places.all())) == ([ward], [place])
    assert (connector.trained_on, connector.dbs_checked_on) == (datetime.date(2026, 9, 14), datetime.date(2026, 9, 1))


def test_training_and_dbs_dates_are_shown_to_officers_only(client, people, network):
    Connector.objects.filter(pk=network["connector"].pk).update(dbs_checked_on=datetime.date(2026, 3, 2))
    url = network["connector"].get_absolute_url()

    client.force_login(people["council officer"])
    assert "2 March 2026" in client.get(url).content.decode()
    client.force_login(people["community connector"])
    assert "2 March 2026" not in client.get(url).content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_the_connectors_list_runs_the_same_queries_however_many_rows(client, django_assert_num_queries, people, count):
    wards = WardFactory.create_batch(2)
    for _ in range(count):
        ConnectorFactory(wards=wards)
    client.force_login(people["council officer"])

    # 1 session, 2 user, 3-4 permissions, 5 the count, 6 the page of connectors, 7 their wards,
    # 8 the ward choices.
    with django_assert_num_queries(8):
        response = client.get(reverse("connectors:connectors"))

    assert len(response.context["page"]) == min(count, 25)


# --- conversations --------------------------------------------------------------------------------


def test_a_connector_records_their_own_conversation_without_choosing_themselves(client, people, network):
    theme, group = ThemeFactory(name="Transport"), PopulationGroupFactory(name="Older people")
    client.force_login(people["community connector"])
    form = client.get(reverse("connectors:conversation_add")).content.decode()
    assert re.search(rf'type="hidden" name="connector" value="{network["connector"].pk}"', form)

    response = client.post(
        reverse("connectors:conversation_add"),
        {
            "connector": str(network["connector"].pk),
            "place": str(network["place"].pk),
            **date_parts("held_on", datetime.date(2026, 11, 3)),
            "people_count": "9",
            "themes": [str(theme.pk)],
            "population_groups": [str(group.pk)],
            "notes": "Buses are late.",
        },
    )

    conversation = Conversation.objects.latest("pk")
    assert response.url == conversation.get_absolute_url()
    assert (conversation.connector, conversation.place, conversation.people_count) == (
        network["connector"],
        network["place"],
        9,
    )
    assert conversation.recorded_by == people["community connector"]
    assert list(conversation.themes.all()) == [theme]


def test_a_connector_cannot_record_for_another_connector(client, people, network):
    other = ConnectorFactory(name="Someone else")
    client.force_login(people["community connector"])

    response = client.post(
        reverse("connectors:conversation_add"),
        {
            "connector": str(other.pk),
            "place": str(network["place"].pk),
            **date_parts("held_on", datetime.date(2026, 11, 3)),
            "people_count": "9",
        },
    )

    assert response.status_code == 200
    assert Conversation.objects.count() == 1


def test_a_connector_not_yet_on_the_list_is_told_to_ask_an_officer(client):
    client.force_login(UserFactory(roles=[Role.COMMUNITY_CONNECTOR]))

    page = client.get(reverse("connectors:conversation_add")).content.decode()

    assert "ask a council officer to add you" in page


def test_bad_conversation_answers_are_shown_beside_each_field(client, people, network):
    client.force_login(people["council officer"])

    response = client.post(
        reverse("connectors:conversation_add"),
        {"place": str(network["place"].pk), **date_parts("held_on", datetime.date(2026, 11, 3)), "people_count": "0"},
    )

    page = response.content.decode()
    assert page.count("Select the connector who held the conversation") == 2
    assert page.count("Number of people must be 1 or more") == 2
    assert 'value="0"' in page


@pytest.mark.parametrize("count", [5, 50])
def test_the_conversations_list_runs_the_same_queries_however_many_rows(
    client, django_assert_num_queries, people, count
):
    place, connector = PlaceFactory(), ConnectorFactory()
    ConversationFactory.create_batch(count, place=place, connector=connector)
    client.force_login(people["council officer"])

    # 1 session, 2 user, 3-4 permissions, 5 the count, 6 the page of conversations with their
    # connectors, places and wards, 7-8 the ward and theme choices.
    with django_assert_num_queries(8):
        response = client.get(reverse("connectors:conversations"))

    assert len(response.context["page"]) == min(count, 25)


# --- raising insights -----------------------------------------------------------------------------


def test_raise_an_insight_is_filled_in_from_the_conversation(client, people, network):
    conversation = network["conversation"]
    theme = ThemeFactory(name="Transport")
    conversation.themes.set([theme])
    client.force_login(people["community connector"])

    page = client.get(reverse("connectors:raise_insights", kwargs={"pk": conversation.pk})).content.decode()

    assert "People talked about the bus to the clinic." in page  # the notes, as a start
    assert re.search(rf'value="{network["place"].pk}"\s+selected', page)
    assert re.search(rf'value="{network["ward"].pk}"\s+selected', page)
    assert re.search(rf'value="{theme.pk}"\s+checked', page)
    assert 'value="20"' in page  # the day the conversation was held
    assert re.search(r'value="conversation"\s+checked', page)


def test_raising_two_insights_from_a_conversation_links_both_ways(client, people, network):
    conversation = network["conversation"]
    url = reverse("connectors:raise_insights", kwargs={"pk": conversation.pk})
    answers = {
        "summary": "No shelter at the stop.",
        "source": "conversation",
        **date_parts("heard_on", conversation.held_on),
        "place": str(network["place"].pk),
        "ward": str(network["ward"].pk),
        "consent_basis": "anonymous",
    }
    client.force_login(people["community connector"])

    first = client.post(url, answers | {"title": "Bus shelter", "another": "yes"})
    second = client.post(url, answers | {"title": "Late buses"})

    assert first.url == url  # "Save and raise another" comes back to the form
    assert second.url == conversation.get_absolute_url()
    insights = list(Insight.objects.order_by("pk"))
    assert [i.title for i in insights] == ["Bus shelter", "Late buses"]
    assert all(i.conversation == conversation and i.place == network["place"] for i in insights)
    assert all(i.collected_by == people["community connector"] for i in insights)
    conversation_page = client.get(conversation.get_absolute_url()).content.decode()
    for insight in insights:
        assert f'href="{insight.get_absolute_url()}"' in conversation_page
        insight_page = client.get(insight.get_absolute_url()).content.decode()
        assert f'href="{conversation.get_absolute_url()}"' in insight_page


# --- coverage -------------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC))
def test_the_coverage_page_counts_each_ward_and_says_where_there_is_none(client, people):
    riverside = WardFactory(name="Riverside")
    WardFactory(name="Hilltop")
    hall = PlaceFactory(ward=riverside, latitude="54.5", longitude="-1.3")
    ConnectorFactory(wards=[riverside])
    ConversationFactory(place=hall, held_on=datetime.date(2026, 11, 20), people_count=7)
    client.force_login(people["council officer"])

    page = client.get(reverse("connectors:coverage")).content.decode()

    rows = dict(re.findall(r'<tr class="govuk-table__row" data-ward="(\w+)">(.*?)</tr>', page, re.S))
    riverside_cells = re.findall(r"numeric\">(\d+)<", rows["Riverside"])
    hilltop_cells = re.findall(r"numeric\">(\d+)<", rows["Hilltop"])
    # The conversation's connector is a second active connector, with no wards recorded.
    assert riverside_cells == ["1", "1", "1", "7"]
    assert hilltop_cells == ["0", "0", "0", "0"]
    assert "No coverage" in rows["Hilltop"]
    assert "No active connectors, no places, no recent conversations" in rows["Hilltop"]
    assert "Gaps" not in rows["Riverside"]
    assert "No coverage" not in rows["Riverside"]
    assert "data-place-map" in page
    assert 'data-lat="54.5' in page
    # A board member sees the one conversation as "fewer than 5" (the 7 people stand alone).
    client.force_login(people["board member"])
    board_page = client.get(reverse("connectors:coverage")).content.decode()
    board_rows = dict(re.findall(r'<tr class="govuk-table__row" data-ward="(\w+)">(.*?)</tr>', board_page, re.S))
    assert re.findall(r"numeric\">([^<]+)<", board_rows["Riverside"]) == ["1", "1", "fewer than 5", "7"]
    assert "No coverage" not in board_rows["Riverside"]


@pytest.mark.parametrize("count", [5, 50])
def test_the_coverage_page_runs_the_same_queries_however_many_places(client, django_assert_num_queries, people, count):
    wards = WardFactory.create_batch(3)
    for n in range(count):
        place = PlaceFactory(ward=wards[n % 3], latitude="54.5", longitude="-1.3")
        ConversationFactory(place=place)
    client.force_login(people["board member"])

    # 1 session, 2 user, 3-4 permissions, 5 active connectors by ward, 6 places by ward,
    # 7 conversations and people by ward, 8 the wards, 9 the places on the map with their wards.
    with django_assert_num_queries(9):
        client.get(reverse("connectors:coverage"))


@pytest.mark.parametrize("model", ["place", "activity", "connector", "forummember", "mentoringpair"])
def test_programme_admins_manage_the_network_in_the_admin_site(client, people, network, model):
    client.force_login(people["programme admin"])

    assert client.get(reverse(f"admin:connectors_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", ["place", "activity"])
def test_programme_admins_add_places_and_activities_in_the_admin_site(client, people, model):
    client.force_login(people["programme admin"])

    assert client.get(reverse(f"admin:connectors_{model}_add")).status_code == 200


def test_an_officer_always_chooses_the_connector_even_when_there_is_one(client, people, network):
    client.force_login(people["council officer"])

    form = client.get(reverse("connectors:conversation_add")).content.decode()

    assert 'type="hidden" name="connector"' not in form
    assert "Cass Connector</option>" in form


def test_the_map_takes_its_tiles_from_the_setting_and_none_by_default(client, people, settings):
    client.force_login(people["board member"])
    assert 'data-tile-url=""' in client.get(reverse("connectors:coverage")).content.decode()

    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_ATTRIBUTION = "© Example contributors"
    page = client.get(reverse("connectors:places")).content.decode()

    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert 'data-attribution="© Example contributors"' in page
    assert "<script>" not in page  # the map is a static module, no inline script
