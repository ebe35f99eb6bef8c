"""Serves the React app: WhiteNoise serves its files from the root, and every other
non-API path gets index.html so the client-side router can take it (history fallback)."""

import re
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe
from whitenoise.middleware import WhiteNoiseMiddleware as BaseWhiteNoiseMiddleware

# Vite names each built asset after a hash of its contents: assets/index-B1x_3kQz.js.
_HASHED_ASSET = re.compile(r"^/assets/[^/]+-[\w-]{8}\.\w+$")


class WhiteNoiseMiddleware(BaseWhiteNoiseMiddleware):
    """WhiteNoise that also caches the web app's hashed assets for a year (immutable), as it does
    Django's manifest-hashed static files; the rest of the build is revalidated (max-age 60)."""

    def immutable_file_test(self, path: str, url: str) -> bool:
        return bool(_HASHED_ASSET.match(url)) or super().immutable_file_test(path, url)


# The build's precompressed siblings (scripts/compress.mjs), best first. index.html is the same
# bytes for everyone (no secrets, no tokens), so serving it compressed is no BREACH risk.
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KAVI</title></head>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>Finance Co-Pilot KAVI</h1><p>The web app has not been built yet. Run <code>make run</code>,
or use the API at <a href="/api/v1/docs/">/api/v1/docs/</a>.</p></body></html>"""


def _accepted(request: HttpRequest) -> set[str]:
    accepted = set()
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return accepted


@require_safe
def index(request: HttpRequest, path: str = "") -> HttpResponse:
    # A file the build doesn't have (its last segment has a dot: /favicon.ico, /x.js) is a 404,
    # not the app: the same rule as the CloudFront fallback function in infra/stacks/cdn.yml.
    if "." in path.rsplit("/", 1)[-1]:
        raise Http404
    index_file = Path(settings.FRONTEND_DIST) / "index.html"
    if not index_file.is_file():
        return HttpResponse(NOT_BUILT)
    accepted = _accepted(request)
    body, encoding = None, None
    for name, suffix in _ENCODINGS:
        sibling = index_file.with_name(index_file.name + suffix)
        if name in accepted and sibling.is_file() and sibling.stat().st_mtime >= index_file.stat().st_mtime:
            body, encoding = sibling.read_bytes(), name
            break
    response = HttpResponse(body or index_file.read_bytes(), content_type="text/html; charset=utf-8")
    if encoding:
        response["Content-Encoding"] = encoding
    patch_vary_headers(response, ["Accept-Encoding"])
    # The shell must always be fresh; its hashed assets are cached for a year by WhiteNoise.
    response["Cache-Control"] = "no-cache"
    return response
