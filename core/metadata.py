"""OPTIONS answers: what a view accepts, described from its serializer without looking up a row."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request, clone_request

from .renderers import JSONRenderer

logger = logging.getLogger(__name__)


class Metadata(SimpleMetadata):
    """DRF's metadata calls `get_object()` to test object permissions for PUT, which fails on views
    without a queryset (the profile) or without a row in the URL. The fields are public in the
    schema anyway, so this describes them whenever the caller may use the view at all, and
    describes nothing, rather than failing, when the serializer can't be built for the request."""

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        # The description is JSON even where the view renders HTML (the docs page), whose
        # template renderer would fail on it.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().determine_metadata(request, view)

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        actions: dict[str, Any] = {}
        for method in sorted({"PUT", "POST"} & set(view.allowed_methods)):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
                actions[method] = self.get_serializer_info(view.get_serializer())
            except Exception as exc:  # a description is optional; OPTIONS must answer
                logger.debug("OPTIONS leaves out %s on %s: %r", method, request.path, exc)
            finally:
                view.request = request
        return actions
