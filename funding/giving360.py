"""Awarded seed-fund grants in the 360Giving Data Standard: a JSON package and a flat CSV.

The JSON follows the 360Giving package and grant schemas (checked offline in tests against the copy
in SHARED_DIR/reference), and passes the offline data-quality rules in funding.giving360_quality.
Each grant also carries the grant fields the Local Government Transparency Code 2015 asks councils
to publish: date awarded (awardDate), time period (plannedDates), department
(fundingOrganization.department), beneficiary (recipientOrganization.name), registration number
(recipientOrganization.charityNumber / companyNumber), purpose (description) and amount
(amountAwarded).

Identifiers (accounts.org_ids has the conventions):
- grant: "<GIVING360_PREFIX>-<application reference>";
- recipient: the org-id.guide identifier of its charity or company number (GB-CHC-, GB-SC-,
  GB-NIC-, GB-COH-) when it has one in a register's form, else "<GIVING360_PREFIX>-org-<id>";
- funder and publisher: settings.FUNDER_ORG_ID (checked at start-up, funding/checks.py).

Nothing is published until 360Giving has registered the council's prefix (publication_problem):
every grant id starts with it, and a made-up one would go out as if it were real. An award dated
after the day of publication is not an award yet: it is left out, and refused if passed in."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from funding.giving360_quality import Finding, findings
from funding.models import Application
from funding.workflow import AWARDED
from healthyplaces.accounts.models import Organisation
from healthyplaces.accounts.org_ids import (
    grant_prefix_problem,
    normalise_number,
    published_charity_number,
    published_company_number,
    registered_org_id,
)
from healthyplaces.core.links import absolute_url
from healthyplaces.core.spreadsheets import csv_rows_text
from healthyplaces.vocabulary.models import Ward

# The version of the 360Giving Data Standard the output follows (the package's "version" is major.minor).
STANDARD_VERSION = "1.4"
# From 360giving-codelists/geoCodeType.csv: "WD", Electoral Wards/Divisions (ONS E05 codes).
WARD_GEOCODE_TYPE = "WD"
# Every ward the portal knows is in England (their ONS codes start E05).
WARD_COUNTRY_CODE = "GB"
# An average month, for plannedDates' duration in months.
DAYS_PER_MONTH = Decimal("30.4375")


class NotPublishable(ValueError):
    """Asked to publish what must not go out: no registered prefix, or an award not yet made."""


def publication_problem() -> str | None:
    """Why the grants cannot be published now, in words for the officer on the export page; None
    when they can."""
    prefix = str(settings.GIVING360_PREFIX)
    if not prefix:
        return (
            "The council has no 360Giving publisher prefix configured yet (the GIVING360_PREFIX setting). "
            "360Giving issues one when a publisher registers, and every grant identifier starts with it, "
            "so nothing is published until it is set."
        )
    problem = grant_prefix_problem(prefix)
    return f"The GIVING360_PREFIX setting is wrong: {problem}." if problem else None


def _start_of_day_after(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def grants_for_export(published_on: datetime.date | None = None) -> QuerySet[Application]:
    """Applications whose award stands (approved and every state after it) and was made on or
    before the day of publication (today unless given). An award always has a reference, an amount
    and a decision time; the filters keep a half-recorded one out of the file rather than making it
    invalid."""
    published_on = published_on or timezone.localdate()
    return (
        Application.objects.filter(
            state__in=AWARDED,
            reference__isnull=False,
            amount_awarded__isnull=False,
            decided_at__isnull=False,
            decided_at__lt=_start_of_day_after(published_on),
        )
        .select_related("organisation__ward", "round__fund")
        .prefetch_related("wards")
        .order_by("decided_at", "pk")
    )


def awards_after(published_on: datetime.date | None = None) -> int:
    """How many standing awards are dated after the day of publication (left out until that day)."""
    published_on = published_on or timezone.localdate()
    return Application.objects.filter(
        state__in=AWARDED, decided_at__gte=_start_of_day_after(published_on), amount_awarded__isnull=False
    ).count()


def _prefix() -> str:
    return str(settings.GIVING360_PREFIX)


def grant_id(application: Application) -> str:
    return f"{_prefix()}-{application.reference}"


def recipient_id(organisation: Organisation) -> str:
    registered = registered_org_id(
        charity_number=organisation.charity_number, company_number=organisation.company_number
    )
    return registered or f"{_prefix()}-org-{organisation.pk}"


def _number(amount: Decimal) -> int | float:
    """A JSON number: whole pounds as an integer, pence as a decimal fraction."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _date_time(value: datetime.datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _duration_months(starts_on: datetime.date, ends_on: datetime.date) -> int | float:
    days = Decimal((ends_on - starts_on).days + 1)
    return _number((days / DAYS_PER_MONTH).quantize(Decimal("0.1")))


def _planned_dates(application: Application) -> list[dict[str, Any]]:
    """The grant's period: the project's start and end dates as the group gave them."""
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


def _ward_location(ward: Ward) -> dict[str, Any]:
    """A ward as a 360Giving location: its ONS code where the portal knows it; a ward without one
    has no code fields at all (an empty code would claim a code that is blank)."""
    location: dict[str, Any] = {"name": ward.name, "countryCode": WARD_COUNTRY_CODE}
    if ward.ons_code:
        location["geoCode"] = ward.ons_code
        location["geoCodeType"] = WARD_GEOCODE_TYPE
    return location


def _recipient(organisation: Organisation) -> dict[str, Any]:
    recipient: dict[str, Any] = {"id": recipient_id(organisation), "name": organisation.name}
    # A number in a register's form is published as the register writes it; one stored before the
    # form was checked goes out as it is (its id falls back to the 360G- one), so the data-quality
    # rules on the export page show it to be corrected rather than hiding it.
    charity = organisation.charity_number.strip()
    if charity:
        recipient["charityNumber"] = published_charity_number(charity) or charity
    company = organisation.company_number.strip()
    if company:
        recipient["companyNumber"] = published_company_number(company) or normalise_number(company)
    if organisation.ward is not None:
        recipient["location"] = [_ward_location(organisation.ward)]
    return recipient


def _description(application: Application) -> str:
    """The project's summary; when there is none, or it only repeats the title, a sentence that
    says more than the title (360Giving flags a description equal to the title)."""
    title = application.project_title.strip()
    summary = application.project_summary.strip()
    if summary and summary != title:
        return summary
    grant = f"grant from the {application.round.fund.name} to {application.organisation.name}."
    return f"{title}: a {grant}" if title else f"A {grant}"


def data_source_url() -> str:
    return absolute_url(reverse("funding:rounds"))


def access_url() -> str:
    return str(settings.GIVING360_ACCESS_URL) or data_source_url()


def award_date(application: Application) -> datetime.date:
    if application.decided_at is None:
        raise NotPublishable(f"{application} has no award to publish")
    return timezone.localtime(application.decided_at).date()


def grant_record(application: Application, *, published_on: datetime.date | None = None) -> dict[str, Any]:
    """One grant in the 360Giving grant schema. Expects organisation (with its ward), round (with
    its fund) and wards loaded, as grants_for_export does."""
    if application.amount_awarded is None or application.decided_at is None:
        raise NotPublishable(f"{application} has no award to publish")
    published_on = published_on or timezone.localdate()
    awarded_on = award_date(application)
    if awarded_on > published_on:
        raise NotPublishable(f"{application} is dated {awarded_on}, after the day of publication, {published_on}")
    record: dict[str, Any] = {
        "id": grant_id(application),
        "title": application.project_title,
        "description": _description(application),
        "currency": "GBP",
        "amountAwarded": _number(application.amount_awarded),
        "awardDate": awarded_on.isoformat(),
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
    locations = [_ward_location(ward) for ward in application.wards.all()]
    if locations:
        record["beneficiaryLocation"] = locations
    return record


def _check_publishable() -> None:
    problem = publication_problem()
    if problem:
        raise NotPublishable(problem)


def package(applications: Iterable[Application], *, issued: datetime.datetime | None = None) -> dict[str, Any]:
    """A 360Giving data package of the given grants, with its identifier, publisher, licence and
    where it is published. Refuses (NotPublishable) without a registered prefix, or with an award
    dated after the day it is issued."""
    _check_publishable()
    issued = issued or timezone.now()
    published_on = timezone.localtime(issued).date()
    stamp = _date_time(issued)
    return {
        "version": STANDARD_VERSION,
        # Unique for the publisher: its prefix and the moment of issue.
        "identifier": f"{_prefix()}-seed-fund-grants-{timezone.localtime(issued):%Y%m%dT%H%M%S}",
        "title": f"{settings.FUNDER_NAME}: {settings.SERVICE_NAME} seed fund grants",
        "description": "Grants awarded from the Healthy Places seed fund, in the 360Giving Data Standard.",
        "issued": stamp,
        "modified": stamp,
        "license": str(settings.GIVING360_LICENSE),
        "accessURL": access_url(),
        "publisher": {
            "identifier": str(settings.FUNDER_ORG_ID),
            "name": str(settings.FUNDER_NAME),
            "website": str(settings.SITE_URL),
            # Not a package-schema property (it allows others): the publisher's 360Giving prefix,
            # which every grant id starts with.
            "prefix": _prefix(),
        },
        "grants": [grant_record(application, published_on=published_on) for application in applications],
    }


@dataclass(frozen=True)
class ExportOverview:
    """What the export page tells the officer before they publish."""

    problem: str | None  # why nothing can be published, if it cannot
    grant_count: int  # awards the files would hold today
    later_count: int  # awards dated after today, left out until then
    findings: list[Finding]  # 360Giving's offline data-quality rules on the package as it would go out


def export_overview() -> ExportOverview:
    problem = publication_problem()
    grants = grants_for_export()
    grant_count = grants.count()
    found = findings(package(grants)) if grant_count and not problem else []
    return ExportOverview(problem=problem, grant_count=grant_count, later_count=awards_after(), findings=found)


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
    # Location is not rolled up into Recipient Org, so its first item keeps its index.
    ("Recipient Org:Location:0:Name", "recipientOrganization/location/name"),
    ("Recipient Org:Location:0:Country Code", "recipientOrganization/location/countryCode"),
    ("Recipient Org:Location:0:Geographic Code", "recipientOrganization/location/geoCode"),
    ("Recipient Org:Location:0:Geographic Code Type", "recipientOrganization/location/geoCodeType"),
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
    """The value at a path such as "title" or "recipientOrganization/location/geoCode", taking
    each array's first item on the way; "" when absent."""
    value: Any = record
    for key in path.split("/"):
        if isinstance(value, list):
            value = value[0] if value else {}
        value = value.get(key, "") if isinstance(value, dict) else ""
    return value


def grant_rows(applications: Iterable[Application], *, published_on: datetime.date | None = None) -> list[list[Any]]:
    """Header, then one row per grant; grants_csv defuses formula-like text. Refuses
    (NotPublishable) as package does."""
    _check_publishable()
    records: Sequence[dict[str, Any]] = [
        grant_record(application, published_on=published_on) for application in applications
    ]
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


def grants_csv(applications: Iterable[Application], *, published_on: datetime.date | None = None) -> str:
    return csv_rows_text(grant_rows(applications, published_on=published_on))
