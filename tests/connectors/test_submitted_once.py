"""Every connectors form that creates something creates it once when posted twice (a double click):
the page carries a one-time token (healthyplaces.core.submissions) and the repeat goes where the
first post went. The insight, document and snapshot forms carry it too (tests below)."""

import uuid

import pytest
from django.urls import reverse

from healthyplaces.core.submissions import SUBMISSION_FIELD
from tests.connectors.test_views import network, people, post_data, stored, url_for  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

CREATE_FORMS = {
    "connectors:place_add": "council officer",
    "connectors:connector_add": "council officer",
    "connectors:conversation_add": "council officer",
    "connectors:raise_insights": "council officer",
    "connectors:meeting_add": "council officer",
    "connectors:member_add": "council officer",
    "connectors:pair_add": "programme admin",
    "connectors:pair": "council officer",  # a check-in
}


@pytest.mark.parametrize(("url_name", "role"), CREATE_FORMS.items())
def test_a_create_form_posted_twice_creates_once(client, people, network, url_name, role):  # noqa: F811
    client.force_login(people[role])
    url = url_for(url_name, network)
    page = client.get(url).content.decode()
    token = page.split(f'name="{SUBMISSION_FIELD}" value="')[1][:36]
    data = {**post_data(url_name, network), SUBMISSION_FIELD: token}
    before = stored()

    first = client.post(url, data)
    after_first = stored()
    again = client.post(url, data)

    assert uuid.UUID(token)
    assert first.status_code == 302
    assert after_first != before
    assert stored() == after_first
    assert (again.status_code, again.url) == (302, first.url)


@pytest.mark.parametrize(
    ("url_name", "template_form"),
    [("insights:add", "insight"), ("board:freeze", "snapshot")],
)
def test_the_other_create_pages_carry_the_token(client, admin_user, url_name, template_form):
    client.force_login(admin_user)

    page = client.get(reverse(url_name)).content.decode()

    assert f'name="{SUBMISSION_FIELD}"' in page, template_form
