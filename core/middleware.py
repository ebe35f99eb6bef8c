"""Puts the client's address and user agent where the audit service can read them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import context
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
