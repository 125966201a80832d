"""A Redis cache that a Redis outage cannot turn into error pages (docs/reliability.md).

In docker-compose.yml one Redis is both the Celery broker and the cache. The cache holds
nothing that must be there (the API's rate-limit counters, the leader overview's computed
numbers, OpenID Connect metadata): when Redis is away, a read is a miss and a write is
dropped, logged once per outage, and for ``PAUSE_SECONDS`` the cache is not even asked, so
a Redis behind a silent network does not cost every request a timeout. The API's rate
limit is open while Redis is down."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("bti.cache")

PAUSE_SECONDS = 5.0
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def _try(self, default: Any, call: Any, *args: Any, **kwargs: Any) -> Any:
        now = time.monotonic()
        if now < type(self)._down_until:
            return default
        try:
            result = call(*args, **kwargs)
        except DOWN as exc:
            if not type(self)._down_until:
                log.warning("cache unavailable, serving without it: %s", type(exc).__name__)
            type(self)._down_until = now + PAUSE_SECONDS
            return default
        if type(self)._down_until:
            log.warning("cache available again")
            type(self)._down_until = 0.0
        return result

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return bool(self._try(False, super().add, key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._try(default, super().get, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._try(None, super().set, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return bool(self._try(False, super().touch, key, timeout, version))

    def delete(self, key: Any, version: Any = None) -> bool:
        return bool(self._try(False, super().delete, key, version))

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return dict(self._try({}, super().get_many, keys, version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return bool(self._try(False, super().has_key, key, version))

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return list(self._try([], super().set_many, data, timeout, version))

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._try(None, super().delete_many, keys, version)
