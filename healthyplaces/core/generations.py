"""Cached reads that cannot go stale: every write to a table moves that table's *generation* (and
its app's), and a cached value's key carries the generations of what it was made from, so a value
made before a write is never found after it.

The writes are seen where they reach the database (a wrapper on every connection), not in the
services or in model signals, because the portal also writes through `QuerySet.update()`,
`bulk_create()`, the admin site, erasure and migrations, none of which send signals. A write moves
the generation at once, so the same transaction (and a test, which never commits) reads fresh
figures, and again when the transaction commits, so a value another request cached from the
committed data in between is dropped too.

Cached values also expire after CACHE_SECONDS, which bounds how stale anything can be if the cache
server was unreachable when a write tried to move a generation."""

import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60
PREFIX = "generation:"
# SQLite's bulk_create(ignore_conflicts=True) says INSERT OR IGNORE INTO.
WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)

T = TypeVar("T")


def _app_of_tables() -> dict[str, str]:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        tables[model._meta.db_table] = model._meta.app_label
    return tables


_tables: dict[str, str] | None = None


def _app_of(table: str) -> str | None:
    global _tables
    if _tables is None:
        _tables = _app_of_tables()
    return _tables.get(table)


def _move(names: Iterable[str]) -> None:
    try:
        cache.set_many({PREFIX + name: uuid.uuid4().hex for name in names}, timeout=None)
    except Exception:  # the cache server being down must not fail the write; CACHE_SECONDS bounds it
        logger.exception("Could not move the cache generations of %s", ", ".join(names))


class _MoveOnCommit:
    """One per table per transaction: a survey import writing 5,000 rows moves it once at commit."""

    def __init__(self, names: tuple[str, ...], alias: str) -> None:
        self.names = names
        self.alias = alias

    def __call__(self) -> None:
        _move(self.names)


def table_written(table: str, *, using: str, connection: BaseDatabaseWrapper) -> None:
    app = _app_of(table)
    names = (f"table:{table}", f"app:{app}") if app else (f"table:{table}",)
    _move(names)
    if connection.in_atomic_block:
        # run_on_commit loses the entries of a rolled-back savepoint, so looking there (rather than
        # remembering what was registered) never skips the move at commit.
        pending = any(
            isinstance(entry[1], _MoveOnCommit) and entry[1].names == names for entry in connection.run_on_commit
        )
        if not pending:
            transaction.on_commit(_MoveOnCommit(names, using), using=using)


def _watch_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    match = WRITE.match(sql) if isinstance(sql, str) else None
    if match is not None:
        connection = context["connection"]
        table_written(match.group(1), using=connection.alias, connection=connection)
    return result


def watch_connection(*, sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def connect() -> None:
    connection_created.connect(watch_connection, dispatch_uid="healthyplaces.generations")


def generations(*, apps: Iterable[str] = (), tables: Iterable[str] = ()) -> str:
    """The current generations of the named apps and tables, as one short string for a cache key
    (one round trip to the cache). A name never written since the cache was emptied gets a fresh one."""
    keys = [PREFIX + f"app:{app}" for app in apps] + [PREFIX + f"table:{table}" for table in tables]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # add() leaves a generation another process has just made; reading back takes theirs.
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))
    # One digest however many names, so keys stay short enough for any cache server.
    return hashlib.sha256("-".join(str(found[key]) for key in keys).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    # Changes whenever the value may have: the key for anything made from the value in turn (a
    # rendered fragment, through the {% cache %} tag).
    key: str


def cached(key: str, make: Callable[[], T], *, apps: Iterable[str] = (), tables: Iterable[str] = ()) -> Cached[T]:
    """make(), or what it returned last time if none of the apps' and tables' data has changed
    since. make() must depend on nothing but that data and what is in `key`."""
    full_key = f"{key}:{generations(apps=apps, tables=tables)}"
    value: T | None = cache.get(full_key)
    if value is None:
        value = make()
        cache.set(full_key, value, timeout=CACHE_SECONDS)
    return Cached(value, full_key)
