import pytest
from django.urls import reverse

from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [None, *Role])
@pytest.mark.parametrize("url_name", ["core:home", "core:accessibility", "core:privacy", "core:healthz", "core:livez"])
def test_the_open_pages_answer_everyone(client, role, url_name):
    if role is not None:
        client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse(url_name)).status_code == 200


def test_home_offers_each_role_what_it_may_do(client):
    anonymous = client.get(reverse("core:home")).content.decode()
    assert reverse("account_login") in anonymous
    assert reverse("account_signup") in anonymous
    assert reverse("actions:list") not in anonymous

    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    board = client.get(reverse("core:home")).content.decode()
    assert "See all 18 actions" in board
    assert "Update my actions" not in board

    client.force_login(UserFactory(roles=[Role.COUNCIL_OFFICER]))
    assert "Update my actions" in client.get(reverse("core:home")).content.decode()

    client.force_login(UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]))
    assert "See all 18 actions" not in client.get(reverse("core:home")).content.decode()


def test_every_page_has_a_skip_link_and_no_crown(client):
    page = client.get(reverse("core:home")).content.decode()

    assert 'href="#main-content"' in page
    assert 'id="main-content"' in page
    assert "GOV.UK" not in page
    assert "Crown copyright" not in page


def test_an_unknown_page_is_the_councils_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_only_programme_admins_reach_the_admin_site_and_they_grant_roles(client):
    officer = UserFactory(roles=[Role.COUNCIL_OFFICER])
    client.force_login(officer)
    assert client.get(reverse("admin:index")).status_code == 302

    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    client.force_login(admin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200

    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER], email="member@example.org")
    officer_group = officer.groups.get()
    response = client.post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        {
            "email": "member@example.org",
            "full_name": member.full_name,
            "groups": [officer_group.pk],
            "is_active": "on",
            "date_joined_0": "2026-11-26",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = User.objects.get(pk=member.pk)
    assert member.role_names == {Role.COUNCIL_OFFICER.value}
    assert not member.is_staff


def test_the_privacy_notice_states_the_lawful_basis_and_the_configured_retention(client, settings):
    settings.DATA_RETENTION_DAYS = 3 * 365

    page = client.get(reverse("core:privacy")).content.decode()

    assert "public task" in page
    assert "for 3 years after the application closed" in page
    assert reverse("accounts:your_data") in page
    for app in ("Your account", "Action tracker", "Insights bank", "Seed fund", "Emails"):
        assert app in page
    settings.DATA_RETENTION_DAYS = 90
    assert "for 90 days after" in client.get(reverse("core:privacy")).content.decode()


def test_every_page_links_to_the_privacy_notice_and_the_accessibility_statement(client):
    page = client.get(reverse("core:home")).content.decode()

    assert f'href="{reverse("core:privacy")}"' in page
    assert f'href="{reverse("core:accessibility")}"' in page


def test_the_accessibility_statement_covers_the_authenticator_app_journey(client):
    page = client.get(reverse("core:accessibility")).content.decode()

    assert "authenticator app" in page
    assert "secret key as text" in page
