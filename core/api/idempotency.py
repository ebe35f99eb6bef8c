"""`Idempotency-Key` on signed-in POSTs: the first 2xx response is kept for 24 hours and replayed to
a repeat with the same key, user and business, so retries and offline sync create nothing twice."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from rest_framework import exceptions as drf_exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication

from ..authentication import JWTAuthentication
from ..exceptions import ApplicationError
from ..models import IdempotencyKey
from .tenancy import BUSINESS_HEADER, resolve_active_business

if TYPE_CHECKING:
    from users.models import Business, User

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 64
# Visible ASCII and the space; anything else (control characters, say) is refused.
_KEY_RE = re.compile(rf"[\x20-\x7e]{{1,{MAX_KEY_LENGTH}}}")
# Response headers worth replaying besides the body; the rest are made fresh by the middleware.
_KEPT_HEADERS = ("Content-Type", "Location", "Content-Disposition")


def ttl() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)


def stale_after() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_CLAIM_STALE_SECONDS)


def applies_to(view_class: type | None, method: str) -> bool:
    """A POST to an API view that signs callers in with the JWT and lets no anonymous caller in.

    Anonymous routes (token, register, M-Pesa callbacks) are left alone: a token response must not
    be stored, and there is no user to scope a key to. A view may opt out with `idempotency_exempt`.
    """
    if method.upper() != "POST" or view_class is None or not issubclass(view_class, APIView):
        return False
    if getattr(view_class, "idempotency_exempt", False):
        return False
    if any(isinstance(p, type) and issubclass(p, AllowAny) for p in view_class.permission_classes):
        return False
    return any(
        isinstance(a, type) and issubclass(a, BaseJWTAuthentication)
        for a in view_class.authentication_classes
    )


def _error(code: str, detail: str, status: int, *, retry_after: int | None = None) -> JsonResponse:
    response = JsonResponse({"code": code, "detail": detail}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@dataclass(frozen=True)
class Scope:
    user: User
    business: Business | None
    key: str


@dataclass(frozen=True)
class Fingerprint:
    method: str
    path: str
    request_hash: str


def _authenticated_user(request: HttpRequest) -> User | None:
    try:
        result = JWTAuthentication().authenticate(request)  # type: ignore[arg-type]
    except drf_exceptions.APIException:
        return None  # DRF answers 401 itself when the view authenticates
    if result is None:
        return None
    user = result[0]
    return user if user.is_active else None


class _TenancyRequest:
    """What `resolve_active_business` reads from a request: the user and the headers."""

    def __init__(self, request: HttpRequest, user: User) -> None:
        self.user = user
        self.headers = request.headers


def _business(request: HttpRequest, user: User, view_class: type) -> Business | None:
    """The key's business: the active business of a business-scoped view; elsewhere the one named
    by X-Business-ID, if any. Not "the only membership" there: creating a first business would
    change the answer between a request and its retry."""
    if not getattr(view_class, "business_scoped", False) and not request.headers.get(BUSINESS_HEADER):
        return None
    try:
        return resolve_active_business(_TenancyRequest(request, user)).business  # type: ignore[arg-type]
    except (ApplicationError, drf_exceptions.APIException):
        # No business applies (a route outside any, or one the view will refuse itself).
        return None


def _bytes(text: str) -> bytes:
    # Never fails, whatever a hostile client smuggled into a header-decoded or multipart string.
    return text.encode("utf-8", "backslashreplace")


def _request_hash(request: HttpRequest) -> str:
    """sha256 over method, path, media type and body. A multipart body is hashed by its parsed
    fields and files: a browser retry of the same form picks a new random boundary."""
    media_type = (request.content_type or "").lower()
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), media_type):
        digest.update(_bytes(part) + b"\0")
    if media_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            for value in values:
                digest.update(b"field\0" + _bytes(name) + b"\0" + _bytes(value) + b"\0")
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(b"file\0" + _bytes(name) + b"\0" + _bytes(upload.name or "") + b"\0")
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
                digest.update(b"\0")
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _claim(scope: Scope, fingerprint: Fingerprint) -> IdempotencyKey | HttpResponse:
    """Insert the key in its own short transaction; the unique constraint decides a race.

    Returns the claimed row, or the response for a repeat: the replay, a conflict, or "in progress".
    """
    for _ in range(3):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    user=scope.user,
                    business=scope.business,
                    key=scope.key,
                    method=fingerprint.method,
                    path=fingerprint.path[:2048],
                    request_hash=fingerprint.request_hash,
                )
        except IntegrityError:
            pass
        existing = (
            IdempotencyKey.objects.filter(user=scope.user, business=scope.business, key=scope.key)
            .order_by()
            .first()
        )
        if existing is None:
            continue  # released between our insert and our read: claim again
        now = timezone.now()
        abandoned = (
            existing.status == IdempotencyKey.Status.IN_PROGRESS and existing.created_at < now - stale_after()
        )
        if existing.created_at < now - ttl() or abandoned:
            # Expired, or claimed by a worker that died mid-request: delete that very row and claim again.
            IdempotencyKey.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        if existing.request_hash != fingerprint.request_hash:
            return _error(
                "idempotency_conflict",
                f"This {HEADER} was already used for a different request.",
                409,
            )
        if existing.status == IdempotencyKey.Status.IN_PROGRESS:
            return _error(
                "idempotency_in_progress",
                f"A request with this {HEADER} is still being processed; retry shortly.",
                409,
                retry_after=1,
            )
        return _replay(existing)
    return _error(
        "idempotency_in_progress",
        f"A request with this {HEADER} is still being processed; retry shortly.",
        409,
        retry_after=1,
    )


def _replay(row: IdempotencyKey) -> HttpResponse:
    headers = dict(row.response_headers or {})
    response = HttpResponse(
        bytes(row.response_body),
        status=row.response_status or 200,
        content_type=headers.pop("Content-Type", None),
    )
    for name, value in headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _complete(row: IdempotencyKey, response: HttpResponse) -> None:
    if 200 <= response.status_code < 300 and not response.streaming:
        IdempotencyKey.objects.filter(pk=row.pk).update(
            status=IdempotencyKey.Status.COMPLETED,
            response_status=response.status_code,
            response_headers={name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
            response_body=response.content,
            completed_at=timezone.now(),
        )
    else:
        # An error (or a stream we can't keep) is not remembered: the client may fix the input and
        # retry with the same key.
        IdempotencyKey.objects.filter(pk=row.pk).delete()


def idempotency_keys_purge(*, now: Any = None) -> int:
    """Delete keys past their 24 hours (run by `manage.py purge_idempotency_keys`)."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class IdempotencyMiddleware:
    """Claims the key before the view, keeps a 2xx response after it, and releases the key otherwise.

    A Django middleware rather than a DRF hook so that every API view is covered without each
    inheriting from a base class; it authenticates the JWT itself (the view does so again).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        row: IdempotencyKey | None = getattr(request, "_idempotency_claim", None)
        if row is not None:
            try:
                _complete(row, response)
            except DatabaseError:
                # The write happened; the claim stays "in progress" until it goes stale.
                logger.exception("Could not store the response for an idempotency key")
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        raw = request.headers.get(HEADER)
        view_class = getattr(view_func, "cls", None)
        if raw is None or view_class is None or not applies_to(view_class, request.method or ""):
            return None
        # A database error here propagates: core.dbguard answers it 503 database_unavailable.
        user = _authenticated_user(request)
        if user is None:
            return None
        if not _KEY_RE.fullmatch(raw):
            return _error(
                "idempotency_key_invalid",
                f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters.",
                400,
            )
        try:
            request_hash = _request_hash(request)
        except (RequestDataTooBig, MultiPartParserError, SuspiciousOperation):
            return None  # the view refuses the body itself (413 or 400) and nothing is written
        fingerprint = Fingerprint(request.method or "POST", request.get_full_path(), request_hash)
        outcome = _claim(Scope(user, _business(request, user, view_class), raw), fingerprint)
        if isinstance(outcome, HttpResponse):
            return outcome
        request._idempotency_claim = outcome  # type: ignore[attr-defined]
        return None
