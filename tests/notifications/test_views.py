import datetime
import itertools
import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.models import DigestFrequency, DigestSubscription, Notification
from healthyplaces.notifications.tokens import make_unsubscribe_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community group member": [Role.COMMUNITY_GROUP_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
SIGNED_IN = set(ROLES) - {"anonymous"}

# (url name, who gets 200; everyone else signed in gets 403, anonymous goes to sign in)
MATRIX = [
    ("notifications:list", {"programme admin"}),
    ("notifications:preferences", SIGNED_IN),
]

_keys = itertools.count(1)


def make_notification(**fields):
    """A notification row as the services would leave it; `key` is unique per call."""
    recipient = fields.pop("recipient", None)
    defaults = {
        "kind": "review_reminder",
        "key": f"test:{next(_keys)}",
        "recipient": recipient,
        "to_email": recipient.email if recipient else "someone@example.org",
        "subject": "Action 3 is due for review",
        "body_text": "Please review action 3.\n",
        "status": Notification.Status.PENDING,
    }
    return Notification.objects.create(**(defaults | fields))


def at_noon(day: datetime.date) -> datetime.datetime:
    # Noon UTC is the same calendar day in Europe/London all year, so date filters are unambiguous.
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


@pytest.fixture
def people():
    return {name: UserFactory(roles=roles) if roles else None for name, roles in ROLES.items()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "allowed"), MATRIX, ids=[u for u, _ in MATRIX])
def test_who_may_use_each_notifications_url(client, people, role, url_name, allowed):
    user = people[role]
    if user is not None:
        client.force_login(user)

    response = client.get(reverse(url_name))

    if user is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_offers_only_the_pages_each_role_may_open(client, people, role):
    user = people[role]
    if user is not None:
        client.force_login(user)

    page = client.get(reverse("core:home")).content.decode()

    assert (reverse("notifications:list") in page) == (role == "programme admin")
    assert (reverse("notifications:preferences") in page) == (user is not None)


# --- The notification log -------------------------------------------------------------------


@pytest.fixture
def log(admin_user):
    """Four notifications that differ in every filtered field."""
    nadia = UserFactory(full_name="Nadia Nurse", email="nadia@example.org", roles=[Role.COUNCIL_OFFICER])
    bola = UserFactory(full_name="Bola Board", email="bola@example.org", roles=[Role.BOARD_MEMBER])
    return {
        "reminder": make_notification(
            recipient=nadia,
            subject="Reminder for Nadia",
            status=Notification.Status.SENT,
            created_at=at_noon(datetime.date(2026, 9, 1)),
            sent_at=at_noon(datetime.date(2026, 9, 1)),
            attempts=1,
        ),
        "escalation": make_notification(
            kind="review_escalation",
            to_email="admin-list@example.org",
            subject="Escalation to the admins",
            status=Notification.Status.PENDING,
            created_at=at_noon(datetime.date(2026, 10, 15)),
        ),
        "digest": make_notification(
            kind="digest",
            recipient=bola,
            subject="Digest for Bola",
            status=Notification.Status.SENT,
            created_at=at_noon(datetime.date(2026, 11, 2)),
            sent_at=at_noon(datetime.date(2026, 11, 2)),
            attempts=1,
        ),
        "failed": make_notification(
            kind="digest",
            recipient=nadia,
            subject="Digest for Nadia",
            status=Notification.Status.FAILED,
            attempts=5,
            last_error="SMTPRecipientsRefused: mailbox unavailable",
            created_at=at_noon(datetime.date(2026, 11, 23)),
        ),
    }


def listed_subjects(response):
    return [notification.subject for notification in response.context["page"]]


def test_the_log_lists_every_notification_newest_first_with_why_one_failed(client, admin_user, log):
    client.force_login(admin_user)

    response = client.get(reverse("notifications:list"))

    assert listed_subjects(response) == [
        "Digest for Nadia",
        "Digest for Bola",
        "Escalation to the admins",
        "Reminder for Nadia",
    ]
    page = response.content.decode()
    assert "4 notifications" in page
    assert "SMTPRecipientsRefused: mailbox unavailable" in page
    assert "5 attempts" in page
    assert "govuk-tag--red" in page
    # The bodies are not needed for the list and are not loaded.
    assert all("body_text" in n.get_deferred_fields() for n in response.context["page"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "failed"}, ["Digest for Nadia"]),
        ({"status": "sent"}, ["Digest for Bola", "Reminder for Nadia"]),
        ({"kind": "digest"}, ["Digest for Nadia", "Digest for Bola"]),
        ({"kind": "review_escalation"}, ["Escalation to the admins"]),
        ({"recipient": "nadia@example"}, ["Digest for Nadia", "Reminder for Nadia"]),
        ({"recipient": "  bola board "}, ["Digest for Bola"]),  # by name, any case, spaces trimmed
        ({"recipient": "admin-list"}, ["Escalation to the admins"]),  # no user, only an address
        ({"status": "sent", "kind": "digest"}, ["Digest for Bola"]),
        (
            {"created_from-day": "15", "created_from-month": "10", "created_from-year": "2026"},
            ["Digest for Nadia", "Digest for Bola", "Escalation to the admins"],
        ),
        (
            {"created_to-day": "15", "created_to-month": "10", "created_to-year": "2026"},
            ["Escalation to the admins", "Reminder for Nadia"],
        ),
        (
            {
                "created_from-day": "1",
                "created_from-month": "10",
                "created_from-year": "2026",
                "created_to-day": "2",
                "created_to-month": "11",
                "created_to-year": "2026",
            },
            ["Digest for Bola", "Escalation to the admins"],
        ),
    ],
    ids=[
        "status-failed",
        "status-sent",
        "kind-digest",
        "kind-escalation",
        "recipient-email",
        "recipient-name",
        "recipient-bare-address",
        "status-and-kind",
        "queued-from",
        "queued-to",
        "queued-between",
    ],
)
def test_each_filter_narrows_the_log(client, admin_user, log, params, expected):
    client.force_login(admin_user)

    response = client.get(reverse("notifications:list"), params)

    assert response.status_code == 200
    assert listed_subjects(response) == expected
    count = len(expected)
    assert f"{count} notification{'s' if count != 1 else ''}</caption>" in response.content.decode()


def test_a_filter_that_matches_nothing_says_so(client, admin_user, log):
    client.force_login(admin_user)

    response = client.get(reverse("notifications:list"), {"recipient": "nobody-at-all"})

    assert listed_subjects(response) == []
    assert "No notifications match these filters." in response.content.decode()


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2026", "Queued on or after must be a real date"),
        ("1", "", "2026", "Queued on or after must include a month"),
        ("1", "10", "26", "Queued on or after year must include 4 numbers"),
        ("x", "10", "2026", "Queued on or after must be a real date"),
    ],
)
def test_an_invalid_date_is_explained_beside_the_filter_not_a_server_error(
    client, admin_user, log, day, month, year, message
):
    client.force_login(admin_user)

    response = client.get(
        reverse("notifications:list"),
        {"created_from-day": day, "created_from-month": month, "created_from-year": year},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "govuk-form-group--error" in page
    assert f'name="created_from-day" value="{day}"' in page  # what was typed is kept
    # The broken filter is ignored rather than hiding everything.
    assert len(listed_subjects(response)) == 4


def test_an_unknown_status_is_an_error_not_a_server_error(client, admin_user, log):
    client.force_login(admin_user)

    response = client.get(reverse("notifications:list"), {"status": "exploded"})

    assert response.status_code == 200
    assert "govuk-form-group--error" in response.content.decode()


def build_log(rows):
    """rows notifications, each to a different person, so related rows grow with the list."""
    start = at_noon(datetime.date(2026, 1, 1))
    for n in range(rows):
        make_notification(
            kind="digest" if n % 2 else "review_reminder",
            recipient=UserFactory(roles=[Role.BOARD_MEMBER]),
            status=Notification.Status.FAILED if n % 5 == 0 else Notification.Status.SENT,
            created_at=start + datetime.timedelta(hours=n),
            attempts=1 + n % 3,
            last_error="Timed out" if n % 5 == 0 else "",
        )


@pytest.mark.parametrize("rows", [5, 50])
def test_the_log_runs_the_same_queries_however_many_rows(client, django_assert_num_queries, admin_user, rows):
    build_log(rows)
    client.force_login(admin_user)

    # 1 session, 2 user, 3-4 the user's permissions and group permissions, 5 the paginator's
    # count, 6 the page of notifications joined to their recipients.
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications:list"))

    assert len(response.context["page"]) == rows
    assert not response.context["page"].has_other_pages()
    assert 'rel="next"' not in response.content.decode()


def test_a_long_log_has_a_second_page_and_next_keeps_the_filters(client, admin_user):
    start = at_noon(datetime.date(2026, 1, 1))
    for n in range(51):
        make_notification(kind="digest", subject=f"Digest {n}", created_at=start + datetime.timedelta(hours=n))
    for n in range(5):
        make_notification(kind="review_reminder", subject=f"Reminder {n}", created_at=start)
    client.force_login(admin_user)

    first = client.get(reverse("notifications:list"), {"kind": "digest"})

    assert len(first.context["page"]) == 50
    page = first.content.decode()
    assert "51 notifications" in page
    assert "Page 1 of 2" in page
    next_link = re.search(r'<a [^>]*href="([^"]+)" rel="next"', page)
    assert next_link is not None
    href = next_link.group(1).replace("&amp;", "&")
    assert href == "?kind=digest&page=2"

    second = client.get(reverse("notifications:list") + href)

    assert second.status_code == 200
    assert listed_subjects(second) == ["Digest 0"]  # the oldest digest; no reminders
    page_two = second.content.decode()
    assert "Page 2 of 2" in page_two
    assert 'rel="next"' not in page_two
    previous_link = re.search(r'<a [^>]*href="([^"]+)" rel="prev"', page_two)
    assert previous_link is not None
    assert previous_link.group(1).replace("&amp;", "&") == "?kind=digest&page=1"


def test_a_page_past_the_end_shows_the_last_page(client, admin_user):
    build_log(3)
    client.force_login(admin_user)

    response = client.get(reverse("notifications:list"), {"page": "99"})

    assert response.status_code == 200
    assert len(response.context["page"]) == 3


# --- Email preferences ----------------------------------------------------------------------


def checked_frequency(page: str) -> list[str]:
    return re.findall(r'name="frequency" type="radio" value="(\w+)" checked', page)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("board member", "weekly"),
        ("programme admin", "none"),
        ("council officer", "none"),
        ("community group member", "none"),
        ("community connector", "none"),
        ("assessor", "none"),
    ],
)
def test_preferences_show_the_default_for_someone_who_has_not_chosen(client, people, role, expected):
    client.force_login(people[role])

    response = client.get(reverse("notifications:preferences"))

    assert checked_frequency(response.content.decode()) == [expected]
    assert not DigestSubscription.objects.exists()  # looking does not choose


@pytest.mark.parametrize("frequency", ["weekly", "monthly", "none"])
def test_preferences_show_what_someone_chose(client, board_member, frequency):
    DigestSubscription.objects.create(user=board_member, frequency=frequency)
    client.force_login(board_member)

    response = client.get(reverse("notifications:preferences"))

    assert checked_frequency(response.content.decode()) == [frequency]


@pytest.mark.parametrize("frequency", ["weekly", "monthly", "none"])
@pytest.mark.parametrize("role", ["board member", "community group member"])
def test_saving_preferences_stores_the_choice(client, people, role, frequency):
    user = people[role]
    client.force_login(user)

    response = client.post(reverse("notifications:preferences"), {"frequency": frequency}, follow=True)

    assert response.redirect_chain == [(reverse("notifications:preferences"), 302)]
    assert DigestSubscription.objects.get(user=user).frequency == frequency
    page = response.content.decode()
    assert "Your email preferences have been saved" in page
    assert checked_frequency(page) == [frequency]


def test_saving_again_changes_the_same_subscription(client, board_member):
    DigestSubscription.objects.create(
        user=board_member, frequency=DigestFrequency.WEEKLY, covered_until=at_noon(datetime.date(2026, 11, 23))
    )
    client.force_login(board_member)

    client.post(reverse("notifications:preferences"), {"frequency": "monthly"})

    subscription = DigestSubscription.objects.get()
    assert subscription.frequency == DigestFrequency.MONTHLY
    # What the last digest covered is kept, so the next one does not repeat it.
    assert subscription.covered_until == at_noon(datetime.date(2026, 11, 23))


@pytest.mark.parametrize("data", [{}, {"frequency": ""}], ids=["nothing", "empty"])
def test_saving_no_choice_is_explained_in_an_error_summary(client, people, data):
    user = people["community group member"]
    client.force_login(user)

    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Email preferences" in page
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.DOTALL)
    assert summary is not None
    assert "Select how often you want the progress digest" in summary.group(0)
    assert not DigestSubscription.objects.exists()


def test_an_unknown_frequency_is_refused(client, board_member):
    client.force_login(board_member)

    response = client.post(reverse("notifications:preferences"), {"frequency": "hourly"})

    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_a_signed_out_post_to_preferences_changes_nothing(client, board_member):
    response = client.post(reverse("notifications:preferences"), {"frequency": "none"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not DigestSubscription.objects.exists()


# --- Unsubscribing from an email link -------------------------------------------------------


def unsubscribe_url(token: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def test_opening_the_link_asks_first_and_changes_nothing(board_member):
    client = Client()  # as a mail client or link scanner: no session

    response = client.get(unsubscribe_url(make_unsubscribe_token(user_id=board_member.pk)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop progress digest emails" in page
    assert board_member.email in page
    assert '<form method="post"' in page
    assert not DigestSubscription.objects.exists()


def test_confirming_without_signing_in_or_a_csrf_token_stops_the_digest(board_member):
    client = Client(enforce_csrf_checks=True)

    response = client.post(unsubscribe_url(make_unsubscribe_token(user_id=board_member.pk)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "You will not get the progress digest" in page
    assert f"{board_member.email} is unsubscribed" in page
    assert DigestSubscription.objects.get(user=board_member).frequency == DigestFrequency.NONE


def test_a_one_click_unsubscribe_from_the_mail_client_stops_the_digest(board_member):
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the List-Unsubscribe URL."""
    DigestSubscription.objects.create(user=board_member, frequency=DigestFrequency.MONTHLY)
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        unsubscribe_url(make_unsubscribe_token(user_id=board_member.pk)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert DigestSubscription.objects.get(user=board_member).frequency == DigestFrequency.NONE


def test_unsubscribing_twice_is_harmless(board_member):
    client = Client(enforce_csrf_checks=True)
    url = unsubscribe_url(make_unsubscribe_token(user_id=board_member.pk))

    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200

    assert DigestSubscription.objects.get(user=board_member).frequency == DigestFrequency.NONE


def test_a_token_unsubscribes_only_the_person_it_was_made_for(board_member, make_user):
    other = make_user(Role.BOARD_MEMBER)

    Client().post(unsubscribe_url(make_unsubscribe_token(user_id=board_member.pk)))

    assert DigestSubscription.objects.get(user=board_member).frequency == DigestFrequency.NONE
    assert not DigestSubscription.objects.filter(user=other).exists()


def tampered(token: str) -> str:
    """The token with the first character of its signature (the part after the last colon) changed."""
    value, signature = token.rsplit(":", 1)
    swapped = "B" if signature[0] != "B" else "C"
    return f"{value}:{swapped}{signature[1:]}"


def bad_tokens(user_id: int) -> dict[str, str]:
    good = make_unsubscribe_token(user_id=user_id)
    value, timestamp, signature = good.rsplit(":", 2)
    return {
        "tampered signature": tampered(good),
        "signed with another salt": signing.dumps({"user": user_id}, salt="healthyplaces.other", compress=True),
        "signed with no salt": signing.dumps({"user": user_id}, compress=True),
        "no signature": f"{value}:{timestamp}",
        "not a token": "hello",
        "another user's payload on this signature": (
            f"{make_unsubscribe_token(user_id=user_id + 1).rsplit(':', 2)[0]}:{timestamp}:{signature}"
        ),
    }


BAD_TOKEN_KINDS = [
    "tampered signature",
    "signed with another salt",
    "signed with no salt",
    "no signature",
    "not a token",
    "another user's payload on this signature",
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("kind", BAD_TOKEN_KINDS)
def test_a_bad_token_is_refused_and_changes_nothing(board_member, make_user, kind, method):
    make_user(Role.BOARD_MEMBER)  # so user_id + 1 is a real person too
    token = bad_tokens(board_member.pk)[kind]
    assert token != make_unsubscribe_token(user_id=board_member.pk)
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(unsubscribe_url(token))

    assert response.status_code == 400
    assert "This unsubscribe link does not work" in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_a_token_that_is_not_a_user_id_is_refused(board_member):
    token = signing.dumps({"user": str(board_member.pk)}, salt="healthyplaces.notifications.unsubscribe")

    response = Client().post(unsubscribe_url(token))

    assert response.status_code == 400
    assert not DigestSubscription.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_token_for_a_deactivated_account_is_refused(board_member, method):
    DigestSubscription.objects.create(user=board_member, frequency=DigestFrequency.WEEKLY)
    board_member.is_active = False
    board_member.save(update_fields=["is_active"])

    response = getattr(Client(), method)(unsubscribe_url(make_unsubscribe_token(user_id=board_member.pk)))

    assert response.status_code == 400
    assert DigestSubscription.objects.get(user=board_member).frequency == DigestFrequency.WEEKLY


def test_a_token_for_a_deleted_account_is_refused(board_member):
    token = make_unsubscribe_token(user_id=board_member.pk)
    board_member.delete()

    assert Client().post(unsubscribe_url(token)).status_code == 400


def test_an_unsubscribe_link_only_accepts_get_and_post(board_member):
    response = Client().put(unsubscribe_url(make_unsubscribe_token(user_id=board_member.pk)))

    assert response.status_code == 405
    assert not DigestSubscription.objects.exists()
