"""Documents kept in an object store (PRIVATE_STORAGE=s3 or azure), against real emulators started on
loopback by the fixtures (tests/emulators.py): moto's S3 server and Microsoft's Azurite. The portal is
configured through the same variables a deployment sets; what the store holds is asked of the store
itself. A store that cannot start fails these tests: they are never skipped."""

import datetime
import io
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from funding.models import Application, Attachment
from funding.services import attachment_add
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import person_erase, personal_data_apply_retention
from healthyplaces.settings.base import private_storage_settings
from tests.emulators import Emulator, azurite_blob, moto_s3, object_names
from tests.factories import UserFactory
from tests.funding.factories import PDF, ApplicationFactory, upload

pytestmark = pytest.mark.django_db

STARTERS = {"s3": moto_s3, "azure": azurite_blob}


@pytest.fixture(scope="module", params=["s3", "azure"])
def emulator(request, tmp_path_factory) -> Iterator[Emulator]:
    with STARTERS[request.param](tmp_path_factory.mktemp(f"{request.param}-store")) as running:
        yield running


@pytest.fixture(autouse=True)
def object_store(settings, emulator, tmp_path):
    # The local folder points somewhere empty, so a file written there instead would be seen.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {**settings.STORAGES, "private": private_storage_settings(emulator.kind, emulator.lookup)}
    return emulator


@pytest.fixture
def member():
    return UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])


@pytest.fixture
def draft(member):
    return ApplicationFactory(members=[member])


def add(draft, member):
    return attachment_add(
        actor=member, application=draft, kind=Attachment.Kind.CONSTITUTION, uploaded=upload("Constitution.pdf", PDF)
    )


def attachment_url(attachment):
    return reverse("funding:attachment", kwargs={"pk": attachment.application_id, "attachment_pk": attachment.pk})


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a loopback emulator)
            return response.status, response.read(), {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read(), {k.lower(): v for k, v in refused.headers.items()}


def test_an_upload_is_kept_in_the_store_not_on_the_node(object_store, draft, member, tmp_path):
    attachment = add(draft, member)

    assert attachment.file.name in object_names(object_store)
    assert not (tmp_path / "private").exists()


def test_a_refused_upload_never_reaches_the_store(object_store, draft, member):
    before = object_names(object_store)

    with pytest.raises(Exception, match="not a PDF"):
        attachment_add(
            actor=member,
            application=draft,
            kind=Attachment.Kind.CONSTITUTION,
            uploaded=upload("Constitution.pdf", b"<html>not a pdf</html>"),
        )

    assert object_names(object_store) == before
    assert not Attachment.objects.exists()


def test_the_group_downloads_through_the_view_streamed_with_safe_headers(client, draft, member):
    attachment = add(draft, member)
    client.force_login(member)

    response = client.get(attachment_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Constitution.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


def test_another_group_is_refused_and_given_no_url(client, settings, draft, member):
    settings.PRIVATE_FILES_SIGNED_URLS = True
    attachment = add(draft, member)
    client.force_login(UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]))

    response = client.get(attachment_url(attachment))

    assert response.status_code == 404
    assert "Location" not in response


def test_a_signed_url_is_issued_after_the_check_and_serves_the_file_as_a_download(client, settings, draft, member):
    settings.PRIVATE_FILES_SIGNED_URLS = True
    attachment = add(draft, member)
    client.force_login(member)

    response = client.get(attachment_url(attachment))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    status, body, headers = fetch(response["Location"])
    assert (status, body) == (200, PDF)
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == 'attachment; filename="Constitution.pdf"'


def test_a_signed_url_lasts_private_file_url_seconds(client, settings, object_store, draft, member):
    settings.PRIVATE_FILES_SIGNED_URLS = True
    settings.PRIVATE_FILE_URL_SECONDS = 60
    attachment = add(draft, member)
    client.force_login(member)
    signed_at = datetime.datetime.now(tz=datetime.UTC)

    query = parse_qs(urlsplit(client.get(attachment_url(attachment))["Location"]).query)

    if object_store.kind == "s3":
        issued = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        expires = issued + datetime.timedelta(seconds=int(query["X-Amz-Expires"][0]))
    else:
        expires = datetime.datetime.fromisoformat(query["se"][0].replace("Z", "+00:00"))
    assert abs(expires - (signed_at + datetime.timedelta(seconds=60))) < datetime.timedelta(seconds=5)


def test_an_expired_signed_url_is_refused(client, settings, object_store, draft, member):
    # Azurite checks a SAS's expiry as Azure does; moto's S3 server checks no signature or expiry, so
    # for S3 the stale URL is shown to carry an expiry already past, which AWS enforces.
    settings.PRIVATE_FILES_SIGNED_URLS = True
    settings.PRIVATE_FILE_URL_SECONDS = 60
    attachment = add(draft, member)
    client.force_login(member)
    two_minutes_ago = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=2)

    with time_machine.travel(two_minutes_ago, tick=False):
        stale = client.get(attachment_url(attachment))["Location"]
    fresh = client.get(attachment_url(attachment))["Location"]

    assert fetch(fresh)[0] == 200
    if object_store.kind == "azure":
        assert fetch(stale)[0] == 403
    else:
        query = parse_qs(urlsplit(stale).query)
        issued = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        assert issued + datetime.timedelta(seconds=int(query["X-Amz-Expires"][0])) < datetime.datetime.now(datetime.UTC)


def test_the_unsigned_object_address_is_refused(client, settings, draft, member):
    settings.PRIVATE_FILES_SIGNED_URLS = True
    attachment = add(draft, member)
    client.force_login(member)

    signed = client.get(attachment_url(attachment))["Location"]

    assert fetch(signed.split("?")[0])[0] in (401, 403, 404)


def test_removing_a_document_deletes_its_object(
    client, object_store, draft, member, django_capture_on_commit_callbacks
):
    attachment = add(draft, member)
    assert attachment.file.name in object_names(object_store)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funding:attachment_remove", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk}))

    assert attachment.file.name not in object_names(object_store)
    assert not Attachment.objects.exists()


def test_erasing_the_uploader_deletes_their_documents_objects(
    object_store, draft, member, django_capture_on_commit_callbacks
):
    other = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    draft.organisation.members.add(other)
    attachment, kept = add(draft, member), add(draft, other)

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(actor=UserFactory(roles=[Role.PROGRAMME_ADMIN]), person=member)

    names = object_names(object_store)
    assert attachment.file.name not in names
    assert kept.file.name in names
    assert list(Attachment.objects.all()) == [kept]


def test_retention_deletes_the_objects_of_finished_applications(
    object_store, settings, time_machine, member, django_capture_on_commit_callbacks
):
    settings.DATA_RETENTION_DAYS = 365
    time_machine.move_to(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
    closed, live = ApplicationFactory(members=[member]), ApplicationFactory(members=[member])
    old, current = add(closed, member), add(live, member)
    Application.objects.filter(pk=closed.pk).update(state=State.CLOSED)
    Application.objects.filter(pk=live.pk).update(state=State.PAID)

    with django_capture_on_commit_callbacks(execute=True):
        removed = personal_data_apply_retention(now=datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC))

    assert removed == 2  # the closed application's contact details, and its document
    names = object_names(object_store)
    assert old.file.name not in names
    assert current.file.name in names
    assert list(Attachment.objects.all()) == [current]


def test_prepare_private_storage_creates_a_missing_bucket_or_container_once(settings, object_store):
    fresh = {**object_store.environment}
    name_variable = "AWS_STORAGE_BUCKET_NAME" if object_store.kind == "s3" else "AZURE_CONTAINER"
    fresh[name_variable] = f"fresh-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": private_storage_settings(object_store.kind, Emulator(object_store.kind, fresh).lookup),
    }
    out = io.StringIO()

    call_command("prepare_private_storage", stdout=out)
    call_command("prepare_private_storage", stdout=out)

    assert out.getvalue().splitlines()[0].endswith(f"{fresh[name_variable]} created")
    assert out.getvalue().splitlines()[1].endswith(f"{fresh[name_variable]} exists")
    assert object_names(Emulator(object_store.kind, fresh)) == set()


def test_a_document_whose_object_is_missing_is_404_not_an_error(client, draft, member):
    attachment = add(draft, member)
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(member)

    assert client.get(attachment_url(attachment)).status_code == 404
