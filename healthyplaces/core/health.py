"""Probes for load balancers and Docker Compose.

/livez/ (liveness) answers "ok" whenever the process can answer at all: restarting the web process
would not mend a database or Redis outage, so it looks at nothing else.

/healthz/ (readiness) checks what the portal serves from, each with a short timeout, and answers
503 naming each failing component, so a load balancer stops sending people to a portal that
cannot serve them, and an operator reads which part is down:

- database: a trivial query; without it nothing works.
- cache: Redis answering PING (or the file cache a write and read); pages still work without it,
  more slowly (healthyplaces/core/cache.py), but the operator must know.
- broker: a connection to Celery's broker; saves still work without it and the five-minute sweep
  sends their emails later, but nothing is sent meanwhile."""

import logging
import uuid
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from healthyplaces.core.cache import TolerantRedisCache

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    default = caches["default"]
    if isinstance(default, TolerantRedisCache):
        default.ping()
        return
    # Any other backend: a value written must read back.
    probe = uuid.uuid4().hex
    default.set("healthz:probe", probe, timeout=10)
    if default.get("healthz:probe") != probe:
        raise RuntimeError("the cache did not keep a value")


def _broker() -> None:
    from healthyplaces.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """ "ok" when the database, the cache and the broker all answer; otherwise 503 and, one line each,
    which of them did not."""
    failing = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure of the component is the answer, not a 500
            logger.warning("Health check: %s unavailable: %s: %s", name, type(error).__name__, error)
            failing.append(name)
    if failing:
        body = "".join(f"{name} unavailable\n" for name in failing)
        return HttpResponse(body, status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def livez(request: HttpRequest) -> HttpResponse:
    """The process answers; nothing else is asked."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
