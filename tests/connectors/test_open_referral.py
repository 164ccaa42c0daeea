"""The Open Referral UK 3.0 API: every response validates, offline and with formats checked,
against the profile's own schemas in SHARED_DIR/reference/openreferral-uk (never copied into the
project); unknown numbers are left out rather than null; no one's name is in it; ids are the
UUIDs stored on the rows; the list endpoints page as the profile says, at a constant number of
queries; and the old JSON file redirects to the API."""

import datetime
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from connectors.models import Activity, Place
from connectors.open_referral import MAX_PER_PAGE
from healthyplaces.accounts.models import Organisation
from healthyplaces.demo.dataset import Sizes, dataset_generate
from tests.conftest import require
from tests.connectors.factories import ActivityFactory, ConnectorFactory, ConversationFactory, PlaceFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PAGE_FIELDS = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents")
# The profile's OpenAPI file names its schemas by these URLs; the same files are here.
UPSTREAM = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/compiled/"
OPENAPI_URI = "urn:healthyplaces:oruk-openapi"
SMALL = Sizes(years=1, users=40, wards=6, insights=50, rounds=2, applications=20, connectors=30, conversations=20)


# --- the profile's schemas, read from the shared folder ---------------------------------------------


@pytest.fixture(scope="module")
def oruk_reference() -> Path:
    from django.conf import settings

    path = Path(settings.SHARED_DIR) / "reference" / "openreferral-uk"
    for name in ("schema/openapi.json", "schema/compiled/service.json", "schema/compiled/organization.json"):
        require((path / name).exists(), f"{path / name} is missing from the shared reference folder")
    return path


@pytest.fixture(scope="module")
def validate(oruk_reference: Path):
    """validate(kind, document) -> the errors, one string each. Each response is checked against
    the schema the profile gives it: the OpenAPI file's own response schemas for the root and the
    pages of /services and /service_at_locations (whose $refs name the compiled schemas by URL and
    the Page object within the file: all resolved here, from the local files, never the network),
    and the compiled schemas for the rest. The profile's OpenAPI file has no /organizations, so a
    page of them is its Page object around the compiled organization_list.json.

    The compiled schemas carry no $schema and the OpenAPI file declares draft 2020-12, so that is
    the validator; formats are checked (uuid, uri, email, date-time)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT202012

    def load(name: str) -> Any:
        return json.loads((oruk_reference / name).read_text(encoding="utf-8"))

    compiled = {path.name: load(f"schema/compiled/{path.name}") for path in oruk_reference.glob("schema/compiled/*")}
    openapi = load("schema/openapi.json")

    def no_network(uri: str) -> Resource[Any]:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # an attrs class the stubs miss

    registry: Registry[Any] = Registry(retrieve=no_network).with_resources(  # type: ignore[call-arg]
        [(UPSTREAM + name, DRAFT202012.create_resource(schema)) for name, schema in compiled.items()]
        + [(OPENAPI_URI, DRAFT202012.create_resource(openapi))]
    )

    def response_schema(path: str) -> dict[str, Any]:
        pointer = path.replace("~", "~0").replace("/", "~1")
        return {"$ref": f"{OPENAPI_URI}#/paths/{pointer}/get/responses/200/content/application~1json/schema"}

    schemas = {
        "root": response_schema("/"),
        "services": response_schema("/services"),
        "service_at_locations": response_schema("/service_at_locations"),
        "organizations": {
            "allOf": [{"$ref": f"{OPENAPI_URI}#/components/schemas/Page"}],
            "properties": {"contents": {"type": "array", "items": {"$ref": UPSTREAM + "organization_list.json"}}},
        },
        "service": {"$ref": UPSTREAM + "service.json"},
        "service_at_location": {"$ref": UPSTREAM + "service_at_location.json"},
        "organization": {"$ref": UPSTREAM + "organization.json"},
    }
    format_checker = Draft202012Validator.FORMAT_CHECKER
    for name in ("uuid", "uri", "email", "date-time"):
        assert name in format_checker.checkers, f"format {name} is not checked: install the dev dependencies"

    def run(kind: str, document: Any) -> list[str]:
        validator = Draft202012Validator(schemas[kind], registry=registry, format_checker=format_checker)
        found = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
        # The Page object lists its fields without requiring them; the profile's API reference
        # says a page must have them all.
        if kind in ("services", "service_at_locations", "organizations"):
            found += [f"{field}: missing" for field in PAGE_FIELDS if field not in document]
        return found

    return run


def test_the_validator_finds_what_the_profile_forbids(validate):
    """The schemas are really applied: a null latitude, a location without its location_type and a
    non-UUID id are each an error (the old export had all three)."""
    location = {"id": str(uuid.uuid4()), "location_type": "physical", "latitude": 54.5}
    service = {
        "id": str(uuid.uuid4()),
        "name": "Seed swap",
        "status": "active",
        "service_at_locations": [{"id": str(uuid.uuid4()), "location": location}],
    }
    assert validate("service", service) == []

    assert validate("service", service | {"id": "service-1"}) != []
    location["latitude"] = None
    assert validate("service", service) != []
    location["latitude"] = 54.5
    del location["location_type"]
    assert validate("service", service) != []
    page = {"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1}
    page |= {"first_page": True, "last_page": True, "empty": False}
    item = {"id": str(uuid.uuid4()), "name": "Seed swap", "status": "active", "description": "A group"}
    for kind in ("services", "service_at_locations", "organizations"):
        assert validate(kind, page | {"contents": [item]}) == []
        assert validate(kind, page | {"contents": [item | {"id": "1"}]}) == ["contents/0/id: '1' is not a 'uuid'"]
        assert validate(kind, page | {"contents": []}) == []
        assert validate(kind, {"contents": []}) == [f"{field}: missing" for field in PAGE_FIELDS[:-1]]
    assert validate("services", page | {"contents": [item | {"status": "open"}]}) != []
    assert validate("services", page | {"page_number": "1", "contents": []}) != []
    assert validate("root", {"version": "3.0", "profile": "a profile"}) == ["profile: 'a profile' is not a 'uri'"]


# --- the directory ----------------------------------------------------------------------------------


@pytest.fixture
def directory():
    """Four places: one with street address and coordinates, a park with only a postcode, a library
    with no coordinates, and a green with neither address, postcode nor coordinates; five activities
    by three groups. A connector's conversation and a place nothing runs at must stay out."""
    group = OrganisationFactory(name="Riverside Gardeners", type=Organisation.Type.GRASSROOTS)
    group.members.add(UserFactory(full_name="Gillian Gardener"))
    walkers = OrganisationFactory(name="Tees Walkers")
    library_friends = OrganisationFactory(name="Friends of the Library")
    hall = PlaceFactory(
        name="Riverside Hall",
        address="1 River Road\r\nNorton",
        postcode="TS20 1AB",
        accessibility="Step-free entrance and a hearing loop",
        latitude="54.58123",
        longitude="-1.31456",
    )
    park = PlaceFactory(name="Ropner Park", address="", postcode="TS18 4EF", latitude="54.55", longitude="-1.33")
    library = PlaceFactory(name="Thornaby Library", address="Town Centre\nThornaby", postcode="TS17 9EW")
    green = PlaceFactory(name="Village Green", address="", postcode="")
    places = {"hall": hall, "park": park, "library": library, "green": green}
    activities = {
        "seed swap": ActivityFactory(organisation=group, place=hall, name="Seed swap"),
        "clean-up": ActivityFactory(
            organisation=group, place=park, name="Park clean-up", status=Activity.Status.INACTIVE
        ),
        "walk": ActivityFactory(organisation=walkers, place=park, name="Walking group", description=""),
        "stories": ActivityFactory(organisation=library_friends, place=library, name="Story time"),
        "litter": ActivityFactory(organisation=walkers, place=green, name="Litter pick"),
    }
    ConversationFactory(connector=ConnectorFactory(name="Connie Secretname"), place=hall)
    PlaceFactory(name="Flat 4, Marigold House")  # carried over from an insight's free text
    OrganisationFactory(name="Quiet Group")  # runs nothing, so is not a directory's business
    return {"places": places, "activities": activities, "organisations": [group, walkers, library_friends]}


def get(client, name: str, *, expect: int = 200, **kwargs: Any) -> Any:
    params = kwargs.pop("params", None)
    response = client.get(reverse(f"connectors:{name}", kwargs=kwargs or None), params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def nulls(value: Any, path: str = "") -> list[str]:
    """Where a document says null: HSDS leaves an unknown value out."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in nulls(item, f"{path}/{key}")]
    if isinstance(value, list):
        return [found for n, item in enumerate(value) for found in nulls(item, f"{path}/{n}")]
    return []


def every_response(client, directory) -> dict[str, Any]:
    activity = directory["activities"]["seed swap"]
    return {
        "root": get(client, "open_referral"),
        "services": get(client, "open_referral_services"),
        "service": get(client, "open_referral_service", record_id=activity.uuid),
        "service_at_locations": get(client, "open_referral_service_at_locations"),
        "service_at_location": get(
            client, "open_referral_service_at_location", record_id=activity.service_at_location_uuid
        ),
        "organizations": get(client, "open_referral_organizations"),
        "organization": get(client, "open_referral_organization", record_id=activity.organisation.uuid),
    }


def test_every_response_validates_against_the_profile_with_no_nulls(client, directory, validate):
    for kind, document in every_response(client, directory).items():
        assert validate(kind, document) == [], kind
        assert nulls(document) == [], kind


def test_every_service_and_organization_validates(client, directory, validate):
    for activity in directory["activities"].values():
        service = get(client, "open_referral_service", record_id=activity.uuid)
        assert validate("service", service) == [], activity.name
        link = get(client, "open_referral_service_at_location", record_id=activity.service_at_location_uuid)
        assert validate("service_at_location", link) == [], activity.name
        assert nulls(service) == nulls(link) == []
    for organisation in directory["organisations"]:
        organization = get(client, "open_referral_organization", record_id=organisation.uuid)
        assert validate("organization", organization) == [], organisation.name
        assert nulls(organization) == []


def test_the_root_names_the_version_profile_and_openapi_file(client):
    root = get(client, "open_referral")

    assert root["version"].startswith("3.0")
    assert root["profile"].startswith("https://")
    assert root["openapi_url"].endswith("openapi.json")


def location_of(client, activity: Activity) -> dict[str, Any]:
    service = get(client, "open_referral_service", record_id=activity.uuid)
    [link] = service["service_at_locations"]
    location: dict[str, Any] = link["location"]
    assert link["location_id"] == location["id"] == str(activity.place.uuid)
    return location


def test_a_place_with_a_street_address_and_coordinates_has_both(client, directory, settings):
    settings.OPEN_REFERRAL_AREA = "Stockton-on-Tees"
    hall = location_of(client, directory["activities"]["seed swap"])

    assert hall["location_type"] == "physical"
    assert (hall["latitude"], hall["longitude"]) == (54.58123, -1.31456)
    [address] = hall["addresses"]
    assert address["address_1"] == "1 River Road, Norton"
    assert address["postal_code"] == "TS20 1AB"
    assert (address["city"], address["state_province"], address["country"]) == (
        "Stockton-on-Tees",
        "Stockton-on-Tees",
        "GB",
    )
    assert address["address_type"] == "physical"
    assert [a["description"] for a in hall["accessibility"]] == ["Step-free entrance and a hearing loop"]


def test_a_place_with_only_a_postcode_keeps_it_under_its_name(client, directory):
    park = location_of(client, directory["activities"]["walk"])

    [address] = park["addresses"]
    assert (address["address_1"], address["postal_code"]) == ("Ropner Park", "TS18 4EF")
    assert park["accessibility"] == []


def test_unknown_coordinates_and_address_are_left_out_not_null(client, directory):
    library = location_of(client, directory["activities"]["stories"])
    green = location_of(client, directory["activities"]["litter"])

    assert "latitude" not in library
    assert "longitude" not in library
    assert library["addresses"][0]["address_1"] == "Town Centre, Thornaby"
    assert "latitude" not in green
    assert green["addresses"] == []
    assert green["location_type"] == "physical"


def test_a_service_has_its_organization_and_status(client, directory):
    activity = directory["activities"]["clean-up"]
    service = get(client, "open_referral_service", record_id=activity.uuid)

    assert service["status"] == "inactive"
    assert service["organization_id"] == service["organization"]["id"] == str(activity.organisation.uuid)
    assert service["organization"]["name"] == "Riverside Gardeners"
    assert service["organization"]["description"] == "Grassroots community group"
    walk = get(client, "open_referral_service", record_id=directory["activities"]["walk"].uuid)
    assert "description" not in walk  # none was entered


def test_the_lists_hold_every_published_record_once_and_every_reference_resolves(client, directory):
    services = get(client, "open_referral_services")["contents"]
    links = get(client, "open_referral_service_at_locations")["contents"]
    organizations = get(client, "open_referral_organizations")["contents"]

    service_ids = [s["id"] for s in services]
    organization_ids = [o["id"] for o in organizations]
    assert sorted(s["name"] for s in services) == [
        "Litter pick",
        "Park clean-up",
        "Seed swap",
        "Story time",
        "Walking group",
    ]
    assert sorted(s["status"] for s in services) == ["active", "active", "active", "active", "inactive"]
    assert [o["name"] for o in organizations] == ["Friends of the Library", "Riverside Gardeners", "Tees Walkers"]
    for ids in (service_ids, organization_ids, [link["id"] for link in links]):
        assert len(ids) == len(set(ids))
        assert all(UUID.match(i) for i in ids)
    assert {s["organization_id"] for s in services} == set(organization_ids)
    assert {link["service_id"] for link in links} == set(service_ids)
    assert {link["location"]["name"] for link in links} == {
        "Riverside Hall",
        "Ropner Park",
        "Thornaby Library",
        "Village Green",
    }
    organization = get(client, "open_referral_organization", record_id=directory["organisations"][0].uuid)
    assert [s["name"] for s in organization["services"]] == ["Park clean-up", "Seed swap"]


def test_the_api_holds_no_one_s_name_and_no_unpublished_place(client, directory):
    text = json.dumps(every_response(client, directory))

    for name in ("Gillian", "Connie", "Secretname", "Marigold", "Quiet Group"):
        assert name not in text


def test_ids_are_the_uuids_stored_on_the_rows_whatever_the_settings(client, directory, settings):
    activity = directory["activities"]["seed swap"]
    settings.SITE_URL = "https://one.example.org"
    first = get(client, "open_referral_service", record_id=activity.uuid)
    settings.SITE_URL = "https://two.example.org"
    second = get(client, "open_referral_service", record_id=activity.uuid)

    assert first == second
    assert first["id"] == str(Activity.objects.get(pk=activity.pk).uuid)
    assert first["service_at_locations"][0]["id"] == str(activity.service_at_location_uuid)
    assert first["service_at_locations"][0]["location"]["id"] == str(Place.objects.get(pk=activity.place_id).uuid)


def test_an_unknown_or_malformed_id_is_a_json_404(client, directory):
    for record_id in (uuid.uuid4(), "not-a-uuid"):
        for name in ("open_referral_service", "open_referral_service_at_location", "open_referral_organization"):
            assert get(client, name, record_id=record_id, expect=404) == {"detail": "Not found."}
    # A service id is not a service_at_location id, and a group that runs nothing is not listed.
    activity = directory["activities"]["seed swap"]
    get(client, "open_referral_service_at_location", record_id=activity.uuid, expect=404)
    quiet = Organisation.objects.get(name="Quiet Group")
    get(client, "open_referral_organization", record_id=quiet.uuid, expect=404)


def test_the_api_is_read_only(directory):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("connectors:open_referral_services"))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_generated_dataset_validates_whatever_its_places_lack(client, validate):
    """The benchmark dataset's places vary as real ones do: with and without a street address and
    a position. Every page and every record made from them validates, with no nulls."""
    dataset_generate(sizes=SMALL, today=datetime.date(2026, 11, 26))
    published = Place.objects.filter(activities__isnull=False)
    assert published.filter(address="", latitude__isnull=False).exists()  # no street address
    assert published.filter(address="", latitude__isnull=True).exists()  # nor a position
    assert published.exclude(address="").filter(latitude__isnull=True).exists()  # no position
    assert published.exclude(address="").filter(latitude__isnull=False).exists()  # both

    for kind, name in [
        ("services", "open_referral_services"),
        ("service_at_locations", "open_referral_service_at_locations"),
        ("organizations", "open_referral_organizations"),
    ]:
        page = get(client, name, params={"per_page": MAX_PER_PAGE})
        assert page["total_items"] == len(page["contents"]) > 0
        assert validate(kind, page) == [], kind
        assert nulls(page) == [], kind
    for activity in Activity.objects.all():
        service = get(client, "open_referral_service", record_id=activity.uuid)
        assert validate("service", service) == [], activity.pk
        assert nulls(service) == []
    for organisation in Organisation.objects.filter(activities__isnull=False).distinct():
        organization = get(client, "open_referral_organization", record_id=organisation.uuid)
        assert validate("organization", organization) == [], organisation.pk


# --- pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["open_referral_services", "open_referral_service_at_locations", "open_referral_organizations"]
)
def test_pages_count_and_flag_as_the_profile_says(client, directory, name):
    total = 3 if name == "open_referral_organizations" else 5
    pages = [get(client, name, params={"per_page": 2, "page": n}) for n in (1, 2, 3)]

    assert [p["total_items"] for p in pages] == [total] * 3
    assert [p["total_pages"] for p in pages] == [2 if total == 3 else 3] * 3
    assert [p["page_number"] for p in pages] == [1, 2, 3]
    assert [p["first_page"] for p in pages] == [True, False, False]
    assert [p["size"] for p in pages] == [len(p["contents"]) for p in pages]
    ids = [item["id"] for p in pages for item in p["contents"]]
    assert len(ids) == len(set(ids)) == total  # every record once, in a stable order
    if total == 5:
        assert [p["last_page"] for p in pages] == [False, False, True]
        assert [p["empty"] for p in pages] == [False, False, False]
    else:
        assert [p["last_page"] for p in pages] == [False, True, True]  # page 3 is past the end
        assert [p["empty"] for p in pages] == [False, False, True]


def test_a_page_past_the_end_is_empty_and_the_default_page_is_the_first(client, directory):
    past = get(client, "open_referral_services", params={"page": 9})
    first = get(client, "open_referral_services")

    assert (past["contents"], past["size"], past["empty"], past["last_page"]) == ([], 0, True, True)
    assert (first["page_number"], first["first_page"], first["size"], first["empty"]) == (1, True, 5, False)


def test_an_empty_directory_is_one_empty_page(client, validate):
    page = get(client, "open_referral_services")

    assert validate("services", page) == []
    assert (page["total_items"], page["total_pages"], page["empty"], page["contents"]) == (0, 0, True, [])


def test_a_bad_page_request_is_a_json_400(client):
    for params in ({"page": "0"}, {"page": "two"}, {"per_page": "-1"}, {"per_page": "1.5"}):
        answer = get(client, "open_referral_services", params=params, expect=400)
        assert set(answer) == {"detail"}


@hypothesis_settings(max_examples=150, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    page=st.one_of(st.text(max_size=30), st.integers().map(str)), per_page=st.one_of(st.text(), st.integers().map(str))
)
def test_no_page_request_is_a_server_error(client, page, per_page):
    """Malformed and extreme page and per_page values (huge numbers, negatives, other scripts'
    digits, control characters) are answered 200 or 400, never a server error."""
    response = client.get(reverse("connectors:open_referral_services"), {"page": page, "per_page": per_page})

    assert response.status_code in (200, 400)
    assert response["Access-Control-Allow-Origin"] == "*"
    json.loads(response.content)


def test_per_page_is_capped(client):
    ActivityFactory.create_batch(3)
    page = get(client, "open_referral_services", params={"per_page": MAX_PER_PAGE * 10})

    assert page["total_pages"] == 1
    assert page["size"] == 3


def queries(client, name: str, **kwargs: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(client, name, **kwargs)
    return len(captured)


def add_services(count: int) -> None:
    for place in PlaceFactory.create_batch(count, address="2 Park Lane", latitude="54.5", longitude="-1.3"):
        ActivityFactory(place=place)


@pytest.mark.parametrize(
    "name", ["open_referral_services", "open_referral_service_at_locations", "open_referral_organizations"]
)
def test_a_list_takes_the_same_queries_at_two_sizes(client, name):
    add_services(2)
    small = queries(client, name)
    add_services(20)
    large = queries(client, name)

    assert small == large == 2  # the count and the page


def test_an_organization_takes_the_same_queries_however_many_services_it_runs(client):
    group = OrganisationFactory()
    ActivityFactory(organisation=group)
    small = queries(client, "open_referral_organization", record_id=group.uuid)
    ActivityFactory.create_batch(10, organisation=group)
    large = queries(client, "open_referral_organization", record_id=group.uuid)

    assert small == large == 2


def test_the_old_json_file_moved_permanently_to_the_api(client):
    response = client.get("/connectors/open-referral.json")

    assert response.status_code == 301
    assert response["Location"] == reverse("connectors:open_referral") == "/open-referral/"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_coverage_page_links_to_the_api(client, make_user):
    from healthyplaces.accounts.roles import Role

    client.force_login(make_user(Role.COUNCIL_OFFICER))
    page = client.get(reverse("connectors:coverage")).content.decode()

    assert 'href="/open-referral/"' in page
