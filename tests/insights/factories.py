import datetime

import factory
from factory.django import DjangoModelFactory

from insights.models import ConsentBasis, Insight, Source
from insights.services import insights_refresh_search_vector
from tests.factories import UserFactory


class InsightFactory(DjangoModelFactory[Insight]):
    """An insight as a connector would log it. Pass themes=, population_groups= and actions= as
    lists; the search vector is refreshed afterwards so PostgreSQL search finds it."""

    class Meta:
        model = Insight
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Insight {n}")
    summary = "People said the park needs more benches and better lighting in the evening."
    source = Source.CONVERSATION
    heard_on = factory.LazyFunction(lambda: datetime.date(2026, 10, 14))
    consent_basis = ConsentBasis.ANONYMOUS
    collected_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def population_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.population_groups.set(extracted)

    @factory.post_generation
    def actions(self, create, extracted, **kwargs):
        if create and extracted:
            self.actions.set(extracted)

    @factory.post_generation
    def refresh_search(self, create, extracted, **kwargs):
        # Declared last, so it runs after the other post-generation hooks.
        if create:
            insights_refresh_search_vector(insight_ids=[self.pk])
