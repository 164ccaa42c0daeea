"""Writes to the connector network. Each function checks the actor's permission, validates the
whole record and writes it in one transaction, or writes nothing."""

import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F

from connectors.models import (
    CheckIn,
    Connector,
    Conversation,
    ForumAction,
    ForumMeeting,
    ForumMember,
    MentoringPair,
    Place,
)
from connectors.permissions import (
    can_add_place,
    can_change_place,
    can_manage_connectors,
    can_manage_forum_members,
    can_manage_mentoring,
    can_record_conversation,
    can_record_for_any_connector,
    can_record_forum_meeting,
    is_in_pair,
)
from healthyplaces.accounts.models import User
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.models import Insight
from insights.services import InsightFields, insight_create


class ConnectorsConflict(Exception):
    """Someone saved the record after this form was loaded; nothing was written."""


@dataclass
class PlaceFields:
    name: str
    kind: str
    ward: Ward | None
    ownership: str
    address: str = ""
    postcode: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accessibility: str = ""
    opening_times: str = ""


@dataclass
class ConnectorFields:
    name: str
    user: User | None = None
    languages: str = ""
    interests: str = ""
    trained_on: datetime.date | None = None
    dbs_checked_on: datetime.date | None = None
    active: bool = True
    wards: Sequence[Ward] = field(default_factory=list)
    places: Sequence[Place] = field(default_factory=list)


@dataclass
class ConversationFields:
    connector: Connector
    place: Place
    held_on: datetime.date
    people_count: int
    notes: str = ""
    themes: Sequence[Theme] = field(default_factory=list)
    population_groups: Sequence[PopulationGroup] = field(default_factory=list)


def _claim(instance: Place | Connector, expected_version: int) -> None:
    """Optimistic locking: take the next version only if nobody else has since the form loaded."""
    model: type[models.Model] = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise ConnectorsConflict
    instance.version = expected_version + 1


def _write(instance: models.Model, values: dict[str, Any], many: dict[str, Sequence[models.Model]]) -> None:
    for name, value in values.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    instance.full_clean()
    instance.save()
    for name, related in many.items():
        getattr(instance, name).set(related)


def _place_write(place: Place, fields: PlaceFields) -> Place:
    values = asdict(fields)
    values["postcode"] = " ".join(fields.postcode.upper().split())
    _write(place, values, {})
    return place


@transaction.atomic
def place_create(*, actor: User, fields: PlaceFields) -> Place:
    if not can_add_place(actor):
        raise PermissionDenied("Only connectors, officers and programme admins can add places")
    return _place_write(Place(), fields)


@transaction.atomic
def place_update(*, actor: User, place: Place, expected_version: int, fields: PlaceFields) -> Place:
    if not can_change_place(actor):
        raise PermissionDenied("Only officers and programme admins can change places")
    _claim(place, expected_version)
    return _place_write(place, fields)


def _connector_write(connector: Connector, fields: ConnectorFields) -> Connector:
    values = asdict(fields)
    many = {"wards": fields.wards, "places": fields.places}
    for name in (*many, "user"):
        values.pop(name)
    # asdict deep-copies model instances; the user is set as given.
    values["user"] = fields.user
    _write(connector, values, many)
    return connector


@transaction.atomic
def connector_create(*, actor: User, fields: ConnectorFields) -> Connector:
    if not can_manage_connectors(actor):
        raise PermissionDenied("Only officers and programme admins can add connectors")
    return _connector_write(Connector(), fields)


@transaction.atomic
def connector_update(*, actor: User, connector: Connector, expected_version: int, fields: ConnectorFields) -> Connector:
    if not can_manage_connectors(actor):
        raise PermissionDenied("Only officers and programme admins can change connectors")
    _claim(connector, expected_version)
    return _connector_write(connector, fields)


@transaction.atomic
def conversation_create(*, actor: User, fields: ConversationFields) -> Conversation:
    if not can_record_conversation(actor):
        raise PermissionDenied("Only connectors, officers and programme admins can record conversations")
    if not can_record_for_any_connector(actor) and fields.connector.user_id != actor.pk:
        raise ValidationError({"connector": "You can only record your own conversations"})
    conversation = Conversation(
        connector=fields.connector,
        place=fields.place,
        held_on=fields.held_on,
        people_count=fields.people_count,
        notes=fields.notes.strip(),
        recorded_by=actor,
    )
    conversation.full_clean(exclude=["recorded_by"])
    conversation.save()
    conversation.themes.set(fields.themes)
    conversation.population_groups.set(fields.population_groups)
    return conversation


@transaction.atomic
def conversation_raise_insight(*, actor: User, conversation: Conversation, fields: InsightFields) -> Insight:
    """An insight raised from a conversation, through the insights bank's own service, linked back
    to the conversation it came from. Called again for each further insight from the same one."""
    return insight_create(actor=actor, fields=fields, conversation=conversation)


@dataclass
class ForumMeetingFields:
    held_on: datetime.date
    attendance: int
    place: Place | None = None
    agenda: str = ""
    minutes: str = ""
    # (what was agreed, who owns it)
    agreed_actions: Sequence[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def forum_meeting_create(*, actor: User, fields: ForumMeetingFields) -> ForumMeeting:
    """The forum is community-led: connectors record its meetings as well as officers."""
    if not can_record_forum_meeting(actor):
        raise PermissionDenied("Only connectors, officers and programme admins can record forum meetings")
    meeting = ForumMeeting(recorded_by=actor)
    values = asdict(fields)
    values.pop("agreed_actions")
    values["place"] = fields.place
    _write(meeting, values, {})
    for description, owner in fields.agreed_actions:
        agreed = ForumAction(meeting=meeting, description=description.strip(), owner=owner.strip())
        agreed.full_clean()
        agreed.save()
    return meeting


@transaction.atomic
def forum_member_add(*, actor: User, name: str, joined_on: datetime.date) -> ForumMember:
    if not can_manage_forum_members(actor):
        raise PermissionDenied("Only officers and programme admins can change the forum's members")
    member = ForumMember(name=name.strip(), joined_on=joined_on)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def mentoring_pair_create(
    *, actor: User, statutory_leader: User, vcse_leader: User, started_on: datetime.date
) -> MentoringPair:
    if not can_manage_mentoring(actor):
        raise PermissionDenied("Only programme admins set up mentoring pairs")
    if statutory_leader == vcse_leader:
        raise ValidationError({"vcse_leader": "Choose two different people"})
    pair = MentoringPair(statutory_leader=statutory_leader, vcse_leader=vcse_leader, started_on=started_on)
    pair.full_clean()
    pair.save()
    return pair


def _check_pair_access(actor: User, pair: MentoringPair) -> None:
    if not is_in_pair(actor, pair):
        raise PermissionDenied("Only the two people in a mentoring pair record its check-ins and status")


@transaction.atomic
def check_in_add(*, actor: User, pair: MentoringPair, held_on: datetime.date, note: str) -> CheckIn:
    _check_pair_access(actor, pair)
    check_in = CheckIn(pair=pair, held_on=held_on, note=note.strip(), recorded_by=actor)
    check_in.full_clean()
    check_in.save()
    return check_in


@transaction.atomic
def mentoring_pair_set_status(*, actor: User, pair: MentoringPair, status: str) -> MentoringPair:
    if not (is_in_pair(actor, pair) or can_manage_mentoring(actor)):
        raise PermissionDenied("Only the pair or a programme admin change a pair's status")
    if status not in MentoringPair.Status.values:
        raise ValidationError({"status": "Select a status"})
    pair.status = status
    pair.save(update_fields=["status"])
    return pair
