"""Rate limits as fixed-window counters in the shared cache (Redis in production): one atomic
INCR per request, instead of DRF's default list of every request time in the window, which grows
to the size of the limit and is read and rewritten on every request. Rates come from settings.
While Redis is unreachable the counters live in each process's memory (core.cache.incr_window), so
the limits still hold, per process, and a Redis outage never turns into 500s."""

import time
from typing import Any

from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .cache import incr_window


class CounterThrottle(throttling.SimpleRateThrottle):
    cache_format = "throttle:%(scope)s:%(ident)s"

    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        return rates.get(self.scope or "")

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        limit, duration = self.parse_rate(self.rate)
        limit, duration = int(limit or 0), int(duration or 1)
        now = time.time()
        window = int(now // duration)
        self.wait_seconds = (window + 1) * duration - now
        count = incr_window(f"{key}:{window}", duration + 1)
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self, "wait_seconds", None)


class UserRateThrottle(CounterThrottle):
    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # the anonymous throttle covers these
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonRateThrottle(CounterThrottle):
    scope = "anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class KaviRateThrottle(UserRateThrottle):
    scope = "kavi"
