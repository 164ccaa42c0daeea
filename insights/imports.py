"""Importing insights from a CSV file (a survey's results, say): upload, map columns to fields,
preview every row with its errors, then import all rows or none. A row imported before is
recognised by its fingerprint and skipped, so uploading the same file twice adds nothing."""

import csv
import datetime
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from connectors.models import Place
from healthyplaces.accounts.models import User
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.models import ConsentBasis, ImportBatch, Insight, Source
from insights.permissions import can_review_insight
from insights.services import InsightFields, insight_write

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
LIST_SEPARATOR = ";"
TEXT_LIMITS = {"title": 200}


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    required: bool = False
    # Fields a whole file may share one value for (a survey is all one source).
    choices: tuple[tuple[str, str], ...] = ()


TARGETS = (
    Target("title", "Title", required=True),
    Target("summary", "What people said", required=True),
    Target("quote", "Quote"),
    Target("source", "Source", required=True, choices=tuple(Source.choices)),
    Target("heard_on", "Date heard", required=True),
    Target("ward", "Ward (name or ONS code)"),
    Target("place", "Place"),
    Target("people_count", "Number of people"),
    Target("themes", "Themes (separated by ;)"),
    Target("population_groups", "Population groups (separated by ;)"),
    Target("consent_basis", "Consent basis", required=True, choices=tuple(ConsentBasis.choices)),
)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class Preview:
    rows: list[tuple[int, InsightFields, str]] = field(default_factory=list)  # line, fields, fingerprint
    errors: list[RowError] = field(default_factory=list)
    already_imported: set[str] = field(default_factory=set)

    @property
    def new_rows(self) -> list[tuple[int, InsightFields, str]]:
        return [row for row in self.rows if row[2] not in self.already_imported]


def decode_csv_upload(uploaded: UploadedFile) -> str:
    """An uploaded CSV's text, refusing files too large, not text, or not UTF-8 (board's
    deprivation upload reads its file the same way)."""
    if uploaded.size is None or uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError("The file must be smaller than 2 MB")
    raw = bytes(uploaded.read())
    # Sniffed by content, not by name: a spreadsheet or an image has NUL bytes a CSV never has.
    if b"\x00" in raw[:8192]:
        raise ValidationError("The file must be a CSV file, not a spreadsheet or other document")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("The file must be a CSV saved as UTF-8 (in Excel: Save as, CSV UTF-8)") from error


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip() for name in reader.fieldnames or []]
        rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    except csv.Error as error:
        raise ValidationError(f"The file could not be read as CSV: {error}") from error
    if not header or not any(header):
        raise ValidationError("The file must have a header row naming its columns")
    if len(set(header)) != len(header):
        raise ValidationError("Two columns in the header row have the same name")
    if not rows:
        raise ValidationError("The file has a header row but no rows of insights")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time")
    return header, rows


@transaction.atomic
def import_batch_create(*, actor: User, uploaded: UploadedFile) -> ImportBatch:
    if not can_review_insight(actor):
        raise PermissionDenied("Only officers can import insights")
    text = decode_csv_upload(uploaded)
    header, _ = read_csv(text)
    return ImportBatch.objects.create(
        filename=(uploaded.name or "upload.csv")[:255], content=text, uploaded_by=actor, mapping=guess_mapping(header)
    )


def guess_mapping(header: Sequence[str]) -> dict[str, str]:
    """Match columns to fields by name ("Date heard", "date_heard" and "heard_on" all match)."""

    def squash(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    by_name = {squash(column): column for column in header}
    mapping = {}
    for target in TARGETS:
        for candidate in (target.name, target.label.split(" (")[0]):
            if squash(candidate) in by_name:
                mapping[target.name] = f"column:{by_name[squash(candidate)]}"
                break
    return mapping


@transaction.atomic
def import_batch_set_mapping(*, actor: User, batch: ImportBatch, mapping: dict[str, str]) -> ImportBatch:
    if not can_review_insight(actor):
        raise PermissionDenied
    batch.mapping = {name: choice for name, choice in mapping.items() if choice}
    batch.save(update_fields=["mapping"])
    return batch


def fingerprint(fields: InsightFields) -> str:
    parts = (fields.title.casefold(), fields.summary.casefold(), fields.heard_on.isoformat(), fields.source)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class _Lookups:
    """Vocabulary loaded once per preview, so checking 5,000 rows costs a handful of queries."""

    def __init__(self) -> None:
        self.wards = {w.name.casefold(): w for w in Ward.objects.all()} | {
            w.ons_code.casefold(): w for w in Ward.objects.exclude(ons_code="")
        }
        self.themes = {t.name.casefold(): t for t in Theme.objects.all()}
        self.groups = {g.name.casefold(): g for g in PopulationGroup.objects.all()}
        self.places = {p.name.casefold(): p for p in Place.objects.only("name")}


def _choice(value: str, choices: Sequence[tuple[str, str]]) -> str | None:
    for code, label in choices:
        if value.casefold() in (code.casefold(), label.casefold()):
            return code
    return None


def _parse_row(
    line: int, row: dict[str, str], mapping: dict[str, str], lookups: _Lookups
) -> tuple[InsightFields | None, list[RowError]]:
    errors: list[RowError] = []
    values: dict[str, object] = {}
    for target in TARGETS:
        choice = mapping.get(target.name, "")
        column = choice.removeprefix("column:") if choice.startswith("column:") else ""
        raw = row.get(column, "") if column else ""
        label = column or target.label

        def fail(message: str, label: str = label) -> None:
            errors.append(RowError(line, label, message))

        if choice.startswith("value:"):
            values[target.name] = choice.removeprefix("value:")
            continue
        if not raw:
            if target.required:
                fail(f"{target.label.split(' (')[0]} is empty")
            continue
        if target.choices:
            code = _choice(raw, target.choices)
            if code is None:
                fail(f"“{raw}” is not one of: {', '.join(lbl for _, lbl in target.choices)}")
            values[target.name] = code
        elif target.name == "heard_on":
            for date_format in DATE_FORMATS:
                try:
                    values["heard_on"] = datetime.datetime.strptime(raw, date_format).date()  # noqa: DTZ007 - a date, no time
                    break
                except ValueError:
                    continue
            else:
                fail(f"“{raw}” is not a date like 14/11/2026")
        elif target.name == "people_count":
            if raw.isdigit() and int(raw) >= 1:
                values["people_count"] = int(raw)
            else:
                fail(f"“{raw}” is not a whole number of people, like 12")
        elif target.name == "ward":
            ward = lookups.wards.get(raw.casefold())
            if ward is None:
                fail(f"There is no ward called “{raw}”")
            values["ward"] = ward
        elif target.name == "place":
            place = lookups.places.get(raw.casefold())
            if place is None:
                fail(f"There is no place called “{raw}”: add it to the places list first")
            values["place"] = place
        elif target.name in ("themes", "population_groups"):
            known = lookups.themes if target.name == "themes" else lookups.groups
            names = [name.strip() for name in raw.split(LIST_SEPARATOR) if name.strip()]
            unknown = [name for name in names if name.casefold() not in known]
            if unknown:
                fail(f"Not known: {', '.join(unknown)}")
            values[target.name] = [known[name.casefold()] for name in names if name.casefold() in known]
        else:
            limit = TEXT_LIMITS.get(target.name)
            if limit and len(raw) > limit:
                fail(f"{target.label} must be {limit} characters or fewer")
            values[target.name] = raw
    if errors:
        return None, errors
    return InsightFields(**values), []  # type: ignore[arg-type]


def import_preview(*, batch: ImportBatch) -> Preview:
    _, rows = read_csv(batch.content)
    preview = Preview()
    missing = [t.label for t in TARGETS if t.required and not batch.mapping.get(t.name)]
    if missing:
        preview.errors.extend(RowError(1, label, "Choose a column or a value for this field") for label in missing)
        return preview
    lookups = _Lookups()
    for line, row in enumerate(rows, start=2):
        fields, errors = _parse_row(line, row, batch.mapping, lookups)
        preview.errors.extend(errors)
        if fields is not None:
            preview.rows.append((line, fields, fingerprint(fields)))
    prints = [print_ for _, _, print_ in preview.rows]
    preview.already_imported = {
        print_
        for print_ in Insight.objects.filter(import_fingerprint__in=prints).values_list("import_fingerprint", flat=True)
        if print_ is not None
    }
    return preview


@transaction.atomic
def import_batch_run(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Import every new row, or none if any row has an error."""
    if not can_review_insight(actor):
        raise PermissionDenied
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == ImportBatch.Status.IMPORTED:
        return locked
    preview = import_preview(batch=locked)
    if preview.errors:
        raise ValidationError("Fix the errors in the file, then upload it again. Nothing was imported.")
    seen: set[str] = set()
    for _, fields, print_ in preview.new_rows:
        if print_ in seen:  # the same row twice in one file
            continue
        seen.add(print_)
        insight = Insight(collected_by=actor, import_fingerprint=print_)
        insight_write(insight, fields)
    locked.status = ImportBatch.Status.IMPORTED
    locked.imported_count = len(seen)
    locked.skipped_count = len(preview.rows) - len(seen)
    locked.save(update_fields=["status", "imported_count", "skipped_count"])
    return locked
