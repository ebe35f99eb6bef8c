"""core.cache: one Redis client per pool, the one-round-trip window counter, and serving on while
Redis is unreachable (misses, skipped writes, per-process counters, a degraded health check)."""

import socket
import time

import pytest
from django.core.cache import cache, caches

from core.cache import CacheUnavailable, LocalWindowCounter, RedisCache, breaker, incr_window, local_counter

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


# --- Redis is a cache, not a dependency: while it is unreachable reads miss and writes are skipped.


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _closed_breaker():
    breaker.reset()
    local_counter.clear()
    yield
    breaker.reset()
    local_counter.clear()


@pytest.fixture
def dead_redis_url():
    return f"redis://127.0.0.1:{_closed_port()}/0"


@pytest.fixture
def dead_redis(settings, dead_redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": dead_redis_url, "KEY_PREFIX": "kavi-test"}
    }
    return caches["default"]


def test_a_dead_redis_reads_as_misses_and_skips_writes(dead_redis_url):
    dead = RedisCache(dead_redis_url, {})
    assert dead.get("k") is None and dead.get("k", "fallback") == "fallback"
    assert dead.get_many(["a", "b"]) == {} and dead.has_key("k") is False
    dead.set("k", 1)
    assert dead.add("k", 1) is False and dead.touch("k") is False and dead.delete("k") is False
    assert dead.set_many({"a": 1, "b": 2}) == ["a", "b"]
    dead.delete_many(["a"])
    assert dead.get_or_set("k", lambda: "computed") == "computed"
    with pytest.raises(ValueError):  # like incr() of any missing key
        dead.incr("k")
    with pytest.raises(CacheUnavailable):
        dead.incr_window("k", 60)
    assert dead.ping() is False


def test_a_dead_redis_costs_one_timeout_per_cooldown_not_one_per_call(dead_redis_url, monkeypatch):
    calls = []
    dead = RedisCache(dead_redis_url, {})
    real_trip = breaker.trip

    def counting_trip(exc):
        calls.append(exc)
        real_trip(exc)

    monkeypatch.setattr(breaker, "trip", counting_trip)
    started = time.monotonic()
    for i in range(500):
        dead.get(f"k{i}")
        dead.set(f"k{i}", i)
    assert time.monotonic() - started < 1.0
    assert len(calls) == 1  # the rest were skipped while the breaker was open


def test_redis_socket_timeouts_are_short(dead_redis_url):
    pool = RedisCache(dead_redis_url, {})._cache._get_connection_pool(True)
    assert pool.connection_kwargs["socket_connect_timeout"] <= 0.5
    assert pool.connection_kwargs["socket_timeout"] <= 1.0


@on_redis
def test_redis_is_used_again_after_the_cooldown(monkeypatch):
    cache.set("test:back", "value")
    monkeypatch.setattr(breaker, "cooldown", 0.05)
    breaker.trip(ConnectionError("pretend"))
    assert cache.get("test:back") is None  # skipped while open
    time.sleep(0.1)
    assert cache.get("test:back") == "value"


def test_the_window_counter_counts_in_process_while_redis_is_down(dead_redis):
    assert [incr_window("test:window", 60) for _ in range(3)] == [1, 2, 3]
    assert incr_window("test:other", 60) == 1


def test_the_local_counter_forgets_expired_windows_and_stays_bounded():
    counter = LocalWindowCounter(max_keys=10)
    for i in range(25):
        counter.incr(f"k{i}", 60)
    assert len(counter._counts) <= 10
    assert counter.incr("k24", 60) == 2  # a live window survives eviction of older ones


@pytest.mark.django_db
def test_the_api_serves_and_throttles_while_redis_is_down(dead_redis, make_api, settings):
    from tests.factories import UserFactory

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour", "user": "3/day", "kavi": "60/minute"},
    }
    api = make_api(UserFactory())
    assert [api.get("/api/v1/users/me/").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.django_db
def test_health_is_degraded_but_live_while_redis_is_down(dead_redis, api):
    health = api.get("/api/health/")
    assert health.status_code == 503
    assert health.json() | {"version": "-"} == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "version": "-",
    }
    live = api.get("/api/health/live/")
    assert live.status_code == 200 and live.json()["status"] == "ok" and live.json()["database"] == "ok"


@pytest.mark.django_db
def test_live_is_200_with_everything_up(api):
    assert api.get("/api/health/").status_code == 200
    assert api.get("/api/health/live/").json()["status"] == "ok"
