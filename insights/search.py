"""Full-text search over insights: ranked PostgreSQL search on the kept search vector, and on
SQLite a fallback that finds the same insights for simple words and ranks by words matched."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Expression, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from insights.models import Insight

SEARCHED_FIELDS = ("title", "summary", "quote", "place__name")
_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))


def insight_search(queryset: QuerySet[Insight], text: str) -> QuerySet[Insight]:
    """Insights that mention any of the words, annotated with `rank`: the whole phrase counts for
    more than its words apart."""
    words = search_words(text)
    if not words:
        return queryset.annotate(rank=Value(0.0))
    phrase = " ".join(words)
    if connection.vendor == "postgresql":
        any_word = SearchQuery(words[0], config="english")
        for word in words[1:]:
            any_word |= SearchQuery(word, config="english")
        rank: Expression = SearchRank(F("search_vector"), any_word)
        if len(words) > 1:
            # Only the rows holding the phrase can gain from it: ranking the phrase in every match
            # as well costs a fifth of a three-word search at 100,000 insights.
            as_phrase = SearchQuery(phrase, search_type="phrase", config="english")
            rank = rank + Case(
                When(search_vector=as_phrase, then=2 * SearchRank(F("search_vector"), as_phrase)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        return queryset.filter(search_vector=any_word).annotate(rank=rank)
    matches_any = Q()
    rank = Value(0, output_field=IntegerField())
    for word in words:
        matches_word = _contains(word)
        matches_any |= matches_word
        rank = rank + Case(When(matches_word, then=1), default=0, output_field=IntegerField())
    rank = rank + Case(When(_contains(phrase), then=2 * len(words)), default=0, output_field=IntegerField())
    return queryset.filter(matches_any).annotate(rank=rank)


def _contains(text: str) -> Q:
    query = Q()
    for name in SEARCHED_FIELDS:
        query |= Q(**{f"{name}__icontains": text})
    return query


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
