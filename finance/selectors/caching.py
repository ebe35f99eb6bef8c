"""Report caching keyed on the business's books version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from users.models import Business

from .clock import business_today


def cached_report(business: Business, name: str, params: dict[str, Any], compute: Callable[[], Any]) -> Any:
    """Caches a report under the business's books version and local date, so a write (which bumps
    the version in its own transaction) or a new day makes every older entry unreachable."""
    blob = json.dumps(params, sort_keys=True, default=str)
    digest = hashlib.sha1(blob.encode(), usedforsecurity=False).hexdigest()[:16]
    key = f"report:{business.pk}:{business.books_version}:{business_today(business)}:{name}:{digest}"
    if not settings.REPORT_CACHE_SECONDS:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.REPORT_CACHE_SECONDS)
    return value
