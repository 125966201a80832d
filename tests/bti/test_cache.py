"""The cache survives a Redis outage (bti/cache.py): a miss, not an error page."""

from __future__ import annotations

import time

import pytest

from bti import cache as resilient


@pytest.fixture
def dead_redis(monkeypatch):
    monkeypatch.setattr(resilient.ResilientRedisCache, "_down_until", 0.0)
    return resilient.ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_a_redis_that_is_away_is_a_miss_and_a_dropped_write(dead_redis, caplog):
    start = time.perf_counter()
    assert dead_redis.get("throttle-key", "MERKE-standard") == "MERKE-standard"
    dead_redis.set("throttle-key", [1, 2], 60)
    assert dead_redis.get_many(["a", "b"]) == {}
    assert dead_redis.add("k", 1) is False
    assert time.perf_counter() - start < 1.5
    assert [r.getMessage() for r in caplog.records] == ["cache unavailable, serving without it: ConnectionError"]


def test_it_does_not_ask_redis_again_for_a_few_seconds(dead_redis, monkeypatch):
    dead_redis.get("k")
    calls = []
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get", lambda *a, **k: calls.append(a))
    assert dead_redis.get("k", "MERKE") == "MERKE"
    assert calls == []
    monkeypatch.setattr(resilient.ResilientRedisCache, "_down_until", time.monotonic() - 1)
    dead_redis.get("k")
    assert len(calls) == 1  # after the pause it is asked again


def test_the_api_answers_while_the_cache_is_away(personas, settings, dead_redis, monkeypatch):
    """The API's rate limit reads the cache: with Redis down it lets the request through."""
    from django.test import Client
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "cache", dead_redis)
    client = Client()
    client.force_login(personas["barnehagelaerer"], backend="bti.auth_backends.EmailBackend")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["email"] == "kari.nordmann@eksempel.kommune.no"
