import json
import re

import pytest
from django.urls import reverse

from connectors.models import Activity
from tests.connectors.factories import ActivityFactory, ConnectorFactory, ConversationFactory, PlaceFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# The Open Referral UK profile's required fields for each table this export fills.
REQUIRED = {
    "organization": ("id", "name", "description"),
    "service": ("id", "organization_id", "name", "status"),
    "location": ("id",),
    "service_at_location": ("id", "service_id", "location_id"),
    "physical_address": ("id", "location_id", "address_1", "postal_code", "country"),
    "accessibility_for_disabilities": ("id", "location_id"),
}
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


@pytest.fixture
def export(client):
    group = OrganisationFactory(name="Riverside Gardeners")
    group.members.add(UserFactory(full_name="Gillian Gardener"))
    hall = PlaceFactory(
        name="Riverside Hall", address="1 River Road", accessibility="Step-free", latitude="54.5", longitude="-1.3"
    )
    park = PlaceFactory(name="Ropner Park", address="")
    ActivityFactory(organisation=group, place=hall, name="Seed swap")
    ActivityFactory(organisation=group, place=park, name="Park clean-up", status=Activity.Status.INACTIVE)
    ActivityFactory(place=park, name="Walking group")
    ConversationFactory(connector=ConnectorFactory(name="Connie Secretname"), place=hall)
    PlaceFactory(name="Flat 4, Marigold House")  # carried over from an insight's free text

    response = client.get(reverse("connectors:open_referral"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.content.decode()


def test_the_export_has_every_required_field_and_every_reference_resolves(export):
    data = json.loads(export)

    for table, fields in REQUIRED.items():
        for record in data[table]:
            for name in fields:
                assert record.get(name) not in (None, ""), f"{table} lacks {name}: {record}"
    ids = {table: [r["id"] for r in data[table]] for table in REQUIRED}
    for table, table_ids in ids.items():
        assert len(table_ids) == len(set(table_ids)), f"{table} ids are not unique"
        assert all(re.match(UUID, i) for i in table_ids)
    assert {s["organization_id"] for s in data["service"]} <= set(ids["organization"])
    for link in data["service_at_location"]:
        assert link["service_id"] in ids["service"]
        assert link["location_id"] in ids["location"]
    assert {a["location_id"] for a in data["physical_address"]} <= set(ids["location"])
    assert sorted(s["status"] for s in data["service"]) == ["active", "active", "inactive"]
    assert len(data["location"]) == 2
    assert len(data["organization"]) == 2


def test_the_export_holds_no_one_s_name(export):
    assert "Gillian" not in export
    assert "Connie" not in export
    assert "Secretname" not in export


def test_only_places_where_an_activity_runs_are_published(export):
    assert "Marigold House" not in export
    assert [location["name"] for location in json.loads(export)["location"]] == ["Riverside Hall", "Ropner Park"]


def test_ids_stay_the_same_from_one_export_to_the_next(client):
    ActivityFactory()
    url = reverse("connectors:open_referral")
    assert client.get(url).content == client.get(url).content
