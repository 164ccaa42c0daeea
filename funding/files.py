"""Attachments to applications: where they are kept and what they are.

Files are kept in the portal's private storage (healthyplaces.core.private_files: a folder apart from
MEDIA_ROOT and STATIC_ROOT, or an object store), with no public URL: they are handed out only by funding's
download view, to people who may see the application, checked here before they are stored. What a
file is comes from its first bytes, never from its name or the browser's word."""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile

from healthyplaces.core.private_files import private_files

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ACCEPTED = "The selected file must be a PDF, Word document, Excel spreadsheet, JPG or PNG"


def private_storage() -> Storage:
    """The storage attachments are kept in (named so by migrations): the portal's private files."""
    return private_files


@dataclass(frozen=True)
class FileType:
    label: str  # as in "The file's name says PDF but it is not a PDF"
    article: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "a", "application/pdf", (".pdf",))
DOCX = FileType(
    "Word document",
    "a",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "Excel spreadsheet", "an", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
JPEG = FileType("JPG", "a", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("PNG", "a", "image/png", (".png",))
FILE_TYPES = (PDF, DOCX, XLSX, JPEG, PNG)
BY_EXTENSION = {extension: file_type for file_type in FILE_TYPES for extension in file_type.extensions}
ACCEPT_ATTRIBUTE = ",".join([*BY_EXTENSION, *(file_type.content_type for file_type in FILE_TYPES)])


def _office_type(uploaded: UploadedFile) -> FileType | None:
    """A Word or Excel file is a ZIP package naming its parts; anything else, or a broken ZIP, is not."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(uploaded: UploadedFile) -> FileType | None:
    """What the file's content says it is, from the types we accept; None for anything else."""
    uploaded.seek(0)
    head = bytes(uploaded.read(8))
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        found = _office_type(uploaded)
        uploaded.seek(0)
        return found
    return None


def check_upload(uploaded: UploadedFile) -> FileType:
    """The file's type if it may be attached: one we accept, by content, whose name agrees, and
    no bigger than 10 MB. Otherwise a ValidationError in words the group can act on."""
    size = uploaded.size
    if size is None or size > MAX_ATTACHMENT_BYTES:
        raise ValidationError("The selected file must be smaller than 10 MB", code="too_big")
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    declared = BY_EXTENSION.get(PurePath(uploaded.name or "").suffix.lower())
    if declared is None:
        raise ValidationError(ACCEPTED, code="type")
    found = sniff(uploaded)
    if found is not declared:
        raise ValidationError(
            f"The file's name says {declared.label} but it is not {declared.article} {declared.label}", code="mismatch"
        )
    return declared


def attachment_path(instance: Any, filename: str) -> str:
    """A random name, with the extension of the type found in it: never the name it was sent with."""
    file_type = next((t for t in FILE_TYPES if t.content_type == instance.content_type), None)
    extension = file_type.extensions[0] if file_type else ""
    return f"applications/{uuid.uuid4().hex}{extension}"
