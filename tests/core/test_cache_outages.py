"""The cache is an accelerator: with its redis-server killed (a real one, the test's own), cache calls
miss instead of failing, a warning is logged once a minute rather than once a call, and a value
cached before the outage is never served after it, even from a snapshot that kept it."""

import logging

import pytest

from healthyplaces.core import cache as tolerant
from healthyplaces.core import generations
from healthyplaces.core.cache import cache_available
from healthyplaces.core.generations import cached
from healthyplaces.vocabulary.models import Theme
from tests.support.processes import RedisServer
from tests.support.redis_cache import cache_at
from tests.support.redis_fixtures import redis_server

__all__ = ["redis_server"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(redis_server: RedisServer, settings, monkeypatch):
    # Try the server again on every call rather than after two seconds, so the test needs no sleep.
    monkeypatch.setattr(tolerant, "RETRY_SECONDS", 0.0)
    with cache_at(settings, redis_server.url()):
        yield redis_server


def themes_counted(calls: list[int]) -> int:
    def count() -> int:
        calls.append(1)
        return Theme.objects.count()

    return cached("test:themes", count, apps=["vocabulary"]).value


def test_every_cache_call_misses_rather_than_fails_while_redis_is_down(redis_cache):
    from django.core.cache import cache

    cache.set("kept", "value")
    assert cache.get("kept") == "value"

    redis_cache.kill()

    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.add("lock", True) is True  # a lock nobody holds: allauth's rate limit goes ahead
    assert cache.delete("kept") is False
    assert cache.has_key("kept") is False
    cache.set("kept", "new")
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    assert not cache_available()

    redis_cache.start()
    assert cache.get("kept", "default") == "default"  # a restarted server without persistence is empty
    assert cache_available()


def test_the_outage_is_logged_once_a_minute_not_once_a_call(redis_cache, caplog, monkeypatch):
    from django.core.cache import cache

    now = [1000.0]
    monkeypatch.setattr(tolerant.time, "monotonic", lambda: now[0])
    redis_cache.kill()

    with caplog.at_level(logging.WARNING, logger="healthyplaces.core.cache"):
        for _ in range(50):
            cache.get("anything")
            now[0] += 1  # fifty calls over fifty seconds
        assert [r.getMessage().startswith("Cache unreachable") for r in caplog.records] == [True]

        now[0] += 10
        cache.get("anything")  # a minute after the first warning
        assert len(caplog.records) == 2
        assert "down for 60 s" in caplog.records[1].getMessage()

        redis_cache.start()
        cache.get("anything")
    assert caplog.records[-1].getMessage().startswith("Cache reachable again")
    assert len(caplog.records) == 3


def test_nothing_is_served_or_stored_during_an_outage(redis_cache):
    calls: list[int] = []
    themes_counted(calls)
    keys_before = redis_cache.client().dbsize()

    redis_cache.kill()
    Theme.objects.create(name="Parks")

    assert themes_counted(calls) == 1
    assert themes_counted(calls) == 1
    assert len(calls) == 3  # from the database every time

    redis_cache.start(from_snapshot=False)
    assert redis_cache.client().dbsize() == 0
    assert themes_counted(calls) == 1
    assert themes_counted(calls) == 1
    assert len(calls) == 4  # cached again once the server answers
    assert keys_before > 0


def test_a_value_cached_before_an_outage_is_not_served_after_it_even_from_a_snapshot(redis_cache):
    """The generation of the themes could not move while Redis was down; the server comes back from
    a snapshot holding the old count under the old generation."""
    calls: list[int] = []
    assert themes_counted(calls) == 0
    redis_cache.save()
    redis_cache.kill()

    Theme.objects.create(name="Parks")  # the write cannot move the themes' generation

    redis_cache.start(from_snapshot=True)
    assert any(b"test:themes" in key for key in redis_cache.client().scan_iter()), "the snapshot kept the value"
    assert themes_counted(calls) == 1
    assert len(calls) == 2


def test_a_process_that_saw_an_outage_moves_every_generation_when_the_cache_returns(redis_cache):
    """Another process may have written while the cache was down and died before it could move its
    generations; any process that saw the outage moves the epoch that every cached key carries."""
    from django.core.cache import cache

    calls: list[int] = []
    themes_counted(calls)
    redis_cache.save()
    redis_cache.kill()

    cache.get("anything")  # this process notices the outage
    Theme.objects.create(name="Parks")
    generations._unmoved.names.clear()  # the write was the other process's, which died with it

    redis_cache.start(from_snapshot=True)

    assert themes_counted(calls) == 1
    assert len(calls) == 2
