import datetime
import io
import zipfile
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from funding.models import Application, Attachment, Fund, Priority, Round
from tests.factories import OrganisationFactory


class FundFactory(DjangoModelFactory[Fund]):
    class Meta:
        model = Fund
        django_get_or_create = ("name",)

    name = "Healthy Places seed fund"
    purpose = "Small grants for community groups to act on what local people told us matters."


class PriorityFactory(DjangoModelFactory[Priority]):
    class Meta:
        model = Priority

    fund = factory.SubFactory(FundFactory)
    title = factory.Sequence(lambda n: f"Community priority {n}")
    description = "Agreed at the community summit."


class RoundFactory(DjangoModelFactory[Round]):
    """Open today: opened a week ago, closes in three weeks; £10,000 budget, grants £100 to £2,000."""

    class Meta:
        model = Round
        skip_postgeneration_save = True

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))
    budget = Decimal("10000")
    minimum_award = Decimal("100")
    maximum_award = Decimal("2000")

    @factory.post_generation
    def priorities(self, create, extracted, **kwargs):
        if create and extracted:
            self.priorities.add(*extracted)


class ApplicationFactory(DjangoModelFactory[Application]):
    """A draft by an organisation; pass members=[user, ...] to put people in the group."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    project_title = factory.Sequence(lambda n: f"Project {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisation.members.add(*extracted)
            if self.created_by_id is None:
                self.created_by = extracted[0]
                self.save(update_fields=["created_by"])


class AttachmentFactory(DjangoModelFactory[Attachment]):
    """A document's row only: no file is written (tests of files upload through funding.services)."""

    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    kind = Attachment.Kind.CONSTITUTION
    file = factory.Sequence(lambda n: f"applications/not-on-disk-{n}.pdf")
    original_name = "Constitution.pdf"
    content_type = "application/pdf"
    size = 1024


def attach_required_documents(application: Application) -> None:
    """The constitution and safeguarding policy the documents section needs."""
    AttachmentFactory(application=application, kind=Attachment.Kind.CONSTITUTION)
    AttachmentFactory(
        application=application, kind=Attachment.Kind.SAFEGUARDING_POLICY, original_name="Safeguarding policy.pdf"
    )


# The first bytes of each type of document we accept, enough for funding.files to recognise it.
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"


def office_file(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for part in parts:
            package.writestr(part, "<?xml version='1.0'?><x/>")
    return buffer.getvalue()


DOCX = office_file("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = office_file("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    # The browser's word for the type is whatever the sender says; it is never believed.
    return SimpleUploadedFile(name, content, content_type=content_type)
