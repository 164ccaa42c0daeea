from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def broker_unreachable(app: Any) -> Iterator[None]:  # Any: this reaches into Celery's private pools
    """Publish to a port where nothing listens, as if the broker had gone away, then give the app
    back its own connection and producer pools untouched."""
    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        yield
    finally:
        app.pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved
