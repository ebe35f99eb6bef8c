"""Budgets and what has been spent against them (from the rollups)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower

from core.money import ZERO
from users.models import Business

from ..models import Budget, DailyRollup, TransactionType
from .numbers import MONEY, money, percent


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
    utilization = percent(spent * 100 / budget.amount) if budget.amount else ZERO
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
