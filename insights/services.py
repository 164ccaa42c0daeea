"""Writes to the insights bank."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from actions.models import Action
from connectors.models import Conversation, Place
from healthyplaces.accounts.models import User
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.models import Insight, InsightStatus, SearchWord
from insights.permissions import can_add_insight, can_edit_insight, can_publish_response, can_review_insight
from insights.search import vocabulary_words

# Title matters most, then what was said, then where.
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config="english")
    + SearchVector("summary", "quote", weight="B", config="english")
    # An update cannot follow a join, so the place's name comes in as a subquery.
    + SearchVector(
        Coalesce(Subquery(Place.objects.filter(pk=OuterRef("place_id")).values("name")[:1]), Value("")),
        weight="C",
        config="english",
    )
)


@dataclass
class InsightFields:
    title: str
    summary: str
    source: str
    heard_on: datetime.date
    consent_basis: str
    quote: str = ""
    ward: Ward | None = None
    place: Place | None = None
    people_count: int | None = None
    themes: Sequence[Theme] = field(default_factory=list)
    population_groups: Sequence[PopulationGroup] = field(default_factory=list)


class InsightConflict(Exception):
    """Someone saved the insight after this form was loaded; nothing was written."""


def insights_refresh_search_vector(*, insight_ids: Sequence[int]) -> None:
    """PostgreSQL keeps a weighted tsvector per insight for ranked search; SQLite searches the
    text columns directly, so there is nothing to keep. On both, the insights' words join the
    vocabulary "did you mean" suggests from."""
    if connection.vendor == "postgresql":
        Insight.objects.filter(pk__in=insight_ids).update(search_vector=SEARCH_VECTOR)
    search_words_add(texts=Insight.objects.filter(pk__in=insight_ids).values_list("title", "summary"))


def search_words_add(*, texts: Iterable[Sequence[str]]) -> None:
    """Add the words of these texts (each a row of fields) to the search vocabulary. Words are
    never taken out when an insight changes: a suggestion is only ever a word the bank once used
    in a title or summary, text that is kept for good."""
    words: set[str] = set()
    for fields in texts:
        for text in fields:
            words.update(vocabulary_words(text))
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], batch_size=1000, ignore_conflicts=True
    )


def insight_write(insight: Insight, fields: InsightFields) -> None:
    """Set the fields, validate, save and index; callers hold the transaction and the permission."""
    values = asdict(fields)
    themes, groups = fields.themes, fields.population_groups
    for name in ("themes", "population_groups"):
        values.pop(name)
    for name, value in values.items():
        setattr(insight, name, value.strip() if isinstance(value, str) else value)
    insight.full_clean(exclude=["collected_by"])
    insight.save()
    insight.themes.set(themes)
    insight.population_groups.set(groups)
    insights_refresh_search_vector(insight_ids=[insight.pk])


@transaction.atomic
def insight_create(*, actor: User, fields: InsightFields, conversation: Conversation | None = None) -> Insight:
    """conversation: the connector's conversation it was raised from, if any."""
    if not can_add_insight(actor):
        raise PermissionDenied("Only officers and community connectors can add insights")
    insight = Insight(collected_by=actor, conversation=conversation)
    insight_write(insight, fields)
    return insight


@transaction.atomic
def insight_update(
    *,
    actor: User,
    insight: Insight,
    expected_version: int,
    fields: InsightFields,
    status: str,
    actions: Sequence[Action],
) -> Insight:
    if not can_review_insight(actor):
        raise PermissionDenied("Only officers can review insights")
    if status not in InsightStatus.values:
        raise ValidationError({"status": "Select a status"})
    _claim(insight, expected_version)
    insight.status = status
    insight_write(insight, fields)
    insight.actions.set(actions)
    return insight


@transaction.atomic
def insight_edit(*, actor: User, insight: Insight, expected_version: int, fields: InsightFields) -> Insight:
    """Change what an insight says, where and with whom: its reviewers, or the connector who
    recorded it (who cannot set its status or link it to actions)."""
    if not can_edit_insight(actor, insight):
        raise PermissionDenied("Only the person who recorded an insight, or an officer, can change it")
    _claim(insight, expected_version)
    insight_write(insight, fields)
    return insight


def _claim(insight: Insight, expected_version: int) -> None:
    """Take the next version, or raise InsightConflict if someone saved since the form loaded."""
    claimed = Insight.objects.filter(pk=insight.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise InsightConflict
    insight.version = expected_version + 1


@transaction.atomic
def insight_respond(
    *, actor: User, insight: Insight, response: str, response_on: datetime.date | None, publish: bool
) -> Insight:
    """Record "you said, we did". Publishing puts the response (never the insight's own quote) on
    the public page."""
    if not can_review_insight(actor):
        raise PermissionDenied("Only officers can respond to insights")
    if publish and not can_publish_response(actor):
        raise PermissionDenied("Only officers can publish responses")
    response = response.strip()
    if publish and not response:
        raise ValidationError({"response": "Enter what was done before publishing it"})
    # A response is an edit like any other: a review form opened before it must not overwrite it.
    Insight.objects.filter(pk=insight.pk).update(version=F("version") + 1)
    insight.version += 1
    insight.response = response
    insight.response_on = response_on
    insight.response_published = publish
    if response:
        insight.status = InsightStatus.RESPONDED
    elif insight.status == InsightStatus.RESPONDED:
        insight.status = InsightStatus.REVIEWED
    insight.save(update_fields=["response", "response_on", "response_published", "status", "updated_at"])
    return insight
