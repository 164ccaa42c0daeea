"""Cached reads that cannot go stale: every write to a table moves that table's *generation* (and
its app's), and a cached value's key carries the generations of what it was made from, so a value
made before a write is never found after it.

The writes are seen where they reach the database (a wrapper on every connection), not in the
services or in model signals, because the portal also writes through `QuerySet.update()`,
`bulk_create()`, the admin site, erasure and migrations, none of which send signals. A write moves
the generation at once, so the same transaction (and a test, which never commits) reads fresh
figures, and again when the transaction commits, so a value another request cached from the
committed data in between is dropped too.

While the cache server is unreachable (healthyplaces/core/cache.py) nothing is served from it or
stored in it: `cached()` makes its value from the database every time. A write whose generation
could not be moved is remembered, and until this process has moved it (the first thing it does when
the cache answers again) it serves nothing cached either. Every process that saw an outage also
moves the *epoch*, a generation inside every key, when the cache comes back, so a value cached
before the outage is never served after it, even if the server kept its data (a network fault, or a
restart from a snapshot). Cached values also expire after CACHE_SECONDS.

Some generations must survive the cache itself: a permission set restored from an old Redis
snapshot must never be used. Those are *durable*: a write to one of their tables also moves a row
in the database (DurableGeneration), in the same transaction as the write, and the cache key
carries that row's value (read with the data it guards; see accounts.backends)."""

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
from django.db.models.signals import post_migrate, pre_migrate

from healthyplaces.core.cache import cache_available, outages_seen

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


EPOCH = "epoch"
DURABLE_TABLE = "core_durablegeneration"


class _Unmoved:
    """Generations this process could not move (the cache was unreachable), and the outages it has
    already answered for by moving the epoch."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.outages_answered = outages_seen()

    def reset(self) -> None:
        self.names.clear()
        self.outages_answered = outages_seen()


_unmoved = _Unmoved()


def _move(names: Iterable[str]) -> None:
    names = list(names)
    try:
        failed = cache.set_many({PREFIX + name: uuid.uuid4().hex for name in names}, timeout=None)
    except Exception:  # a cache backend that raises rather than tolerates; it must not fail the write
        logger.exception("Could not move the cache generations of %s", ", ".join(names))
        failed = names
    if failed:
        _unmoved.names.update(names)


def _caught_up() -> bool:
    """Whether this process may use the cache for cached reads: the cache answers, every generation
    a write here could not move has been moved, and any outage seen has moved the epoch."""
    if cache_available() and not _unmoved.names and outages_seen() == _unmoved.outages_answered:
        return True
    # Also the retry while the cache is down (at most once per RETRY_SECONDS, cache.py): the first
    # call that reaches it moves what is owed, the epoch included, before anything is read.
    pending = {*_unmoved.names, EPOCH}
    if cache.set_many({PREFIX + name: uuid.uuid4().hex for name in pending}, timeout=None):
        return False
    _unmoved.names.difference_update(pending)
    _unmoved.outages_answered = outages_seen()
    return cache_available() and not _unmoved.names


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


# table -> the durable generation a write to it moves (filled by the apps, e.g. accounts' permissions).
_durable_tables: dict[str, str] = {}
# During `migrate` the durable generations' own table may not exist yet; the moves are made once at
# the end instead (post_migrate), which every data migration precedes.
_migrating = False


def move_durably(name: str, *, tables: Iterable[str]) -> None:
    """Writes to these tables also move the durable generation `name`, held in the database."""
    for table in tables:
        _durable_tables[table] = name


def durable_generation(name: str) -> str:
    """The current value (one query); '' before the first write to the guarded tables."""
    from healthyplaces.core.models import DurableGeneration

    return DurableGeneration.objects.filter(name=name).values_list("value", flat=True).first() or ""


def _move_in_database(connection: BaseDatabaseWrapper, names: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for name in names:
            # Random, not a counter: a counter restarts when the table is emptied, and could meet
            # the same number in an old snapshot of the cache.
            cursor.execute(
                f"INSERT INTO {DURABLE_TABLE} (name, value) VALUES (%s, %s) "  # noqa: S608 - a constant
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [name, uuid.uuid4().hex],
            )


def _migration_started(**kwargs: Any) -> None:
    global _migrating
    _migrating = True


def _migration_finished(*, using: str, **kwargs: Any) -> None:
    global _migrating
    if _migrating:
        _migrating = False
        from django.db import connections

        connection = connections[using]
        # A migration run to an earlier target may leave the table unmade.
        if DURABLE_TABLE in connection.introspection.table_names():
            _move_in_database(connection, sorted(set(_durable_tables.values())))


def _watch_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    match = WRITE.match(sql) if isinstance(sql, str) else None
    if match is not None and match.group(1) != DURABLE_TABLE:
        connection = context["connection"]
        table = match.group(1)
        durable = _durable_tables.get(table)
        if durable is not None and not _migrating:
            # In the writer's transaction: the change and the new generation commit (or not) together.
            _move_in_database(connection, [durable])
        table_written(table, using=connection.alias, connection=connection)
    return result


def watch_connection(*, sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def connect() -> None:
    connection_created.connect(watch_connection, dispatch_uid="healthyplaces.generations")
    pre_migrate.connect(_migration_started, dispatch_uid="healthyplaces.generations.pre_migrate")
    post_migrate.connect(_migration_finished, dispatch_uid="healthyplaces.generations.post_migrate")


def generations(*, apps: Iterable[str] = (), tables: Iterable[str] = ()) -> str | None:
    """The current generations of the named apps and tables, as one short string for a cache key
    (one round trip to the cache). A name never written since the cache was emptied gets a fresh one.
    None when the cache cannot be trusted now (unreachable, or this process has not caught up after
    an outage): nothing may be served from it or stored in it."""
    if not _caught_up():
        return None
    keys = [PREFIX + EPOCH] + [PREFIX + f"app:{app}" for app in apps] + [PREFIX + f"table:{table}" for table in tables]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # add() leaves a generation another process has just made; reading back takes theirs.
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))
    if any(key not in found for key in keys) or not cache_available():
        return None  # the cache went away while we asked
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
    generation = generations(apps=apps, tables=tables)
    if generation is None:
        # Made from the database and kept nowhere; the key is one no fragment cache will find again.
        return Cached(make(), f"{key}:uncached:{uuid.uuid4().hex}")
    full_key = f"{key}:{generation}"
    value: T | None = cache.get(full_key)
    if value is None:
        value = make()
        cache.set(full_key, value, timeout=CACHE_SECONDS)
    return Cached(value, full_key)
