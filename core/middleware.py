"""Puts the client's address and user agent where the audit service can read them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import context
from .exceptions import json_not_found
from .net import client_ip


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.set_current(
            context.RequestContext(
                ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:512]
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class ApiJsonNotFoundMiddleware:
    """An unknown path under /api/ answers the API's JSON 404 even with DEBUG on, where Django would
    render its HTML debug page (clients and the schema expect application/json there)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return json_not_found(request)
        return response
