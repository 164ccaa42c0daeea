"""The 360Giving export: the JSON package validates offline against the official schemas and
codelists in SHARED_DIR/reference (never copied into the project), identifiers follow the rules,
only awarded grants go out, the CSV uses 360Giving's column titles, and only officers and programme
admins can fetch either file.

Ward codes here (E05999901, E05999902) are made up, shaped like real ONS ward codes; charity and
company numbers are made up too."""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.giving360 import COLUMNS, NotPublishable, grant_record, grants_csv, grants_for_export, package
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from tests.factories import OrganisationFactory, UserFactory, WardFactory
from tests.funding.factories import ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PREFIX = "360G-healthyplaces"


@pytest.fixture(autouse=True)
def _export_settings(settings):
    settings.GIVING360_PREFIX = PREFIX
    settings.FUNDER_ORG_ID = "GB-LAE-STT"
    settings.FUNDER_NAME = "Stockton-on-Tees Borough Council"
    settings.FUNDING_DEPARTMENT = "Public Health"
    settings.SITE_URL = "https://healthyplaces.example.org"


# --- the official schemas and codelists, read from the shared folder --------------------------------


def codes(reference: Path, name: str) -> set[str]:
    with (reference / "360giving-codelists" / name).open(encoding="utf-8", newline="") as file:
        return {row["Code"] for row in csv.DictReader(file) if not (row.get("Deprecated") or "").strip()}


def errors(validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


# --- the grants ------------------------------------------------------------------------------------


def decided(year: int, month: int, day: int, hour: int = 10, minute: int = 30) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def wards():
    return {
        "coded": WardFactory(name="Stainsby Hill", ons_code="E05999901"),
        "coded2": WardFactory(name="Mandale and Victoria", ons_code="E05999902"),
        "uncoded": WardFactory(name="Newtown", ons_code=""),
    }


@pytest.fixture
def round_():
    return RoundFactory(name="Autumn 2026")


@pytest.fixture
def grants(round_, wards):
    charity = OrganisationFactory(name="Riverside Gardeners", charity_number="1234567")
    company = OrganisationFactory(name="Tees Bikes CIC", company_number="01234567")
    scottish = OrganisationFactory(name="Border Walkers", charity_number="SC012345")
    neither = OrganisationFactory(name="Elm Street Residents")
    approved = ApplicationFactory(
        round=round_,
        organisation=charity,
        state=State.APPROVED,
        reference="HP-2026-00001",
        project_title="Riverside growing club",
        project_summary="Weekly gardening sessions for older people living alone.",
        amount_requested=Decimal("1500.00"),
        amount_awarded=Decimal("1500.00"),
        # 23:30 in London on 30 June is still 30 June there; in UTC it is 22:30.
        decided_at=decided(2026, 6, 30, 23, 30),
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 8, 31),
    )
    approved.wards.add(wards["coded"], wards["uncoded"])
    paid = ApplicationFactory(
        round=round_,
        organisation=company,
        state=State.PAID,
        reference="HP-2026-00002",
        project_title="Bike library",
        project_summary="Lend bikes to families.",
        amount_awarded=Decimal("750.50"),
        decided_at=decided(2026, 7, 2),
    )
    paid.wards.add(wards["coded2"])
    closed = ApplicationFactory(
        round=round_,
        organisation=neither,
        state=State.CLOSED,
        reference="HP-2026-00003",
        project_title='=HYPERLINK("https://example.org")',
        project_summary="+A street party",
        amount_awarded=Decimal("200"),
        decided_at=decided(2026, 7, 3),
        starts_on=datetime.date(2026, 8, 1),
    )
    report_due = ApplicationFactory(
        round=round_,
        organisation=scottish,
        state=State.REPORT_DUE,
        reference="HP-2026-00004",
        project_title="Walking group",
        project_summary="Led walks.",
        amount_awarded=Decimal("300"),
        decided_at=decided(2026, 7, 4),
    )
    others = [
        ApplicationFactory(
            round=round_,
            organisation=charity,
            state=State.OFFER_ACCEPTED,
            reference="HP-2026-00005",
            project_summary="Accepted.",
            amount_awarded=Decimal("400"),
            decided_at=decided(2026, 7, 5),
        ),
        ApplicationFactory(
            round=round_,
            organisation=charity,
            state=State.REPORT_RECEIVED,
            reference="HP-2026-00006",
            project_summary="Reported.",
            amount_awarded=Decimal("500"),
            decided_at=decided(2026, 7, 6),
        ),
    ]
    # None of these has an award that stands.
    not_awarded = [
        ApplicationFactory(round=round_, organisation=charity, state=State.DRAFT),
        ApplicationFactory(
            round=round_,
            organisation=charity,
            state=State.DECLINED,
            reference="HP-2026-00090",
            decision_reason="Outside the priorities",
            decided_at=decided(2026, 7, 1),
        ),
        ApplicationFactory(round=round_, organisation=charity, state=State.SUBMITTED, reference="HP-2026-00091"),
        ApplicationFactory(round=round_, organisation=charity, state=State.IN_ASSESSMENT, reference="HP-2026-00092"),
        ApplicationFactory(round=round_, organisation=charity, state=State.WITHDRAWN, reference="HP-2026-00093"),
        ApplicationFactory(round=round_, organisation=charity, state=State.INELIGIBLE, reference="HP-2026-00094"),
        ApplicationFactory(round=round_, organisation=charity, state=State.MORE_INFORMATION, reference="HP-2026-00095"),
    ]
    return {
        "approved": approved,
        "paid": paid,
        "closed": closed,
        "report_due": report_due,
        "others": others,
        "not_awarded": not_awarded,
    }


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {grant["id"]: grant for grant in document["grants"]}


# --- validation against the official schemas -------------------------------------------------------


def test_package_validates_offline_against_the_official_schemas(grants, validator):
    document = package(grants_for_export())
    # Through JSON and back, exactly as the download is read.
    document = json.loads(json.dumps(document))
    assert errors(validator, document) == []
    assert len(document["grants"]) == 6


def test_the_validator_really_checks_the_grants(grants, validator):
    """Guards against a validator that passes everything (an unresolved $ref, formats unchecked)."""
    document = json.loads(json.dumps(package(grants_for_export())))
    broken = json.loads(json.dumps(document))
    del broken["grants"][0]["recipientOrganization"]
    broken["grants"][1]["currency"] = "POUNDS"
    broken["grants"][2]["amountAwarded"] = "200"
    broken["grants"][3]["awardDate"] = "4 July 2026"
    problems = errors(validator, broken)
    assert len(problems) == 4, problems
    assert [error for error in problems if error.startswith("grants/1/currency")]

    # The trap the SOURCE file describes: formats unchecked, a plain date matches both branches.
    unchecked = validator.evolve(format_checker=None)
    assert any("awardDate" in error for error in errors(unchecked, document))


def test_codelist_fields_use_codes_from_the_codelists(grants, reference):
    document = package(grants_for_export())
    currencies = codes(reference, "currency.csv")
    countries = codes(reference, "countryCode.csv")
    geo_code_types = codes(reference, "geoCodeType.csv")
    assert "WD" in geo_code_types
    seen_geo_code = False
    for grant in document["grants"]:
        assert grant["currency"] in currencies
        for location in grant.get("beneficiaryLocation", []):
            if "countryCode" in location:
                assert location["countryCode"] in countries
            if "geoCodeType" in location:
                seen_geo_code = True
                assert location["geoCodeType"] in geo_code_types
                assert location["geoCode"].startswith("E05")
    assert seen_geo_code


# --- identifiers and content -----------------------------------------------------------------------


def test_identifiers_follow_the_rules(grants):
    grants_out = by_id(package(grants_for_export()))
    assert set(grants_out) == {f"{PREFIX}-HP-2026-0000{n}" for n in range(1, 7)}

    def recipient(name):
        return grants_out[f"{PREFIX}-{grants[name].reference}"]["recipientOrganization"][0]

    assert recipient("approved") == {"id": "GB-CHC-1234567", "name": "Riverside Gardeners", "charityNumber": "1234567"}
    assert recipient("paid") == {"id": "GB-COH-01234567", "name": "Tees Bikes CIC", "companyNumber": "01234567"}
    # A Scottish charity is on the OSCR register, not the Charity Commission's.
    assert recipient("report_due")["id"] == "GB-SC-SC012345"
    neither = grants["closed"].organisation
    assert recipient("closed") == {"id": f"{PREFIX}-org-{neither.pk}", "name": "Elm Street Residents"}
    for grant in grants_out.values():
        assert grant["fundingOrganization"] == [
            {"id": "GB-LAE-STT", "name": "Stockton-on-Tees Borough Council", "department": "Public Health"}
        ]


def test_prefix_and_funder_are_configurable(grants, settings):
    settings.GIVING360_PREFIX = "360G-stockton"
    settings.FUNDER_ORG_ID = "GB-LAE-XYZ"
    grant = grant_record(grants_for_export().get(pk=grants["closed"].pk))
    assert grant["id"] == "360G-stockton-HP-2026-00003"
    assert grant["recipientOrganization"][0]["id"] == f"360G-stockton-org-{grants['closed'].organisation.pk}"
    assert grant["fundingOrganization"][0]["id"] == "GB-LAE-XYZ"
    document = package([])
    assert document["publisher"]["identifier"] == "GB-LAE-XYZ"


def test_one_grant_in_full(grants):
    grant = grant_record(grants_for_export().get(pk=grants["approved"].pk))
    modified = grant.pop("dateModified")
    assert datetime.datetime.fromisoformat(modified).tzinfo is not None
    assert grant == {
        "id": f"{PREFIX}-HP-2026-00001",
        "title": "Riverside growing club",
        "description": "Weekly gardening sessions for older people living alone.",
        "currency": "GBP",
        "amountAppliedFor": 1500,
        "amountAwarded": 1500,
        "awardDate": "2026-06-30",
        "plannedDates": [{"startDate": "2026-09-01", "endDate": "2027-08-31", "duration": 12}],
        "recipientOrganization": [{"id": "GB-CHC-1234567", "name": "Riverside Gardeners", "charityNumber": "1234567"}],
        "fundingOrganization": [
            {"id": "GB-LAE-STT", "name": "Stockton-on-Tees Borough Council", "department": "Public Health"}
        ],
        "grantProgramme": [{"title": "Autumn 2026"}],
        "beneficiaryLocation": [
            {"name": "Newtown", "countryCode": "GB"},
            {"name": "Stainsby Hill", "countryCode": "GB", "geoCode": "E05999901", "geoCodeType": "WD"},
        ],
        "dataSource": "https://healthyplaces.example.org/funding/",
    }


def test_amounts_in_pence_and_dates_in_local_time(grants):
    grants_out = by_id(package(grants_for_export()))
    paid = grants_out[f"{PREFIX}-HP-2026-00002"]
    assert paid["amountAwarded"] == 750.5
    assert paid["awardDate"] == "2026-07-02"
    assert "plannedDates" not in paid
    closed = grants_out[f"{PREFIX}-HP-2026-00003"]
    assert closed["plannedDates"] == [{"startDate": "2026-08-01"}]
    assert "beneficiaryLocation" not in closed


def test_transparency_code_grant_fields_are_present(grants):
    """Local Government Transparency Code 2015: date awarded, time period, department, beneficiary,
    registration number (when the beneficiary has one), purpose, amount."""
    for grant in package(grants_for_export())["grants"]:
        assert grant["awardDate"]
        assert grant["fundingOrganization"][0]["department"]
        recipient = grant["recipientOrganization"][0]
        assert recipient["name"]
        if recipient["id"].startswith(("GB-CHC-", "GB-SC-")):
            assert recipient["charityNumber"]
        if recipient["id"].startswith("GB-COH-"):
            assert recipient["companyNumber"]
        assert grant["description"]
        assert grant["amountAwarded"] > 0
    with_dates = by_id(package(grants_for_export()))[f"{PREFIX}-HP-2026-00001"]
    assert with_dates["plannedDates"][0]["startDate"]
    assert with_dates["plannedDates"][0]["endDate"]


def test_only_awarded_grants_are_exported(grants):
    exported = set(grants_for_export().values_list("pk", flat=True))
    assert not exported & {application.pk for application in grants["not_awarded"]}
    assert exported == {grants[name].pk for name in ("approved", "paid", "closed", "report_due")} | {
        application.pk for application in grants["others"]
    }


def test_package_metadata(grants):
    document = package(grants_for_export())
    assert document["version"] == "1.4"
    assert document["license"].startswith("https://")
    assert document["publisher"]["name"] == "Stockton-on-Tees Borough Council"
    assert document["publisher"]["prefix"] == PREFIX


def test_export_queries_do_not_grow_with_the_grants(grants, round_, wards):
    with CaptureQueriesContext(connection) as few:
        package(grants_for_export())
    for n in range(5):
        more = ApplicationFactory(
            round=RoundFactory(),
            organisation=OrganisationFactory(),
            state=State.APPROVED,
            reference=f"HP-2026-0010{n}",
            project_summary="More.",
            amount_awarded=Decimal("100"),
            decided_at=decided(2026, 7, 10),
        )
        more.wards.add(wards["coded"])
    with CaptureQueriesContext(connection) as many:
        document = package(grants_for_export())
    assert len(document["grants"]) == 11
    assert len(many) == len(few)


def test_export_page_shows_what_the_data_quality_checks_would_find(grants, client, officer):
    from funding.giving360_quality import findings

    expected = findings(package(grants_for_export()))
    # None of the groups has a ward; some grants have no planned dates or no wards.
    assert {finding.check for finding in expected} == {
        "IncompleteRecipientOrg",
        "PlannedDatesMissing",
        "NoBeneficiaryLocation",
    }
    client.force_login(officer)
    page = client.get(reverse("funding:export")).content.decode()
    assert f"would report {len(expected)} findings" in page
    assert f"IncompleteRecipientOrg: {sum(f.check == 'IncompleteRecipientOrg' for f in expected)}" in page
    assert f"<code>{PREFIX}-HP-2026-00002</code>" in page
    assert "no planned start and end (or duration)" in page


def test_export_page_queries_do_not_grow_with_the_grants(grants, wards, client, officer):
    """The page builds the package to show its data-quality findings: still a fixed number of queries."""
    client.force_login(officer)
    # The first request after signing in also reads what later ones find cached.
    client.get(reverse("funding:export"))
    with CaptureQueriesContext(connection) as few:
        assert b"6 awarded grants" in client.get(reverse("funding:export")).content
    for n in range(5):
        more = ApplicationFactory(
            round=RoundFactory(),
            organisation=OrganisationFactory(ward=wards["coded"]),
            state=State.PAID,
            reference=f"HP-2026-0020{n}",
            project_summary="More.",
            amount_awarded=Decimal("100"),
            decided_at=decided(2026, 7, 10),
        )
        more.wards.add(wards["coded"], wards["uncoded"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("funding:export"))
    assert b"11 awarded grants" in page.content
    assert len(many) == len(few)


# --- the CSV ---------------------------------------------------------------------------------------


def schema_titles(schema: dict[str, Any], path: list[str]) -> bool:
    """Whether a flattened column title such as "Recipient Org:Charity Number" names a field in the
    grant schema through each level's "title" (numbers stand for an array index)."""

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return node

    node = schema
    for part in path:
        if part.isdigit():
            continue
        node = resolve(node)
        if "items" in node:
            node = resolve(node["items"])
        children = [resolve(child) for child in node.get("properties", {}).values()]
        matches = [child for child in children if child.get("title") == part]
        if len(matches) != 1:
            return False
        node = matches[0]
    return True


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_columns_are_360giving_titles(grants, reference):
    text = grants_csv(grants_for_export())
    header = next(csv.reader(io.StringIO(text)))
    grant_schema = json.loads((reference / "360-giving-schema.json").read_text(encoding="utf-8"))
    assert header[: len(COLUMNS)] == [title for title, _ in COLUMNS]
    for title in (
        "Identifier",
        "Amount Awarded",
        "Award Date",
        "Recipient Org:Identifier",
        "Recipient Org:Charity Number",
        "Recipient Org:Company Number",
        "Funding Org:Department",
        "Grant Programme:Title",
        "Planned Dates:Start Date",
        "Beneficiary Location:Geographic Code Type",
        "Last Modified",
        "Data Source",
    ):
        assert title in header
    # The approved grant has two wards: the second gets numbered columns.
    assert "Beneficiary Location:1:Name" in header
    for title in header:
        assert schema_titles(grant_schema, title.split(":")), title


def test_csv_row_values(grants):
    rows = {row["Identifier"]: row for row in read_csv(grants_csv(grants_for_export()))}
    assert len(rows) == 6
    row = rows[f"{PREFIX}-HP-2026-00001"]
    assert row["Title"] == "Riverside growing club"
    assert row["Currency"] == "GBP"
    assert row["Amount Awarded"] == "1500"
    assert row["Award Date"] == "2026-06-30"
    assert row["Planned Dates:Start Date"] == "2026-09-01"
    assert row["Planned Dates:End Date"] == "2027-08-31"
    assert row["Recipient Org:Identifier"] == "GB-CHC-1234567"
    assert row["Recipient Org:Name"] == "Riverside Gardeners"
    assert row["Recipient Org:Charity Number"] == "1234567"
    assert row["Recipient Org:Company Number"] == ""
    assert row["Funding Org:Identifier"] == "GB-LAE-STT"
    assert row["Funding Org:Department"] == "Public Health"
    assert row["Grant Programme:Title"] == "Autumn 2026"
    assert row["Beneficiary Location:Name"] == "Newtown"
    assert row["Beneficiary Location:Geographic Code"] == ""
    assert row["Beneficiary Location:1:Name"] == "Stainsby Hill"
    assert row["Beneficiary Location:1:Geographic Code"] == "E05999901"
    assert row["Beneficiary Location:1:Geographic Code Type"] == "WD"
    assert row["Data Source"] == "https://healthyplaces.example.org/funding/"
    assert rows[f"{PREFIX}-HP-2026-00002"]["Amount Awarded"] == "750.5"
    assert rows[f"{PREFIX}-HP-2026-00002"]["Beneficiary Location:1:Name"] == ""


def test_csv_defuses_spreadsheet_formulas(grants):
    row = {r["Identifier"]: r for r in read_csv(grants_csv(grants_for_export()))}[f"{PREFIX}-HP-2026-00003"]
    assert row["Title"] == '\'=HYPERLINK("https://example.org")'
    assert row["Description"] == "'+A street party"
    # The JSON keeps what was typed.
    grant = grant_record(grants_for_export().get(pk=grants["closed"].pk))
    assert grant["title"].startswith("=")


# --- who may fetch it ------------------------------------------------------------------------------

ROLES = {
    "anonymous": None,
    "community group member": [Role.COMMUNITY_GROUP_MEMBER],
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
MANAGERS = {"programme admin", "council officer"}


def url_for(kind: str) -> str:
    if kind == "page":
        return reverse("funding:export")
    return reverse("funding:export_file", kwargs={"file_format": kind})


@pytest.mark.parametrize("kind", ["page", "json", "csv"])
@pytest.mark.parametrize("role", list(ROLES))
def test_role_matrix(client, grants, role, kind):
    roles = ROLES[role]
    if roles is not None:
        user = UserFactory(roles=roles)
        if role == "community group member":
            grants["approved"].organisation.members.add(user)
        client.force_login(user)
    url = url_for(kind)
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in MANAGERS:
        assert response.status_code == 200
        if kind == "json":
            assert response["Content-Type"].startswith("application/json")
            assert response["Content-Disposition"].startswith("attachment;")
            assert len(json.loads(response.content)["grants"]) == 6
        elif kind == "csv":
            assert response["Content-Type"].startswith("text/csv")
            assert response["Content-Disposition"].startswith("attachment;")
            assert len(read_csv(response.content.decode())) == 6
        else:
            assert b"6 awarded grants" in response.content
            assert url_for("json").encode() in response.content
            assert url_for("csv").encode() in response.content
    else:
        assert response.status_code == 403


def test_other_formats_are_not_found(client, officer):
    client.force_login(officer)
    assert client.get(reverse("funding:export") + "grants.xml").status_code == 404


def test_application_list_links_managers_to_the_export(client, officer, make_user):
    client.force_login(officer)
    assert reverse("funding:export").encode() in client.get(reverse("funding:applications")).content
    client.force_login(make_user(Role.COMMUNITY_GROUP_MEMBER))
    assert reverse("funding:export").encode() not in client.get(reverse("funding:applications")).content


def test_empty_export_page(client, officer):
    client.force_login(officer)
    response = client.get(reverse("funding:export"))
    assert b"no awarded grants" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_with_nothing_awarded_there_is_no_file_to_publish(client, file_format):
    from healthyplaces.accounts.roles import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=[Role.COUNCIL_OFFICER]))

    response = client.get(reverse("funding:export_file", kwargs={"file_format": file_format}))

    assert response.status_code == 404


# --- what must not go out, and what the package says about itself ----------------------------------


def test_package_identifier_urls_and_licence(grants, settings):
    issued = decided(2026, 12, 5, 9, 15)
    document = package(grants_for_export(), issued=issued)
    assert document["identifier"] == f"{PREFIX}-seed-fund-grants-20261205T091500"
    assert document["accessURL"] == "https://healthyplaces.example.org/funding/"
    assert document["license"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    assert document["issued"] == "2026-12-05T09:15:00+00:00"

    settings.GIVING360_ACCESS_URL = "https://www.stockton.gov.uk/open-data/grants"
    settings.GIVING360_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
    document = package(grants_for_export(), issued=issued)
    assert document["accessURL"] == "https://www.stockton.gov.uk/open-data/grants"
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_defaults_are_stockton_and_no_prefix():
    from healthyplaces.settings import base

    assert base.FUNDER_ORG_ID == "GB-LAE-STT"
    assert base.GIVING360_PREFIX == ""


def test_nothing_is_published_without_a_registered_prefix(grants, settings, client, officer):
    settings.GIVING360_PREFIX = ""
    with pytest.raises(NotPublishable, match="no 360Giving publisher prefix"):
        package(grants_for_export())
    with pytest.raises(NotPublishable):
        grants_csv(grants_for_export())

    client.force_login(officer)
    page = client.get(reverse("funding:export"))
    assert page.status_code == 200
    assert b"Nothing can be published yet" in page.content
    assert b"GIVING360_PREFIX" in page.content
    assert url_for("json").encode() not in page.content
    assert PREFIX.encode() not in page.content
    for kind in ("json", "csv"):
        response = client.get(url_for(kind))
        # No file, and the page that says why in its place.
        assert response.status_code == 404
        assert b"no 360Giving publisher prefix" in response.content
        assert "Content-Disposition" not in response


def test_an_award_dated_after_the_day_of_publication_is_left_out_and_refused(grants, client, officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = ApplicationFactory(
        round=grants["approved"].round,
        organisation=grants["approved"].organisation,
        state=State.APPROVED,
        reference="HP-2026-00050",
        project_summary="Dated tomorrow.",
        amount_awarded=Decimal("100"),
        decided_at=decided(tomorrow.year, tomorrow.month, tomorrow.day, 0, 5),
    )
    assert later.pk not in set(grants_for_export().values_list("pk", flat=True))
    # Published tomorrow, it goes out.
    assert later.pk in set(grants_for_export(tomorrow).values_list("pk", flat=True))
    loaded = grants_for_export(tomorrow).get(pk=later.pk)
    with pytest.raises(NotPublishable, match="after the day of publication"):
        grant_record(loaded)
    with pytest.raises(NotPublishable):
        package([loaded])
    assert grant_record(loaded, published_on=tomorrow)["awardDate"] == tomorrow.isoformat()

    client.force_login(officer)
    page = client.get(reverse("funding:export"))
    assert b"1 award is dated after today" in page.content
    assert b"6 awarded grants" in page.content
    assert len(json.loads(client.get(url_for("json")).content)["grants"]) == 6


def test_recipients_carry_their_ward_and_identifiers_by_register(grants, wards):
    northern = OrganisationFactory(name="Belfast Walkers", charity_number="NIC100002", ward=wards["coded"])
    grants["paid"].organisation.ward = wards["uncoded"]
    grants["paid"].organisation.save()
    ApplicationFactory(
        round=grants["approved"].round,
        organisation=northern,
        state=State.APPROVED,
        reference="HP-2026-00060",
        project_summary="Walks.",
        amount_awarded=Decimal("100"),
        decided_at=decided(2026, 7, 7),
    )
    grants_out = by_id(package(grants_for_export()))
    assert grants_out[f"{PREFIX}-HP-2026-00060"]["recipientOrganization"] == [
        {
            "id": "GB-NIC-100002",
            "name": "Belfast Walkers",
            "charityNumber": "100002",
            "location": [{"name": "Stainsby Hill", "countryCode": "GB", "geoCode": "E05999901", "geoCodeType": "WD"}],
        }
    ]
    # A ward with no ONS code has no code fields at all, never empty ones.
    assert grants_out[f"{PREFIX}-HP-2026-00002"]["recipientOrganization"][0]["location"] == [
        {"name": "Newtown", "countryCode": "GB"}
    ]
    # A group with no ward has no location.
    assert "location" not in grants_out[f"{PREFIX}-HP-2026-00001"]["recipientOrganization"][0]
    row = {r["Identifier"]: r for r in read_csv(grants_csv(grants_for_export()))}[f"{PREFIX}-HP-2026-00060"]
    assert row["Recipient Org:Location:0:Geographic Code"] == "E05999901"
    assert row["Recipient Org:Location:0:Geographic Code Type"] == "WD"


def test_a_number_stored_before_the_forms_were_checked_gets_no_register_identifier(grants):
    from healthyplaces.accounts.models import Organisation

    linked = grants["approved"].organisation
    # Written past the validation, as rows saved under the old rules were.
    Organisation.objects.filter(pk=linked.pk).update(charity_number="1123456-1")
    grant = by_id(package(grants_for_export()))[f"{PREFIX}-HP-2026-00001"]
    assert grant["recipientOrganization"][0]["id"] == f"{PREFIX}-org-{linked.pk}"
    # Published as stored, so the data-quality rules show it to be corrected.
    assert grant["recipientOrganization"][0]["charityNumber"] == "1123456-1"


@pytest.mark.parametrize("summary", ["", "Riverside growing club"])
def test_a_description_never_just_repeats_the_title(grants, summary):
    from funding.models import Application

    Application.objects.filter(pk=grants["approved"].pk).update(project_summary=summary)
    grant = grant_record(grants_for_export().get(pk=grants["approved"].pk))
    assert grant["title"] == "Riverside growing club"
    fund = grants["approved"].round.fund.name
    assert grant["description"] == f"Riverside growing club: a grant from the {fund} to Riverside Gardeners."


# --- the start-up checks of the settings -----------------------------------------------------------


def check_ids(*, deploy: bool = False) -> list[str]:
    from django.core.checks import run_checks

    ids = [message.id or "" for message in run_checks(include_deployment_checks=deploy)]
    return [found for found in ids if found.startswith("funding.")]


def test_the_configured_settings_pass_the_checks():
    assert check_ids(deploy=True) == []


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("FUNDER_ORG_ID", "Stockton", "funding.E001"),
        ("FUNDER_ORG_ID", "GB-LAE-STTX", "funding.E001"),
        # Well formed, but Sutton's.
        ("FUNDER_ORG_ID", "GB-LAE-STN", "funding.E002"),
        ("GIVING360_PREFIX", "healthyplaces", "funding.E003"),
        ("GIVING360_LICENSE", "OGL", "funding.E004"),
        ("GIVING360_ACCESS_URL", "grants page", "funding.E004"),
    ],
)
def test_a_setting_in_the_wrong_form_is_an_error_at_start_up(settings, name, value, error):
    setattr(settings, name, value)
    assert check_ids() == [error]


def test_an_empty_prefix_is_a_deployment_warning(settings):
    settings.GIVING360_PREFIX = ""
    assert check_ids() == []
    assert check_ids(deploy=True) == ["funding.W001"]
