"""Grants as the workflow leaves them, for the closed loop and the board's figures. Named apart
from tests/funding/factories.py's PaymentFactory and GrantReportFactory, which build drafts."""

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from funding.models import GrantReport, Payment
from funding.workflow import State
from tests.funding.factories import ApplicationFactory


class GrantFactory(ApplicationFactory):
    """An awarded grant: reference, award and decision date set. Pass state= for a later step
    (PAID, REPORT_RECEIVED) and wards=[...] for where it works."""

    reference = factory.Sequence(lambda n: f"HP-{n:05d}")
    state = State.OFFER_ACCEPTED
    amount_awarded = Decimal("1000.00")
    decided_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def wards(self, create, extracted, **kwargs):
        if create and extracted:
            self.wards.set(extracted)


class GrantPaymentFactory(DjangoModelFactory[Payment]):
    class Meta:
        model = Payment

    application = factory.SubFactory(GrantFactory)
    amount = Decimal("500.00")
    paid_on = factory.LazyFunction(timezone.localdate)


class SentReportFactory(DjangoModelFactory[GrantReport]):
    """An end-of-grant report the group has sent."""

    class Meta:
        model = GrantReport

    application = factory.SubFactory(GrantFactory, state=State.REPORT_RECEIVED)
    what_happened = "Twelve lunch clubs ran in the community centre."
    people_reached = 40
    submitted_at = factory.LazyFunction(timezone.now)
