"""Content negotiation that never answers 406: an Accept the API's renderers can't satisfy (a
browser asking a PDF or audio action for `application/pdf` or `audio/mpeg`) gets the view's
own response, or its error as JSON, as HTTP allows a server to do (RFC 9110, 12.5.1)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request: Any, renderers: Any, format_suffix: str | None = None) -> Any:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            # Binary actions return their own HttpResponse; everything else, errors included, is JSON.
            renderer = renderers[0]
            return renderer, renderer.media_type
