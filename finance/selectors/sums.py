"""Sums of completed transactions in the business currency, read from the daily and monthly
rollups; nothing loops over rows in Python. The reports, the forecast and KAVI build on these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet, Sum

from core.money import ZERO
from users.models import Business

from ..models import DailyRollup, MonthlyRollup, TransactionType
from .clock import TRUNC, as_date, month_end, next_period, period_label, period_start


def daily_rollups(business: Business) -> QuerySet[DailyRollup]:
    return DailyRollup.objects.filter(business=business, currency=business.currency)


def rollup_sums(
    business: Business,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    by: tuple[str, ...] = ("transaction_type", "category"),
    filters: dict[str, Any] | None = None,
) -> dict[tuple[Any, ...], list[Any]]:
    """Totals and counts of completed transactions in the business currency between two local dates,
    grouped by `by` (any of "month", "transaction_type", "category"). Whole months are read from the
    monthly rollups and the partial months at either end from the daily ones."""
    filters = filters or {}
    first_full = (
        None
        if date_from is None
        else (date_from if date_from.day == 1 else date_from.replace(day=1) + relativedelta(months=1))
    )
    last_full = (
        None
        if date_to is None
        else (
            date_to.replace(day=1)
            if date_to == month_end(date_to)
            else date_to.replace(day=1) - relativedelta(months=1)
        )
    )
    parts: list[tuple[QuerySet, str, dt.date | None, dt.date | None]] = []
    if first_full is not None and last_full is not None and first_full > last_full:
        parts.append((daily_rollups(business), "day", date_from, date_to))  # no whole month inside
    else:
        monthly = MonthlyRollup.objects.filter(business=business, currency=business.currency)
        parts.append((monthly, "month", first_full, last_full))
        if date_from is not None and first_full is not None and date_from < first_full:
            parts.append((daily_rollups(business), "day", date_from, first_full - dt.timedelta(days=1)))
        if date_to is not None and last_full is not None and date_to > month_end(last_full):
            parts.append(
                (daily_rollups(business), "day", month_end(last_full) + dt.timedelta(days=1), date_to)
            )
    sums: dict[tuple[Any, ...], list[Any]] = {}
    for queryset, period, start, end in parts:
        if start is not None:
            queryset = queryset.filter(**{f"{period}__gte": start})
        if end is not None:
            queryset = queryset.filter(**{f"{period}__lte": end})
        if filters.get("transaction_type"):
            queryset = queryset.filter(transaction_type=filters["transaction_type"])
        if filters.get("category"):
            queryset = queryset.filter(category__iexact=filters["category"])
        fields = [period if name == "month" else name for name in by]
        for row in queryset.values(*fields).annotate(t=Sum("total"), n=Sum("count")).order_by():
            key = tuple(as_date(row[period]).replace(day=1) if name == "month" else row[name] for name in by)
            entry = sums.setdefault(key, [ZERO, 0])
            entry[0] += row["t"] or ZERO
            entry[1] += row["n"] or 0
    return sums


def balance_before(*, business: Business, day: dt.date | None) -> Decimal:
    """Income minus expense of completed transactions before a local date (all of them if None)."""
    until = None if day is None else day - dt.timedelta(days=1)
    sums = rollup_sums(business, date_to=until, by=("transaction_type",))
    income = sums.get((TransactionType.INCOME,), [ZERO])[0]
    return income - sums.get((TransactionType.EXPENSE,), [ZERO])[0]


def period_series(
    business: Business, period: str, date_from: dt.date, date_to: dt.date
) -> tuple[list[dict[str, Any]], Any]:
    """Income, expense and net per period (day, week or month) from date_from to date_to, every
    period present (zero when empty), and the raw sums by period start and type."""
    sums: dict[dt.date, dict[str, Decimal]] = {}
    if period == "month":
        monthly = rollup_sums(
            business, date_from=date_from, date_to=date_to, by=("month", "transaction_type")
        )
        for (month, kind), (total, _) in monthly.items():
            sums.setdefault(month, {})[kind] = total
    else:
        rows = (
            daily_rollups(business)
            .filter(day__gte=date_from, day__lte=date_to)
            .annotate(bucket=TRUNC[period]("day"))
            .values("bucket", "transaction_type")
            .annotate(total=Sum("total"))
            .order_by()
        )
        for row in rows:
            sums.setdefault(as_date(row["bucket"]), {})[row["transaction_type"]] = row["total"] or ZERO
    series = []
    start = period_start(date_from, period)
    while start <= date_to:
        got = sums.get(start, {})
        income, expense = got.get(TransactionType.INCOME, ZERO), got.get(TransactionType.EXPENSE, ZERO)
        series.append(
            {
                "period": period_label(start, period),
                "start": start.isoformat(),
                "income": income,
                "expense": expense,
                "net": income - expense,
            }
        )
        start = next_period(start, period)
    return series, sums
