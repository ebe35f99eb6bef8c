"""The Redis cache backend, tuned for the per-request path, and a window counter for rate limits.

Django's RedisCacheClient builds a new `redis.Redis` object (and its table of ~200 response
callbacks) for every cache call; each API request makes several. A Redis client is thread-safe and
only borrows connections from its pool per command, so one client per pool serves every thread.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        base: Any = self  # the private helpers below aren't in django-stubs
        index = base._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # Two threads may both build one here; either is fine to keep.
            client = self._clients[index] = base._client(connection_pool=base._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_window(self, key: str, timeout: int) -> int:
        """Adds one to a counter that expires `timeout` seconds after its first increment, and
        returns the new count: INCR and EXPIRE NX in one round trip."""
        full_key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, timeout, nx=True)
        count, _ = pipe.execute()
        return int(count)


def incr_window(key: str, timeout: int, *, alias: str = "default") -> int:
    """A fixed-window counter in the cache: one round trip on Redis; add/incr on other backends
    (process memory in development and tests without Redis)."""
    cache = caches[alias]
    if isinstance(cache, RedisCache):
        return cache.incr_window(key, timeout)
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1
