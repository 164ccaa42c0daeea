import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from connectors.models import Ownership, PlaceKind
from connectors.services import (
    ConnectorFields,
    ConnectorsConflict,
    ConversationFields,
    PlaceFields,
    connector_create,
    connector_update,
    conversation_create,
    conversation_raise_insight,
    place_create,
    place_update,
)
from healthyplaces.accounts.roles import Role
from insights.models import ConsentBasis, Source
from insights.services import InsightFields
from tests.connectors.factories import ConnectorFactory, ConversationFactory, PlaceFactory
from tests.factories import ThemeFactory, WardFactory

pytestmark = pytest.mark.django_db


def place_fields(**overrides):
    return PlaceFields(
        **{
            "name": "The Hub",
            "kind": PlaceKind.COMMUNITY_CENTRE,
            "ward": None,
            "ownership": Ownership.COMMUNITY_OWNED,
            **overrides,
        }
    )


@pytest.mark.parametrize("role", [Role.COMMUNITY_CONNECTOR, Role.COUNCIL_OFFICER, Role.PROGRAMME_ADMIN])
def test_connectors_officers_and_admins_add_places(make_user, role):
    ward = WardFactory()

    place = place_create(actor=make_user(role), fields=place_fields(ward=ward))

    assert (place.name, place.ward, place.version) == ("The Hub", ward, 1)


def test_postcodes_are_tidied_and_half_a_position_is_refused(make_user):
    officer = make_user(Role.COUNCIL_OFFICER)
    assert place_create(actor=officer, fields=place_fields(postcode=" ts18  1ld ")).postcode == "TS18 1LD"
    with pytest.raises(ValidationError):
        place_create(actor=officer, fields=place_fields(latitude=Decimal("54.5")))


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COMMUNITY_GROUP_MEMBER, Role.ASSESSOR])
def test_other_roles_cannot_add_places(make_user, role):
    with pytest.raises(PermissionDenied):
        place_create(actor=make_user(role), fields=place_fields())


def test_only_officers_change_places_and_a_stale_version_writes_nothing(make_user):
    place = PlaceFactory(name="Old")
    with pytest.raises(PermissionDenied):
        place_update(actor=make_user(Role.COMMUNITY_CONNECTOR), place=place, expected_version=1, fields=place_fields())
    officer = make_user(Role.COUNCIL_OFFICER)
    place_update(actor=officer, place=place, expected_version=1, fields=place_fields(name="New"))
    with pytest.raises(ConnectorsConflict):
        place_update(actor=officer, place=place, expected_version=1, fields=place_fields(name="Stale"))
    place.refresh_from_db()
    assert (place.name, place.version) == ("New", 2)


def test_officers_add_and_change_connectors_with_their_wards_and_places(make_user):
    officer = make_user(Role.COUNCIL_OFFICER)
    ward, place = WardFactory(), PlaceFactory()
    connector = connector_create(
        actor=officer,
        fields=ConnectorFields(name="Ros", wards=[ward], places=[place], trained_on=datetime.date(2026, 9, 1)),
    )
    connector_update(actor=officer, connector=connector, expected_version=1, fields=ConnectorFields(name="Ros B"))

    connector.refresh_from_db()
    assert (connector.name, connector.version, connector.trained_on) == ("Ros B", 2, None)
    assert not connector.wards.exists()
    with pytest.raises(PermissionDenied):
        connector_create(actor=make_user(Role.COMMUNITY_CONNECTOR), fields=ConnectorFields(name="Me"))


def conversation_fields(connector, **overrides):
    return ConversationFields(
        **{
            "connector": connector,
            "place": PlaceFactory(),
            "held_on": datetime.date(2026, 11, 3),
            "people_count": 5,
            **overrides,
        }
    )


def test_a_connector_records_their_own_conversation_but_not_someone_elses(make_user):
    user = make_user(Role.COMMUNITY_CONNECTOR)
    mine, theirs = ConnectorFactory(user=user), ConnectorFactory()
    theme = ThemeFactory()

    conversation = conversation_create(actor=user, fields=conversation_fields(mine, themes=[theme]))

    assert (conversation.recorded_by, list(conversation.themes.all())) == (user, [theme])
    with pytest.raises(ValidationError):
        conversation_create(actor=user, fields=conversation_fields(theirs))


def test_an_officer_records_for_any_connector_and_nobody_records_nobody(make_user):
    officer = make_user(Role.COUNCIL_OFFICER)
    conversation_create(actor=officer, fields=conversation_fields(ConnectorFactory()))
    with pytest.raises(ValidationError):
        conversation_create(actor=officer, fields=conversation_fields(ConnectorFactory(), people_count=0))
    with pytest.raises(PermissionDenied):
        conversation_create(actor=make_user(Role.BOARD_MEMBER), fields=conversation_fields(ConnectorFactory()))


def test_an_insight_raised_from_a_conversation_links_back_to_it(make_user):
    user = make_user(Role.COMMUNITY_CONNECTOR)
    conversation = ConversationFactory(connector=ConnectorFactory(user=user))
    fields = InsightFields(
        title="Bus shelter",
        summary="No shelter",
        source=Source.CONVERSATION,
        heard_on=conversation.held_on,
        consent_basis=ConsentBasis.ANONYMOUS,
        place=conversation.place,
        ward=conversation.place.ward,
    )

    first = conversation_raise_insight(actor=user, conversation=conversation, fields=fields)
    second = conversation_raise_insight(actor=user, conversation=conversation, fields=fields)

    assert list(conversation.insights.order_by("pk")) == [first, second]
    assert (first.conversation, first.place, first.collected_by) == (conversation, conversation.place, user)
    with pytest.raises(PermissionDenied):
        conversation_raise_insight(actor=make_user(Role.BOARD_MEMBER), conversation=conversation, fields=fields)
