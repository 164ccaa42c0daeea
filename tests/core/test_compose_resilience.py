"""The compose stack runs Redis as a cache that a restart empties, and polls the web container's
liveness (not readiness, which Redis or PostgreSQL being down would fail with no restart to help)."""

from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def services() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())["services"]  # type: ignore[no-any-return]


def test_redis_keeps_no_snapshot_or_append_only_file():
    command = services()["redis"]["command"]
    assert command[0] == "redis-server"
    options = dict(zip(command[1::2], command[2::2], strict=True))
    assert options == {"--save": "", "--appendonly": "no"}


def test_the_web_healthcheck_polls_liveness():
    check = " ".join(services()["web"]["healthcheck"]["test"])
    assert "/livez/" in check
    assert "/healthz/" not in check


def test_sessions_live_in_the_database_not_the_cache():
    # A cache outage must not sign everyone out or fail every signed-in page.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
