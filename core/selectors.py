"""Reads for the platform: the audit trail, sessions and the super admin's analytics."""

from datetime import datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import ActivityLog, FailedLoginAttempt, UserSession


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
    from users.models import Business, User

    now = timezone.now()
    # The first of the month `months - 1` before this one, at local midnight: the months TruncMonth
    # counts in (31-day steps in UTC gave 13 months early in a month and cut the first one at 03:00).
    first = timezone.localdate(now).replace(day=1) - relativedelta(months=months - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    totals: dict[str, int] = {
        "users": User.objects.count(),
        "active_users_30d": User.objects.filter(last_login__gte=now - timedelta(days=30)).count(),
        "businesses": Business.objects.count(),
        "failed_logins_24h": FailedLoginAttempt.objects.filter(at__gte=now - timedelta(hours=24)).count(),
    }
    series: dict[str, list[dict[str, Any]]] = {
        "users": _monthly(User.objects.all(), "date_joined", since),
        "businesses": _monthly(Business.objects.all(), "created_at", since),
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
