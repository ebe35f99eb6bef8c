"""One error shape for the whole API: {"code", "detail", "fields"?}, made by one handler."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from . import dbguard

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A domain rule said no. `status_code` picks the HTTP status (400 unless a rule says 409 etc.)."""

    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status_code: int | None = None,
        fields: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(ApplicationError):
    status_code: int = status.HTTP_409_CONFLICT


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is unavailable."
    default_code = "service_unavailable"


def _body(code: str, detail: str, fields: Any = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if dbguard.is_unavailable(exc):
        dbguard.note(exc)
        return Response(
            _body(dbguard.CODE, dbguard.DETAIL),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": dbguard.retry_after()},
        )
    if isinstance(exc, ApplicationError):
        return Response(_body(exc.code, exc.message, exc.fields, **exc.extra), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ProtectedError | RestrictedError):
        return Response(
            _body("in_use", "This record is still used by other records (such as transactions or invoices)."),
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, RequestDataTooBig):
        return Response(_body("too_large", "The request body is too large."), status=413)
    elif isinstance(exc, RecursionError):
        # A decoder (JSON in a form field, say) recursed on input nested too deep for it.
        return Response(_body("parse_error", "The input is nested too deeply."), status=400)
    elif isinstance(exc, DataError):
        # A value the column can't hold (a number out of range, text PostgreSQL refuses such as a
        # lone surrogate in a JSON field) that validation let through.
        logger.warning("Data error turned into 400: %s", exc)
        return Response(
            _body("out_of_range", "A value can't be stored: a number out of range or text it can't hold."),
            status=status.HTTP_400_BAD_REQUEST,
        )
    elif isinstance(exc, IntegrityError):
        # A unique constraint lost a race with another request: the client can retry or change input.
        logger.warning("Integrity error turned into 409: %s", exc)
        return Response(
            _body("conflict", "The change conflicts with existing data."), status=status.HTTP_409_CONFLICT
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        response.data = _body("invalid", "The input is not valid.", detail)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        extra: dict[str, Any] = {}
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            extra["retry_after"] = int(wait)
        response.data = _body(str(code), str(exc.detail), **extra)
    return response


def json_not_found(request: Any, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(_body("not_found", "Not found."), status=404)


def json_server_error(request: Any) -> JsonResponse:
    return JsonResponse(_body("server_error", "Something went wrong on our side."), status=500)


def json_bad_request(request: Any, exception: Exception | None = None) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(_body("too_large", "The request body is too large."), status=413)
    return JsonResponse(_body("bad_request", "Bad request."), status=400)
