"""Rate limits. Rates are read from settings on each request so they can change without a restart of
the class; counters live in the default cache, which is Redis and so shared across workers."""

from typing import Any

from rest_framework import throttling
from rest_framework.settings import api_settings


class _SettingsRate(throttling.SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        return rates.get(self.scope or "")


class UserRateThrottle(_SettingsRate, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(_SettingsRate, throttling.AnonRateThrottle):
    pass


class KaviRateThrottle(_SettingsRate, throttling.UserRateThrottle):
    scope = "kavi"
