"""The reports the API, the dashboard and KAVI show: analytics, cash flows, the dashboard and the
overview. Each is cached per books version (caching.cached_report)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from core.money import ZERO
from users.models import Business

from .budgets import budget_alerts
from .caching import cached_report
from .clock import business_today
from .numbers import money, percent_change, percent_of
from .receivables import receivable_totals, receivables
from .sums import balance_before, period_series, rollup_sums
from .transactions import recent_transactions, transaction_totals


def _as_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def analytics(*, business: Business, period: str, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        series, _ = period_series(business, period, date_from, date_to)
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


def cash_flows(*, business: Business, period: str, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        series, _ = period_series(business, period, date_from, date_to)
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


def dashboard(*, business: Business) -> dict[str, Any]:
    today = business_today(business)

    def compute() -> dict[str, Any]:
        month_start = today.replace(day=1)
        mtd = transaction_totals(business=business, date_from=month_start, date_to=today)
        series_from = month_start - relativedelta(months=11)
        series, _ = period_series(business, "month", series_from, today)
        owed = receivable_totals(business, today)
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
            "recent_transactions": recent_transactions(business),
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
        trend, _ = period_series(business, "month", six_from, this_start - dt.timedelta(days=1))
        avg_income = sum((p["income"] for p in trend), ZERO) / Decimal(len(trend) or 1)
        avg_expense = sum((p["expense"] for p in trend), ZERO) / Decimal(len(trend) or 1)
        top_expenses = [c for c in this_month["by_category"] if c["transaction_type"] == "expense"][:5]
        return {
            "currency": business.currency,
            "as_of": today.isoformat(),
            "this_month": {k: this_month[k] for k in ("income", "expense", "net", "count")},
            "last_month": {k: last_month[k] for k in ("income", "expense", "net", "count")},
            "change_vs_last_month_to_date": {
                k: _as_text(percent_change(Decimal(this_month[k]), Decimal(last_month_to_date[k])))
                for k in ("income", "expense", "net")
            },
            "year_to_date": {k: year[k] for k in ("income", "expense", "net", "count")},
            "average_monthly": {
                "income": money(avg_income),
                "expense": money(avg_expense),
                "net": money(avg_income - avg_expense),
                "months": len(trend),
            },
            "profit_margin_percent": _as_text(percent_of(Decimal(year["net"]), Decimal(year["income"]))),
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
