"""Organisation identifiers as org-id.guide and 360Giving write them, and the registration numbers
they are made from (SHARED_DIR/reference/360GIVING-SOURCE.md, "Identifiers").

- England and Wales charity: 6 or 7 digits -> GB-CHC-1123456. The Charity Commission's "-1"
  suffix for a linked charity is not part of the identifier, so it is refused rather than guessed.
- Scottish charity (OSCR): SC and 6 digits -> GB-SC-SC012345.
- Northern Ireland charity: the Charity Commission for Northern Ireland's number, 6 digits, typed
  with its NIC prefix so that it cannot be mistaken for an England and Wales number ->
  GB-NIC-100002 (the published charity number is the digits).
- Company (Companies House): 8 characters, 8 digits or 2 letters and 6 digits -> GB-COH-01234567.
- A council in England: GB-LAE- and its three-letter code from the local-authorities-in-England
  register (Stockton-on-Tees is STT; STN is Sutton).

Numbers are checked by their form only: whether a charity of that number exists is the register's
business (360Giving's own data-quality checks also look at the form only)."""

import re

from django.core.exceptions import ValidationError

# [0-9], not \d: registers number in ASCII digits, and \d would take other scripts' digits too.
DIGITS = re.compile(r"^[0-9]+$")
ENGLAND_WALES_CHARITY = re.compile(r"^[0-9]{6,7}$")
LINKED_CHARITY = re.compile(r"^([0-9]{6,7})-[0-9]{1,2}$")
SCOTTISH_CHARITY = re.compile(r"^SC[0-9]{6}$")
NORTHERN_IRELAND_CHARITY = re.compile(r"^NIC([0-9]{6})$")
COMPANY = re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$")
GRANT_PREFIX = re.compile(r"^360G-[A-Za-z0-9][A-Za-z0-9_-]*$")

CHARITY_EXAMPLES = "like 1123456 (England and Wales), SC012345 (Scotland) or NIC100002 (Northern Ireland)"

# The form each register's identifiers take after the prefix; a prefix not listed here is checked
# only for the general shape of an org-id.guide identifier (country-register-identifier).
KNOWN_SCHEMES: dict[str, re.Pattern[str]] = {
    "GB-LAE": re.compile(r"^[A-Z]{3}$"),
    "GB-LAS": re.compile(r"^[A-Z]{3}$"),
    "GB-PLA": re.compile(r"^[A-Z]{3}$"),
    "GB-CHC": ENGLAND_WALES_CHARITY,
    "GB-SC": SCOTTISH_CHARITY,
    "GB-NIC": re.compile(r"^[0-9]{6}$"),
    "GB-COH": COMPANY,
}
ORG_ID_SHAPE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,}-\S+$")

# Councils the source notes name, by their GB-LAE code: enough to catch a funder id that names a
# different council from FUNDER_NAME (the export once published Stockton's grants as Sutton's).
ENGLISH_COUNCIL_CODES = {
    "STT": "Stockton-on-Tees",
    "STN": "Sutton",
    "MDB": "Middlesbrough",
    "HPL": "Hartlepool",
    "DAL": "Darlington",
    "RCC": "Redcar and Cleveland",
}


def normalise_number(value: str) -> str:
    """How a registration number is stored: capitals, no spaces ("sc 012345" -> "SC012345")."""
    return re.sub(r"\s+", "", value or "").upper()


def charity_number_problem(value: str) -> str | None:
    """What is wrong with a (normalised) charity number, in words the person typing it can act on;
    None when it has a register's form."""
    if not value:
        return None
    if any(form.fullmatch(value) for form in (ENGLAND_WALES_CHARITY, SCOTTISH_CHARITY, NORTHERN_IRELAND_CHARITY)):
        return None
    linked = LINKED_CHARITY.fullmatch(value)
    if linked:
        return f"Enter the main charity number, {linked.group(1)}, without the “{value[len(linked.group(1)) :]}”"
    if DIGITS.fullmatch(value):
        return "An England and Wales charity number has 6 or 7 digits, like 1123456"
    if value.startswith("SC"):
        return "A Scottish charity number is SC followed by 6 digits, like SC012345"
    if value.startswith("NI"):
        return "A Northern Ireland charity number is NIC followed by 6 digits, like NIC100002"
    return f"Enter a charity number {CHARITY_EXAMPLES}"


def company_number_problem(value: str) -> str | None:
    if not value or COMPANY.fullmatch(value):
        return None
    if DIGITS.fullmatch(value) and len(value) < 8:
        return "A company number has 8 characters: add the leading zeros, like 01234567"
    return "Enter a company number of 8 characters, like 01234567 or SC123456"


def validate_charity_number(value: str) -> None:
    problem = charity_number_problem(normalise_number(value))
    if problem:
        raise ValidationError(problem, code="invalid")


def validate_company_number(value: str) -> None:
    problem = company_number_problem(normalise_number(value))
    if problem:
        raise ValidationError(problem, code="invalid")


def published_charity_number(value: str) -> str | None:
    """The charity number as 360Giving's "Charity Number" field expects it (the register's own
    number); None when the stored value has no register's form."""
    value = normalise_number(value)
    if charity_number_problem(value) or not value:
        return None
    northern_ireland = NORTHERN_IRELAND_CHARITY.fullmatch(value)
    return northern_ireland.group(1) if northern_ireland else value


def published_company_number(value: str) -> str | None:
    value = normalise_number(value)
    return value if value and not company_number_problem(value) else None


def registered_org_id(*, charity_number: str, company_number: str) -> str | None:
    """The org-id.guide identifier for an organisation's registration, charity before company
    (most charitable companies are known by their charity number); None when it has neither in a
    register's form."""
    charity = normalise_number(charity_number)
    published = published_charity_number(charity)
    if published:
        if SCOTTISH_CHARITY.fullmatch(charity):
            return f"GB-SC-{published}"
        if NORTHERN_IRELAND_CHARITY.fullmatch(charity):
            return f"GB-NIC-{published}"
        return f"GB-CHC-{published}"
    company = published_company_number(company_number)
    return f"GB-COH-{company}" if company else None


def org_id_problem(org_id: str) -> str | None:
    """What is wrong with an organisation identifier; None when it follows the conventions."""
    if GRANT_PREFIX.fullmatch(org_id):
        return None
    for scheme, pattern in KNOWN_SCHEMES.items():
        if org_id.startswith(f"{scheme}-"):
            if pattern.fullmatch(org_id[len(scheme) + 1 :]):
                return None
            return f"“{org_id}” does not have the form of a {scheme} identifier"
    if ORG_ID_SHAPE.fullmatch(org_id):
        return None
    return f"“{org_id}” is not an org-id.guide identifier (a register's prefix, such as GB-LAE-, and its code)"


def council_name_mismatch(org_id: str, name: str) -> str | None:
    """When a GB-LAE identifier is one the source notes name and the funder's name is not that
    council's, say which council the identifier belongs to."""
    if not org_id.startswith("GB-LAE-"):
        return None
    council = ENGLISH_COUNCIL_CODES.get(org_id.removeprefix("GB-LAE-"))
    if council is None or council.lower() in name.lower():
        return None
    return f"{org_id} is {council}'s identifier, but the funder is “{name}”"


def grant_prefix_problem(prefix: str) -> str | None:
    if GRANT_PREFIX.fullmatch(prefix):
        return None
    return f"“{prefix}” is not a 360Giving publisher prefix: they start “360G-”, then letters, digits or hyphens"
