"""Awarded seed-fund grants in the 360Giving Data Standard: a JSON package and a flat CSV.

The JSON follows the 360Giving package and grant schemas (checked offline in tests against the copy
in SHARED_DIR/reference). Each grant also carries the grant fields the Local Government Transparency
Code 2015 asks councils to publish: date awarded (awardDate), time period (plannedDates), department
(fundingOrganization.department), beneficiary (recipientOrganization.name), registration number
(recipientOrganization.charityNumber / companyNumber), purpose (description) and amount
(amountAwarded).

Identifiers:
- grant: "<GIVING360_PREFIX>-<application reference>";
- recipient: an org-id.guide identifier when a registration number is known (GB-CHC- for a charity
  registered in England and Wales, GB-SC- for a Scottish charity (OSCR numbers start "SC"), GB-COH-
  for a company), else "<GIVING360_PREFIX>-org-<organisation id>";
- funder: settings.FUNDER_ORG_ID."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from funding.models import Application
from funding.workflow import AWARDED
from healthyplaces.accounts.models import Organisation
from healthyplaces.core.links import absolute_url
from healthyplaces.core.spreadsheets import csv_rows_text

# The version of the 360Giving Data Standard the output follows (the package's "version" is major.minor).
STANDARD_VERSION = "1.4"
# Councils publish open data under the Open Government Licence; 360Giving accepts it.
LICENSE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# From 360giving-codelists/geoCodeType.csv: "WD", Electoral Wards/Divisions (ONS E05 codes).
WARD_GEOCODE_TYPE = "WD"
# Every ward the portal knows is in England (their ONS codes start E05).
WARD_COUNTRY_CODE = "GB"
# An average month, for plannedDates' duration in months.
DAYS_PER_MONTH = Decimal("30.4375")


def grants_for_export() -> QuerySet[Application]:
    """Applications whose award stands (approved and every state after it). An award always has a
    reference, an amount and a decision time; the filters keep a half-recorded one out of the file
    rather than making it invalid."""
    return (
        Application.objects.filter(
            state__in=AWARDED,
            reference__isnull=False,
            amount_awarded__isnull=False,
            decided_at__isnull=False,
        )
        .select_related("organisation", "round__fund")
        .prefetch_related("wards")
        .order_by("decided_at", "pk")
    )


def _prefix() -> str:
    return str(settings.GIVING360_PREFIX)


def grant_id(application: Application) -> str:
    return f"{_prefix()}-{application.reference}"


def recipient_id(organisation: Organisation) -> str:
    charity = organisation.charity_number.strip()
    if charity:
        return f"GB-SC-{charity}" if charity.upper().startswith("SC") else f"GB-CHC-{charity}"
    company = organisation.company_number.strip()
    if company:
        return f"GB-COH-{company}"
    return f"{_prefix()}-org-{organisation.pk}"


def _number(amount: Decimal) -> int | float:
    """A JSON number: whole pounds as an integer, pence as a decimal fraction."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _date_time(value: datetime.datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _duration_months(starts_on: datetime.date, ends_on: datetime.date) -> int | float:
    days = Decimal((ends_on - starts_on).days + 1)
    return _number((days / DAYS_PER_MONTH).quantize(Decimal("0.1")))


def _planned_dates(application: Application) -> list[dict[str, Any]]:
    starts_on, ends_on = application.starts_on, application.ends_on
    if starts_on is None and ends_on is None:
        return []
    event: dict[str, Any] = {}
    if starts_on is not None:
        event["startDate"] = starts_on.isoformat()
    if ends_on is not None:
        event["endDate"] = ends_on.isoformat()
    if starts_on is not None and ends_on is not None and ends_on >= starts_on:
        event["duration"] = _duration_months(starts_on, ends_on)
    return [event]


def _recipient(organisation: Organisation) -> dict[str, Any]:
    recipient: dict[str, Any] = {"id": recipient_id(organisation), "name": organisation.name}
    if organisation.charity_number.strip():
        recipient["charityNumber"] = organisation.charity_number.strip()
    if organisation.company_number.strip():
        recipient["companyNumber"] = organisation.company_number.strip()
    return recipient


def _locations(application: Application) -> list[dict[str, Any]]:
    locations = []
    for ward in application.wards.all():
        location: dict[str, Any] = {"name": ward.name, "countryCode": WARD_COUNTRY_CODE}
        if ward.ons_code:
            location["geoCode"] = ward.ons_code
            location["geoCodeType"] = WARD_GEOCODE_TYPE
        locations.append(location)
    return locations


def data_source_url() -> str:
    return absolute_url(reverse("funding:rounds"))


def grant_record(application: Application) -> dict[str, Any]:
    """One grant in the 360Giving grant schema. Expects organisation, round and wards loaded (as
    grants_for_export does)."""
    if application.amount_awarded is None or application.decided_at is None:
        raise ValueError(f"{application} has no award to publish")
    record: dict[str, Any] = {
        "id": grant_id(application),
        "title": application.project_title,
        "description": application.project_summary or application.project_title,
        "currency": "GBP",
        "amountAwarded": _number(application.amount_awarded),
        "awardDate": timezone.localtime(application.decided_at).date().isoformat(),
        "recipientOrganization": [_recipient(application.organisation)],
        "fundingOrganization": [
            {
                "id": str(settings.FUNDER_ORG_ID),
                "name": str(settings.FUNDER_NAME),
                "department": str(settings.FUNDING_DEPARTMENT),
            }
        ],
        "grantProgramme": [{"title": application.round.name}],
        "dataSource": data_source_url(),
        "dateModified": _date_time(application.updated_at),
    }
    if application.amount_requested is not None:
        record["amountAppliedFor"] = _number(application.amount_requested)
    planned = _planned_dates(application)
    if planned:
        record["plannedDates"] = planned
    locations = _locations(application)
    if locations:
        record["beneficiaryLocation"] = locations
    return record


def package(applications: Iterable[Application]) -> dict[str, Any]:
    """A 360Giving data package of the given grants, with its publisher and licence."""
    now = _date_time(timezone.now())
    return {
        "version": STANDARD_VERSION,
        "title": f"{settings.FUNDER_NAME}: {settings.SERVICE_NAME} seed fund grants",
        "description": "Grants awarded from the Healthy Places seed fund, in the 360Giving Data Standard.",
        "issued": now,
        "modified": now,
        "license": LICENSE_URL,
        "publisher": {
            "identifier": str(settings.FUNDER_ORG_ID),
            "name": str(settings.FUNDER_NAME),
            "website": str(settings.SITE_URL),
            # Not a package-schema property (it allows others): the publisher's 360Giving prefix,
            # which every grant id starts with.
            "prefix": _prefix(),
        },
        "grants": [grant_record(application) for application in applications],
    }


# The 360Giving flattened column titles: each is the schema's titles along the path, joined by ":".
# An array's first item is "rolled up" into the plain titles; the beneficiary locations after the
# first get numbered columns ("Beneficiary Location:1:Name"), added only when some grant has them.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Identifier", "id"),
    ("Title", "title"),
    ("Description", "description"),
    ("Currency", "currency"),
    ("Amount Applied For", "amountAppliedFor"),
    ("Amount Awarded", "amountAwarded"),
    ("Award Date", "awardDate"),
    ("Planned Dates:Start Date", "plannedDates/startDate"),
    ("Planned Dates:End Date", "plannedDates/endDate"),
    ("Planned Dates:Duration (months)", "plannedDates/duration"),
    ("Recipient Org:Identifier", "recipientOrganization/id"),
    ("Recipient Org:Name", "recipientOrganization/name"),
    ("Recipient Org:Charity Number", "recipientOrganization/charityNumber"),
    ("Recipient Org:Company Number", "recipientOrganization/companyNumber"),
    ("Funding Org:Identifier", "fundingOrganization/id"),
    ("Funding Org:Name", "fundingOrganization/name"),
    ("Funding Org:Department", "fundingOrganization/department"),
    ("Grant Programme:Title", "grantProgramme/title"),
    ("Beneficiary Location:Name", "beneficiaryLocation/name"),
    ("Beneficiary Location:Country Code", "beneficiaryLocation/countryCode"),
    ("Beneficiary Location:Geographic Code", "beneficiaryLocation/geoCode"),
    ("Beneficiary Location:Geographic Code Type", "beneficiaryLocation/geoCodeType"),
    ("Last Modified", "dateModified"),
    ("Data Source", "dataSource"),
)
LOCATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "name"),
    ("Country Code", "countryCode"),
    ("Geographic Code", "geoCode"),
    ("Geographic Code Type", "geoCodeType"),
)


def _value(record: dict[str, Any], path: str) -> Any:
    """The value at "field" or "arrayField/key" (the array's first item); "" when absent."""
    field, _, key = path.partition("/")
    value = record.get(field, "")
    if key:
        value = value[0].get(key, "") if value else ""
    return value


def grant_rows(applications: Iterable[Application]) -> list[list[Any]]:
    """Header, then one row per grant (grants_csv defuses formula-like text)."""
    records: Sequence[dict[str, Any]] = [grant_record(application) for application in applications]
    extra_locations = max((len(record.get("beneficiaryLocation", [])) - 1 for record in records), default=0)
    header = [title for title, _ in COLUMNS]
    for index in range(1, extra_locations + 1):
        header += [f"Beneficiary Location:{index}:{title}" for title, _ in LOCATION_COLUMNS]
    rows: list[list[Any]] = [header]
    for record in records:
        row = [_value(record, path) for _, path in COLUMNS]
        locations = record.get("beneficiaryLocation", [])
        for index in range(1, extra_locations + 1):
            location = locations[index] if index < len(locations) else {}
            row += [location.get(key, "") for _, key in LOCATION_COLUMNS]
        rows.append(row)
    return rows


def grants_csv(applications: Iterable[Application]) -> str:
    return csv_rows_text(grant_rows(applications))
