"""A database outage answers 503 `database_unavailable` with Retry-After, fast, instead of 500s and
hangs: one test for "the database can't be reached", one response, and a short circuit breaker."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from psycopg_pool import PoolTimeout, TooManyRequests

logger = logging.getLogger(__name__)

CODE = "database_unavailable"
DETAIL = "The database is unreachable for the moment. Please try again shortly."
# SQLSTATEs of a server that is going away or not yet accepting connections; class 08 is
# "connection exception". A deadlock or a cancelled statement is an OperationalError too, but says
# nothing about the next request, so it is answered 503 without tripping the breaker.
_OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 10:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def is_unavailable(exc: BaseException | None) -> bool:
    """The request failed because the database can't serve it now: 503, the client may retry."""
    return any(
        # The pool's PoolTimeout and TooManyRequests are psycopg.OperationalError too.
        isinstance(e, OperationalError | InterfaceError | psycopg.OperationalError)
        for e in _chain(exc)
    )


def is_outage(exc: BaseException | None) -> bool:
    """The database itself is unreachable (not a single statement's bad luck): trips the breaker."""
    for e in _chain(exc):
        if isinstance(e, PoolTimeout | TooManyRequests | InterfaceError):
            return True
        if isinstance(e, psycopg.OperationalError):
            sqlstate = e.sqlstate
            if sqlstate is None or sqlstate.startswith(_OUTAGE_SQLSTATES):
                return True
    return False


class Breaker:
    """After an outage is seen, API requests are answered 503 at once for `cooldown` seconds rather
    than each waiting for the pool's timeout; the first request after that tries the database."""

    def __init__(self, cooldown: float = 1.0) -> None:
        self.cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()
        self._logged_at = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, exc: BaseException | None) -> None:
        now = time.monotonic()
        with self._lock:
            self._open_until = now + self.cooldown
            log = now - self._logged_at >= 30.0 or self._logged_at == 0.0
            if log:
                self._logged_at = now
        if log:
            logger.error("The database is unreachable; answering 503 for now: %r", exc)

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


breaker = Breaker(cooldown=float(getattr(settings, "DB_BREAKER_SECONDS", 1.0)))


def retry_after() -> str:
    return str(int(getattr(settings, "DB_UNAVAILABLE_RETRY_AFTER", 5)))


def note(exc: BaseException | None) -> None:
    if is_outage(exc):
        breaker.trip(exc)


def unavailable_response() -> JsonResponse:
    response = JsonResponse({"code": CODE, "detail": DETAIL}, status=503)
    response["Retry-After"] = retry_after()
    response["Cache-Control"] = "no-store"
    return response


# Health checks probe the database themselves (and answer in their own shape), so the breaker lets
# them through; everything else under these prefixes is answered 503 while it is open.
_GUARDED_PREFIXES = ("/api/", "/admin/")
_HEALTH_PREFIXES = ("/api/health/", "/api/v1/health/")


def _on_request_exception(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Any exception that escaped a view or a middleware, before Django turns it into a 500.
    exc = sys.exc_info()[1]
    if request is not None and is_unavailable(exc):
        note(exc)
        request._database_unavailable = True  # type: ignore[attr-defined]


got_request_exception.connect(_on_request_exception, dispatch_uid="core.dbguard")


class DatabaseGuardMiddleware:
    """Put it early (after CORS, so browsers can read the 503): it answers from the breaker without
    running the rest, and turns a 500 that a database outage caused anywhere inside into the 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path
        if breaker.is_open() and path.startswith(_GUARDED_PREFIXES) and not path.startswith(_HEALTH_PREFIXES):
            return unavailable_response()
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_unavailable", False):
            return unavailable_response()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if is_unavailable(exception):
            note(exception)
            return unavailable_response()
        return None
