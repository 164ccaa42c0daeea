"""One draft per group per round unless the group means to start another, and a double-clicked
Start makes one draft (issue 14, item 7): through the start page, and ten posts at once on PostgreSQL."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from funding.models import Application
from healthyplaces.core.models import FormSubmission
from healthyplaces.core.submissions import SUBMISSION_FIELD
from tests.conftest import require
from tests.funding.factories import RoundFactory


def start(client: Client, round_, group, token: str | None = None, **extra: str):
    data = {"round": round_.pk, "organisation": group.pk, **extra}
    if token is not None:
        data[SUBMISSION_FIELD] = token
    return client.post(reverse("funding:start"), data)


@pytest.mark.django_db
def test_the_start_button_carries_a_fresh_token(client, member, group):
    RoundFactory()
    client.force_login(member)

    pages = [client.get(reverse("funding:rounds")).content.decode() for _ in range(2)]

    tokens = [page.split(f'name="{SUBMISSION_FIELD}" value="')[1][:36] for page in pages]
    assert all(uuid.UUID(token) for token in tokens)
    assert tokens[0] != tokens[1]


@pytest.mark.django_db
def test_a_second_start_asks_before_making_another_draft(client, member, group):
    round_ = RoundFactory()
    client.force_login(member)

    first = start(client, round_, group, token=str(uuid.uuid4()))
    draft = Application.objects.get()
    second = start(client, round_, group, token=str(uuid.uuid4()))

    assert first.status_code == 302
    assert first.url == draft.get_absolute_url()
    assert second.status_code == 200
    page = second.content.decode()
    assert "Your group already has a draft application to this round" in page
    assert draft.get_absolute_url() in page
    assert Application.objects.count() == 1

    another = start(client, round_, group, token=str(uuid.uuid4()), another="on")

    assert another.status_code == 302
    assert Application.objects.count() == 2


@pytest.mark.django_db
def test_the_same_form_posted_twice_goes_where_the_first_went(client, member, group):
    round_ = RoundFactory()
    client.force_login(member)
    token = str(uuid.uuid4())

    first = start(client, round_, group, token=token, another="on")
    again = start(client, round_, group, token=token, another="on")

    assert Application.objects.count() == 1
    assert again.status_code == 302
    assert again.url == first.url == Application.objects.get().get_absolute_url()


@pytest.mark.django_db
def test_a_form_with_errors_frees_its_token_for_the_corrected_post(client, member, group):
    round_ = RoundFactory()
    client.force_login(member)
    token = str(uuid.uuid4())

    refused = client.post(reverse("funding:start"), {"round": round_.pk, SUBMISSION_FIELD: token, "organisation": ""})
    corrected = start(client, round_, group, token=token)

    assert refused.status_code == 200
    assert corrected.status_code == 302
    assert Application.objects.count() == 1
    assert FormSubmission.objects.get(token=token).redirect_to == corrected.url


def ten_starts_at_once(member, round_, group, tokens: list[str]) -> list[tuple[int, str]]:
    """Ten Start posts released together, each from its own thread with its own database connection."""
    signed_in = Client()
    signed_in.force_login(member)
    barrier = threading.Barrier(len(tokens))
    outcomes: list[tuple[int, str]] = []

    def post(token: str) -> None:
        try:
            client = Client()
            client.cookies = signed_in.cookies
            barrier.wait(timeout=30)
            response = start(client, round_, group, token=token)
            outcomes.append((response.status_code, response.get("Location", "")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_clicks_of_start_at_once_make_one_draft(member, group):
    require(connection.vendor == "postgresql", "simultaneous starts need PostgreSQL's row locks (set DATABASE_URL)")
    round_ = RoundFactory()
    token = str(uuid.uuid4())

    outcomes = ten_starts_at_once(member, round_, group, [token] * 10)

    draft = Application.objects.get()
    # Every click, the first and its nine repeats, lands on the one draft.
    assert outcomes == [(302, draft.get_absolute_url())] * 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_start_buttons_in_ten_tabs_at_once_make_one_draft(member, group):
    require(connection.vendor == "postgresql", "simultaneous starts need PostgreSQL's row locks (set DATABASE_URL)")
    round_ = RoundFactory()

    outcomes = ten_starts_at_once(member, round_, group, [str(uuid.uuid4()) for _ in range(10)])

    draft = Application.objects.get()
    # One starts it; the other nine are asked whether they mean to start another.
    assert sorted(outcomes) == [(200, "")] * 9 + [(302, draft.get_absolute_url())]
