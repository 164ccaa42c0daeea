"""360Giving's data-quality rules that need nothing but the package, run before publishing.

360Giving's Data Quality Tool (ThreeSixtyGiving/dataquality, lib360dataquality/cove/threesixtygiving.py)
runs "quality" and "usefulness" checks over a file after it passes the schema. The ones below are
those that can run offline, each named by the tool's check so its findings read alike:

- PostDatedAwardDates: an awardDate after the day of publication (the tool compares with now).
- RecipientOrgCharityNumber: a charityNumber that, less two leading letters (SC, NI), is not 6 or
  7 digits.
- RecipientOrgCompanyNumber: a companyNumber that is not 8 letters or digits.
- OrganizationIdLooksInvalid: a funder or recipient id whose number does not fit its register. The
  tool checks GB-CHC- and GB-COH-; this also checks GB-SC-, GB-NIC-, GB-LAE- and the shape of any
  other id (accounts.org_ids.org_id_problem).
- IncompleteRecipientOrg: a recipient with neither a postalCode nor a location with geoCode and
  geoCodeType.
- PlannedDatesMissing: no planned start and end (or duration). Not one of the tool's checks: the
  Transparency Code's "time period", which 360Giving's guidance asks for as plannedDates.
- PlannedStartDateBeforeEndDate: a planned start after the planned end.
- NoBeneficiaryLocation: no beneficiaryLocation.
- TitleDescriptionSame: a title and a description that are the same.
- TitleLength: a title longer than 140 characters.
- ZeroAmountTest: an amountAwarded of 0.
- LooksLikeEmail: text that looks like an email address (personal data).
- NoGrantProgramme, NoLastModified, NoDataSource: those fields missing.

Left out on purpose: RecipientOrg360GPrefix and NoRecipientOrgCompanyCharityNumber flag every
grassroots group, which has no charity or company number and gets the 360G- identifier 360Giving's
own guidance prescribes (the tool says to ignore them then); the unrecognised-prefix checks need
org-id.guide's live list of registers."""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from healthyplaces.accounts.org_ids import org_id_problem

TITLE_MAX = 140
# The tool's own pattern for text that looks like an email address.
EMAIL = re.compile(r"[\w.-]+@[\w.-]+\.[\w.-]+")
CHARITY_DIGITS = re.compile(r"^[0-9]{6,7}$")
COMPANY = re.compile(r"^\w{8}$")


@dataclass(frozen=True)
class Finding:
    check: str  # the Data Quality Tool's name for the check
    grant_id: str
    path: str  # where in the grant, as the tool writes it ("recipientOrganization/0/charityNumber")
    message: str


Grant = dict[str, Any]
Rule = Callable[[Grant, datetime.date], Iterator[tuple[str, str]]]


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def post_dated_award_dates(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    awarded = _date(grant.get("awardDate", ""))
    if awarded and awarded > today:
        yield "awardDate", f"awarded on {awarded}, after the day of publication ({today})"


def recipient_org_charity_number(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    for index, organisation in enumerate(grant.get("recipientOrganization", [])):
        if "charityNumber" not in organisation:
            continue
        number = str(organisation["charityNumber"])
        digits = number[2:] if number[:2].isalpha() else number
        if not CHARITY_DIGITS.fullmatch(digits):
            yield f"recipientOrganization/{index}/charityNumber", f"“{number}” does not look like a UK charity number"


def recipient_org_company_number(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    for index, organisation in enumerate(grant.get("recipientOrganization", [])):
        if "companyNumber" in organisation and not COMPANY.fullmatch(str(organisation["companyNumber"])):
            number = organisation["companyNumber"]
            yield f"recipientOrganization/{index}/companyNumber", f"“{number}” does not look like a company number"


def organization_id_looks_invalid(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    for field in ("fundingOrganization", "recipientOrganization"):
        for index, organisation in enumerate(grant.get(field, [])):
            problem = org_id_problem(str(organisation.get("id", "")))
            if problem:
                yield f"{field}/{index}/id", problem


def incomplete_recipient_org(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    for index, organisation in enumerate(grant.get("recipientOrganization", [])):
        coded = any(
            location.get("geoCode") and location.get("geoCodeType") for location in organisation.get("location", [])
        )
        if not organisation.get("postalCode") and not coded:
            yield f"recipientOrganization/{index}/id", "the recipient has no postcode or coded location"


def planned_dates_missing(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    planned = (grant.get("plannedDates") or [{}])[0]
    if not planned.get("startDate") or not (planned.get("endDate") or planned.get("duration")):
        yield "plannedDates", "no planned start and end (or duration)"


def planned_start_date_before_end_date(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    planned = (grant.get("plannedDates") or [{}])[0]
    starts, ends = _date(planned.get("startDate", "")), _date(planned.get("endDate", ""))
    if starts and ends and starts > ends:
        yield "plannedDates/0/startDate", f"the planned start, {starts}, is after the planned end, {ends}"


def no_beneficiary_location(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    if not grant.get("beneficiaryLocation"):
        yield "id", "no beneficiary location"


def title_description_same(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    if grant.get("title") and grant.get("title") == grant.get("description"):
        yield "description", "the description is the same as the title"


def title_length(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    if len(grant.get("title", "")) > TITLE_MAX:
        yield "title", f"the title is longer than {TITLE_MAX} characters"


def zero_amount(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    if grant.get("amountAwarded") == 0:
        yield "amountAwarded", "an award of £0"


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}/{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}/{index}")
    elif isinstance(value, str):
        yield path, value


def looks_like_email(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
    for path, text in _strings(grant, ""):
        if "email" not in path and EMAIL.search(text):
            yield path, "text that looks like an email address"


def _missing(field: str, label: str) -> Rule:
    def rule(grant: Grant, today: datetime.date) -> Iterator[tuple[str, str]]:
        if not grant.get(field):
            yield "id", f"no {label}"

    return rule


RULES: dict[str, Rule] = {
    "PostDatedAwardDates": post_dated_award_dates,
    "RecipientOrgCharityNumber": recipient_org_charity_number,
    "RecipientOrgCompanyNumber": recipient_org_company_number,
    "OrganizationIdLooksInvalid": organization_id_looks_invalid,
    "IncompleteRecipientOrg": incomplete_recipient_org,
    "PlannedDatesMissing": planned_dates_missing,
    "PlannedStartDateBeforeEndDate": planned_start_date_before_end_date,
    "NoBeneficiaryLocation": no_beneficiary_location,
    "TitleDescriptionSame": title_description_same,
    "TitleLength": title_length,
    "ZeroAmountTest": zero_amount,
    "LooksLikeEmail": looks_like_email,
    "NoGrantProgramme": _missing("grantProgramme", "grant programme"),
    "NoLastModified": _missing("dateModified", "last modified date"),
    "NoDataSource": _missing("dataSource", "data source"),
}


def publication_day(document: dict[str, Any]) -> datetime.date:
    """The day the package was issued, which no award may come after; today if it does not say."""
    issued = document.get("issued")
    if issued:
        try:
            moment = datetime.datetime.fromisoformat(issued)
        except ValueError:
            return timezone.localdate()
        return moment.date() if timezone.is_naive(moment) else timezone.localtime(moment).date()
    return timezone.localdate()


def findings(document: dict[str, Any], *, today: datetime.date | None = None) -> list[Finding]:
    """Every rule over every grant of a 360Giving package, in grant order."""
    today = today or publication_day(document)
    found: list[Finding] = []
    for grant in document.get("grants", []):
        grant_id = str(grant.get("id", ""))
        for check, rule in RULES.items():
            found += [Finding(check, grant_id, path, message) for path, message in rule(grant, today)]
    return found
