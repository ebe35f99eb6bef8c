"""Transactions: the list filters, totals over a date range, the most recent ones."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from core.money import ZERO
from users.models import Business

from ..models import Transaction, TransactionStatus, TransactionType
from .caching import cached_report
from .clock import local_bounds
from .numbers import money
from .sums import rollup_sums

ROLLUP_FILTERS = {"transaction_type", "category"}


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


def _totals_from(rows: Any) -> dict[str, Any]:
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
        result = _totals_from(grouped)
        result.update(
            currency=business.currency,
            date_from=date_from and date_from.isoformat(),
            date_to=date_to and date_to.isoformat(),
        )
        return result

    return cached_report(business, "totals", {"from": date_from, "to": date_to, **filters}, compute)


def recent_transactions(business: Business, limit: int = 10) -> list[dict[str, Any]]:
    """The latest transactions of any status, newest first, dated in the business's time zone."""
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
