import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(
    "url_name", ["account_signup", "account_login", "account_reset_password", "core:home", "core:accessibility"]
)
def test_account_and_public_pages_are_accessible_empty_and_with_errors(page, assert_accessible, url_name):
    page.goto(reverse(url_name))
    assert_accessible(page)

    submit = page.locator("main form button[type=submit]")
    if submit.count():
        submit.first.press("Enter")
        page.wait_for_selector(".govuk-error-summary")
        assert page.title().startswith("Error: ")
        assert_accessible(page)
