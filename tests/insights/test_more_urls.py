"""Role x URL for the insight pages beyond the core journey: counts, export and import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from insights.models import ImportBatch
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = [None, *Role]
OFFICERS = {Role.PROGRAMME_ADMIN, Role.COUNCIL_OFFICER}
# Counts and exports cover the whole bank: those who read it (board members see aggregates on the
# board's pages; connectors read the insights they recorded).
READERS = OFFICERS
CSV = b"Title,Summary,Date heard\nBus,No shelter,14/11/2026\n"


def expected(role, allowed, ok=200):
    if role is None:
        return 302
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (reverse("insights:counts"), READERS),
        (reverse("insights:export", kwargs={"file_format": "csv"}), READERS),
        (reverse("insights:export", kwargs={"file_format": "xlsx"}), READERS),
        (reverse("insights:import"), OFFICERS),
    ],
)
def test_get(client, role, url, allowed):
    if role is not None:
        client.force_login(UserFactory(roles=[role]))

    assert client.get(url).status_code == expected(role, allowed)


@pytest.mark.parametrize("role", ROLES)
def test_uploading(client, role):
    if role is not None:
        client.force_login(UserFactory(roles=[role]))

    response = client.post(reverse("insights:import"), {"file": SimpleUploadedFile("a.csv", CSV, "text/csv")})

    assert response.status_code == expected(role, OFFICERS, ok=302)
    assert ImportBatch.objects.exists() == (role in OFFICERS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["insights:import_map", "insights:import_preview"])
def test_an_import_in_progress_is_only_its_uploaders(client, role, name):
    owner = UserFactory(roles=[Role.COUNCIL_OFFICER])
    batch = ImportBatch.objects.create(filename="a.csv", content=CSV.decode(), uploaded_by=owner)
    if role is not None:
        client.force_login(UserFactory(roles=[role]))

    status = client.get(reverse(name, kwargs={"pk": batch.pk})).status_code

    # Another officer gets 404: the upload is not theirs, and its existence is not told.
    assert status == expected(role, OFFICERS, ok=404)

    client.force_login(owner)
    assert client.get(reverse(name, kwargs={"pk": batch.pk})).status_code == 200
