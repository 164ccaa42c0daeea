"""The cached filter sidebar is the sidebar the snippet renders, for each query string, and it
shows a new choice as soon as a table behind its choices changes."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from tests.factories import ActionFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


def sidebar(client, url, **query):
    html = client.get(url, query).content.decode()
    return html[html.index('<form method="get"') : html.index("</form>", html.index('<form method="get"'))]


def test_a_new_theme_is_offered_at_once(client, officer):
    ThemeFactory(name="Food")
    client.force_login(officer)
    before = sidebar(client, reverse("actions:list"))

    ThemeFactory(name="Green spaces")
    after = sidebar(client, reverse("actions:list"))

    assert "Food" in before
    assert "Green spaces" not in before
    assert "Green spaces" in after


def test_a_new_lead_officer_is_offered_once_they_join_the_role(client, officer):
    client.force_login(officer)
    newcomer = UserFactory(full_name="Nadia Newcomer")
    before = sidebar(client, reverse("actions:list"))

    # Only the join table between users and roles changes.
    newcomer.groups.add(Group.objects.get(name=Role.COUNCIL_OFFICER.value))
    after = sidebar(client, reverse("actions:list"))

    assert "Nadia Newcomer" not in before
    assert "Nadia Newcomer" in after


def test_each_query_string_has_its_own_sidebar(client, officer):
    food = ThemeFactory(name="Food")
    ActionFactory()
    client.force_login(officer)

    plain = sidebar(client, reverse("actions:list"))
    chosen = sidebar(client, reverse("actions:list"), theme=food.pk)
    wrong = sidebar(client, reverse("actions:list"), theme="not a theme")

    assert f'<option value="{food.pk}" selected>' not in plain
    assert f'<option value="{food.pk}" selected>' in chosen
    assert "govuk-form-group--error" in wrong
    assert "govuk-form-group--error" not in plain


def test_the_public_and_the_officers_pages_keep_their_own_forms(client, officer):
    client.force_login(officer)
    officers = sidebar(client, reverse("insights:list"))
    client.logout()
    public = sidebar(client, reverse("insights:public"))

    assert "Search and filter" in officers
    assert "Search and filter" not in public
