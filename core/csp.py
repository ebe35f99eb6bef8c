"""Content-Security-Policy: one strict policy for the React app (the same text the CloudFront
response headers policy in infra/stacks/cdn.yml sends), and looser ones for the admin and Swagger UI."""

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
_INLINE_STYLE = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def _join(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def inline_style_hashes(html: str) -> list[str]:
    """The CSP sources that allow exactly the <style> blocks of this page, and nothing else."""
    hashes = []
    for block in _INLINE_STYLE.findall(html):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return hashes


def app_policy(index_html: str, api_origins: list[str] | None = None) -> str:
    """The React app's policy. Scripts and styles only from our origin (plus the hash of the boot
    style in index.html); receipts, charts and KAVI's spoken answers use data: and blob: URLs; the
    service worker and the manifest are ours; nobody may frame the app."""
    return _join(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'", *inline_style_hashes(index_html)],
            "img-src": ["'self'", "data:", "blob:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'", *(api_origins or [])],
            "media-src": ["'self'", "blob:"],
            "worker-src": ["'self'"],
            "manifest-src": ["'self'"],
            "frame-src": ["'none'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
        }
    )


# Django's admin sets a few styles from its JavaScript (jQuery, select2 widgets).
ADMIN_POLICY = _join(
    {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
)
# Swagger UI (served from our origin by drf-spectacular-sidecar) styles its widgets inline and
# draws its icons as data: SVGs.
DOCS_POLICY = _join(
    {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
)
# JSON and files: nothing to run, nothing to frame.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"

_cache: dict[str, tuple[float, str]] = {}


def spa_policy() -> str:
    """The app's policy for the index.html being served (its mtime-keyed hash is kept in memory)."""
    index = Path(settings.FRONTEND_DIST) / "index.html"
    try:
        mtime = index.stat().st_mtime
    except OSError:
        return app_policy("", settings.CSP_API_ORIGINS)
    cached = _cache.get(str(index))
    if cached is None or cached[0] != mtime:
        cached = (mtime, app_policy(index.read_text(encoding="utf-8"), settings.CSP_API_ORIGINS))
        _cache[str(index)] = cached
    return cached[1]


def policy_for(path: str) -> str:
    if path.startswith(("/api/v1/docs/", "/static/drf_spectacular_sidecar/")):
        return DOCS_POLICY
    if path.startswith(("/admin/", "/static/admin/")):
        return ADMIN_POLICY
    if path.startswith(("/api/", "/media/")):
        return API_POLICY
    return spa_policy()


class ContentSecurityPolicyMiddleware:
    """Sits before WhiteNoise so the app's own files (sw.js runs under the policy it is served
    with) get it too. A view that sets its own policy keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy_for(request.path)
        return response
