"""Loading the shared vocabulary from CSV files an admin prepares."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward

VocabularyKind = Literal["wards", "themes", "population-groups"]

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def _require_columns(reader: csv.DictReader[str], required: set[str]) -> None:
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise ValidationError(f"The file has no {', '.join(sorted(missing))} column")


def _as_bool(value: str, *, line: int) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValidationError(f"Line {line}: seldom_heard must be yes or no, not {value!r}")


@transaction.atomic
def vocabulary_load_csv(*, kind: VocabularyKind, path: Path) -> LoadResult:
    """Create or update rows keyed by name. The whole file loads, or nothing does."""
    created = updated = 0
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        _require_columns(reader, {"name"})
        for line, row in enumerate(reader, start=2):
            name = (row.get("name") or "").strip()
            if not name:
                raise ValidationError(f"Line {line}: name is empty")
            instance: Ward | Theme | PopulationGroup
            if kind == "wards":
                instance = Ward.objects.filter(name=name).first() or Ward(name=name)
                instance.ons_code = (row.get("ons_code") or "").strip().upper()
            elif kind == "themes":
                instance = Theme.objects.filter(name=name).first() or Theme(name=name)
                instance.description = (row.get("description") or "").strip()
            else:
                instance = PopulationGroup.objects.filter(name=name).first() or PopulationGroup(name=name)
                instance.seldom_heard = _as_bool(row.get("seldom_heard") or "", line=line)
                instance.description = (row.get("description") or "").strip()
            is_new = instance.pk is None
            try:
                instance.full_clean(validate_unique=False)
            except ValidationError as error:
                raise ValidationError(f"Line {line}: {'; '.join(error.messages)}") from error
            instance.save()
            created += is_new
            updated += not is_new
    return LoadResult(created=created, updated=updated)
