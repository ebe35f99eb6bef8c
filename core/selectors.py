"""Reads for the platform: the audit trail, sessions and the super admin's analytics."""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import ActivityLog, FailedLoginAttempt, UserSession

logger = logging.getLogger(__name__)

REVOKED_SESSION_KEY = "revoked-session:{}"
# How long authentication trusts a cached "still signed in". A revocation overwrites the entry at
# once, so this only bounds how stale it gets when the revocation could not reach the cache.
SESSION_ACTIVE_CACHE_SECONDS = 30


def activity_logs_visible_to(*, user: Any, business_ids: list[int]) -> QuerySet[ActivityLog]:
    queryset = ActivityLog.objects.all()
    return queryset if user.is_superuser else queryset.filter(business_id__in=business_ids)


def sessions_visible_to(*, user: Any) -> QuerySet[UserSession]:
    queryset = UserSession.objects.select_related("user")
    return queryset if user.is_superuser else queryset.filter(user=user)


def failed_logins() -> QuerySet[FailedLoginAttempt]:
    return FailedLoginAttempt.objects.all()


def _monthly(queryset: QuerySet, field: str, since: Any) -> list[dict[str, Any]]:
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    return [
        {
            "month": row["month"].date().isoformat() if hasattr(row["month"], "date") else str(row["month"]),
            "count": row["count"],
        }
        for row in rows
    ]


# Counted when the app that owns the model is installed (finance and kavi add theirs).
OPTIONAL_SERIES = {
    "transactions": ("finance", "Transaction", "created_at"),
    "kavi_messages": ("kavi", "Message", "created_at"),
}


def admin_analytics(*, months: int = 12) -> dict[str, Any]:
    # By the app registry, like the optional series: core sits below the users app.
    user_model, business_model = get_user_model(), apps.get_model("users", "Business")
    now = timezone.now()
    # The first of the month `months - 1` before this one, at local midnight: the months TruncMonth
    # counts in (31-day steps in UTC gave 13 months early in a month and cut the first one at 03:00).
    first = timezone.localdate(now).replace(day=1) - relativedelta(months=months - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    totals: dict[str, int] = {
        "users": user_model.objects.count(),
        "active_users_30d": user_model.objects.filter(last_login__gte=now - timedelta(days=30)).count(),
        "businesses": business_model.objects.count(),
        "failed_logins_24h": FailedLoginAttempt.objects.filter(at__gte=now - timedelta(hours=24)).count(),
    }
    series: dict[str, list[dict[str, Any]]] = {
        "users": _monthly(user_model.objects.all(), "date_joined", since),
        "businesses": _monthly(business_model.objects.all(), "created_at", since),
        "activity": _monthly(ActivityLog.objects.all(), "at", since),
    }
    for name, (app_label, model_name, field) in OPTIONAL_SERIES.items():
        if apps.is_installed(app_label):
            model = apps.get_model(app_label, model_name)
            totals[name] = model.objects.count()
            series[name] = _monthly(model.objects.all(), field, since)
    return {
        "generated_at": now.isoformat(),
        "since": since.date().isoformat(),
        "totals": totals,
        "series": series,
    }


# --- Sessions (authentication reads these on every request) ---------------------------------------


def cache_quietly(write: Callable[[], Any]) -> None:
    try:
        write()
    except Exception:
        logger.debug("Session cache write skipped", exc_info=True)


def session_is_revoked(session_id: str) -> bool:
    """Whether an access token's session was signed out (or no longer exists). PostgreSQL decides;
    the cache keeps the answer for a while, and a cache that can't answer counts as a miss."""
    key = REVOKED_SESSION_KEY.format(session_id)
    try:
        cached = cache.get(key)
    except Exception:
        cached = None
    if cached is not None:
        return bool(cached)
    try:
        pk = uuid.UUID(session_id)
    except ValueError:
        return True
    revoked = not UserSession.objects.filter(pk=pk, revoked_at__isnull=True).exists()
    if revoked:
        cache_quietly(lambda: cache.set(key, 1, timeout=revoked_cache_seconds()))
    else:
        # `add`, not `set`: a revocation that wrote its entry meanwhile must win.
        cache_quietly(lambda: cache.add(key, 0, timeout=SESSION_ACTIVE_CACHE_SECONDS))
    return revoked


def revoked_cache_seconds() -> int:
    lifetime: float = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()  # type: ignore[attr-defined]
    return int(lifetime) + 60
