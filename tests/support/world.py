"""A sample portal with one of everything a page can name, owned as in real use, for the tests
that go over every page (tests/test_url_matrix.py) and every form (tests/test_bad_input_campaign.py)."""

from funding.services import attachment_add
from healthyplaces.accounts.roles import Role
from insights.models import ImportBatch
from tests import url_expectations as expect
from tests.connectors.factories import ConnectorFactory, ConversationFactory, MentoringPairFactory, PlaceFactory
from tests.factories import ActionFactory, OrganisationFactory, UserFactory
from tests.funding.factories import PDF, ApplicationFactory, RoundFactory, upload
from tests.insights.factories import InsightFactory

ROLE_OF = {
    expect.ADMIN: Role.PROGRAMME_ADMIN,
    expect.OFFICER: Role.COUNCIL_OFFICER,
    expect.BOARD: Role.BOARD_MEMBER,
    expect.MEMBER: Role.COMMUNITY_GROUP_MEMBER,
    expect.OTHER_MEMBER: Role.COMMUNITY_GROUP_MEMBER,
    expect.CONNECTOR: Role.COMMUNITY_CONNECTOR,
    expect.ASSESSOR: Role.ASSESSOR,
}
CSV = "Title,Summary,Date heard\nBus,No shelter,14/11/2026\n"


def make_world():
    """The action led by the officer, the insight logged by the connector, the import uploaded by
    the officer, the application (with a document) by the member's organisation in an open round;
    the other group's member has an organisation and an application of their own; a place, the
    connector's own record and a conversation they held there, and a mentoring pair of the officer
    and the member."""
    people = {person: UserFactory(roles=[role]) for person, role in ROLE_OF.items()}
    round_ = RoundFactory()
    other_organisation = OrganisationFactory()
    other_organisation.members.add(people[expect.OTHER_MEMBER])
    application = ApplicationFactory(round=round_, members=[people[expect.MEMBER]])
    attachment = attachment_add(
        actor=people[expect.MEMBER], application=application, kind="constitution", uploaded=upload("c.pdf", PDF)
    )
    place = PlaceFactory()
    connector = ConnectorFactory(user=people[expect.CONNECTOR], places=[place])
    return {
        "people": people,
        "round": round_,
        "action": ActionFactory(number=9, leads=[people[expect.OFFICER]]),
        "insight": InsightFactory(collected_by=people[expect.CONNECTOR]),
        "import": ImportBatch.objects.create(filename="a.csv", content=CSV, uploaded_by=people[expect.OFFICER]),
        "application": application,
        "attachment": attachment,
        "other_application": ApplicationFactory(round=round_, organisation=other_organisation),
        "person": people[expect.MEMBER],
        "place": place,
        "connector": connector,
        "conversation": ConversationFactory(connector=connector, place=place, recorded_by=people[expect.CONNECTOR]),
        "pair": MentoringPairFactory(statutory_leader=people[expect.OFFICER], vcse_leader=people[expect.MEMBER]),
    }
