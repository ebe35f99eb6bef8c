"""Reads of the books. Sums come from the daily rollups (or, for filters the rollups don't carry,
from one aggregate query); nothing loops over rows in Python. Reports are cached per books version."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from core.money import ZERO, quantize
from users.models import Business

from .models import (
    Budget,
    DailyRollup,
    Invoice,
    InvoiceStatus,
    MonthlyRollup,
    Transaction,
    TransactionStatus,
    TransactionType,
)

MONEY = DecimalField(max_digits=15, decimal_places=2)
OPEN_STATUSES = (InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID)
PERIODS = ("day", "week", "month")


def money(value: Decimal | None) -> str:
    return str(quantize(value or ZERO))


def business_today(business: Business) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(business.timezone)).date()


def local_bounds(business: Business, date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes for local dates date_from..date_to inclusive."""
    tz = zoneinfo.ZoneInfo(business.timezone)
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


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


def _rollups(business: Business) -> QuerySet[DailyRollup]:
    return DailyRollup.objects.filter(business=business, currency=business.currency)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) + relativedelta(months=1) - dt.timedelta(days=1)


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
            if date_to == _month_end(date_to)
            else date_to.replace(day=1) - relativedelta(months=1)
        )
    )
    parts: list[tuple[QuerySet, str, dt.date | None, dt.date | None]] = []
    if first_full is not None and last_full is not None and first_full > last_full:
        parts.append((_rollups(business), "day", date_from, date_to))  # no whole month inside
    else:
        monthly = MonthlyRollup.objects.filter(business=business, currency=business.currency)
        parts.append((monthly, "month", first_full, last_full))
        if date_from is not None and first_full is not None and date_from < first_full:
            parts.append((_rollups(business), "day", date_from, first_full - dt.timedelta(days=1)))
        if date_to is not None and last_full is not None and date_to > _month_end(last_full):
            parts.append((_rollups(business), "day", _month_end(last_full) + dt.timedelta(days=1), date_to))
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
            key = tuple(_as_date(row[period]).replace(day=1) if name == "month" else row[name] for name in by)
            entry = sums.setdefault(key, [ZERO, 0])
            entry[0] += row["t"] or ZERO
            entry[1] += row["n"] or 0
    return sums


# --- Totals --------------------------------------------------------------------------------------


def _totals_from(rows: QuerySet, amount: str, count: str) -> dict[str, Any]:
    income = expense = transfer = ZERO
    number = 0
    by_category: list[dict[str, Any]] = []
    for row in rows:
        total = row["total"] or ZERO
        number += row["count"]
        if row["transaction_type"] == TransactionType.INCOME:
            income += total
        elif row["transaction_type"] == TransactionType.EXPENSE:
            expense += total
        else:
            transfer += total
        by_category.append(
            {
                "category": row["category"] or "Uncategorised",
                "transaction_type": row["transaction_type"],
                "total": money(total),
                "count": row["count"],
            }
        )
    by_category.sort(key=lambda r: (r["transaction_type"], -Decimal(r["total"]), r["category"]))
    return {
        "income": money(income),
        "expense": money(expense),
        "net": money(income - expense),
        "transfers": money(transfer),
        "count": number,
        "by_category": by_category,
    }


ROLLUP_FILTERS = {"transaction_type", "category"}


def transaction_totals(
    *,
    business: Business,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    filters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Income, expense, net, count and per-category totals of completed transactions in a local-date
    range. Rollups answer when the filters are ones they carry; otherwise one aggregate query does."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}

    def compute() -> dict[str, Any]:
        grouped: Any
        if set(filters) <= ROLLUP_FILTERS:
            sums = rollup_sums(business, date_from=date_from, date_to=date_to, filters=filters)
            grouped = [
                {"transaction_type": kind, "category": category, "total": total, "count": count}
                for (kind, category), (total, count) in sums.items()
            ]
        else:
            queryset = filter_transactions(
                Transaction.objects.filter(
                    business=business, status=TransactionStatus.COMPLETED, currency=business.currency
                ),
                business=business,
                filters={**filters, "date_from": date_from, "date_to": date_to},
            )
            grouped = (
                queryset.values("transaction_type", "category")
                .annotate(total=Sum("amount"), count=Count("id"))
                .order_by()
            )
        result = _totals_from(grouped, "total", "count")
        result.update(
            currency=business.currency,
            date_from=date_from and date_from.isoformat(),
            date_to=date_to and date_to.isoformat(),
        )
        return result

    return cached_report(business, "totals", {"from": date_from, "to": date_to, **filters}, compute)


def filter_transactions(
    queryset: QuerySet[Transaction], *, business: Business, filters: dict[str, Any]
) -> QuerySet:
    """The list filters of API.md, shared by the list, export and totals."""
    for name in ("transaction_type", "payment_method", "status", "supplier", "customer", "invoice"):
        value = filters.get(name)
        if value not in (None, ""):
            queryset = queryset.filter(**{name: value})
    if filters.get("category"):
        queryset = queryset.filter(category__iexact=filters["category"])
    if filters.get("date_from") or filters.get("date_to"):
        start, end = local_bounds(
            business,
            filters.get("date_from") or dt.date(1900, 1, 1),
            filters.get("date_to") or dt.date(9998, 12, 30),
        )
        queryset = queryset.filter(transaction_date__gte=start, transaction_date__lt=end)
    if filters.get("min_amount") is not None:
        queryset = queryset.filter(amount__gte=filters["min_amount"])
    if filters.get("max_amount") is not None:
        queryset = queryset.filter(amount__lte=filters["max_amount"])
    if filters.get("search"):
        term = filters["search"]
        queryset = queryset.filter(
            Q(description__icontains=term)
            | Q(reference_number__icontains=term)
            | Q(category__icontains=term)
            | Q(external_id__icontains=term)
        )
    return queryset


# --- Series ----------------------------------------------------------------------------------------


def _period_start(day: dt.date, period: str) -> dt.date:
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def _step(day: dt.date, period: str) -> dt.date:
    if period == "month":
        return day + relativedelta(months=1)
    return day + dt.timedelta(days=7 if period == "week" else 1)


def _period_label(start: dt.date, period: str) -> str:
    if period == "month":
        return start.strftime("%Y-%m")
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return start.isoformat()


TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _series(
    business: Business, period: str, date_from: dt.date, date_to: dt.date
) -> tuple[list[dict[str, Any]], Any]:
    sums: dict[dt.date, dict[str, Decimal]] = {}
    if period == "month":
        monthly = rollup_sums(
            business, date_from=date_from, date_to=date_to, by=("month", "transaction_type")
        )
        for (month, kind), (total, _) in monthly.items():
            sums.setdefault(month, {})[kind] = total
    else:
        rows = (
            _rollups(business)
            .filter(day__gte=date_from, day__lte=date_to)
            .annotate(bucket=TRUNC[period]("day"))
            .values("bucket", "transaction_type")
            .annotate(total=Sum("total"))
            .order_by()
        )
        for row in rows:
            sums.setdefault(_as_date(row["bucket"]), {})[row["transaction_type"]] = row["total"] or ZERO
    series = []
    start = _period_start(date_from, period)
    while start <= date_to:
        got = sums.get(start, {})
        income, expense = got.get(TransactionType.INCOME, ZERO), got.get(TransactionType.EXPENSE, ZERO)
        series.append(
            {
                "period": _period_label(start, period),
                "start": start.isoformat(),
                "income": income,
                "expense": expense,
                "net": income - expense,
            }
        )
        start = _step(start, period)
    return series, sums


def analytics(*, business: Business, period: str, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        series, _ = _series(business, period, date_from, date_to)
        categories = rollup_sums(business, date_from=date_from, date_to=date_to)
        by_category: dict[str, list[dict[str, Any]]] = {"income": [], "expense": []}
        for (kind, category), (total, count) in categories.items():
            if kind in by_category:
                by_category[kind].append(
                    {"category": category or "Uncategorised", "total": money(total), "count": count}
                )
        for rows in by_category.values():
            rows.sort(key=lambda r: -Decimal(r["total"]))
        totals_income = sum((p["income"] for p in series), ZERO)
        totals_expense = sum((p["expense"] for p in series), ZERO)
        return {
            "period": period,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "currency": business.currency,
            "series": [
                {**p, "income": money(p["income"]), "expense": money(p["expense"]), "net": money(p["net"])}
                for p in series
            ],
            "by_category": by_category,
            "totals": {
                "income": money(totals_income),
                "expense": money(totals_expense),
                "net": money(totals_income - totals_expense),
            },
        }

    return cached_report(business, "analytics", {"p": period, "f": date_from, "t": date_to}, compute)


def balance_before(*, business: Business, day: dt.date | None) -> Decimal:
    """Income minus expense of completed transactions before a local date (all of them if None)."""
    until = None if day is None else day - dt.timedelta(days=1)
    sums = rollup_sums(business, date_to=until, by=("transaction_type",))
    income = sums.get((TransactionType.INCOME,), [ZERO])[0]
    return income - sums.get((TransactionType.EXPENSE,), [ZERO])[0]


def cash_flows(*, business: Business, period: str, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        series, _ = _series(business, period, date_from, date_to)
        balance = balance_before(business=business, day=date_from)
        periods = []
        for point in series:
            opening = balance
            balance = opening + point["net"]
            periods.append(
                {
                    "period": point["period"],
                    "start": point["start"],
                    "opening_balance": money(opening),
                    "inflow": money(point["income"]),
                    "outflow": money(point["expense"]),
                    "net": money(point["net"]),
                    "closing_balance": money(balance),
                }
            )
        return {
            "period": period,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "currency": business.currency,
            "results": periods,
        }

    return cached_report(business, "cashflow", {"p": period, "f": date_from, "t": date_to}, compute)


# --- Invoices, receivables, budgets ---------------------------------------------------------------


def invoices_annotated(queryset: QuerySet[Invoice], *, today: dt.date) -> QuerySet[Invoice]:
    """Adds `effective_status` (overdue when open past its due date) and `balance`."""
    return queryset.annotate(
        effective_status=Case(
            When(status__in=OPEN_STATUSES, due_date__lt=today, then=Value(InvoiceStatus.OVERDUE)),
            default=F("status"),
            output_field=CharField(),
        ),
        balance=ExpressionWrapper(F("total_amount") - F("amount_paid"), output_field=MONEY),
    )


def _open_invoices(business: Business, today: dt.date) -> QuerySet[Invoice]:
    return invoices_annotated(
        Invoice.objects.filter(business=business, status__in=OPEN_STATUSES, currency=business.currency),
        today=today,
    )


def _receivable_totals(business: Business, today: dt.date) -> dict[str, Any]:
    totals = _open_invoices(business, today).aggregate(
        outstanding=Coalesce(Sum("balance"), Value(ZERO), output_field=MONEY),
        overdue_amount=Coalesce(
            Sum("balance", filter=Q(due_date__lt=today)), Value(ZERO), output_field=MONEY
        ),
        open_count=Count("id"),
        overdue_count=Count("id", filter=Q(due_date__lt=today)),
    )
    return {
        "outstanding": money(totals["outstanding"]),
        "overdue_amount": money(totals["overdue_amount"]),
        "open_count": totals["open_count"],
        "overdue_count": totals["overdue_count"],
    }


def receivables(*, business: Business) -> dict[str, Any]:
    today = business_today(business)

    def compute() -> dict[str, Any]:
        open_invoices = _open_invoices(business, today)
        debtors = (
            open_invoices.values("customer_id", "customer__name")
            .annotate(owed=Sum("balance"), invoices=Count("id"))
            .order_by("-owed", "customer__name")[:10]
        )
        overdue = (
            open_invoices.filter(due_date__lt=today)
            .order_by("due_date", "id")
            # `balance` is an annotation (invoices_annotated) the type plugin can't see.
            .values("id", "invoice_number", "customer__name", "due_date", "balance")[:50]  # type: ignore[misc]
        )
        return {
            "currency": business.currency,
            "as_of": today.isoformat(),
            **_receivable_totals(business, today),
            "top_debtors": [
                {
                    "customer_id": d["customer_id"],
                    "customer": d["customer__name"],
                    "owed": money(d["owed"]),
                    "invoices": d["invoices"],
                }
                for d in debtors
            ],
            "overdue": [
                {
                    "id": i["id"],
                    "invoice_number": i["invoice_number"],
                    "customer": i["customer__name"],
                    "due_date": i["due_date"].isoformat(),
                    "days_overdue": (today - i["due_date"]).days,
                    "balance_due": money(i["balance"]),
                }
                for i in overdue
            ],
        }

    return cached_report(business, "receivables", {}, compute)


def budgets_with_usage(queryset: QuerySet[Budget]) -> QuerySet[Budget]:
    """Adds `spent`: the budget category's completed expenses within its dates (from rollups)."""
    spent = (
        DailyRollup.objects.filter(
            business=OuterRef("business"),
            transaction_type=TransactionType.EXPENSE,
            currency=OuterRef("currency"),
            day__gte=OuterRef("start_date"),
            day__lte=OuterRef("end_date"),
        )
        .annotate(lower_category=Lower("category"))
        .filter(lower_category=Lower(OuterRef("category")))
        .values("business")
        .annotate(total=Sum("total"))
        .values("total")
    )
    return queryset.annotate(
        spent=Coalesce(Subquery(spent, output_field=MONEY), Value(ZERO), output_field=MONEY)
    )


def budget_usage(budget: Budget) -> dict[str, Any]:
    spent: Decimal = getattr(budget, "spent", ZERO) or ZERO
    utilization = quantize(spent * 100 / budget.amount) if budget.amount else ZERO
    if spent > budget.amount:
        state = "exceeded"
    elif utilization >= budget.alert_threshold:
        state = "warning"
    else:
        state = "ok"
    return {"spent": spent, "remaining": budget.amount - spent, "utilization": utilization, "status": state}


def budget_alerts(*, business: Business, on: dt.date) -> list[dict[str, Any]]:
    budgets = budgets_with_usage(
        Budget.objects.filter(business=business, start_date__lte=on, end_date__gte=on)
    )
    alerts = []
    for budget in budgets:
        usage = budget_usage(budget)
        if usage["status"] != "ok":
            alerts.append(
                {
                    "id": budget.pk,
                    "category": budget.category,
                    "amount": money(budget.amount),
                    "spent": money(usage["spent"]),
                    "remaining": money(usage["remaining"]),
                    "utilization": str(usage["utilization"]),
                    "status": usage["status"],
                    "start_date": budget.start_date.isoformat(),
                    "end_date": budget.end_date.isoformat(),
                }
            )
    alerts.sort(key=lambda a: -Decimal(a["utilization"]))
    return alerts


# --- Overviews -------------------------------------------------------------------------------------


def _change(current: Decimal, previous: Decimal) -> str | None:
    if previous == 0:
        return None
    return str(quantize((current - previous) * 100 / abs(previous)))


def _recent(business: Business, limit: int = 10) -> list[dict[str, Any]]:
    rows = (
        Transaction.objects.filter(business=business)
        .order_by("-transaction_date", "-id")
        .values(
            "id",
            "transaction_date",
            "transaction_type",
            "category",
            "description",
            "amount",
            "currency",
            "payment_method",
            "status",
            "customer__name",
            "supplier__name",
        )[:limit]
    )
    tz = zoneinfo.ZoneInfo(business.timezone)
    return [
        {
            "id": t["id"],
            "transaction_date": t["transaction_date"].astimezone(tz).isoformat(),
            "transaction_type": t["transaction_type"],
            "category": t["category"],
            "description": t["description"],
            "amount": money(t["amount"]),
            "currency": t["currency"],
            "payment_method": t["payment_method"],
            "status": t["status"],
            "counterparty": t["customer__name"] or t["supplier__name"] or "",
        }
        for t in rows
    ]


def dashboard(*, business: Business) -> dict[str, Any]:
    today = business_today(business)

    def compute() -> dict[str, Any]:
        month_start = today.replace(day=1)
        mtd = transaction_totals(business=business, date_from=month_start, date_to=today)
        series_from = month_start - relativedelta(months=11)
        series, _ = _series(business, "month", series_from, today)
        owed = _receivable_totals(business, today)
        return {
            "currency": business.currency,
            "as_of": today.isoformat(),
            # Up to today: a cheque dated next week is not in the bank yet.
            "balance": money(balance_before(business=business, day=today + dt.timedelta(days=1))),
            "month_to_date": {
                "income": mtd["income"],
                "expense": mtd["expense"],
                "net": mtd["net"],
                "count": mtd["count"],
            },
            "receivables": {
                "outstanding": owed["outstanding"],
                "overdue_count": owed["overdue_count"],
                "overdue_amount": owed["overdue_amount"],
                "open_count": owed["open_count"],
            },
            "budget_alerts": budget_alerts(business=business, on=today),
            "recent_transactions": _recent(business),
            "series": [
                {
                    "month": p["period"],
                    "income": money(p["income"]),
                    "expense": money(p["expense"]),
                    "net": money(p["net"]),
                }
                for p in series
            ],
        }

    return cached_report(business, "dashboard", {}, compute)


def overview(*, business: Business) -> dict[str, Any]:
    """KPIs and trends for /finance/analytics/."""
    today = business_today(business)

    def compute() -> dict[str, Any]:
        this_start = today.replace(day=1)
        last_start = this_start - relativedelta(months=1)
        same_day_last = min(today - relativedelta(months=1), this_start - dt.timedelta(days=1))
        this_month = transaction_totals(business=business, date_from=this_start, date_to=today)
        last_month_to_date = transaction_totals(
            business=business, date_from=last_start, date_to=same_day_last
        )
        last_month = transaction_totals(
            business=business, date_from=last_start, date_to=this_start - dt.timedelta(days=1)
        )
        year = transaction_totals(business=business, date_from=today.replace(month=1, day=1), date_to=today)
        six_from = this_start - relativedelta(months=6)
        trend, _ = _series(business, "month", six_from, this_start - dt.timedelta(days=1))
        avg_income = sum((p["income"] for p in trend), ZERO) / Decimal(len(trend) or 1)
        avg_expense = sum((p["expense"] for p in trend), ZERO) / Decimal(len(trend) or 1)
        top_expenses = [c for c in this_month["by_category"] if c["transaction_type"] == "expense"][:5]
        return {
            "currency": business.currency,
            "as_of": today.isoformat(),
            "this_month": {k: this_month[k] for k in ("income", "expense", "net", "count")},
            "last_month": {k: last_month[k] for k in ("income", "expense", "net", "count")},
            "change_vs_last_month_to_date": {
                k: _change(Decimal(this_month[k]), Decimal(last_month_to_date[k]))
                for k in ("income", "expense", "net")
            },
            "year_to_date": {k: year[k] for k in ("income", "expense", "net", "count")},
            "average_monthly": {
                "income": money(avg_income),
                "expense": money(avg_expense),
                "net": money(avg_income - avg_expense),
                "months": len(trend),
            },
            "profit_margin_percent": str(quantize(Decimal(year["net"]) * 100 / Decimal(year["income"])))
            if Decimal(year["income"])
            else None,
            "top_expense_categories": top_expenses,
            "receivables": receivables(business=business),
            "trend": [
                {
                    "month": p["period"],
                    "income": money(p["income"]),
                    "expense": money(p["expense"]),
                    "net": money(p["net"]),
                }
                for p in trend
            ],
        }

    return cached_report(business, "overview", {}, compute)
