"""The cache is an accelerator, never a dependency: when Redis cannot be reached, every cache call
answers as if the cache were empty (reads miss, writes are dropped) and the portal serves from the
database.

An outage is noticed by the first call that fails. For the next RETRY_SECONDS no call tries the
server at all, so a request during an outage is not held up by one connection attempt per cache
call; after that one call tries again. A warning is logged once per WARN_SECONDS while the cache is
down (not once per request) and once when it comes back.

The generations cache (healthyplaces/core/generations.py) asks `cache_available()` and
`outages_seen()` so that it neither serves nor stores values made while writes could not move the
generations they depend on."""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
WARN_SECONDS = 60.0
# What an unreachable or unwilling server raises: redis-py's connection errors and timeouts, and its
# error replies (a server out of memory or read-only refuses writes: as good as down for the cache).
# Anything else (a value that will not pickle, say) is a bug and is not hidden.
UNREACHABLE = (redis.RedisError, OSError)

T = TypeVar("T")


class _Outage:
    """Process-wide: every thread and every cache alias shares one view of whether the server is up."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.warned_at: float | None = None
        # Moves on each recovery, so a reader can tell that an outage happened between two looks.
        self.count = 0

    def reset(self) -> None:
        with self.lock:
            self.down_since = None
            self.retry_at = 0.0
            self.warned_at = None


_outage = _Outage()


def cache_available() -> bool:
    """False while the cache is known to be unreachable (until a retry succeeds)."""
    return _outage.down_since is None


def outages_seen() -> int:
    """How many outages this process has recovered from; moves when the cache comes back."""
    return _outage.count


def _failed(error: Exception) -> None:
    now = time.monotonic()
    with _outage.lock:
        if _outage.down_since is None:
            _outage.down_since = now
        _outage.retry_at = now + RETRY_SECONDS
        warn = _outage.warned_at is None or now - _outage.warned_at >= WARN_SECONDS
        if warn:
            _outage.warned_at = now
        down_for = now - _outage.down_since
    if warn:
        logger.warning(
            "Cache unreachable (down for %.0f s; serving from the database until it answers): %s: %s",
            down_for,
            type(error).__name__,
            error,
        )


def _succeeded() -> None:
    if _outage.down_since is None:
        return
    with _outage.lock:
        if _outage.down_since is None:
            return
        down_for = time.monotonic() - _outage.down_since
        _outage.down_since = None
        _outage.warned_at = None
        _outage.count += 1
    logger.warning("Cache reachable again after %.0f s", down_for)


def _skip() -> bool:
    return _outage.down_since is not None and time.monotonic() < _outage.retry_at


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, but an unreachable server is a cache miss, not an error."""

    def _call(self, call: Callable[[], T], fallback: T) -> T:
        if _skip():
            return fallback
        try:
            result = call()
        except UNREACHABLE as error:
            _failed(error)
            return fallback
        _succeeded()
        return result

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call(lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._call(lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call(lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call(lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        # Django's contract: the keys that could not be stored.
        return self._call(lambda: super(TolerantRedisCache, self).set_many(data, timeout, version), list(data))

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        # True ("stored, nobody held it"), so that callers using add() as a lock (allauth's rate
        # limits) or as a once-only marker (allauth's used TOTP codes) let people sign in rather than
        # wait out a lock no one holds. A TOTP code can therefore be replayed within its 90 seconds
        # while the cache is down; the password is still needed with it.
        return self._call(lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), True)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call(lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call(lambda: super(TolerantRedisCache, self).delete_many(keys, version), None)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # Django raises ValueError for a missing key; with the server gone every key is missing.
        missing = object()
        result = self._call(lambda: super(TolerantRedisCache, self).incr(key, delta, version), missing)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return result  # type: ignore[return-value]

    def clear(self) -> None:
        self._call(lambda: super(TolerantRedisCache, self).clear(), None)

    def ping(self) -> None:
        """Raise if the server does not answer now (the health check), ignoring the retry pause."""
        try:
            self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
        except UNREACHABLE as error:
            _failed(error)
            raise
        _succeeded()
