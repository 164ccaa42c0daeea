from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def broker_at(app: Any, url: str) -> Iterator[None]:  # Any: this reaches into Celery's private pools
    """Publish to (and consume from) the broker at url, then give the app back its own connection
    and producer pools untouched."""
    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url
    try:
        yield
    finally:
        app.pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


@contextmanager
def broker_unreachable(app: Any) -> Iterator[None]:
    """Publish to a port where nothing listens, as if the broker had gone away."""
    with broker_at(app, "redis://127.0.0.1:1/0"):
        yield
