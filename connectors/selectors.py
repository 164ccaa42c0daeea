"""Reads of the connector network, scoped to the user: 403 for a page their role may not see, 404
for a record that is not theirs to see."""

import datetime
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Model, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from connectors.filters import (
    ConnectorFilter,
    ConversationFilter,
    ForumMeetingFilter,
    MentoringPairFilter,
    PlaceFilter,
)
from connectors.models import Connector, Conversation, ForumMeeting, ForumMember, MentoringPair, Place
from connectors.permissions import (
    can_manage_mentoring,
    can_record_for_any_connector,
    can_view_connectors,
    can_view_conversations,
    can_view_forum,
    can_view_network,
)
from healthyplaces.accounts.models import User
from healthyplaces.accounts.permissions import sees_exact_counts
from healthyplaces.core.disclosure import Figure, protect_columns
from healthyplaces.vocabulary.models import Ward
from insights.models import Insight

M = TypeVar("M", bound=Model)


def _get(queryset: QuerySet[M], pk: int) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No such {queryset.model._meta.verbose_name}")
    return found


def place_list(*, user: User, params: Any) -> tuple[PlaceFilter, QuerySet[Place]]:
    if not can_view_network(user):
        raise PermissionDenied
    place_filter = PlaceFilter(params, queryset=Place.objects.all())
    return place_filter, place_filter.qs.select_related("ward").order_by("name", "pk")


def get_place_for_user(*, user: User, pk: int) -> Place:
    if not can_view_network(user):
        raise PermissionDenied
    return _get(Place.objects.select_related("ward"), pk)


def place_recent_conversations(*, user: User, place: Place) -> QuerySet[Conversation]:
    if not can_view_conversations(user):
        return Conversation.objects.none()
    return place.conversations.select_related("connector")[:10]


def connector_list(*, user: User, params: Any) -> tuple[ConnectorFilter, QuerySet[Connector]]:
    if not can_view_connectors(user):
        raise PermissionDenied
    connector_filter = ConnectorFilter(params, queryset=Connector.objects.all())
    return connector_filter, connector_filter.qs.prefetch_related("wards").order_by("name", "pk")


def get_connector_for_user(*, user: User, pk: int) -> Connector:
    if not can_view_connectors(user):
        raise PermissionDenied
    return _get(Connector.objects.select_related("user").prefetch_related("wards", "places"), pk)


def connectors_user_may_record_for(user: User) -> QuerySet[Connector]:
    """Officers record for any active connector; a connector only for themselves."""
    active = Connector.objects.filter(active=True)
    return active if can_record_for_any_connector(user) else active.filter(user=user)


def conversation_list(*, user: User, params: Any) -> tuple[ConversationFilter, QuerySet[Conversation]]:
    if not can_view_conversations(user):
        raise PermissionDenied
    conversation_filter = ConversationFilter(params, queryset=Conversation.objects.all())
    return conversation_filter, conversation_filter.qs.select_related("connector", "place__ward").order_by(
        "-held_on", "-pk"
    )


def get_conversation_for_user(*, user: User, pk: int) -> Conversation:
    if not can_view_conversations(user):
        raise PermissionDenied
    queryset = Conversation.objects.select_related("connector", "place__ward", "recorded_by").prefetch_related(
        "themes",
        "population_groups",
        Prefetch(
            "insights", queryset=Insight.objects.only("title", "conversation_id", "collected_by_id").order_by("pk")
        ),
    )
    return _get(queryset, pk)


COVERAGE_DAYS = 90
NO_WARD = "Ward not recorded"


@dataclass(frozen=True)
class WardCoverage:
    ward: Ward | None
    connectors: int
    places: int
    # A count the small-numbers rule hides is its marker.
    conversations: Figure
    people: Figure

    @property
    def gaps(self) -> list[str]:
        """What the ward lacks, in words, so a gap never rests on colour alone."""
        return [
            label
            for label, count in (
                ("no active connectors", self.connectors),
                ("no places", self.places),
                ("no recent conversations", self.conversations),
            )
            if count == 0
        ]


def coverage_since(today: datetime.date) -> datetime.date:
    """The first day of the last 90 days, today included."""
    return today - datetime.timedelta(days=COVERAGE_DAYS - 1)


def ward_coverage(*, user: User, today: datetime.date) -> list[WardCoverage]:
    """For each ward: active connectors working there, places in it, and conversations held at
    those places in the last 90 days with the people they reached. Places with no ward recorded
    (carried over from the insights bank) come last, if there are any. Four queries, however
    many wards. Conversations and people reached are exact for officers and programme admins,
    who run the network, and through the small-numbers rule for everyone else."""
    if not can_view_network(user):
        raise PermissionDenied
    connectors: dict[int | None, int] = {
        row["wards"]: row["n"]
        for row in Connector.objects.filter(active=True).values("wards").annotate(n=Count("pk", distinct=True))
    }
    places: dict[int | None, int] = {
        row["ward_id"]: row["n"] for row in Place.objects.values("ward_id").annotate(n=Count("pk"))
    }
    talks: dict[int | None, dict[str, Any]] = {
        row["place__ward_id"]: row
        for row in Conversation.objects.filter(held_on__gte=coverage_since(today), held_on__lte=today)
        .values("place__ward_id")
        .annotate(n=Count("pk"), people=Sum("people_count"))
    }

    def row(ward: Ward | None) -> WardCoverage:
        key = ward.pk if ward else None
        talk = talks.get(key, {})
        return WardCoverage(
            ward=ward,
            connectors=connectors.get(key, 0),
            places=places.get(key, 0),
            conversations=talk.get("n", 0),
            people=talk.get("people") or 0,
        )

    rows = [row(ward) for ward in Ward.objects.all()]
    unplaced = row(None)
    if unplaced.places or unplaced.conversations:
        rows.append(unplaced)
    if sees_exact_counts(user):
        return rows
    conversations, people = protect_columns(
        [[int(row.conversations) for row in rows], [int(row.people) for row in rows]],
        labels=[row.ward.name if row.ward else NO_WARD for row in rows],
    )
    return [replace(row, conversations=conversations[index], people=people[index]) for index, row in enumerate(rows)]


def places_on_map(*, user: User) -> QuerySet[Place]:
    """Every place with a map position, for the map and the table it enhances."""
    if not can_view_network(user):
        raise PermissionDenied
    return Place.objects.filter(latitude__isnull=False).select_related("ward").order_by("name", "pk")


def forum_meeting_list(*, user: User, params: Any) -> tuple[ForumMeetingFilter, QuerySet[ForumMeeting]]:
    if not can_view_forum(user):
        raise PermissionDenied
    meeting_filter = ForumMeetingFilter(params, queryset=ForumMeeting.objects.all())
    return meeting_filter, meeting_filter.qs.select_related("place").annotate(
        actions_agreed=Count("agreed_actions")
    ).order_by("-held_on", "-pk")


def get_forum_meeting_for_user(*, user: User, pk: int) -> ForumMeeting:
    if not can_view_forum(user):
        raise PermissionDenied
    return _get(ForumMeeting.objects.select_related("place", "recorded_by").prefetch_related("agreed_actions"), pk)


def forum_members(*, user: User) -> QuerySet[ForumMember]:
    if not can_view_forum(user):
        raise PermissionDenied
    return ForumMember.objects.filter(active=True).order_by("name", "pk")


def mentoring_pairs_visible_to(user: User) -> QuerySet[MentoringPair]:
    """Programme admins see every pair; anyone else only the pairs they are in."""
    if can_manage_mentoring(user):
        return MentoringPair.objects.all()
    return MentoringPair.objects.filter(Q(statutory_leader=user) | Q(vcse_leader=user))


def mentoring_pair_list(*, user: User, params: Any) -> tuple[MentoringPairFilter, QuerySet[MentoringPair]]:
    pair_filter = MentoringPairFilter(params, queryset=mentoring_pairs_visible_to(user))
    return pair_filter, pair_filter.qs.select_related("statutory_leader", "vcse_leader").annotate(
        check_in_count=Count("check_ins"), last_check_in=Max("check_ins__held_on")
    ).order_by("-started_on", "-pk")


def get_mentoring_pair_for_user(*, user: User, pk: int) -> MentoringPair:
    """404 for a pair the user is not in, so its existence is not told either."""
    queryset = mentoring_pairs_visible_to(user).select_related("statutory_leader", "vcse_leader")
    return _get(queryset.prefetch_related("check_ins__recorded_by"), pk)
