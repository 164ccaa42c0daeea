import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from funding.models import Application, Fund, Priority, Round
from tests.factories import OrganisationFactory


class FundFactory(DjangoModelFactory[Fund]):
    class Meta:
        model = Fund
        django_get_or_create = ("name",)

    name = "Healthy Places seed fund"
    purpose = "Small grants for community groups to act on what local people told us matters."


class PriorityFactory(DjangoModelFactory[Priority]):
    class Meta:
        model = Priority

    fund = factory.SubFactory(FundFactory)
    title = factory.Sequence(lambda n: f"Community priority {n}")
    description = "Agreed at the community summit."


class RoundFactory(DjangoModelFactory[Round]):
    """Open today: opened a week ago, closes in three weeks; £10,000 budget, grants £100 to £2,000."""

    class Meta:
        model = Round
        skip_postgeneration_save = True

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))
    budget = Decimal("10000")
    minimum_award = Decimal("100")
    maximum_award = Decimal("2000")

    @factory.post_generation
    def priorities(self, create, extracted, **kwargs):
        if create and extracted:
            self.priorities.add(*extracted)


class ApplicationFactory(DjangoModelFactory[Application]):
    """A draft by an organisation; pass members=[user, ...] to put people in the group."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    project_title = factory.Sequence(lambda n: f"Project {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisation.members.add(*extracted)
            if self.created_by_id is None:
                self.created_by = extracted[0]
                self.save(update_fields=["created_by"])
