"""360Giving's offline data-quality rules (funding.giving360_quality): the generated dataset's
package validates against the official schemas with formats and has no findings at all, and each
deliberately bad grant gets a finding from exactly the rule meant to catch it.

Identifiers and numbers here are made up, in the registers' forms."""

import copy
import datetime
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from funding.giving360 import grants_for_export, package
from funding.giving360_quality import RULES, findings, publication_day
from funding.models import Application
from funding.workflow import AWARDED
from healthyplaces.demo.dataset import Sizes, dataset_generate
from tests.funding.test_giving360 import errors

pytestmark = pytest.mark.django_db

PREFIX = "360G-example"
TODAY = datetime.date(2026, 11, 26)
SMALL = Sizes(years=2, users=60, wards=6, insights=10, rounds=4, applications=120, connectors=2, conversations=2)


@pytest.fixture(autouse=True)
def _registered(settings):
    settings.GIVING360_PREFIX = PREFIX


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def test_generated_data_validates_and_has_no_findings(validator):
    dataset_generate(sizes=SMALL, today=TODAY)
    # The generator obeys: no award is dated after its "today".
    assert not Application.objects.filter(state__in=AWARDED, decided_at__gte=start_of(TODAY + datetime.timedelta(1)))

    document = json.loads(json.dumps(package(grants_for_export(TODAY), issued=start_of(TODAY))))

    grants = document["grants"]
    assert len(grants) > 20
    assert errors(validator, document) == []
    assert findings(document) == []
    # What the rules looked at is there to look at: every register's identifier, coded recipient
    # and beneficiary locations, planned dates.
    recipient_ids = {grant["recipientOrganization"][0]["id"].rsplit("-", 1)[0] for grant in grants}
    assert {"GB-CHC", "GB-SC", "GB-NIC", "GB-COH", f"{PREFIX}-org"} <= recipient_ids
    for grant in grants:
        assert grant["recipientOrganization"][0]["location"][0]["geoCodeType"] == "WD"
        assert grant["beneficiaryLocation"][0]["geoCode"].startswith("E05")
        assert grant["plannedDates"][0]["duration"] == 12
        assert grant["awardDate"] <= TODAY.isoformat()
        assert grant["fundingOrganization"][0]["id"] == "GB-LAE-STT"


WARD = {"name": "Stainsby Hill", "countryCode": "GB", "geoCode": "E05999901", "geoCodeType": "WD"}


def good_grant() -> dict[str, Any]:
    return {
        "id": f"{PREFIX}-HP-2026-00001",
        "title": "Riverside growing club",
        "description": "Weekly gardening sessions for older people living alone.",
        "currency": "GBP",
        "amountAwarded": 1500,
        "awardDate": "2026-06-30",
        "plannedDates": [{"startDate": "2026-09-01", "endDate": "2027-08-31", "duration": 12}],
        "recipientOrganization": [
            {
                "id": "GB-CHC-1123456",
                "name": "Riverside Gardeners",
                "charityNumber": "1123456",
                "companyNumber": "01234567",
                "location": [dict(WARD)],
            }
        ],
        "fundingOrganization": [{"id": "GB-LAE-STT", "name": "Stockton-on-Tees Borough Council"}],
        "grantProgramme": [{"title": "Autumn 2026"}],
        "beneficiaryLocation": [dict(WARD)],
        "dataSource": "https://healthyplaces.example.org/funding/",
        "dateModified": "2026-07-01T10:00:00+01:00",
    }


def recipient(grant: dict[str, Any]) -> dict[str, Any]:
    org: dict[str, Any] = grant["recipientOrganization"][0]
    return org


# Each: what is wrong, how to break a good grant so, and the one rule that must find it.
BAD_CASES = [
    ("award dated after publication", lambda g: g.update(awardDate="2026-12-06"), "PostDatedAwardDates"),
    ("8-digit charity number", lambda g: recipient(g).update(charityNumber="12345678"), "RecipientOrgCharityNumber"),
    ("NIC prefix kept", lambda g: recipient(g).update(charityNumber="NIC100002"), "RecipientOrgCharityNumber"),
    ("7-digit company number", lambda g: recipient(g).update(companyNumber="1234567"), "RecipientOrgCompanyNumber"),
    ("linked-charity id", lambda g: recipient(g).update(id="GB-CHC-1123456-1"), "OrganizationIdLooksInvalid"),
    ("8-digit charity id", lambda g: recipient(g).update(id="GB-CHC-12345678"), "OrganizationIdLooksInvalid"),
    (
        "malformed council id",
        lambda g: g["fundingOrganization"][0].update(id="GB-LAE-STTX"),
        "OrganizationIdLooksInvalid",
    ),
    ("no recipient location", lambda g: recipient(g).pop("location"), "IncompleteRecipientOrg"),
    (
        "recipient location without codes",
        lambda g: recipient(g).update(location=[{"name": "Newtown", "countryCode": "GB"}]),
        "IncompleteRecipientOrg",
    ),
    ("no planned dates", lambda g: g.pop("plannedDates"), "PlannedDatesMissing"),
    ("a start and no end", lambda g: g.update(plannedDates=[{"startDate": "2026-09-01"}]), "PlannedDatesMissing"),
    (
        "start after end",
        lambda g: g.update(plannedDates=[{"startDate": "2027-09-01", "endDate": "2027-08-31"}]),
        "PlannedStartDateBeforeEndDate",
    ),
    ("no beneficiary location", lambda g: g.pop("beneficiaryLocation"), "NoBeneficiaryLocation"),
    ("title as description", lambda g: g.update(description=g["title"]), "TitleDescriptionSame"),
    ("long title", lambda g: g.update(title="A" * 141), "TitleLength"),
    ("£0 award", lambda g: g.update(amountAwarded=0), "ZeroAmountTest"),
    (
        "an email address",
        lambda g: g.update(description="Contact ann@example.org about the sessions."),
        "LooksLikeEmail",
    ),
    ("no grant programme", lambda g: g.pop("grantProgramme"), "NoGrantProgramme"),
    ("no last modified", lambda g: g.pop("dateModified"), "NoLastModified"),
    ("no data source", lambda g: g.pop("dataSource"), "NoDataSource"),
]


def test_the_good_grant_is_valid_and_clean(validator):
    document = {"grants": [good_grant()], "issued": "2026-12-05T09:00:00+00:00"}
    assert errors(validator, document) == []
    assert findings(document) == []


@pytest.mark.parametrize(("case", "spoil", "check"), BAD_CASES, ids=[case for case, _, _ in BAD_CASES])
def test_each_bad_case_gets_a_finding_from_its_rule(case, spoil, check):
    grant = copy.deepcopy(good_grant())
    spoil(grant)
    found = findings({"grants": [grant], "issued": "2026-12-05T09:00:00+00:00"})
    assert [finding.check for finding in found] == [check], found
    assert found[0].grant_id == f"{PREFIX}-HP-2026-00001"


def test_every_rule_has_a_bad_case():
    assert {check for _, _, check in BAD_CASES} == set(RULES)


def test_award_dates_are_compared_with_the_day_of_publication():
    grant = good_grant() | {"awardDate": "2026-12-05"}
    assert findings({"grants": [grant], "issued": "2026-12-05T23:30:00+00:00"}) == []
    assert [f.check for f in findings({"grants": [grant], "issued": "2026-12-04"})] == ["PostDatedAwardDates"]
    assert publication_day({"issued": "2026-12-04"}) == datetime.date(2026, 12, 4)
    assert publication_day({}) == timezone.localdate()


def test_the_command_reports_findings_and_refuses_without_a_prefix(settings, capsys):
    dataset_generate(sizes=SMALL, today=TODAY)
    call_command("check_360giving")
    assert "no data-quality findings" in capsys.readouterr().out

    Application.objects.filter(pk=grants_for_export().first().pk).update(project_summary="", project_title="")
    Application.objects.filter(pk=grants_for_export().last().pk).update(starts_on=None, ends_on=None)
    with pytest.raises(CommandError, match="1 data-quality findings"):
        call_command("check_360giving")
    assert "PlannedDatesMissing" in capsys.readouterr().out

    settings.GIVING360_PREFIX = ""
    with pytest.raises(CommandError, match="no 360Giving publisher prefix"):
        call_command("check_360giving")
