"""Organisations' registration numbers follow the registers' forms (org-id.guide, as 360Giving
publishes them): each wrong form gets its own error beside the field in the organisation form, the
service refuses it too, and each right form becomes the register's identifier.

The numbers here are made up, in the registers' forms."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from healthyplaces.accounts.models import Organisation
from healthyplaces.accounts.org_ids import (
    charity_number_problem,
    company_number_problem,
    council_name_mismatch,
    grant_prefix_problem,
    normalise_number,
    org_id_problem,
    published_charity_number,
    registered_org_id,
)
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import organisation_save
from tests.factories import UserFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "org_id", "published"),
    [
        ("123456", "GB-CHC-123456", "123456"),
        ("1123456", "GB-CHC-1123456", "1123456"),
        ("sc 012345", "GB-SC-SC012345", "SC012345"),
        ("NIC100002", "GB-NIC-100002", "100002"),
        ("nic 100002", "GB-NIC-100002", "100002"),
    ],
)
def test_each_register_gets_its_own_identifier(typed, org_id, published):
    number = normalise_number(typed)
    assert charity_number_problem(number) is None
    assert registered_org_id(charity_number=number, company_number="") == org_id
    assert published_charity_number(number) == published


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345678", "An England and Wales charity number has 6 or 7 digits, like 1123456"),
        ("12345", "An England and Wales charity number has 6 or 7 digits, like 1123456"),
        ("1123456-1", "Enter the main charity number, 1123456, without the “-1”"),
        ("SC12345", "A Scottish charity number is SC followed by 6 digits, like SC012345"),
        ("NIC10002", "A Northern Ireland charity number is NIC followed by 6 digits, like NIC100002"),
        ("NI100002", "A Northern Ireland charity number is NIC followed by 6 digits, like NIC100002"),
        ("CHARITY", "Enter a charity number like 1123456 (England and Wales), SC012345 (Scotland) or NIC100002"),
        # Digits of another script are not a register's number.
        ("١١٢٣٤٥٦", "Enter a charity number like 1123456"),
    ],
)
def test_each_wrong_charity_number_gets_a_specific_error(typed, message):
    problem = charity_number_problem(normalise_number(typed))
    assert problem is not None
    assert problem.startswith(message)
    # No identifier is made from a number no register would recognise.
    assert registered_org_id(charity_number=typed, company_number="") is None


def test_company_numbers():
    assert company_number_problem("01234567") is None
    assert company_number_problem("SC123456") is None
    assert registered_org_id(charity_number="", company_number="sc123456") == "GB-COH-SC123456"
    assert company_number_problem("1234567") == (
        "A company number has 8 characters: add the leading zeros, like 01234567"
    )
    assert company_number_problem("ABC12345") == "Enter a company number of 8 characters, like 01234567 or SC123456"
    # A charitable company is known by its charity number.
    assert registered_org_id(charity_number="1123456", company_number="01234567") == "GB-CHC-1123456"


@pytest.mark.parametrize(
    "org_id",
    ["GB-LAE-STT", "GB-CHC-1123456", "GB-SC-SC012345", "GB-NIC-100002", "GB-COH-01234567", "GB-NHS-RTR", "360G-abc"],
)
def test_identifiers_in_the_conventions(org_id):
    assert org_id_problem(org_id) is None


@pytest.mark.parametrize(
    "org_id",
    [
        "GB-LAE-STT\n",
        "GB-CHC-١١٢٣٤٥٦",
        "GB-LAE-stt",
        "GB-LAE-STTX",
        "GB-CHC-12345678",
        "GB-CHC-1123456-1",
        "GB-SC-012345",
        "Stockton",
        "",
    ],
)
def test_identifiers_outside_the_conventions(org_id):
    assert org_id_problem(org_id)


def test_a_council_identifier_that_names_another_council():
    assert council_name_mismatch("GB-LAE-STT", "Stockton-on-Tees Borough Council") is None
    assert council_name_mismatch("GB-LAE-STN", "Stockton-on-Tees Borough Council") == (
        "GB-LAE-STN is Sutton's identifier, but the funder is “Stockton-on-Tees Borough Council”"
    )
    assert grant_prefix_problem("360G-stockton") is None
    assert grant_prefix_problem("stockton")


def test_the_service_refuses_a_number_in_the_wrong_form_and_stores_the_right_one_normalised():
    with pytest.raises(ValidationError) as refused:
        organisation_save(organisation=Organisation(name="Linked", type="vcse", charity_number="1123456-1"))
    assert refused.value.message_dict == {
        "charity_number": ["Enter the main charity number, 1123456, without the “-1”"]
    }
    assert not Organisation.objects.filter(name="Linked").exists()

    saved = organisation_save(
        organisation=Organisation(name="Border Walkers", type="vcse", charity_number=" sc 012345", company_number="")
    )
    saved.refresh_from_db()
    assert saved.charity_number == "SC012345"


def test_the_organisation_form_shows_the_error_beside_the_field(client):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
    ward = WardFactory(name="Stainsby Hill", ons_code="E05999901")
    url = reverse("admin:accounts_organisation_add")
    data = {"name": "Tees Valley Trust", "type": "vcse", "charity_number": "12345678", "company_number": "1234567"}

    response = client.post(url, data | {"ward": ward.pk})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["charity_number"] == ["An England and Wales charity number has 6 or 7 digits, like 1123456"]
    assert errors["company_number"] == ["A company number has 8 characters: add the leading zeros, like 01234567"]
    assert not Organisation.objects.filter(name="Tees Valley Trust").exists()

    response = client.post(url, data | {"ward": ward.pk, "charity_number": "nic100002", "company_number": "01234567"})

    assert response.status_code == 302
    saved = Organisation.objects.get(name="Tees Valley Trust")
    assert (saved.charity_number, saved.company_number, saved.ward) == ("NIC100002", "01234567", ward)
