import datetime

import factory
from factory.django import DjangoModelFactory

from connectors.models import (
    Activity,
    CheckIn,
    Connector,
    Conversation,
    ForumMeeting,
    MentoringPair,
    Place,
    PlaceKind,
)
from tests.factories import OrganisationFactory, UserFactory, WardFactory, related_set


class PlaceFactory(DjangoModelFactory[Place]):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Community hall {n}")
    kind = PlaceKind.COMMUNITY_CENTRE
    ward = factory.SubFactory(WardFactory)
    postcode = "TS18 1LD"


class ConnectorFactory(DjangoModelFactory[Connector]):
    """A connector; pass wards= and places= as lists."""

    class Meta:
        model = Connector
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="en_GB")
    wards = related_set("wards")
    places = related_set("places")


class ConversationFactory(DjangoModelFactory[Conversation]):
    class Meta:
        model = Conversation
        skip_postgeneration_save = True

    connector = factory.SubFactory(ConnectorFactory)
    place = factory.SubFactory(PlaceFactory)
    held_on = factory.LazyFunction(lambda: datetime.date(2026, 11, 20))
    people_count = 6
    notes = "People talked about the bus to the clinic."
    themes = related_set("themes")
    population_groups = related_set("population_groups")


class ActivityFactory(DjangoModelFactory[Activity]):
    class Meta:
        model = Activity

    organisation = factory.SubFactory(OrganisationFactory)
    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Coffee morning {n}")
    description = "A weekly drop-in for anyone who wants company."


class ForumMeetingFactory(DjangoModelFactory[ForumMeeting]):
    class Meta:
        model = ForumMeeting

    held_on = factory.LazyFunction(lambda: datetime.date(2026, 11, 10))
    place = factory.SubFactory(PlaceFactory)
    agenda = "Warm spaces this winter"
    attendance = 12


class MentoringPairFactory(DjangoModelFactory[MentoringPair]):
    class Meta:
        model = MentoringPair

    statutory_leader = factory.SubFactory(UserFactory)
    vcse_leader = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: datetime.date(2026, 9, 1))


class CheckInFactory(DjangoModelFactory[CheckIn]):
    class Meta:
        model = CheckIn

    pair = factory.SubFactory(MentoringPairFactory)
    held_on = factory.LazyFunction(lambda: datetime.date(2026, 10, 1))
    note = "Talked about sharing a venue."
