"""core.cache: one Redis client per pool, and the one-round-trip window counter."""

import pytest
from django.core.cache import cache, caches

from core.cache import RedisCache, incr_window

on_redis = pytest.mark.skipif(not isinstance(caches["default"], RedisCache), reason="REDIS_URL is not set")


def test_window_counter_counts_and_expires_on_any_backend():
    assert [incr_window("test:window", 60) for _ in range(3)] == [1, 2, 3]
    assert incr_window("test:other-window", 60) == 1
    cache.delete("test:window")
    assert incr_window("test:window", 60) == 1


@on_redis
def test_window_counter_sets_its_expiry_once():
    client = cache._cache.get_client(write=True)
    key = cache.make_and_validate_key("test:ttl")
    incr_window("test:ttl", 30)
    first_ttl = client.ttl(key)
    assert 0 < first_ttl <= 30
    client.expire(key, 100)
    incr_window("test:ttl", 30)  # an existing window keeps its expiry (EXPIRE NX)
    assert client.ttl(key) > 30
    assert int(client.get(key)) == 2


@on_redis
def test_one_client_is_reused_per_pool():
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.set("test:reuse", {"a": 1})
    assert cache.get("test:reuse") == {"a": 1}
