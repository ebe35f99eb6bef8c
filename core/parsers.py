"""Request bodies: a size limit checked before the body is read (413), a nesting limit checked
before any JSON decoder recurses and lone surrogates refused (400), for DRF views and for views
that read `request.body`."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions, parsers

# Far deeper than any body the API takes, far shallower than the interpreter's recursion limit.
MAX_JSON_DEPTH = 64
# A receipt (finance.validators checks its type): the largest upload besides a statement import.
MAX_RECEIPT_BYTES = 10 * 1024 * 1024
# A JSON string (escapes included) or one bracket; strings are skipped so "[[[" inside one counts 0.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_OPENERS = frozenset(b"[{")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text nests arrays or objects more than `limit` deep (exact for valid JSON)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for match in _TOKENS.finditer(raw):
        char = match.group()[0]
        if char in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif char != 0x22:  # a closing bracket; 0x22 is the quote that starts a string
            depth -= 1
    return False


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def has_lone_surrogate(raw: bytes) -> bool:
    """Whether JSON text escapes half a UTF-16 pair ("\\ud800"): valid JSON, but not text that
    UTF-8, PostgreSQL or any response can carry. Pairs (emoji from ASCII-only clients) are fine."""
    if not _SURROGATE_ESCAPE.search(raw):
        return False
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return False  # not JSON: the parser says so
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


def refusal(raw: bytes) -> str | None:
    """Why a JSON body is refused before it is parsed, if it is."""
    if json_too_deep(raw):
        return f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep."
    if has_lone_surrogate(raw):
        return "JSON parse error - a lone surrogate escape (\\ud800-\\udfff) is not text."
    return None


def body_limit(content_type: str) -> int:
    """The most bytes a request body of this type may have: uploads (imports, receipts) have their
    own limits, everything else is a JSON document."""
    if content_type == "multipart/form-data":
        # Room for the form's other fields and boundaries; each view checks its file's own limit.
        return max(settings.IMPORT_MAX_BYTES, MAX_RECEIPT_BYTES) + 1024 * 1024
    return int(settings.API_MAX_JSON_BYTES)


def too_large_response(limit: int) -> JsonResponse:
    size = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit} bytes"
    return JsonResponse(
        {"code": "too_large", "detail": f"The request body is larger than the limit of {size}."}, status=413
    )


class RequestBodyLimitMiddleware:
    """Refuses an oversized body by its Content-Length, unread, and a non-form body nested deeper
    than MAX_JSON_DEPTH: before DRF's parser, the M-Pesa callbacks' json.loads or any other reader."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        content_type = request.content_type or ""
        limit = body_limit(content_type)
        if length > limit:
            return too_large_response(limit)
        reason = refusal(request.body) if length and content_type not in FORM_TYPES else None
        if reason:
            return JsonResponse({"code": "parse_error", "detail": reason}, status=400)
        return self.get_response(request)


class JSONParser(parsers.JSONParser):
    """DRF's parser with the same depth limit, for bodies that reach it without the middleware."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read(int(settings.API_MAX_JSON_BYTES) + 1) if stream is not None else b""
        if len(raw) > settings.API_MAX_JSON_BYTES:
            raise RequestBodyTooLarge()
        reason = refusal(raw)
        if reason:
            raise exceptions.ParseError(reason)
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:  # pragma: no cover - json_too_deep refuses these first
            raise exceptions.ParseError("JSON parse error - nested too deep.") from exc


class RequestBodyTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "too_large"
