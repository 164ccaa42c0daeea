"""Attachments: checked by content not name, at most 10 MB, kept privately and handed out only to
those who may see the application."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from funding.files import MAX_ATTACHMENT_BYTES
from funding.models import Application, Attachment
from funding.services import attachment_add, attachment_remove, section_problems
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import person_erase
from tests.factories import OrganisationFactory, UserFactory
from tests.funding.factories import DOCX, JPEG, PDF, PNG, XLSX, ApplicationFactory, office_file, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    return settings.PRIVATE_MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def member():
    return UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])


@pytest.fixture
def draft(member):
    return ApplicationFactory(members=[member])


def add(draft, member, name, content, kind=Attachment.Kind.CONSTITUTION):
    return attachment_add(actor=member, application=draft, kind=kind, uploaded=upload(name, content))


# --- what is accepted -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Constitution.pdf", PDF, "application/pdf"),
        ("Constitution.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("Budget.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Photo.PNG", PNG, "image/png"),
        ("Photo.jpg", JPEG, "image/jpeg"),
        ("Photo.jpeg", JPEG, "image/jpeg"),
    ],
)
def test_a_file_of_an_accepted_type_is_kept_with_the_type_its_content_shows(
    draft, member, private_root, name, content, content_type
):
    attachment = add(draft, member, name, content)

    attachment.refresh_from_db()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (name, content_type, len(content))
    assert attachment.uploaded_by == member
    path = Path(attachment.file.path)
    assert path.read_bytes() == content
    assert path.is_relative_to(private_root)
    # Named at random, never by the name it was sent with.
    assert re.fullmatch(r"applications/[0-9a-f]{32}\.\w+", attachment.file.name)
    assert Path(name).stem not in attachment.file.name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Constitution.pdf", b"This is a text file, not a PDF\n", "The file's name says PDF but it is not a PDF"),
        ("Constitution.pdf", PNG, "The file's name says PDF but it is not a PDF"),
        ("Budget.docx", XLSX, "The file's name says Word document but it is not a Word document"),
        ("Budget.xlsx", DOCX, "The file's name says Excel spreadsheet but it is not an Excel spreadsheet"),
        ("Broken.docx", b"PK\x03\x04" + b"not really a zip" * 10, "it is not a Word document"),
        ("Archive.docx", office_file("word/document.xml"), "it is not a Word document"),
        ("Photo.png", JPEG, "The file's name says PNG but it is not a PNG"),
        ("Photo.jpg", b"GIF89a" + b"\x00" * 20, "The file's name says JPG but it is not a JPG"),
        ("script.html", b"<script>alert(1)</script>", "must be a PDF, Word document, Excel spreadsheet, JPG or PNG"),
        ("Constitution", PDF, "must be a PDF, Word document, Excel spreadsheet, JPG or PNG"),
        ("Archive.zip", DOCX, "must be a PDF, Word document, Excel spreadsheet, JPG or PNG"),
        ("Empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_kept(
    draft, member, private_root, name, content, message
):
    with pytest.raises(ValidationError) as error:
        add(draft, member, name, content)

    assert message in error.value.message_dict["file"][0]
    assert not Attachment.objects.exists()
    assert stored_files(private_root) == []


def test_a_file_over_10_mb_is_refused(draft, member, private_root):
    eleven_mb = PDF + b"\x00" * (11 * 1024 * 1024 - len(PDF))

    with pytest.raises(ValidationError) as error:
        add(draft, member, "Constitution.pdf", eleven_mb)

    assert error.value.message_dict == {"file": ["The selected file must be smaller than 10 MB"]}
    assert not Attachment.objects.exists()
    assert stored_files(private_root) == []


def test_a_file_of_exactly_10_mb_is_accepted(draft, member):
    content = PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF))
    assert add(draft, member, "Constitution.pdf", content).size == MAX_ATTACHMENT_BYTES


# --- who may add and remove -----------------------------------------------------------------------


def test_only_the_groups_members_may_add_or_remove_documents(draft, member):
    attachment = add(draft, member, "Constitution.pdf", PDF)
    for stranger in (
        UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]),
        UserFactory(roles=[Role.COUNCIL_OFFICER]),
        UserFactory(roles=[Role.ASSESSOR]),
    ):
        with pytest.raises(PermissionDenied):
            add(draft, stranger, "Other.pdf", PDF)
        with pytest.raises(PermissionDenied):
            attachment_remove(actor=stranger, attachment=attachment)
    assert Attachment.objects.count() == 1


def test_a_sent_application_takes_no_new_documents_and_keeps_its_own(draft, member, private_root):
    attachment = add(draft, member, "Constitution.pdf", PDF)
    Application.objects.filter(pk=draft.pk).update(state=State.SUBMITTED)

    with pytest.raises(ValidationError, match="can no longer be changed"):
        add(draft, member, "Policy.pdf", PDF, kind=Attachment.Kind.SAFEGUARDING_POLICY)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        attachment_remove(actor=member, attachment=attachment)

    assert list(Attachment.objects.all()) == [attachment]
    assert len(stored_files(private_root)) == 1


def test_an_unknown_kind_is_refused(draft, member):
    with pytest.raises(ValidationError) as error:
        add(draft, member, "Constitution.pdf", PDF, kind="passport")
    assert error.value.message_dict == {"kind": ["Select what the document is"]}


def test_removing_a_document_deletes_its_file(draft, member, private_root, django_capture_on_commit_callbacks):
    attachment = add(draft, member, "Constitution.pdf", PDF)
    assert len(stored_files(private_root)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(actor=member, attachment=attachment)

    assert not Attachment.objects.exists()
    assert stored_files(private_root) == []


# --- the documents section ------------------------------------------------------------------------


def test_the_documents_section_is_complete_only_with_a_constitution_and_a_safeguarding_policy(draft, member):
    assert section_problems(draft, "documents") == {
        "constitution": "Upload your group's constitution",
        "safeguarding_policy": "Upload your safeguarding policy",
    }
    add(draft, member, "Annual report.pdf", PDF, kind=Attachment.Kind.OTHER)
    add(draft, member, "Constitution.pdf", PDF)
    assert section_problems(draft, "documents") == {"safeguarding_policy": "Upload your safeguarding policy"}

    policy = add(draft, member, "Safeguarding.docx", DOCX, kind=Attachment.Kind.SAFEGUARDING_POLICY)
    assert section_problems(draft, "documents") == {}

    draft.sections_done = ["group", "documents"]
    draft.save()
    attachment_remove(actor=member, attachment=policy)
    draft.refresh_from_db()
    assert draft.sections_done == ["group"]  # no longer complete once a required document has gone


# --- the pages ------------------------------------------------------------------------------------


def documents_url(application):
    return reverse("funding:section", kwargs={"pk": application.pk, "section": "documents"})


def attachment_url(attachment):
    return reverse("funding:attachment", kwargs={"pk": attachment.application_id, "attachment_pk": attachment.pk})


def test_a_member_uploads_documents_and_completes_the_section(client, draft, member):
    client.force_login(member)
    url = documents_url(draft)
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "What is this document?" in page
    assert "Have you completed this section?" in page

    # Not yet: the required documents are missing, and the page says which.
    response = client.post(url, {"completed": "yes", "version": draft.version})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert page.count("Upload your group&#x27;s constitution") == 2
    assert page.count("Upload your safeguarding policy") == 2

    response = client.post(
        url, {"action": "upload", "kind": "constitution", "file": upload("Our constitution.pdf", PDF)}, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert "“Our constitution.pdf” has been uploaded" in page
    attachment = Attachment.objects.get()
    assert attachment_url(attachment) in page
    client.post(url, {"action": "upload", "kind": "safeguarding_policy", "file": upload("Policy.png", PNG)})

    draft.refresh_from_db()
    response = client.post(url, {"completed": "yes", "version": draft.version})
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.sections_done == ["documents"]
    page = client.get(draft.get_absolute_url()).content.decode()
    assert re.search(r'id="task-documents-status">\s*Completed', page)


def test_a_refused_upload_is_explained_beside_the_file_input(client, draft, member, private_root):
    client.force_login(member)

    response = client.post(
        documents_url(draft),
        {
            "action": "upload",
            "kind": "constitution",
            "file": upload("Constitution.pdf", b"Not a PDF", "application/pdf"),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert page.count("The file&#x27;s name says PDF but it is not a PDF") == 2
    assert 'href="#id_file"' in page
    assert not Attachment.objects.exists()
    assert stored_files(private_root) == []


def test_an_11_mb_upload_is_refused_on_the_page(client, draft, member, private_root):
    client.force_login(member)
    eleven_mb = PDF + b"\x00" * (11 * 1024 * 1024 - len(PDF))

    response = client.post(
        documents_url(draft), {"action": "upload", "kind": "constitution", "file": upload("Big.pdf", eleven_mb)}
    )

    assert "The selected file must be smaller than 10 MB" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(private_root) == []


def test_an_upload_without_a_kind_or_a_file_is_explained(client, draft, member):
    client.force_login(member)

    page = client.post(documents_url(draft), {"action": "upload"}).content.decode()

    assert "Select what the document is" in page
    assert "Select a file to upload" in page


def test_a_large_upload_kept_in_a_temporary_file_is_read_by_content_too(client, draft, member, private_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
        package.writestr("word/media/image1.bin", b"\x00" * (3 * 1024 * 1024))  # past the in-memory limit
    client.force_login(member)

    response = client.post(
        documents_url(draft), {"action": "upload", "kind": "other", "file": upload("Plan.docx", buffer.getvalue())}
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type.endswith("wordprocessingml.document")
    assert Path(attachment.file.path).read_bytes() == buffer.getvalue()


def test_a_member_removes_a_document(client, draft, member):
    attachment = add(draft, member, "Constitution.pdf", PDF)
    client.force_login(member)
    remove = reverse("funding:attachment_remove", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    assert remove in client.get(documents_url(draft)).content.decode()

    response = client.post(remove, follow=True)

    assert response.redirect_chain == [(documents_url(draft), 302)]
    assert "“Constitution.pdf” has been removed" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_group_downloads_its_document_with_safe_headers(client, draft, member):
    attachment = add(draft, member, "Our constitution (2024).pdf", PDF)
    client.force_login(member)

    response = client.get(attachment_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Our constitution (2024).pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_type_served_is_the_one_found_not_the_one_sent(client, draft, member):
    attachment = attachment_add(
        actor=member,
        application=draft,
        kind=Attachment.Kind.OTHER,
        uploaded=upload("Photo.png", PNG, content_type="text/html"),
    )
    client.force_login(member)

    assert client.get(attachment_url(attachment))["Content-Type"] == "image/png"


def test_officers_see_the_documents_on_a_sent_application_and_can_download_them(client, draft, member):
    attachment = add(draft, member, "Constitution.pdf", PDF)
    Application.objects.filter(pk=draft.pk).update(state=State.SUBMITTED, reference="HP-2026-00001")
    client.force_login(UserFactory(roles=[Role.COUNCIL_OFFICER]))

    page = client.get(draft.get_absolute_url()).content.decode()

    assert "Documents" in page
    assert f'href="{attachment_url(attachment)}"' in page
    assert "Not uploaded" in page  # the safeguarding policy
    assert client.get(attachment_url(attachment)).status_code == 200


def test_a_document_of_another_application_is_not_found_through_this_one(client, draft, member):
    other = ApplicationFactory(members=[member])
    attachment = add(other, member, "Constitution.pdf", PDF)
    client.force_login(member)

    url = reverse("funding:attachment", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    assert client.get(url).status_code == 404
    remove = reverse("funding:attachment_remove", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    assert client.post(remove).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_missing_file_is_404_not_an_error(client, draft, member, private_root):
    attachment = add(draft, member, "Constitution.pdf", PDF)
    Path(attachment.file.path).unlink()
    client.force_login(member)

    assert client.get(attachment_url(attachment)).status_code == 404


def test_the_file_is_kept_outside_media_and_static_and_no_url_serves_it(client, draft, member, settings):
    attachment = add(draft, member, "Constitution.pdf", PDF)
    path = Path(attachment.file.path).resolve()

    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    with pytest.raises(ValueError, match="no URL"):
        attachment.file.url  # noqa: B018
    client.force_login(member)
    for url in (
        f"{settings.MEDIA_URL}{attachment.file.name}",
        f"{settings.STATIC_URL}{attachment.file.name}",
        f"/private/{attachment.file.name}",
        f"/{attachment.file.name}",
    ):
        assert client.get(url).status_code == 404, url


# --- who may use each URL -------------------------------------------------------------------------

ROLES = {
    "anonymous": None,
    "applicant": [Role.COMMUNITY_GROUP_MEMBER],
    "other group's member": [Role.COMMUNITY_GROUP_MEMBER],
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
OK, MOVED, FORBIDDEN, MISSING, TO_SIGN_IN = 200, 302, 403, 404, "sign in"
NO_PART = {"board member", "community connector"}
STAFF = {"programme admin", "council officer"}


def expected(url_name, method, role):
    if role == "anonymous":
        return TO_SIGN_IN
    if url_name == "funding:attachment":
        # Only those who may see the application; for everyone else it does not exist.
        return OK if role == "applicant" or role in STAFF else MISSING
    if role in NO_PART:
        return FORBIDDEN
    if role in ("other group's member", "assessor"):
        # An assessor not assigned to the application; assigned ones: tests/funding/test_assessment.py
        return MISSING
    if role in STAFF:
        return FORBIDDEN  # staff read the documents; only the group changes them
    return MOVED if method == "post" else OK


MATRIX = [
    ("funding:section", "get"),
    ("funding:section", "post"),
    ("funding:attachment", "get"),
    ("funding:attachment_remove", "post"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method"), MATRIX, ids=[f"{u}-{m}" for u, m in MATRIX])
def test_who_may_use_each_documents_url(client, private_root, role, url_name, method):
    people = {name: UserFactory(roles=roles) if roles else None for name, roles in ROLES.items()}
    OrganisationFactory(name="Other group").members.add(people["other group's member"])
    draft = ApplicationFactory(members=[people["applicant"]])
    attachment = attachment_add(
        actor=people["applicant"], application=draft, kind="constitution", uploaded=upload("Constitution.pdf", PDF)
    )
    if url_name == "funding:section":
        url = documents_url(draft)
    else:
        url = reverse(url_name, kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    if people[role] is not None:
        client.force_login(people[role])
    before = sorted(Attachment.objects.values_list("pk", flat=True)), stored_files(private_root)

    if method == "post":
        data = {"action": "upload", "kind": "other", "file": upload("Photo.jpg", JPEG)}
        response = client.post(url, data if url_name == "funding:section" else {})
    else:
        response = client.get(url)

    want = expected(url_name, method, role)
    if want == TO_SIGN_IN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == want
    if want == OK and url_name == "funding:attachment":
        assert b"".join(response.streaming_content) == PDF
    changed = (sorted(Attachment.objects.values_list("pk", flat=True)), stored_files(private_root)) != before
    assert changed == (method == "post" and want == MOVED)


def test_the_local_folder_streams_even_when_signed_urls_are_on(client, settings, draft, member):
    # A folder cannot sign a URL: the view streams the file as before (object stores sign; see
    # test_object_storage.py).
    settings.PRIVATE_FILES_SIGNED_URLS = True
    attachment = add(draft, member, "Constitution.pdf", PDF)
    client.force_login(member)

    response = client.get(attachment_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_erasing_the_uploader_deletes_their_documents_files(
    draft, member, private_root, django_capture_on_commit_callbacks
):
    attachment = add(draft, member, "Constitution.pdf", PDF)
    path = Path(attachment.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(actor=UserFactory(roles=[Role.PROGRAMME_ADMIN]), person=member)

    assert not Attachment.objects.exists()
    assert not path.exists()
