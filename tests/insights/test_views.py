import datetime
import re

import pytest
from django.urls import reverse

from actions.models import Action
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from insights.models import Insight, InsightStatus, Source
from tests.board.factories import GrantFactory
from tests.connectors.factories import PlaceFactory
from tests.factories import ActionFactory, PopulationGroupFactory, ThemeFactory, UserFactory, WardFactory
from tests.funding.factories import PriorityFactory
from tests.insights.factories import InsightFactory

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
# From the grants in insights/migrations/0002_search_index_and_permissions.py, less the board
# members' (0008: they see aggregates only). The sample insight is the connector's own, so they
# read and edit it; officers and programme admins read the whole bank.
READERS = {"programme admin", "council officer", "community connector"}
ADDERS = {"programme admin", "council officer", "community connector"}
EDITORS = ADDERS
REVIEWERS = {"programme admin", "council officer"}
EVERYONE = set(ROLES)

# (url name, method, who may use it; signed-in others get 403, anonymous goes to sign in unless
# the page is public)
MATRIX = [
    ("insights:list", "get", READERS),
    ("insights:add", "get", ADDERS),
    ("insights:add", "post", ADDERS),
    ("insights:detail", "get", READERS),
    ("insights:edit", "get", EDITORS),
    ("insights:edit", "post", EDITORS),
    ("insights:review", "get", REVIEWERS),
    ("insights:review", "post", REVIEWERS),
    ("insights:respond", "get", REVIEWERS),
    ("insights:respond", "post", REVIEWERS),
    ("insights:public", "get", EVERYONE),
]

ORIGINAL_TITLE = "Bus stop shelter by the clinic"


def date_parts(name, value):
    day, month, year = value
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def insight_answers(**overrides):
    """What someone types into the add form."""
    return {
        "title": "Nowhere to sit at the market",
        "summary": "Older shoppers said there is nowhere to rest between stalls.",
        "quote": "",
        "source": Source.CONVERSATION,
        **date_parts("heard_on", ("14", "10", "2026")),
        "ward": "",
        "place": "",
        "people_count": "",
        "consent_basis": "anonymous",
    } | overrides


@pytest.fixture
def people():
    return {name: UserFactory(roles=roles) if roles else None for name, roles in ROLES.items()}


@pytest.fixture
def insight(people):
    return InsightFactory(
        title=ORIGINAL_TITLE,
        collected_by=people["community connector"],
        response="A shelter went up in March.",
        response_published=True,
        status=InsightStatus.RESPONDED,
    )


def url_for(name, insight):
    if name in {"insights:detail", "insights:edit", "insights:review", "insights:respond"}:
        return reverse(name, kwargs={"pk": insight.pk})
    return reverse(name)


def post_data(name, insight):
    if name == "insights:add":
        return insight_answers()
    if name == "insights:review":
        return insight_answers(title="Reviewed title", status=InsightStatus.REVIEWED, version=str(insight.version))
    if name == "insights:edit":
        return insight_answers(title="Corrected title", version=str(insight.version))
    return {"response": "Changed response", "publish": "on"}


def stored(insight):
    insight = Insight.objects.get(pk=insight.pk)
    return (insight.title, insight.version, insight.status, insight.response, insight.response_published)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method", "allowed"), MATRIX, ids=[f"{u}-{m}" for u, m, _ in MATRIX])
def test_who_may_use_each_insights_url(client, people, insight, role, url_name, method, allowed):
    user = people[role]
    if user is not None:
        client.force_login(user)
    url = url_for(url_name, insight)
    before = stored(insight)

    response = client.post(url, post_data(url_name, insight)) if method == "post" else client.get(url)

    if role in allowed:
        # A successful POST redirects to the insight it saved.
        assert response.status_code == (302 if method == "post" else 200)
    elif user is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
    if method == "post" and role in allowed:
        if url_name == "insights:add":
            added = Insight.objects.exclude(pk=insight.pk).get()
            assert added.collected_by == user
            assert response.url == reverse("insights:detail", kwargs={"pk": added.pk})
        else:
            assert stored(insight) != before
    elif method == "post":
        assert Insight.objects.count() == 1
        assert stored(insight) == before


def test_an_unknown_insight_is_404_for_readers_and_403_for_others(client, people):
    missing = reverse("insights:detail", kwargs={"pk": 999})

    client.force_login(people["community connector"])
    assert client.get(missing).status_code == 404
    for role in ("assessor", "board member"):
        client.force_login(people[role])
        assert client.get(missing).status_code == 403  # does not reveal which insights exist
    client.force_login(people["council officer"])
    assert client.get(reverse("insights:review", kwargs={"pk": 999})).status_code == 404


def test_only_reviewers_see_the_review_and_respond_buttons(client, people, insight):
    detail = url_for("insights:detail", insight)
    review = url_for("insights:review", insight)

    client.force_login(people["council officer"])
    assert review in client.get(detail).content.decode()
    client.force_login(people["community connector"])
    page = client.get(detail).content.decode()
    assert review not in page
    assert url_for("insights:respond", insight) not in page
    # The connector recorded it: they may correct it.
    assert url_for("insights:edit", insight) in page
    client.force_login(people["board member"])
    assert client.get(detail).status_code == 403


def test_the_add_link_shows_only_to_those_who_may_add(client, people):
    client.force_login(people["community connector"])
    assert reverse("insights:add") in client.get(reverse("insights:list")).content.decode()
    client.force_login(people["council officer"])
    assert reverse("insights:add") in client.get(reverse("insights:list")).content.decode()
    # Board members see aggregates only: no list at all.
    client.force_login(people["board member"])
    assert client.get(reverse("insights:list")).status_code == 403


# --- adding ---------------------------------------------------------------------------------------


def test_a_connector_adds_an_insight_with_every_answer(client, people):
    connector = people["community connector"]
    theme, group, ward = ThemeFactory(name="Ageing well"), PopulationGroupFactory(name="Older people"), WardFactory()
    market = PlaceFactory(name="Tuesday market", ward=ward)
    client.force_login(connector)

    response = client.post(
        reverse("insights:add"),
        insight_answers(
            quote="My knees can't take it.",
            ward=str(ward.pk),
            place=str(market.pk),
            people_count="12",
            themes=[str(theme.pk)],
            population_groups=[str(group.pk)],
            consent_basis="recorded_consent",
        ),
        follow=True,
    )

    insight = Insight.objects.get()
    assert response.redirect_chain == [(reverse("insights:detail", kwargs={"pk": insight.pk}), 302)]
    page = response.content.decode()
    assert "Insight added to the bank" in page
    assert "Nowhere to sit at the market" in page
    assert (insight.collected_by, insight.status, insight.people_count) == (connector, InsightStatus.NEW, 12)
    assert (insight.heard_on, insight.ward, insight.place) == (datetime.date(2026, 10, 14), ward, market)
    assert list(insight.themes.all()) == [theme]
    assert list(insight.population_groups.all()) == [group]
    assert insight.consent_basis == "recorded_consent"


def test_the_add_form_warns_against_personal_data(client, people):
    client.force_login(people["community connector"])

    page = client.get(reverse("insights:add")).content.decode()

    assert "Do not include names, addresses, phone numbers, email addresses" in page
    assert "Do not include anyone&#x27;s name" in page or "Do not include anyone's name" in page


def test_bad_input_is_shown_beside_each_field_and_every_other_answer_is_kept(client, people):
    theme = ThemeFactory(name="Ageing well")
    place = PlaceFactory(name="Keep this place")
    client.force_login(people["community connector"])

    response = client.post(
        reverse("insights:add"),
        insight_answers(
            title="",
            summary="Keep this summary",
            source=Source.SURVEY,
            place=str(place.pk),
            people_count="lots",
            themes=[str(theme.pk)],
            **date_parts("heard_on", ("31", "2", "2026")),
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    for message in ("Enter a title", "Date heard must be a real date", "Number of people must be a whole number"):
        assert page.count(message) == 2, message  # in the summary and beside the field
    assert 'href="#id_title"' in page  # the summary links to the field
    assert "Keep this summary" in page
    assert re.search(rf'value="{place.pk}"\s+selected', page)
    assert 'value="lots"' in page
    assert 'value="31"' in page
    assert re.search(r'value="survey"\s+checked', page)
    assert re.search(rf'value="{theme.pk}"\s+checked', page)
    assert not Insight.objects.exists()


def test_a_missing_date_and_choices_are_explained(client, people):
    client.force_login(people["council officer"])

    page = client.post(
        reverse("insights:add"),
        insight_answers(source="", consent_basis="", **date_parts("heard_on", ("", "", ""))),
    ).content.decode()

    assert "Enter date heard" in page
    assert "Select where this came from" in page
    assert "Select why we can keep this" in page
    assert not Insight.objects.exists()


# --- reviewing ------------------------------------------------------------------------------------


def test_an_officer_links_an_insight_to_actions(client, people, insight):
    nine = ActionFactory(number=9, title="Community insight")
    client.force_login(people["council officer"])
    url = url_for("insights:review", insight)
    form = client.get(url).content.decode()
    assert 'name="version" value="1"' in form
    assert f'value="{ORIGINAL_TITLE}"' in form

    response = client.post(
        url,
        insight_answers(title="Shelter wanted", status=InsightStatus.INFORMING, actions=[str(nine.pk)], version="1"),
        follow=True,
    )

    assert "Insight updated" in response.content.decode()
    insight.refresh_from_db()
    assert (insight.title, insight.status, insight.version) == ("Shelter wanted", InsightStatus.INFORMING, 2)
    assert list(insight.actions.all()) == [nine]
    assert nine.get_absolute_url() in response.content.decode()


def test_a_second_officer_saving_a_stale_review_is_refused_and_keeps_what_they_typed(client, people, insight):
    url = url_for("insights:review", insight)
    # Both open the form at version 1; the admin saves first.
    client.force_login(people["programme admin"])
    first = client.post(url, insight_answers(title="Admin's title", status=InsightStatus.REVIEWED, version="1"))
    assert first.status_code == 302

    client.force_login(people["council officer"])
    typed = "Shelter and a bench, as the residents' association asked"
    clinic = PlaceFactory(name="Clinic stop")
    second = client.post(
        url, insight_answers(title=typed, place=str(clinic.pk), status=InsightStatus.INFORMING, version="1")
    )

    assert second.status_code == 200
    page = second.content.decode()
    assert "<title>Error: " in page
    assert "Someone else changed this insight while you were editing" in page
    assert typed.replace("'", "&#x27;") in page
    assert re.search(rf'value="{clinic.pk}"\s+selected', page)
    assert re.search(r'value="informing"\s+checked', page)
    assert 'name="version" value="2"' in page  # saving again is now a deliberate choice
    insight.refresh_from_db()
    assert (insight.title, insight.status, insight.version, insight.place) == (
        "Admin's title",
        InsightStatus.REVIEWED,
        2,
        None,
    )

    # Saving again, deliberately, at the new version works.
    third = client.post(url, insight_answers(title=typed, status=InsightStatus.INFORMING, version="2"))
    assert third.status_code == 302
    insight.refresh_from_db()
    assert (insight.title, insight.version) == (typed, 3)


# --- responding -----------------------------------------------------------------------------------


def test_publishing_an_empty_response_is_refused(client, people):
    insight = InsightFactory()
    client.force_login(people["council officer"])

    response = client.post(url_for("insights:respond", insight), {"response": "  ", "publish": "on"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Enter what was done before publishing it" in page
    assert not Insight.objects.get(pk=insight.pk).response_published


def test_an_officer_responds_and_publishes(client, people):
    insight = InsightFactory(status=InsightStatus.INFORMING)
    client.force_login(people["council officer"])

    response = client.post(
        url_for("insights:respond", insight),
        {
            "response": "The bus company added a shelter.",
            **date_parts("response_on", ("3", "3", "2027")),
            "publish": "on",
        },
        follow=True,
    )

    assert "Response saved and published" in response.content.decode()
    insight.refresh_from_db()
    assert (insight.response, insight.response_on, insight.response_published, insight.status) == (
        "The bus company added a shelter.",
        datetime.date(2027, 3, 3),
        True,
        InsightStatus.RESPONDED,
    )


# --- the public page ------------------------------------------------------------------------------


def test_the_public_page_shows_published_responses_only_and_no_personal_data(client):
    collector = UserFactory(full_name="Cassandra Connectorson")
    InsightFactory(
        title="Published one",
        quote="Words only the bank should keep",
        place=PlaceFactory(name="Flat 4, Marigold House"),
        collected_by=collector,
        response="We built a shelter.",
        response_published=True,
    )
    InsightFactory(title="Answered, not published", response="Draft reply", response_published=False)
    InsightFactory(title="Not answered")

    page = client.get(reverse("insights:public")).content.decode()

    assert "Published one" in page
    assert "We built a shelter." in page
    assert "1 response<" in page
    assert "Answered, not published" not in page
    assert "Draft reply" not in page
    assert "Not answered" not in page
    assert "Words only the bank should keep" not in page
    assert "Marigold House" not in page
    assert collector.full_name not in page
    assert collector.email not in page


def test_the_public_page_filters_by_theme_and_ward(client):
    transport, parks = ThemeFactory(name="Transport"), ThemeFactory(name="Parks")
    riverside, hilltop = WardFactory(name="Riverside"), WardFactory(name="Hilltop")
    published = {"response": "Done", "response_published": True}
    InsightFactory(title="Transport in Riverside", themes=[transport], ward=riverside, **published)
    InsightFactory(title="Transport in Hilltop", themes=[transport], ward=hilltop, **published)
    InsightFactory(title="Parks in Riverside", themes=[parks], ward=riverside, **published)

    def titles(**params):
        page = client.get(reverse("insights:public"), params).content.decode()
        return sorted(re.findall(r"(\w+ in \w+)</h3>", page))

    assert titles(theme=transport.pk) == ["Transport in Hilltop", "Transport in Riverside"]
    assert titles(ward=riverside.pk) == ["Parks in Riverside", "Transport in Riverside"]
    assert titles(theme=transport.pk, ward=riverside.pk) == ["Transport in Riverside"]
    assert len(titles()) == 3


def test_the_public_page_cannot_be_made_to_show_unpublished_insights(client):
    InsightFactory(title="Hidden", response="Draft", status=InsightStatus.RESPONDED)

    for params in ({"status": "responded"}, {"q": "hidden"}, {"sort": "oldest"}):
        assert "Hidden" not in client.get(reverse("insights:public"), params).content.decode()


def test_the_public_page_cannot_be_searched_by_text_it_does_not_show(client):
    InsightFactory(
        title="Shelter wanted",
        summary="People asked for a shelter.",
        quote="Marigold told me this first",
        place=PlaceFactory(name="Flat 4, Juniper Court"),
        response="A shelter went up.",
        response_published=True,
    )

    def count(q):
        return client.get(reverse("insights:public"), {"q": q}).context["page"].paginator.count

    # Whatever q does here, the answer must not depend on words the public cannot see.
    assert count("marigold") == count("zebra")
    assert count("juniper") == count("zebra")


def test_bad_filter_values_do_not_break_the_pages(client, people, insight):
    bad = {
        "theme": "999",
        "ward": "nonsense",
        "status": "binned",
        "sort": "sideways",
        "page": "-3",
        "heard_from-day": "40",
        "heard_from-month": "1",
        "heard_from-year": "2026",
    }
    client.force_login(people["council officer"])

    assert client.get(reverse("insights:list"), bad).status_code == 200
    client.logout()
    assert client.get(reverse("insights:public"), bad).status_code == 200


def test_the_next_page_link_keeps_the_search(client, officer):
    for n in range(30):
        InsightFactory(title=f"Bus stop {n}")
    client.force_login(officer)

    page = client.get(reverse("insights:list"), {"q": "bus", "sort": "oldest"}).content.decode()

    assert "30 insights" in page
    assert 'href="?q=bus&amp;sort=oldest&amp;page=2"' in page


# --- escaping -------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("url_name", ["insights:list", "insights:detail", "insights:review", "insights:respond"])
def test_html_in_an_insight_is_shown_escaped_to_staff(client, people, url_name):
    insight = InsightFactory(
        title=f"Title {SCRIPT}",
        summary=f"Summary {SCRIPT} <b>bold</b>",
        quote=f"Quote {SCRIPT}",
        place=PlaceFactory(name=f"Place {SCRIPT}"),
        response=f"Response {SCRIPT}",
    )
    client.force_login(people["council officer"])

    page = client.get(url_for(url_name, insight)).content.decode()

    assert "<script>alert" not in page
    assert "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_in_a_published_response_is_shown_escaped_to_the_public(client):
    InsightFactory(
        title=f"Title {SCRIPT}", summary=f"Summary {SCRIPT}", response=f"Response {SCRIPT}", response_published=True
    )

    page = client.get(reverse("insights:public")).content.decode()

    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3


# --- query counts ---------------------------------------------------------------------------------


def build_insights(count, *, published=False):
    """count insights, each with its own collector, a ward, two themes and a population group, so
    that the related rows grow with the list."""
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(4)]
    groups = [PopulationGroupFactory(name=f"Group {n}") for n in range(2)]
    wards = [WardFactory(name=f"Ward {n}") for n in range(3)]
    ActionFactory(number=9)
    for n in range(count):
        InsightFactory(
            title=f"Bus route {n}",
            summary="People want a bus that goes past the health centre.",
            ward=wards[n % 3],
            themes=themes[n % 2 :: 2],
            population_groups=[groups[n % 2]],
            response="We asked the bus company." if published else "",
            response_published=published,
        )


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("q", ["", "bus"], ids=["list", "search"])
def test_the_list_runs_the_same_queries_however_many_rows(client, django_assert_num_queries, officer, count, q):
    build_insights(count)
    client.force_login(officer)

    # 1 session, 2 user, 3-4 the user's permissions and group permissions, 5 the count for the
    # paginator, 6 the page of insights with their wards and collectors, 7 their themes, 8 their
    # population groups, 9-12 the theme, population group, ward and action choices.
    with django_assert_num_queries(12):
        response = client.get(reverse("insights:list"), {"q": q} if q else {})

    assert len(response.context["page"]) == min(count, 25)
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [5, 50])
def test_the_public_page_runs_the_same_queries_however_many_rows(client, django_assert_num_queries, count):
    build_insights(count, published=True)

    # No session or user for an anonymous visitor: 1 the count, 2 the page of responses with their
    # wards, 3 their themes, 4 the actions they informed, 5 the funding priorities they shaped
    # (none here, so no grants are looked up), 6-7 the theme and ward choices.
    with django_assert_num_queries(7):
        response = client.get(reverse("insights:public"))

    assert response.content.decode().count("app-result-list__item") == min(count, 25)


@pytest.mark.parametrize("count", [5, 50])
def test_the_public_page_shows_actions_and_grants_with_the_same_queries(client, django_assert_num_queries, count):
    build_insights(count, published=True)
    priority = PriorityFactory(title="Getting to the health centre")
    priority.insights.set(Insight.objects.all())
    for n in range(count):
        GrantFactory(priority=priority, project_title=f"Community bus {n}")
    GrantFactory(priority=priority, project_title="Declined bus", state=State.DECLINED)
    for insight in Insight.objects.all():
        insight.actions.add(Action.objects.get(number=9))

    # As above, plus the priorities' applications with their groups: 8 at any size.
    with django_assert_num_queries(8):
        page = client.get(reverse("insights:public")).content.decode()

    assert page.count("<strong>It informed:</strong>") == min(count, 25)
    assert "action 9, Action number 9" in page
    assert "Community bus 0 by" in page
    assert "Declined bus" not in page
