import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from healthyplaces.accounts.roles import Role
from insights.models import ConsentBasis, Insight, InsightStatus, Source
from insights.services import InsightConflict, InsightFields, insight_create, insight_respond, insight_update
from tests.connectors.factories import PlaceFactory
from tests.factories import ActionFactory, PopulationGroupFactory, ThemeFactory, UserFactory, WardFactory
from tests.insights.factories import InsightFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def connector(make_user):
    return make_user(Role.COMMUNITY_CONNECTOR, full_name="Cass Connector")


def fields(**overrides):
    values = {
        "title": "Bus stop shelter",
        "summary": "Older people wait in the rain at the bus stop by the clinic.",
        "source": Source.CONVERSATION,
        "heard_on": datetime.date(2026, 10, 14),
        "consent_basis": ConsentBasis.ANONYMOUS,
    }
    return InsightFields(**(values | overrides))


def snapshot(insight):
    """Everything a service might write, as stored."""
    insight = Insight.objects.get(pk=insight.pk)
    return (
        insight.title,
        insight.summary,
        insight.status,
        insight.version,
        insight.response,
        insight.response_published,
        sorted(insight.themes.values_list("pk", flat=True)),
        sorted(insight.population_groups.values_list("pk", flat=True)),
        sorted(insight.actions.values_list("pk", flat=True)),
    )


# --- create ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COMMUNITY_CONNECTOR, Role.COUNCIL_OFFICER, Role.PROGRAMME_ADMIN])
def test_connectors_officers_and_admins_can_add_an_insight(make_user, role):
    actor = make_user(role)
    themes = [ThemeFactory(name="Transport"), ThemeFactory(name="Older people's health")]
    groups = [PopulationGroupFactory(name="Older people")]
    ward = WardFactory(name="Riverside")
    place = PlaceFactory(name="Clinic bus stop", ward=ward)

    insight = insight_create(
        actor=actor,
        fields=fields(
            title="  Bus stop shelter  ",
            ward=ward,
            place=place,
            people_count=6,
            themes=themes,
            population_groups=groups,
            quote="I stand in the rain for twenty minutes.",
        ),
    )

    stored = Insight.objects.get(pk=insight.pk)
    assert stored.title == "Bus stop shelter"  # trimmed
    assert stored.collected_by == actor
    assert (stored.status, stored.version) == (InsightStatus.NEW, 1)
    assert (stored.ward, stored.place, stored.people_count) == (ward, place, 6)
    assert set(stored.themes.all()) == set(themes)
    assert list(stored.population_groups.all()) == groups
    assert not stored.actions.exists()
    assert (stored.response, stored.response_published) == ("", False)


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COMMUNITY_GROUP_MEMBER, Role.ASSESSOR, None], ids=str)
def test_others_cannot_add_an_insight(make_user, role):
    actor = make_user(role) if role else make_user()

    with pytest.raises(PermissionDenied):
        insight_create(actor=actor, fields=fields())

    assert not Insight.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"summary": ""}, "summary"),
        ({"source": "carrier pigeon"}, "source"),
        ({"consent_basis": "overheard"}, "consent_basis"),
        ({"people_count": 0}, "people_count"),
    ],
    ids=["title too long", "title blank", "summary blank", "unknown source", "unknown consent", "no people"],
)
def test_invalid_fields_raise_and_write_nothing(officer, overrides, field):
    theme = ThemeFactory(name="Transport")

    with pytest.raises(ValidationError) as raised:
        insight_create(actor=officer, fields=fields(themes=[theme], **overrides))

    assert field in raised.value.message_dict
    assert not Insight.objects.exists()
    assert not Insight.themes.through.objects.exists()


# --- update (review) ------------------------------------------------------------------------------


def test_an_officer_reviews_an_insight_links_actions_and_replaces_its_tags(officer):
    old_theme, new_theme = ThemeFactory(name="Parks"), ThemeFactory(name="Transport")
    group = PopulationGroupFactory(name="Carers")
    insight = InsightFactory(themes=[old_theme], population_groups=[group])
    nine, twelve = ActionFactory(number=9), ActionFactory(number=12)

    insight_update(
        actor=officer,
        insight=insight,
        expected_version=1,
        fields=fields(title="Shelter at the clinic bus stop", themes=[new_theme]),
        status=InsightStatus.INFORMING,
        actions=[nine, twelve],
    )

    stored = Insight.objects.get(pk=insight.pk)
    assert stored.title == "Shelter at the clinic bus stop"
    assert (stored.status, stored.version) == (InsightStatus.INFORMING, 2)
    assert list(stored.themes.all()) == [new_theme]
    assert not stored.population_groups.exists()  # the form sent none, so none are kept
    assert set(stored.actions.all()) == {nine, twelve}
    assert stored.collected_by == insight.collected_by  # reviewing does not change who collected it

    # A second review at the new version unlinks one action.
    insight_update(
        actor=officer,
        insight=stored,
        expected_version=2,
        fields=fields(),
        status=InsightStatus.INFORMING,
        actions=[nine],
    )
    assert list(Insight.objects.get(pk=insight.pk).actions.all()) == [nine]


@pytest.mark.parametrize("role", [Role.COMMUNITY_CONNECTOR, Role.BOARD_MEMBER, Role.COMMUNITY_GROUP_MEMBER])
def test_only_officers_and_admins_can_review(make_user, role):
    insight = InsightFactory()
    before = snapshot(insight)

    with pytest.raises(PermissionDenied):
        insight_update(
            actor=make_user(role),
            insight=insight,
            expected_version=1,
            fields=fields(title="Changed"),
            status=InsightStatus.REVIEWED,
            actions=[ActionFactory(number=9)],
        )

    assert snapshot(insight) == before


def test_the_collector_cannot_review_their_own_insight_as_a_connector(make_user):
    connector = make_user(Role.COMMUNITY_CONNECTOR)
    insight = InsightFactory(collected_by=connector)

    with pytest.raises(PermissionDenied):
        insight_update(
            actor=connector,
            insight=insight,
            expected_version=1,
            fields=fields(),
            status=InsightStatus.REVIEWED,
            actions=[],
        )


def test_a_stale_version_is_refused_and_nothing_is_written(officer, admin_user):
    insight = InsightFactory(title="Original title")
    action = ActionFactory(number=9)
    # The admin saves first, from the same version the officer loaded.
    insight_update(
        actor=admin_user,
        insight=Insight.objects.get(pk=insight.pk),
        expected_version=1,
        fields=fields(title="Admin's title"),
        status=InsightStatus.REVIEWED,
        actions=[],
    )
    before = snapshot(insight)

    with pytest.raises(InsightConflict):
        insight_update(
            actor=officer,
            insight=insight,
            expected_version=1,
            fields=fields(title="Officer's title", themes=[ThemeFactory()]),
            status=InsightStatus.INFORMING,
            actions=[action],
        )

    assert snapshot(insight) == before
    assert before[0] == "Admin's title"
    assert before[3] == 2


def test_invalid_fields_on_review_raise_and_leave_the_version_alone(officer):
    insight = InsightFactory(title="Original title")
    before = snapshot(insight)

    with pytest.raises(ValidationError):
        insight_update(
            actor=officer,
            insight=insight,
            expected_version=1,
            fields=fields(title="", themes=[ThemeFactory()]),
            status=InsightStatus.REVIEWED,
            actions=[ActionFactory(number=9)],
        )

    # The version claimed before validation is rolled back with everything else.
    assert snapshot(insight) == before


def test_an_unknown_status_is_refused(officer):
    insight = InsightFactory()
    before = snapshot(insight)

    with pytest.raises(ValidationError) as raised:
        insight_update(actor=officer, insight=insight, expected_version=1, fields=fields(), status="binned", actions=[])

    assert "status" in raised.value.message_dict
    assert snapshot(insight) == before


# --- respond ("you said, we did") -----------------------------------------------------------------


@pytest.mark.parametrize("publish", [False, True])
def test_an_officer_responds_and_the_insight_is_marked_responded(officer, publish):
    insight = InsightFactory(status=InsightStatus.INFORMING)

    insight_respond(
        actor=officer,
        insight=insight,
        response="  We asked the bus company to add a shelter; it went up in March.  ",
        response_on=datetime.date(2027, 3, 1),
        publish=publish,
    )

    stored = Insight.objects.get(pk=insight.pk)
    assert stored.response == "We asked the bus company to add a shelter; it went up in March."
    assert stored.response_on == datetime.date(2027, 3, 1)
    assert stored.response_published is publish
    assert stored.status == InsightStatus.RESPONDED


def test_saving_no_response_unpublished_keeps_the_status(officer):
    insight = InsightFactory(status=InsightStatus.REVIEWED)

    insight_respond(actor=officer, insight=insight, response="", response_on=None, publish=False)

    assert Insight.objects.get(pk=insight.pk).status == InsightStatus.REVIEWED


def test_an_admin_can_publish_a_response(admin_user):
    insight = InsightFactory()

    insight_respond(actor=admin_user, insight=insight, response="Done", response_on=None, publish=True)

    assert Insight.objects.get(pk=insight.pk).response_published


@pytest.mark.parametrize("publish", [False, True])
@pytest.mark.parametrize("role", [Role.COMMUNITY_CONNECTOR, Role.BOARD_MEMBER, Role.ASSESSOR])
def test_connectors_and_others_cannot_respond_or_publish(make_user, role, publish):
    insight = InsightFactory()
    before = snapshot(insight)

    with pytest.raises(PermissionDenied):
        insight_respond(
            actor=make_user(role), insight=insight, response="We fixed it", response_on=None, publish=publish
        )

    assert snapshot(insight) == before


@pytest.mark.parametrize("text", ["", "   \n  "], ids=["empty", "whitespace"])
def test_publishing_needs_text(officer, text):
    insight = InsightFactory()
    before = snapshot(insight)

    with pytest.raises(ValidationError) as raised:
        insight_respond(actor=officer, insight=insight, response=text, response_on=None, publish=True)

    assert "response" in raised.value.message_dict
    assert snapshot(insight) == before


def test_the_database_refuses_a_published_response_without_text():
    insight = InsightFactory()

    with pytest.raises(IntegrityError, match="insights_published_response_has_text"), transaction.atomic():
        Insight.objects.filter(pk=insight.pk).update(response_published=True, response="")

    assert not Insight.objects.get(pk=insight.pk).response_published


def test_the_database_refuses_creating_a_published_insight_without_a_response():
    with pytest.raises(IntegrityError), transaction.atomic():
        Insight.objects.create(
            title="Direct write",
            summary="Bypasses the services",
            source=Source.OTHER,
            heard_on=datetime.date(2026, 1, 1),
            consent_basis=ConsentBasis.PUBLIC_SOURCE,
            collected_by=UserFactory(),
            response_published=True,
        )

    assert not Insight.objects.exists()


def test_a_review_form_opened_before_a_response_was_saved_is_refused(officer, admin_user):
    insight = InsightFactory(status=InsightStatus.INFORMING)
    # The admin opens the review form at version 1; meanwhile the officer responds and publishes.
    insight_respond(
        actor=officer,
        insight=Insight.objects.get(pk=insight.pk),
        response="A shelter went up in March.",
        response_on=None,
        publish=True,
    )

    with pytest.raises(InsightConflict):
        insight_update(
            actor=admin_user,
            insight=Insight.objects.get(pk=insight.pk),
            expected_version=1,
            fields=fields(),
            status=InsightStatus.INFORMING,
            actions=[],
        )

    assert Insight.objects.get(pk=insight.pk).status == InsightStatus.RESPONDED
