"""Limits on the password-reset endpoints: per client IP and per e-mail address asked about.
Rates may be set in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]; these defaults apply otherwise."""

import hashlib
from typing import Any

from rest_framework.request import Request

from core.throttles import CounterThrottle


class _DefaultRateThrottle(CounterThrottle):
    default_rate = ""

    def get_rate(self) -> str | None:
        return super().get_rate() or self.default_rate


class PasswordResetIPThrottle(_DefaultRateThrottle):
    scope = "password_reset_ip"
    default_rate = "20/hour"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PasswordResetEmailThrottle(_DefaultRateThrottle):
    scope = "password_reset_email"
    default_rate = "5/hour"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None  # the serializer refuses it
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PasswordResetConfirmThrottle(PasswordResetIPThrottle):
    scope = "password_reset_confirm"
    default_rate = "30/hour"
