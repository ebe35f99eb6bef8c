"""Serves the React app: WhiteNoise serves its files from the root, and every other
non-API path gets index.html so the client-side router can take it (history fallback)."""

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KAVI</title></head>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>Finance Co-Pilot KAVI</h1><p>The web app has not been built yet. Run <code>make run</code>,
or use the API at <a href="/api/v1/docs/">/api/v1/docs/</a>.</p></body></html>"""


@require_safe
def index(request: HttpRequest, path: str = "") -> HttpResponse:
    index_file = Path(settings.FRONTEND_DIST) / "index.html"
    if not index_file.is_file():
        return HttpResponse(NOT_BUILT)
    response = HttpResponse(index_file.read_bytes(), content_type="text/html; charset=utf-8")
    # The shell must always be fresh; its hashed assets are cached for a year by WhiteNoise.
    response["Cache-Control"] = "no-cache"
    return response
