"""Reads of the books, split by subject. Sums come from the daily rollups (or, for filters the
rollups don't carry, from one aggregate query); nothing loops over rows in Python. Reports are
cached per books version. Every figure the API, the dashboard, the insights and KAVI show comes from
here; `from finance.selectors import X` works for each public name below.

- clock: the business's today, local date ranges, periods
- numbers: the one money rounding and the one percent change (2 places, half up)
- caching: report caching per books version
- sums: rollup sums, balance, series per period
- transactions: list filters, totals, recent transactions
- receivables: invoices with effective status and balance, what customers owe
- budgets: budgets with spending and alerts
- reports: analytics, cash flows, dashboard, overview
- ledger: transaction-level reads for KAVI
"""

from . import ledger
from .budgets import budget_alerts, budget_usage, budgets_with_usage
from .caching import cached_report
from .clock import (
    PERIODS,
    TRUNC,
    as_date,
    business_today,
    local_bounds,
    month_end,
    next_period,
    period_label,
    period_start,
)
from .numbers import MONEY, money, percent, percent_change, percent_of
from .receivables import (
    OPEN_STATUSES,
    invoice_payments,
    invoice_status_on,
    invoices_annotated,
    open_invoices,
    receivable_totals,
    receivables,
)
from .reports import analytics, cash_flows, dashboard, overview
from .sums import balance_before, daily_rollups, period_series, rollup_sums
from .transactions import ROLLUP_FILTERS, filter_transactions, recent_transactions, transaction_totals

__all__ = [
    "MONEY",
    "OPEN_STATUSES",
    "PERIODS",
    "ROLLUP_FILTERS",
    "TRUNC",
    "analytics",
    "as_date",
    "balance_before",
    "budget_alerts",
    "budget_usage",
    "budgets_with_usage",
    "business_today",
    "cached_report",
    "cash_flows",
    "daily_rollups",
    "dashboard",
    "filter_transactions",
    "invoice_payments",
    "invoice_status_on",
    "invoices_annotated",
    "ledger",
    "local_bounds",
    "money",
    "month_end",
    "next_period",
    "open_invoices",
    "overview",
    "percent",
    "percent_change",
    "percent_of",
    "period_label",
    "period_series",
    "period_start",
    "receivable_totals",
    "receivables",
    "recent_transactions",
    "rollup_sums",
    "transaction_totals",
]
