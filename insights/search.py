"""Full-text search over insights, as people expect a search box to work: every word by default,
"a phrase" in quotes, `or` between alternatives and -word to leave a word out (PostgreSQL's
websearch_to_tsquery syntax), ranked. PostgreSQL searches the kept search vector; SQLite searches
the text columns, following the same rules through parse_search, the one parser of that syntax
here. When nothing has all the words, the caller can widen to any of them (ParsedSearch.widened)."""

import difflib
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Expression, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from insights.models import Insight, SearchWord

SEARCHED_FIELDS = ("title", "summary", "quote", "place__name")
CONFIG = "english"
_WORD = re.compile(r"\w+", re.UNICODE)
# websearch_to_tsquery's tokens: a quoted phrase (closed or running to the end), `or`, and any run
# of other characters; a leading "-" on a phrase or a run leaves it out.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# Marks around the words ts_headline highlights: control characters no insight text is typed
# with. The marked text is split on them and every piece escaped, so whatever the text holds
# (even these characters) cannot become markup.
START_MARK, STOP_MARK = "\x02", "\x03"
# ts_headline drops what its parser takes for HTML tags and entities; the snippet should show the
# text as typed (escaped), so "<" and "&" go in as stand-ins and come back before escaping.
_HIDDEN = {"<": "\x04", "&": "\x05"}
SNIPPET_WORDS = 35


# The vocabulary keeps words of letters only: numbers and references are not misspelt words.
_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,40}", re.UNICODE)
# How alike a suggestion must be: on PostgreSQL, pg_trgm's `%` (similarity of at least
# pg_trgm.similarity_threshold, 0.3 unless set); on SQLite, difflib's ratio, which scores the same
# pairs higher.
DIFFLIB_CUTOFF = 0.75


def vocabulary_words(text: str) -> set[str]:
    return {word.lower() for word in _VOCABULARY_WORD.findall(text)}


def search_words(text: str) -> list[str]:
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))


@dataclass(frozen=True)
class Term:
    """A word, or a phrase: its words next to each other in this order."""

    words: tuple[str, ...]
    excluded: bool = False


@dataclass(frozen=True)
class ParsedSearch:
    """Alternatives separated by `or`; an alternative matches when every one of its terms does
    (an excluded term: when it is absent). As in PostgreSQL, `and` binds tighter than `or`."""

    alternatives: tuple[tuple[Term, ...], ...]

    @property
    def words(self) -> list[str]:
        """The words wanted (not those left out), once each, in the order typed."""
        return list(
            dict.fromkeys(
                word for terms in self.alternatives for term in terms if not term.excluded for word in term.words
            )
        )

    @property
    def excluded(self) -> list[Term]:
        return list(dict.fromkeys(term for terms in self.alternatives for term in terms if term.excluded))

    @property
    def can_widen(self) -> bool:
        """Whether "any of the words" would find more than the search itself can."""
        return any(sum(len(term.words) for term in terms if not term.excluded) > 1 for terms in self.alternatives)

    def widened(self) -> "ParsedSearch":
        """Any one of the wanted words, still without the words left out."""
        return ParsedSearch(tuple((Term((word,)), *self.excluded) for word in self.words))


def parse_search(text: str) -> ParsedSearch:
    alternatives: list[tuple[Term, ...]] = []
    current: list[Term] = []
    for match in _TOKEN.finditer(text):
        quoted = match.group(2) is not None
        minus, body = (match.group(1), match.group(2)) if quoted else (match.group(3), match.group(4))
        if not quoted and not minus and body.lower() == "or":
            if current:
                alternatives.append(tuple(current))
                current = []
            continue
        words = tuple(word.lower() for word in _WORD.findall(body))
        if words:
            current.append(Term(words, excluded=bool(minus)))
    if current:
        alternatives.append(tuple(current))
    return ParsedSearch(tuple(alternatives))


def insight_search(queryset: QuerySet[Insight], text: str, *, widen: bool = False) -> QuerySet[Insight]:
    """Insights matching the search (with `widen`, any of its words), annotated with `rank`."""
    parsed = parse_search(text)
    if not parsed.alternatives:
        return queryset.annotate(rank=Value(0.0))
    if connection.vendor == "postgresql":
        query = _tsquery(text, parsed, widen=widen)
        # Cover density: the closer together the words stand, the higher the rank, so an insight
        # saying the words as a phrase comes before one that has them apart.
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query, cover_density=True)
        )
    if widen:
        parsed = parsed.widened()
    matches = Q(pk__in=[])
    for terms in parsed.alternatives:
        alternative = Q()
        for term in terms:
            alternative &= ~_sqlite_term(term) if term.excluded else _sqlite_term(term)
        matches |= alternative
    # Ranked like PostgreSQL's cover density, roughly: each wanted word found counts 1, and the
    # wanted words said together as a phrase count twice as much again.
    words = parsed.words
    rank: Expression = Value(0, output_field=IntegerField())
    for word in words:
        rank = rank + Case(When(_sqlite_term(Term((word,))), then=1), default=0, output_field=IntegerField())
    if len(words) > 1:
        phrase = _sqlite_term(Term(tuple(words)))
        rank = rank + Case(When(phrase, then=2 * len(words)), default=0, output_field=IntegerField())
    return queryset.filter(matches).annotate(rank=rank)


def _tsquery(text: str, parsed: ParsedSearch, *, widen: bool) -> SearchQuery:
    if not widen:
        return SearchQuery(text, search_type="websearch", config=CONFIG)
    wanted = [SearchQuery(word, search_type="plain", config=CONFIG) for word in parsed.words]
    query = wanted[0]
    for other in wanted[1:]:
        query |= other
    for term in parsed.excluded:
        query &= ~SearchQuery(" ".join(term.words), search_type="phrase", config=CONFIG)
    return query


def _sqlite_term(term: Term) -> Q:
    """A word anywhere in a searched field (inside a longer word too: SQLite has no stemming, and
    this finds "walks" for "walk"); a phrase as its words with only spaces or punctuation between."""
    query = Q()
    for name in SEARCHED_FIELDS:
        if len(term.words) == 1:
            query |= Q(**{f"{name}__icontains": term.words[0]})
        else:
            query |= Q(**{f"{name}__iregex": r"\W+".join(re.escape(word) for word in term.words)})
    return query


def snippet_expression(text: str, *, widen: bool = False) -> Expression | None:
    """On PostgreSQL, ts_headline of the summary around the search's words: to annotate only the
    rows of one page (it reparses each text), never the whole match. None on SQLite, whose
    snippet is cut in Python (search_snippet)."""
    parsed = parse_search(text)
    if connection.vendor != "postgresql" or not parsed.alternatives:
        return None
    summary: Expression | F = F("summary")
    for character, stand_in in _HIDDEN.items():
        summary = Replace(summary, Value(character), Value(stand_in))
    return SearchHeadline(
        summary,
        _tsquery(text, parsed, widen=widen),
        config=CONFIG,
        start_sel=START_MARK,
        stop_sel=STOP_MARK,
        max_words=SNIPPET_WORDS,
        min_words=15,
    )


def search_snippet(summary: str, words: list[str], headline: str | None = None) -> SafeString:
    """The part of the summary around the first searched word, escaped, with the words marked.
    `headline` is ts_headline's (marked with START_MARK and STOP_MARK) when PostgreSQL made one."""
    if headline is not None:
        for character, stand_in in _HIDDEN.items():
            headline = headline.replace(stand_in, character)
        pieces: list[str] = []
        for n, part in enumerate(headline.split(START_MARK)):
            marked, _, rest = part.partition(STOP_MARK) if n else ("", "", part)
            if marked:
                pieces.append(f"<mark>{escape(marked)}</mark>")
            pieces.append(escape(rest.replace(STOP_MARK, "")))
        plain = headline.replace(START_MARK, "").replace(STOP_MARK, "").strip()
        before = "" if summary.lstrip().startswith(plain[:20]) else "… "
        after = "" if summary.rstrip().endswith(plain[-20:]) else " …"
        return mark_safe(before + "".join(pieces) + after)  # noqa: S308 - every piece above is escaped
    parts = summary.split()
    first = next(
        (n for n, part in enumerate(parts) if any(word in part.lower() for word in words)),
        0,
    )
    start = max(0, min(first - SNIPPET_WORDS // 3, len(parts) - SNIPPET_WORDS))
    shown = highlight(" ".join(parts[start : start + SNIPPET_WORDS]), words)
    before = "… " if start else ""
    after = " …" if start + SNIPPET_WORDS < len(parts) else ""
    return mark_safe(before + shown + after)  # noqa: S308 - highlight escapes; the rest is ours


def highlight(text: str, words: list[str]) -> SafeString:
    """The text, escaped, with each searched word marked. Escaping happens before marking, so
    nothing the user typed can become markup."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped


def did_you_mean(text: str) -> str | None:
    """The search with each word the bank never uses replaced by the most alike word it does use
    (its syntax kept), or None when every word is known or nothing is alike. One query: on
    PostgreSQL pg_trgm's similarity over the vocabulary's trigram index; on SQLite difflib over
    the vocabulary read whole (SQLite is for development and small banks)."""
    typed = [word for word in parse_search(text).words if _VOCABULARY_WORD.fullmatch(word)]
    if not typed:
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                # For each typed word not in the vocabulary, the most similar word that is.
                "SELECT typed, (SELECT word FROM insights_searchword WHERE word %% typed "
                "ORDER BY similarity(word, typed) DESC, word LIMIT 1) "
                "FROM unnest(%s::text[]) AS typed "
                "WHERE NOT EXISTS (SELECT 1 FROM insights_searchword WHERE word = typed)",
                [typed],
            )
            replacements = {word: better for word, better in cursor.fetchall() if better}
    else:
        known = list(SearchWord.objects.values_list("word", flat=True))
        vocabulary = set(known)
        replacements = {}
        for word in typed:
            if word not in vocabulary:
                alike = difflib.get_close_matches(word, known, n=1, cutoff=DIFFLIB_CUTOFF)
                if alike:
                    replacements[word] = alike[0]
    if not replacements:
        return None
    pattern = re.compile(r"\w+", re.UNICODE)
    return pattern.sub(lambda match: replacements.get(match.group(0).lower(), match.group(0)), text)
