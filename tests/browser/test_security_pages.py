import pytest
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import user_set_roles
from tests.browser.signing_in import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_role_change_log_is_accessible_and_filters_by_keyboard(page, assert_accessible):
    admin = UserFactory(email="admin@example.org", roles=[Role.PROGRAMME_ADMIN])
    user_set_roles(actor=admin, user=UserFactory(full_name="Pat Person"), roles=[Role.BOARD_MEMBER])
    sign_in(page, "admin@example.org")

    page.get_by_role("link", name="Role changes").click()
    page.wait_for_url(f"**{reverse('accounts:role_changes')}")
    assert_accessible(page)
    page.get_by_label("Whose roles (email or name)").fill("pat")
    page.get_by_label("Whose roles (email or name)").press("Enter")
    page.wait_for_url("**?*person=pat*")
    assert_accessible(page)
    assert "Pat Person" in page.locator("table").inner_text()


def test_the_privacy_notice_is_accessible_and_reached_from_the_footer(page, assert_accessible):
    page.goto(reverse("core:home"))
    page.get_by_role("link", name="Privacy notice").click()
    page.wait_for_url(f"**{reverse('core:privacy')}")

    assert_accessible(page)
    assert page.get_by_role("heading", name="How long we keep it").is_visible()
