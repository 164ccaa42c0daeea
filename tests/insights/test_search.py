"""Full-text search over the insights bank.

The ranked PostgreSQL search and the SQLite fallback share one entry point, insight_search, reached
here through the list selector (so the filters and sort are the ones the page uses). Tests marked
"either database" run on whichever database the suite uses, so a local SQLite run and a CI run on
PostgreSQL (CI=true) together cover both; stemming is PostgreSQL's alone."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.safestring import SafeString

from insights.models import InsightStatus, SearchWord, Source
from insights.search import (
    START_MARK,
    STOP_MARK,
    ParsedSearch,
    Term,
    did_you_mean,
    highlight,
    parse_search,
    search_snippet,
    search_words,
)
from insights.selectors import insight_list
from tests.conftest import require
from tests.connectors.factories import PlaceFactory
from tests.factories import ActionFactory, PopulationGroupFactory, ThemeFactory, WardFactory
from tests.insights.factories import InsightFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgres():
    """Decided when the test runs (the database is chosen by DATABASE_URL), not at import time."""
    require(connection.vendor == "postgresql", "ranked search and stemming need PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def bank():
    """Insights whose words overlap. Only "phrase", "timetable" and "route" contain "bus" anywhere
    (not even inside another word, which the SQLite fallback would find and PostgreSQL would not).
    Titles avoid the searched words so that ranking turns on what was said."""
    day = datetime.date(2026, 10, 1)
    # Created first and heard earliest: if rank were ignored, the tie-breaks would put it last.
    made = {
        "phrase": InsightFactory(
            title="Waiting at the clinic",
            summary="Older people asked for a bus stop shelter outside the clinic.",
            heard_on=day,
        ),
        "scattered": InsightFactory(
            title="Rainy mornings",
            summary="There is no shelter from the rain, and the driver would not stop for the bus pass.",
            heard_on=day + datetime.timedelta(days=1),
        ),
        "timetable": InsightFactory(
            title="Sunday timetable",
            summary="The bus never comes on time on Sundays.",
            heard_on=day + datetime.timedelta(days=2),
        ),
        "route": InsightFactory(
            title="New route",
            summary="Residents want the 42 to go past the food bank.",
            quote="A bus that goes past the food bank would change my week.",
            heard_on=day + datetime.timedelta(days=3),
        ),
        "library": InsightFactory(
            title="Library hours",
            summary="People asked us to stop closing the library early.",
            heard_on=day + datetime.timedelta(days=4),
        ),
        "park": InsightFactory(
            title="Leaky roof in the park",
            summary="The shelter in the park leaks when it rains.",
            heard_on=day + datetime.timedelta(days=5),
        ),
        "school": InsightFactory(
            title="Getting to school",
            summary="Parents would walk their children to school if the crossing were safer.",
            heard_on=day + datetime.timedelta(days=6),
        ),
        "dogs": InsightFactory(
            title="Dog walkers",
            summary="Walking the dog at night feels unsafe because the lights are off.",
            heard_on=day + datetime.timedelta(days=7),
        ),
    }
    return made


def search(user, **params):
    _, queryset = insight_list(user=user, params=params)
    return list(queryset)


def names(bank, insights):
    by_pk = {insight.pk: name for name, insight in bank.items()}
    return [by_pk[insight.pk] for insight in insights]


# --- either database ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["bus", "BUS", "  bus  ", "bus?"])
def test_a_simple_word_finds_exactly_the_insights_that_mention_it(officer, bank, text):
    found = names(bank, search(officer, q=text))

    assert sorted(found) == ["phrase", "route", "scattered", "timetable"]


def test_the_quote_and_place_are_searched_too(officer, bank):
    InsightFactory(title="Elsewhere", summary="Nothing to see", place=PlaceFactory(name="Marigold Community Hall"))

    assert names(bank, search(officer, q="food")) == ["route"]  # summary and quote
    assert [insight.title for insight in search(officer, q="marigold")] == ["Elsewhere"]


def test_a_phrase_ranks_the_insight_that_says_it_first(officer, bank):
    # Every word is needed (no longer any of them), so only the two with all three are found.
    found = names(bank, search(officer, q="bus stop shelter"))

    assert found == ["phrase", "scattered"]


def test_relevance_is_the_default_sort_only_while_searching(officer, bank):
    newest_first = names(bank, search(officer))
    assert newest_first[:2] == ["dogs", "school"]

    by_date = names(bank, search(officer, q="bus shelter", sort="newest"))
    assert by_date == ["scattered", "phrase"]
    oldest = names(bank, search(officer, q="bus shelter", sort="oldest"))
    assert oldest == ["phrase", "scattered"]


def test_every_word_is_needed_by_default(officer, bank):
    assert sorted(names(bank, search(officer, q="bus shelter"))) == ["phrase", "scattered"]
    assert names(bank, search(officer, q="food bank week")) == ["route"]  # summary and quote together
    assert search(officer, q="bus helicopter") == []


def test_a_quoted_phrase_needs_its_words_together_and_in_order(officer, bank):
    assert names(bank, search(officer, q='"bus stop"')) == ["phrase"]
    assert names(bank, search(officer, q='"stop shelter"')) == ["phrase"]
    assert search(officer, q='"shelter stop"') == []
    # The scattered one has "stop" and "bus", but apart.
    assert sorted(names(bank, search(officer, q="stop bus"))) == ["phrase", "scattered"]


def test_or_between_words_finds_either(officer, bank):
    assert sorted(names(bank, search(officer, q="timetable or library"))) == ["library", "timetable"]
    assert sorted(names(bank, search(officer, q="timetable OR library"))) == ["library", "timetable"]
    # `or` joins alternatives, each of which needs all its words: (bus and shelter) or library.
    assert sorted(names(bank, search(officer, q="bus shelter or library"))) == ["library", "phrase", "scattered"]
    assert sorted(names(bank, search(officer, q='"bus stop" or "food bank"'))) == ["phrase", "route"]


def test_a_minus_leaves_out_a_word_or_a_phrase(officer, bank):
    assert sorted(names(bank, search(officer, q="bus -shelter"))) == ["route", "timetable"]
    assert sorted(names(bank, search(officer, q='shelter -"bus stop"'))) == ["park", "scattered"]
    assert sorted(names(bank, search(officer, q="shelter -bus -park"))) == []
    assert "scattered" not in names(bank, search(officer, q="-bus"))


def test_the_list_widens_to_any_word_when_none_has_them_all_and_says_so(client, officer, bank):
    client.force_login(officer)

    response = client.get(reverse("insights:list"), {"q": "bus helicopter -shelter"})

    page = response.content.decode()
    assert response.context["widened"] is True
    # Any of the words, still leaving out the word excluded.
    assert sorted(names(bank, response.context["page"])) == ["route", "timetable"]
    assert "No insights have all of the words you searched for, so these have any of them." in page


def test_a_search_that_finds_everything_asked_does_not_widen(client, officer, bank):
    client.force_login(officer)

    response = client.get(reverse("insights:list"), {"q": "bus shelter"})

    assert response.context["widened"] is False
    assert sorted(names(bank, response.context["page"])) == ["phrase", "scattered"]
    assert "No insights have all" not in response.content.decode()


def test_one_word_that_nobody_said_is_not_widened(client, officer, bank):
    client.force_login(officer)

    response = client.get(reverse("insights:list"), {"q": "helicopter"})

    assert response.context["widened"] is False
    assert "No insights match." in response.content.decode()


def test_words_that_are_only_punctuation_do_not_filter(officer, bank):
    assert len(search(officer, q="  ?! ")) == len(bank)


def test_a_word_nobody_said_finds_nothing(officer, bank):
    assert search(officer, q="helicopter") == []


def test_filters_combine_with_search(officer, bank):
    transport, parks = ThemeFactory(name="Transport"), ThemeFactory(name="Parks")
    riverside, hilltop = WardFactory(name="Riverside"), WardFactory(name="Hilltop")
    wanted = InsightFactory(title="Bus shelter, Riverside", themes=[transport], ward=riverside)
    InsightFactory(title="Bus shelter, Hilltop", themes=[transport], ward=hilltop)  # wrong ward
    InsightFactory(title="Bus through the park", themes=[parks], ward=riverside)  # wrong theme
    InsightFactory(title="Cycle lane", themes=[transport], ward=riverside)  # no "bus"

    found = search(officer, q="bus", theme=str(transport.pk), ward=str(riverside.pk))

    assert found == [wanted]
    # Each filter alone lets more through: they narrow together, not apart.
    assert len(search(officer, q="bus", theme=str(transport.pk))) == 2
    assert len(search(officer, q="bus", ward=str(riverside.pk))) == 2
    assert len(search(officer, theme=str(transport.pk), ward=str(riverside.pk))) == 2


def test_every_other_filter_narrows_a_search(officer):
    carers = PopulationGroupFactory(name="Carers")
    nine = ActionFactory(number=9)
    wanted = InsightFactory(
        title="Bus for carers",
        source=Source.SURVEY,
        status=InsightStatus.INFORMING,
        heard_on=datetime.date(2026, 6, 15),
        population_groups=[carers],
        actions=[nine],
    )
    InsightFactory(title="Bus, by conversation", heard_on=datetime.date(2026, 6, 15))
    InsightFactory(
        title="Bus, last year",
        source=Source.SURVEY,
        status=InsightStatus.INFORMING,
        heard_on=datetime.date(2025, 6, 15),
        population_groups=[carers],
        actions=[nine],
    )

    found = search(
        officer,
        q="bus",
        population_group=str(carers.pk),
        source=Source.SURVEY,
        status=InsightStatus.INFORMING,
        action=str(nine.pk),
        **{"heard_from-day": "1", "heard_from-month": "6", "heard_from-year": "2026"},
        **{"heard_to-day": "30", "heard_to-month": "6", "heard_to-year": "2026"},
    )

    assert found == [wanted]


def test_a_theme_filter_does_not_repeat_an_insight_with_several_themes(officer):
    transport, health = ThemeFactory(name="Transport"), ThemeFactory(name="Health")
    InsightFactory(title="Bus to the clinic", themes=[transport, health])

    assert len(search(officer, q="bus", theme=str(transport.pk))) == 1
    assert len(search(officer, q="bus")) == 1


# --- PostgreSQL only ------------------------------------------------------------------------------


def test_stemming_finds_other_forms_of_a_word(postgres, officer, bank):
    assert sorted(names(bank, search(officer, q="walking"))) == ["dogs", "school"]
    assert sorted(names(bank, search(officer, q="walks"))) == ["dogs", "school"]


def test_the_title_weighs_more_than_the_summary(postgres, officer):
    in_summary = InsightFactory(title="Evening meeting", summary="Talked about allotments and more.")
    in_title = InsightFactory(title="Allotments", summary="People want more growing space.")

    assert search(officer, q="allotments") == [in_title, in_summary]


def review_into_new_words(officer, insight) -> None:
    """An officer's review that rewrites the insight's title and summary, through the service that
    indexes insights."""
    from insights.services import InsightFields, insight_update

    insight_update(
        actor=officer,
        insight=insight,
        expected_version=1,
        fields=InsightFields(
            title="Allotment waiting list",
            summary="Three years on the list.",
            source=insight.source,
            heard_on=insight.heard_on,
            consent_basis=insight.consent_basis,
        ),
        status=InsightStatus.REVIEWED,
        actions=[],
    )


def test_the_search_vector_follows_a_review(postgres, officer):
    insight = InsightFactory(title="Old words", summary="Nothing about it yet.")
    review_into_new_words(officer, insight)

    assert search(officer, q="allotment") == [insight]
    assert search(officer, q="old words") == []


# --- highlighting ---------------------------------------------------------------------------------


def test_highlight_escapes_html_and_marks_each_word():
    marked = highlight("<script>alert(1)</script> Bus stop & shelter", ["bus", "shelter"])

    assert isinstance(marked, SafeString)
    assert marked == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Bus</mark> stop &amp; <mark>shelter</mark>"


def test_highlight_never_turns_a_searched_word_into_markup():
    assert highlight("<script>x</script>", ["script"]) == "&lt;<mark>script</mark>&gt;x&lt;/<mark>script</mark>&gt;"
    assert (
        highlight("a <b>bold</b> claim", search_words("<b>"))
        == "a &lt;<mark>b</mark>&gt;<mark>b</mark>old&lt;/<mark>b</mark>&gt; claim"
    )


def test_highlight_prefers_the_longer_word_and_escapes_without_words():
    assert highlight("walking and walks", ["walk", "walking"]) == "<mark>walking</mark> and <mark>walk</mark>s"
    assert highlight("<i>plain</i>", []) == "&lt;i&gt;plain&lt;/i&gt;"


def test_search_words_are_lower_case_and_unique():
    assert search_words("Bus stop, BUS shelter!") == ["bus", "stop", "shelter"]


def test_the_parser_reads_websearch_syntax_as_postgresql_does():
    bus, stop, shelter = Term(("bus",)), Term(("stop",)), Term(("shelter",))
    # `and` binds tighter than `or`, as websearch_to_tsquery('a b or c') is 'a' & 'b' | 'c'.
    assert parse_search("bus stop or shelter").alternatives == ((bus, stop), (shelter,))
    assert parse_search('"Bus Stop" -shelter').alternatives == ((Term(("bus", "stop")), Term(("shelter",), True)),)
    assert parse_search('-"bus stop').alternatives == ((Term(("bus", "stop"), True),),)  # unclosed quote
    assert parse_search("or bus or or stop or").alternatives == ((bus,), (stop,))
    assert parse_search("bus-stop").alternatives == ((Term(("bus", "stop")),),)  # as PostgreSQL, a phrase
    assert parse_search("?! -").alternatives == ()


def test_widening_keeps_the_words_left_out():
    parsed = parse_search('"bus stop" shelter -dogs')

    assert parsed.can_widen
    assert parsed.widened() == ParsedSearch(
        tuple((Term((word,)), Term(("dogs",), True)) for word in ("bus", "stop", "shelter"))
    )
    assert not parse_search("bus -dogs").can_widen
    assert not parse_search("bus or stop").can_widen


def test_a_snippet_escapes_the_text_and_marks_the_words():
    long = "word " * 40 + "<script>alert(1)</script> by the bus stop " + "more " * 40

    snippet = search_snippet(long, ["bus"])

    assert isinstance(snippet, SafeString)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; by the <mark>bus</mark> stop" in snippet
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<script>" not in snippet


def test_a_headline_is_rebuilt_from_escaped_pieces():
    headline = f"<b>x</b> the {START_MARK}<i>bus{STOP_MARK} & {START_MARK}stop{STOP_MARK}"

    snippet = search_snippet("<b>x</b> the <i>bus & stop", ["bus"], headline)

    assert snippet == "&lt;b&gt;x&lt;/b&gt; the <mark>&lt;i&gt;bus</mark> &amp; <mark>stop</mark>"


def test_snippets_on_the_page_escape_the_text_and_what_was_typed(client, officer):
    InsightFactory(
        title="Shelter",
        summary="Near the bus <b>stop</b> some said <script>alert(1)</script> " + "and more " * 30,
    )
    client.force_login(officer)

    for typed in ["bus", '"<script>" bus', "<b>bus</b>", '"><img src=x onerror=alert(1)> bus']:
        page = client.get(reverse("insights:list"), {"q": typed}).content.decode()

        assert "<mark>bus</mark>" in page, typed
        assert "<script>alert(1)" not in page
        assert "<b>stop" not in page
        assert "<img src=x" not in page
        # Escaped, whichever of its words are marked.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.replace("<mark>", "").replace("</mark>", "")


def test_the_list_page_marks_matches_and_escapes_insight_text(client, officer):
    InsightFactory(
        title="<script>alert(1)</script> Bus shelter",
        summary="They said <script>alert(1)</script> about the bus <b>twice</b>.",
    )
    client.force_login(officer)

    page = client.get(reverse("insights:list"), {"q": "bus"}).content.decode()

    assert "<mark>Bus</mark>" in page
    assert "<mark>bus</mark>" in page
    assert "<script>alert(1)" not in page
    assert "<b>twice" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Bus</mark> shelter" in page
    assert "&lt;b&gt;twice&lt;/b&gt;" in page


def test_the_search_box_echoes_a_query_escaped(client, officer):
    InsightFactory(title="Script club", summary="A coding club for teenagers wants a script writing night.")
    client.force_login(officer)

    page = client.get(reverse("insights:list"), {"q": '"><script>alert(1)</script>'}).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # kept in the box, as text


# --- did you mean ---------------------------------------------------------------------------------


def test_a_misspelt_word_gets_a_suggestion_from_the_banks_own_words(client, officer, bank):
    client.force_login(officer)

    response = client.get(reverse("insights:list"), {"q": "sheltr", "sort": "newest"})

    page = response.content.decode()
    assert response.context["suggestion"] == "shelter"
    assert 'Did you mean <a class="govuk-link" href="?q=shelter&amp;sort=newest">shelter</a>?' in page
    assert "No insights match." in page


def test_a_connector_gets_no_suggestion_from_words_in_insights_they_cannot_read(client, bank):
    """A connector reads only the insights they recorded; a suggestion drawn from the whole bank's
    words would tell them what others' insights say."""
    from healthyplaces.accounts.roles import Role
    from tests.factories import UserFactory

    connector = UserFactory(roles=[Role.COMMUNITY_CONNECTOR])
    client.force_login(connector)

    response = client.get(reverse("insights:list"), {"q": "sheltr"})

    assert response.status_code == 200
    assert response.context["suggestion"] is None
    assert "Did you mean" not in response.content.decode()
    assert did_you_mean("sheltr") == "shelter"  # the bank does hold the word


def test_a_suggestion_keeps_the_search_syntax_and_comes_with_the_widened_results(client, officer, bank):
    client.force_login(officer)

    response = client.get(reverse("insights:list"), {"q": '"bus stop" sheltr -dogs'})

    assert response.context["suggestion"] == '"bus stop" shelter -dogs'
    assert response.context["widened"] is True
    assert did_you_mean('"bus stop" shelter -dogs') is None  # every word is the bank's own


def test_no_suggestion_while_the_search_finds_what_it_asks_for(client, officer, bank):
    client.force_login(officer)

    response = client.get(reverse("insights:list"), {"q": "shelter"})

    assert response.context["suggestion"] is None
    assert "Did you mean" not in response.content.decode()
    assert did_you_mean("xqzvw") is None  # nothing alike


def test_the_vocabulary_follows_the_indexing_service_and_leaves_quotes_out(officer):
    insight = InsightFactory(title="Old words", summary="Nothing yet.", quote="Mrs Wigglesworth told us 42 things")
    review_into_new_words(officer, insight)

    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"allotment", "waiting", "list", "three", "years", "old", "words", "nothing"} <= words
    assert "wigglesworth" not in words
    assert not any(word.isdigit() for word in words)
    assert did_you_mean("alotment") == "allotment"
