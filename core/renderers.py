"""JSON out: DRF's renderer, made safe for text that UTF-8 can't carry."""

from __future__ import annotations

from typing import Any

from rest_framework import renderers


class _AsciiJSONRenderer(renderers.JSONRenderer):
    ensure_ascii = True


class JSONRenderer(renderers.JSONRenderer):
    """An error that echoes the input ("'\\ud800' is not a valid choice") would carry a lone
    surrogate, which UTF-8 can't encode: that response goes out with \\u escapes, not as a 500."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return _AsciiJSONRenderer().render(data, accepted_media_type, renderer_context)
