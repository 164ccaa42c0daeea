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
from tests.factories import OrganisationFactory, UserFactory, WardFactory


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

    @factory.post_generation
    def wards(self, create, extracted, **kwargs):
        if create and extracted:
            self.wards.set(extracted)

    @factory.post_generation
    def places(self, create, extracted, **kwargs):
        if create and extracted:
            self.places.set(extracted)


class ConversationFactory(DjangoModelFactory[Conversation]):
    class Meta:
        model = Conversation
        skip_postgeneration_save = True

    connector = factory.SubFactory(ConnectorFactory)
    place = factory.SubFactory(PlaceFactory)
    held_on = factory.LazyFunction(lambda: datetime.date(2026, 11, 20))
    people_count = 6
    notes = "People talked about the bus to the clinic."

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def population_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.population_groups.set(extracted)


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
