"""Pointing this test process's cache at a redis-server of the test's own (tests/support/processes.py)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from healthyplaces.core import cache as tolerant
from healthyplaces.core import generations

KEY_PREFIX = "fault-test"


def tolerant_cache_at(url: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "healthyplaces.core.cache.TolerantRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }


def forget_outages() -> None:
    """The outage state is per process; one test's outage must not carry into the next."""
    tolerant._outage.reset()
    generations._unmoved.reset()


@contextmanager
def cache_at(settings: Any, url: str) -> Iterator[None]:
    """settings is pytest-django's fixture: changing CACHES makes Django open new cache connections."""
    forget_outages()
    saved = settings.CACHES
    settings.CACHES = tolerant_cache_at(url)
    try:
        yield
    finally:
        settings.CACHES = saved
        forget_outages()
