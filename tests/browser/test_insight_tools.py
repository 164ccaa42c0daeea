import pytest
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from tests.browser.signing_in import sign_in
from tests.factories import PopulationGroupFactory, ThemeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_import_and_counts_pages_are_accessible_by_keyboard(page, assert_accessible, tmp_path):
    ThemeFactory(name="Food")
    PopulationGroupFactory(name="Carers", seldom_heard=True)
    UserFactory(email="officer@example.org", roles=[Role.COUNCIL_OFFICER])
    sign_in(page, "officer@example.org")

    page.goto(reverse("insights:counts"))
    assert_accessible(page)

    page.goto(reverse("insights:import"))
    assert_accessible(page)
    page.get_by_role("button", name="Upload", exact=True).press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)

    bad = tmp_path / "survey.csv"
    bad.write_text("Title,What people said,Date heard\nBus,No shelter,31/02/2026\n", encoding="utf-8")
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload", exact=True).press("Enter")
    page.wait_for_url("**/columns/")
    assert_accessible(page)
    page.get_by_label("Source").select_option(label="Every row: Survey")
    page.get_by_label("Consent basis").select_option(label="Every row: Anonymous")
    page.get_by_role("button", name="Check the rows").press("Enter")
    page.wait_for_url("**/check/")
    assert "is not a date" in page.content()
    assert_accessible(page)
