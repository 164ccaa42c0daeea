"""Role changes and grant money ask for the password again, even just after signing in; the
request that asked is carried out once the password is given."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from funding.models import Application
from funding.workflow import State
from healthyplaces.accounts.models import RoleChange
from healthyplaces.accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory, totp_code
from tests.funding.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reauthentication_on(settings):
    settings.REAUTHENTICATE_SENSITIVE_OPERATIONS = True


def sign_in(client, user):
    """Through the forms, as a person does (force_login leaves no record of a password given)."""
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.session["_auth_user_id"] == str(user.pk)


def asks_for_password(response, then):
    return response.status_code == 302 and response.headers["Location"] == (
        f"{reverse('account_reauthenticate')}?next={then.replace('/', '%2F')}"
    )


def test_changing_roles_in_the_admin_site_asks_for_the_password_then_carries_the_change_out(client):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER], full_name="Pat Person")
    sign_in(client, admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = {
        "email": person.email,
        "full_name": person.full_name,
        "groups": [Group.objects.get(name=Role.BOARD_MEMBER).pk],
        "is_active": "on",
        "_save": "Save",
    }

    assert asks_for_password(client.get(url), url)
    response = client.post(url, form)
    assert asks_for_password(response, url)
    assert not RoleChange.objects.filter(user=person, actor=admin).exists()

    response = client.post(response.headers["Location"], {"password": TEST_PASSWORD})

    assert response.status_code == 302
    change = RoleChange.objects.get(user=person, actor=admin)
    assert (change.before, change.after) == ([Role.COMMUNITY_GROUP_MEMBER.value], [Role.BOARD_MEMBER.value])
    # Within the next few minutes the admin is not asked again.
    assert client.get(url).status_code == 200


def test_a_wrong_password_carries_nothing_out(client):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    sign_in(client, admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = client.post(url, {"email": person.email, "groups": [], "is_active": "on"})

    page = client.post(response.headers["Location"], {"password": "not the password"})

    assert page.status_code == 200
    assert "govuk-error-summary" in page.content.decode()
    assert person.role_names == {Role.COMMUNITY_GROUP_MEMBER.value}


@pytest.mark.parametrize(
    ("state", "step", "sensitive"),
    [
        (State.IN_ASSESSMENT, {"name": "approve", "amount": "450", "conditions": "Send photos"}, True),
        (
            State.OFFER_ACCEPTED,
            {
                "name": "record_payment",
                "amount": "200",
                "paid_on-day": "1",
                "paid_on-month": "11",
                "paid_on-year": "2026",
            },
            True,
        ),
        (State.ELIGIBLE, {"name": "start_assessment"}, False),
    ],
)
def test_approving_a_grant_and_recording_a_payment_ask_for_the_password_other_steps_do_not(
    client, state, step, sensitive
):
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    application = ApplicationFactory(state=state, members=[UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])])
    if state == State.OFFER_ACCEPTED:
        Application.objects.filter(pk=application.pk).update(amount_awarded=450)
    sign_in(client, officer)
    url = reverse("funding:transition", kwargs={"pk": application.pk})

    response = client.post(url, step)

    if not sensitive:
        assert response.headers["Location"] == application.get_absolute_url()
        return
    assert asks_for_password(response, url)
    application.refresh_from_db()
    assert application.state == state
    response = client.post(response.headers["Location"], {"password": TEST_PASSWORD})
    assert response.headers["Location"] == application.get_absolute_url()
    application.refresh_from_db()
    assert application.state != state


def test_test_settings_leave_it_off_so_force_login_tests_can_act(client, settings):
    settings.REAUTHENTICATE_SENSITIVE_OPERATIONS = False
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    client.force_login(admin)

    assert client.get(reverse("admin:accounts_user_change", args=[person.pk])).status_code == 200


@pytest.mark.parametrize("url_name", ["accounts:your_data_download", "accounts:person_data", "accounts:person_erase"])
def test_downloading_or_erasing_personal_data_asks_for_the_password(client, url_name):
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    sign_in(client, admin)
    url = reverse(url_name) if url_name == "accounts:your_data_download" else reverse(url_name, args=[person.pk])

    response = client.get(url)

    assert asks_for_password(response, url)
    assert client.post(response.headers["Location"], {"password": TEST_PASSWORD}).status_code == 302
    assert client.get(url).status_code == 200
