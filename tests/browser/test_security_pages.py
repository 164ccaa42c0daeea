import pytest
from django.urls import reverse

from healthyplaces.accounts.models import User
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


def test_your_data_page_and_the_erase_page_are_accessible(page, assert_accessible):
    UserFactory(email="admin@example.org", roles=[Role.PROGRAMME_ADMIN])
    member = UserFactory(email="member@example.org", roles=[Role.COMMUNITY_GROUP_MEMBER])
    sign_in(page, "member@example.org")
    page.get_by_role("link", name="Your data").click()
    page.wait_for_url(f"**{reverse('accounts:your_data')}")
    assert_accessible(page)
    page.get_by_role("button", name="Ask for erasure").press("Enter")
    page.wait_for_selector(".govuk-notification-banner")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").press("Enter")
    page.wait_for_url("**/")

    sign_in(page, "admin@example.org")
    page.goto(reverse("accounts:person_erase", args=[member.pk]))
    assert_accessible(page)
    page.get_by_role("button", name="Erase their personal data").press("Enter")
    page.wait_for_url("**/admin/accounts/user/")
    assert not User.objects.get(pk=member.pk).is_active
