import datetime
import re

import pytest
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.models import DigestFrequency, DigestSubscription, Notification
from healthyplaces.notifications.tokens import make_unsubscribe_token
from tests.browser.signing_in import sign_in
from tests.factories import UserFactory

# serialized_rollback: each test starts from the database as `migrate` left it (the roles and their
# permissions), whichever transactional test emptied the tables before it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_choosing_a_monthly_digest_by_keyboard(page, live_server, assert_accessible):
    member = UserFactory(email="member@example.org", roles=[Role.COMMUNITY_GROUP_MEMBER])
    sign_in(page, "member@example.org")

    page.get_by_role("link", name="Email preferences").first.click()
    page.wait_for_url(re.compile(r"/account/email-preferences/$"))
    assert_accessible(page)
    # Someone outside the board has opted in to nothing.
    assert page.get_by_label("Never").is_checked()

    page.get_by_label("Monthly, on the first Monday of the month").focus()
    page.keyboard.press("Space")
    assert page.get_by_label("Monthly, on the first Monday of the month").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save preferences"
    page.keyboard.press("Enter")

    page.wait_for_selector(".govuk-notification-banner--success")
    assert_accessible(page)
    assert page.get_by_text("Your email preferences have been saved").is_visible()
    assert page.get_by_label("Monthly, on the first Monday of the month").is_checked()
    assert DigestSubscription.objects.get(user=member).frequency == DigestFrequency.MONTHLY


def test_the_preferences_error_is_summarised_and_links_to_the_choices(page, live_server, assert_accessible):
    UserFactory(email="member@example.org", roles=[Role.COMMUNITY_GROUP_MEMBER])
    sign_in(page, "member@example.org")
    page.goto(reverse("notifications:preferences"))

    # A choice is always preselected, so clear it as a stale or tampered form would.
    page.evaluate("document.querySelectorAll('input[name=frequency]').forEach(r => { r.checked = false; })")
    page.get_by_role("button", name="Save preferences").press("Enter")

    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_role("link", name="Select how often you want the progress digest").click()
    assert page.evaluate("document.activeElement.name") == "frequency"
    assert not DigestSubscription.objects.exists()


def test_unsubscribing_from_an_email_link_without_signing_in(page, live_server, assert_accessible):
    board_member = UserFactory(email="board@example.org", roles=[Role.BOARD_MEMBER])
    url = reverse("notifications:unsubscribe", kwargs={"token": make_unsubscribe_token(user_id=board_member.pk)})

    response = page.goto(url)

    assert response is not None
    assert response.status == 200
    assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Stop progress digest emails"
    assert "board@example.org" in page.locator("main").inner_text()
    assert not DigestSubscription.objects.exists()

    page.get_by_role("button", name="Stop the emails").focus()
    page.keyboard.press("Enter")

    page.wait_for_selector(".govuk-panel--confirmation")
    assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text() == "You will not get the progress digest"
    assert page.get_by_role("link", name="your email preferences").is_visible()
    assert DigestSubscription.objects.get(user=board_member).frequency == DigestFrequency.NONE


def test_a_broken_unsubscribe_link_explains_what_to_do(page, live_server, assert_accessible):
    board_member = UserFactory(email="board@example.org", roles=[Role.BOARD_MEMBER])
    token = make_unsubscribe_token(user_id=board_member.pk)

    # A link cut short by a mail client loses the end of its signature.
    response = page.goto(reverse("notifications:unsubscribe", kwargs={"token": token[:-6]}))

    assert response is not None
    assert response.status == 400
    assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text() == "This unsubscribe link does not work"
    assert page.get_by_role("link", name="email preferences").is_visible()
    assert not DigestSubscription.objects.exists()


def test_a_programme_admin_reads_the_notification_log(page, live_server, assert_accessible):
    UserFactory(email="admin@example.org", full_name="Ada Admin", roles=[Role.PROGRAMME_ADMIN])
    nadia = UserFactory(email="nadia@example.org", full_name="Nadia Nurse", roles=[Role.COUNCIL_OFFICER])
    noon = datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC)
    rows = [
        ("review_reminder", Notification.Status.SENT, "Action 3 is due for review", ""),
        ("digest", Notification.Status.PENDING, "Healthy Places progress digest", ""),
        ("digest", Notification.Status.FAILED, "Healthy Places progress digest", "SMTPRecipientsRefused: no mailbox"),
    ]
    for n, (kind, status, subject, error) in enumerate(rows):
        Notification.objects.create(
            kind=kind,
            key=f"browser:{n}",
            recipient=nadia,
            to_email=nadia.email,
            subject=subject,
            body_text="Body\n",
            status=status,
            attempts=5 if error else 1,
            last_error=error,
            created_at=noon + datetime.timedelta(hours=n),
            sent_at=noon if status == Notification.Status.SENT else None,
        )
    sign_in(page, "admin@example.org")

    page.get_by_role("link", name="Notifications").first.click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    assert_accessible(page)
    assert page.get_by_role("table").locator("caption").inner_text() == "3 notifications"
    failed = page.get_by_role("row", name=re.compile("no mailbox"))
    assert "Failed" in failed.inner_text()
    assert "5 attempts" in failed.inner_text()

    # Filter to failures by keyboard.
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Apply filters").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"status=failed"))
    assert_accessible(page)
    assert page.get_by_role("table").locator("caption").inner_text() == "1 notification"

    # A date that does not exist is explained beside the filter.
    page.goto(reverse("notifications:list") + "?created_from-day=31&created_from-month=2&created_from-year=2026")
    assert_accessible(page)
    assert page.get_by_text("Queued on or after must be a real date").first.is_visible()


def test_a_long_notification_log_pages_by_keyboard(page, live_server, assert_accessible):
    UserFactory(email="admin@example.org", roles=[Role.PROGRAMME_ADMIN])
    start = datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC)
    Notification.objects.bulk_create(
        Notification(
            kind="digest",
            key=f"digest:{n}",
            to_email=f"person{n}@example.org",
            subject=f"Digest {n}",
            body_text="Body\n",
            status=Notification.Status.SENT,
            created_at=start + datetime.timedelta(hours=n),
        )
        for n in range(53)
    )
    sign_in(page, "admin@example.org")

    page.goto(reverse("notifications:list") + "?kind=digest")
    assert_accessible(page)
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next page").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"kind=digest&page=2$"))
    assert_accessible(page)
    assert page.get_by_text("Page 2 of 2").is_visible()
    assert page.get_by_role("row").count() == 1 + 3  # the header and the three oldest digests
