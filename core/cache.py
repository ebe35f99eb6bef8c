"""The Redis cache backend, tuned for the per-request path and made optional: while Redis is
unreachable every read is a miss and every write is skipped, so the API keeps serving.

Django's RedisCacheClient builds a new `redis.Redis` object (and its table of ~200 response
callbacks) for every cache call; each API request makes several. A Redis client is thread-safe and
only borrows connections from its pool per command, so one client per pool serves every thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)
T = TypeVar("T")

# What "Redis is unreachable" looks like: refused or reset connections, timeouts, a server still
# loading its data (BusyLoadingError is a ConnectionError), a replica that can't take writes.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)


class CacheUnavailable(Exception):
    """Raised by `incr_window` on the Redis backend while Redis can't be reached."""


class Breaker:
    """After a failure, callers skip Redis for `cooldown` seconds instead of each paying a connect
    timeout; the first call after that tries again. Logs once per `log_interval`, not per call."""

    def __init__(self, cooldown: float = 1.5, log_interval: float = 30.0) -> None:
        self.cooldown = cooldown
        self.log_interval = log_interval
        self._open_until = 0.0
        self._logged_at = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._open_until = now + self.cooldown
            should_log = now - self._logged_at >= self.log_interval or self._logged_at == 0.0
            if should_log:
                self._logged_at = now
        if should_log:
            logger.warning("Redis is unreachable; serving without the cache for now: %r", exc)

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


# One per process: Django makes a cache object per thread, and they all share the same Redis.
breaker = Breaker()


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        base: Any = self  # the private attributes used here aren't in django-stubs
        options: dict[str, Any] = base._pool_options
        # A dead Redis must cost a fraction of a second, not redis-py's 5 s default; one immediate
        # retry replaces a pooled connection that a Redis restart closed.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("retry", Retry(NoBackoff(), 1))

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

    def _guard(self, fallback: T, call: Callable[[], T]) -> T:
        if breaker.is_open():
            return fallback
        try:
            return call()
        except UNAVAILABLE_ERRORS as exc:
            breaker.trip(exc)
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(default, lambda: super(RedisCache, self).get(key, default, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._guard({}, lambda: super(RedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(False, lambda: super(RedisCache, self).has_key(key, version))

    def set(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._guard(None, lambda: super(RedisCache, self).set(key, value, timeout, version))

    def add(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        # False: nothing was stored. Code that uses add() as a lock must not assume it holds one.
        return self._guard(False, lambda: super(RedisCache, self).add(key, value, timeout, version))

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._guard(list(data), lambda: super(RedisCache, self).set_many(data, timeout, version))

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(False, lambda: super(RedisCache, self).touch(key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(False, lambda: super(RedisCache, self).delete(key, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guard(None, lambda: super(RedisCache, self).delete_many(keys, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A dead Redis holds no key: incr() on a missing key raises ValueError, as documented.
        missing = object()
        value = self._guard(missing, lambda: super(RedisCache, self).incr(key, delta, version))
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return int(value)  # type: ignore[call-overload]

    def clear(self) -> None:
        self._guard(None, lambda: super(RedisCache, self).clear())

    def ping(self) -> bool:
        """True when Redis answers now; for the health check, so it ignores the breaker."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNAVAILABLE_ERRORS as exc:
            breaker.trip(exc)
            return False

    def incr_window(self, key: str, timeout: int) -> int:
        """Adds one to a counter that expires `timeout` seconds after its first increment, and
        returns the new count: INCR and EXPIRE NX in one round trip. Raises CacheUnavailable
        while Redis can't be reached."""
        if breaker.is_open():
            raise CacheUnavailable
        full_key = self.make_and_validate_key(key)
        try:
            pipe = self._cache.get_client(full_key, write=True).pipeline(transaction=False)
            pipe.incr(full_key)
            pipe.expire(full_key, timeout, nx=True)
            count, _ = pipe.execute()
        except UNAVAILABLE_ERRORS as exc:
            breaker.trip(exc)
            raise CacheUnavailable from exc
        return int(count)


class LocalWindowCounter:
    """Fixed-window counters in this process's memory: the stand-in while Redis is down. Each
    process counts on its own, so a limit holds per process rather than across the fleet."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self.max_keys = max_keys
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def incr(self, key: str, timeout: int) -> int:
        now = time.monotonic()
        with self._lock:
            expires, count = self._counts.get(key, (0.0, 0))
            if expires <= now:
                expires, count = now + timeout, 0
                if len(self._counts) >= self.max_keys:
                    self._evict(now)
            self._counts[key] = (expires, count + 1)
            return count + 1

    def _evict(self, now: float) -> None:
        for stale in [k for k, (expires, _) in self._counts.items() if expires <= now]:
            del self._counts[stale]
        if len(self._counts) >= self.max_keys:  # still full of live windows: drop the oldest half
            for k in list(self._counts)[: self.max_keys // 2]:
                del self._counts[k]

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


local_counter = LocalWindowCounter()


def incr_window(key: str, timeout: int, *, alias: str = "default") -> int:
    """A fixed-window counter in the cache: one round trip on Redis; add/incr on other backends
    (process memory in development and tests without Redis). While Redis is unreachable it counts
    in this process instead (see LocalWindowCounter), so a limit degrades to per process."""
    cache = caches[alias]
    if isinstance(cache, RedisCache):
        try:
            return cache.incr_window(key, timeout)
        except CacheUnavailable:
            return local_counter.incr(key, timeout)
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1
