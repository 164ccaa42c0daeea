"""Where the portal holds personal data. Each app declares its own in a personal_data.py module
(found like admin.py), so this module imports no app:

- PersonalData: rows of a model that are about a person (found through a lookup to the user), the
  fields a copy of their data includes, and what the fields become when the person is erased.
- Retention: rows whose personal fields are cleared once they are older than DATA_RETENTION_DAYS
  (closed grant applications, insights), keeping the rows themselves for the figures; or, for rows
  that are only personal data (documents sent with finished applications), deleted with their files.

healthyplaces.accounts.services reads these to export, erase and apply retention."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Model, Q
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class PersonalData:
    model: type[Model]
    about: str  # lookup from a row to the person it is about, e.g. "author" or "recipient"
    fields: tuple[str, ...]  # what a copy of the person's data includes (lookups allowed)
    # On erasure: field -> the value it takes, or a function of the row giving it.
    erase: Mapping[str, object] = field(default_factory=dict)
    delete_on_erase: bool = False  # rows that exist only for the person (their email addresses)

    @property
    def label(self) -> str:
        return str(self.model._meta.label)


@dataclass(frozen=True)
class Retention:
    model: type[Model]
    expired: Callable[[datetime.datetime], Q]  # rows whose personal data is older than the cut-off
    clear: Mapping[str, object]  # field -> value once expired
    description: str  # for the privacy notice's reader and the task's log
    # Rows deleted rather than cleared (their private files go with them: core.private_files).
    delete: bool = False


_sources: list[PersonalData] = []
_retentions: list[Retention] = []
_discovered = False


def register(*sources: PersonalData | Retention) -> None:
    for source in sources:
        (_sources if isinstance(source, PersonalData) else _retentions).append(source)  # type: ignore[arg-type]


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("personal_data")


def personal_data_sources() -> list[PersonalData]:
    _discover()
    return list(_sources)


def retention_rules() -> list[Retention]:
    _discover()
    return list(_retentions)
