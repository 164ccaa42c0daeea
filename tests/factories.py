import datetime
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from actions.models import Action, Milestone, Status
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import Role
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward

TEST_PASSWORD = "correct-horse-battery-staple"
# Every test user's authenticator app shares this secret; totp_code() is what the app would show.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD)))


def related_set(name):
    """A post-generation hook that sets a many-to-many field from a list passed to the factory,
    e.g. `themes = related_set("themes")` then `Factory(themes=[...])`."""

    @factory.post_generation
    def set_related(self, create, extracted, **kwargs):
        if create and extracted:
            getattr(self, name).set(extracted)

    return set_related


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[role.value for role in extracted]))
            if Role.PROGRAMME_ADMIN in extracted:
                self.is_staff = True
                self.save(update_fields=["is_staff"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """Staff who must use a second factor get an authenticator app unless mfa=False."""
        if create and extracted is not False and (extracted or self.must_use_mfa):
            TOTP.activate(self, TEST_TOTP_SECRET)


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community group {n}")
    type = Organisation.Type.GRASSROOTS


class WardFactory(DjangoModelFactory[Ward]):
    class Meta:
        model = Ward

    name = factory.Sequence(lambda n: f"Ward {n}")


class ThemeFactory(DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Theme {n}")


class PopulationGroupFactory(DjangoModelFactory[PopulationGroup]):
    class Meta:
        model = PopulationGroup

    name = factory.Sequence(lambda n: f"Population group {n}")


class ActionFactory(DjangoModelFactory[Action]):
    class Meta:
        model = Action
        django_get_or_create = ("number",)
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: n % 18 + 1)
    title = factory.LazyAttribute(lambda action: f"Action number {action.number}")
    text = factory.LazyAttribute(lambda action: f"The plan's words for action {action.number}.")
    status = Status.ON_TRACK
    progress = 25
    next_review_date = factory.LazyFunction(lambda: datetime.date(2026, 12, 31))

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        if create and extracted:
            self.lead_officers.add(*extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.add(*extracted)


class MilestoneFactory(DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = datetime.date(2027, 3, 31)
