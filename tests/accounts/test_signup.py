import re
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.urls import reverse

from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.models import Notification
from healthyplaces.notifications.services import notification_send
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Grace Grassroots",
    "email": "Grace@Example.org",
    "password1": "a-long-community-passphrase",
    "password2": "a-long-community-passphrase",
}


def test_self_sign_up_makes_a_community_group_member_and_nothing_more(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "is_staff": "on", "groups": "1"})

    assert response.status_code == 302
    user = User.objects.get(email__iexact="grace@example.org")
    assert user.full_name == "Grace Grassroots"
    assert user.role_names == {Role.COMMUNITY_GROUP_MEMBER.value}
    assert not user.is_staff
    assert not user.is_superuser


def send_queued_email() -> None:
    """What the worker does with the outbox."""
    for notification in Notification.objects.filter(status=Notification.Status.PENDING).order_by("pk"):
        notification_send(notification_id=notification.pk)


def test_sign_up_sends_a_verification_email_and_sign_in_waits_for_it(client):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    # Through the outbox (AccountAdapter.send_mail), not from the request.
    assert mail.outbox == []
    send_queued_email()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.org"]
    assert mail.outbox[0].message()["Auto-Submitted"] == "auto-generated"
    response = client.post(reverse("account_login"), {"login": "grace@example.org", "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    assert link is not None
    client.post(link.group(1))
    assert EmailAddress.objects.get(email="grace@example.org").verified
    response = client.post(reverse("account_login"), {"login": "grace@example.org", "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="grace@example.org").pk)


def sign_up_counting_hashes(client, data):
    hasher = type(get_hasher())
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode:
        response = client.post(reverse("account_signup"), data)
    return response, encode.call_count


def test_sign_up_does_the_same_work_for_a_new_and_a_registered_address(client):
    registered = UserFactory(email="registered@example.org")

    new_response, new_hashes = sign_up_counting_hashes(client, {**SIGNUP, "email": "new@example.org"})
    client.logout()
    registered_response, registered_hashes = sign_up_counting_hashes(client, {**SIGNUP, "email": registered.email})

    # The same answer, one password hash each, one email each into the outbox and none sent
    # from the request: nothing in the time taken or the page tells the two apart.
    assert (new_response.status_code, new_response.url) == (registered_response.status_code, registered_response.url)
    assert new_hashes == registered_hashes == 1
    assert mail.outbox == []
    new_email, registered_email = Notification.objects.order_by("pk")
    assert (new_email.to_email, new_email.kind) == ("new@example.org", "account")
    assert (registered_email.to_email, registered_email.recipient) == ("registered@example.org", registered)
    assert User.objects.filter(email__iexact="registered@example.org").count() == 1

    send_queued_email()
    assert [message.to for message in mail.outbox] == [["new@example.org"], ["registered@example.org"]]
    assert "confirm" in mail.outbox[0].body.lower()
    assert "already" in mail.outbox[1].body.lower()


def test_sign_up_errors_are_shown_beside_the_fields_and_answers_kept(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "full_name": "", "password2": "different"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter your full name" in page
    assert 'value="Grace@Example.org"' in page or 'value="grace@example.org"' in page
    assert not User.objects.exists()


def test_email_is_the_login_whatever_its_case(client):
    UserFactory(email="owen@example.org")

    response = client.post(reverse("account_login"), {"login": "OWEN@example.org", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reset@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "reset@example.org"})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


def test_only_a_programme_admin_can_grant_roles(make_user):
    from django.core.exceptions import PermissionDenied

    from healthyplaces.accounts.services import user_set_roles

    admin = make_user(Role.PROGRAMME_ADMIN)
    officer = make_user(Role.COUNCIL_OFFICER)
    member = make_user(Role.COMMUNITY_GROUP_MEMBER)

    with pytest.raises(PermissionDenied):
        user_set_roles(actor=officer, user=member, roles=[Role.PROGRAMME_ADMIN])
    user_set_roles(actor=admin, user=member, roles=[Role.ASSESSOR])

    member = User.objects.get(pk=member.pk)
    assert member.role_names == {Role.ASSESSOR.value}
    assert not member.is_staff
    user_set_roles(actor=admin, user=member, roles=[Role.PROGRAMME_ADMIN])
    assert User.objects.get(pk=member.pk).is_staff


def test_the_roles_exist_with_their_permissions(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    officer = make_user(Role.COUNCIL_OFFICER)
    board = make_user(Role.BOARD_MEMBER)
    member = make_user(Role.COMMUNITY_GROUP_MEMBER)

    assert admin.has_perm("actions.update_any_action")
    assert admin.has_perm("vocabulary.change_ward")
    assert officer.has_perm("actions.change_action")
    assert not officer.has_perm("actions.update_any_action")
    assert board.has_perm("actions.view_action")
    assert not board.has_perm("actions.change_action")
    assert not member.has_perm("actions.view_action")


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("account_login", ["Enter your email address", "Enter your password"]),
        ("account_signup", ["Enter your full name", "Enter your email address", "Enter a password"]),
        ("account_reset_password", ["Enter your email address"]),
    ],
)
def test_empty_account_forms_say_what_to_enter(client, url_name, expected):
    page = client.post(reverse(url_name), {}).content.decode()

    assert "This field is required" not in page
    for message in expected:
        assert message in page
