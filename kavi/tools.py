"""KAVI's tools: typed reads over the finance selectors, always for one business. Each returns exact
figures (Decimal as strings) with the parameters it used; those become a reply's `sources`.

Both engines call only these: the built-in one directly, Gemini through `run_tool` with arguments
that are checked and resolved against the same business's names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta

from core.money import ZERO
from finance import selectors
from finance.selectors import ledger
from users.models import Business

from .names import NameIndex, build_index

MONEY = selectors.MONEY
CLOSED_STATUSES = ("draft", "cancelled")


money = selectors.money


# Spoken answers give percentages to 1 place: the finance helpers round once, at that precision.
PERCENT_PLACES = 1


def percent_change(current: Decimal, previous: Decimal) -> Decimal | None:
    return selectors.percent_change(current, previous, places=PERCENT_PLACES)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    return selectors.percent_of(part, whole, places=PERCENT_PLACES)


class Ref(Protocol):
    """A supplier or customer of the business, by id and name (kavi.names.Entity is one)."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...


@dataclass
class ToolResult:
    tool: str
    params: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)

    def source(self) -> dict[str, Any]:
        return {"tool": self.tool, "params": self.params}


def _params(**values: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


# --- The business's names ---------------------------------------------------------------------------


def business_names(*, business: Business) -> NameIndex:
    """Categories (from the rollups and budgets), suppliers and customers of this business only."""

    categories = ledger.category_names(business=business)
    suppliers, customers = ledger.party_names(business=business)
    return build_index(categories=categories, suppliers=suppliers, customers=customers)


# --- Totals ---------------------------------------------------------------------------------------


def totals(
    *,
    business: Business,
    date_from: dt.date,
    date_to: dt.date,
    category: str | None = None,
    supplier: Ref | None = None,
    customer: Ref | None = None,
) -> ToolResult:
    """Income, expense, net and counts of completed transactions (rollups unless a supplier or
    customer is named; then one aggregate query)."""
    filters: dict[str, Any] = {}
    if category:
        filters["category"] = category
    if supplier is not None:
        filters["supplier"] = supplier.id
    if customer is not None:
        filters["customer"] = customer.id
    report = selectors.transaction_totals(
        business=business, date_from=date_from, date_to=date_to, filters=filters
    )
    counts = {"income": 0, "expense": 0, "transfer": 0}
    for row in report["by_category"]:
        counts[row["transaction_type"]] = counts.get(row["transaction_type"], 0) + row["count"]
    return ToolResult(
        "totals",
        _params(
            date_from=date_from,
            date_to=date_to,
            category=category,
            supplier_id=supplier.id if supplier else None,
            supplier=supplier.name if supplier else None,
            customer_id=customer.id if customer else None,
            customer=customer.name if customer else None,
        ),
        {
            "currency": report["currency"],
            "income": report["income"],
            "expense": report["expense"],
            "net": report["net"],
            "transfers": report["transfers"],
            "count": report["count"],
            "income_count": counts["income"],
            "expense_count": counts["expense"],
            "by_category": report["by_category"],
        },
    )


def top_categories(
    *,
    business: Business,
    date_from: dt.date,
    date_to: dt.date,
    transaction_type: str,
    limit: int = 5,
    smallest: bool = False,
) -> ToolResult:
    """Categories of a type ranked by total, largest first (or smallest first)."""
    report = selectors.transaction_totals(business=business, date_from=date_from, date_to=date_to)
    rows = [r for r in report["by_category"] if r["transaction_type"] == transaction_type]
    if smallest:
        rows.reverse()
    total = sum((Decimal(r["total"]) for r in rows), ZERO)
    return ToolResult(
        "top_categories",
        _params(
            date_from=date_from,
            date_to=date_to,
            transaction_type=transaction_type,
            limit=limit,
            order="smallest" if smallest else None,
        ),
        {
            "currency": report["currency"],
            "total": money(total),
            "categories": [
                {
                    "category": r["category"],
                    "total": r["total"],
                    "count": r["count"],
                    "share": str(percent_of(Decimal(r["total"]), total) or "0.0"),
                }
                for r in rows[:limit]
            ],
        },
    )


def largest_transactions(
    *,
    business: Business,
    date_from: dt.date,
    date_to: dt.date,
    transaction_type: str,
    category: str | None = None,
    limit: int = 3,
    smallest: bool = False,
) -> ToolResult:
    rows = ledger.transactions_ranked(
        business=business,
        date_from=date_from,
        date_to=date_to,
        transaction_type=transaction_type,
        category=category,
        limit=limit,
        smallest=smallest,
    )
    return ToolResult(
        "largest_transactions",
        _params(
            date_from=date_from,
            date_to=date_to,
            transaction_type=transaction_type,
            category=category,
            limit=limit,
            order="smallest" if smallest else None,
        ),
        {"currency": business.currency, "transactions": rows},
    )


def recent_transactions(*, business: Business, limit: int = 5) -> ToolResult:
    rows = ledger.transactions_latest(business=business, limit=limit)
    return ToolResult(
        "recent_transactions",
        _params(limit=limit),
        {"currency": business.currency, "transactions": rows},
    )


def customer_payments(
    *, business: Business, date_from: dt.date, date_to: dt.date, limit: int = 5
) -> ToolResult:
    """Income received from customers (invoice payments and other linked income), by customer."""
    rows, overall = ledger.totals_by_party(
        business=business,
        party="customer",
        transaction_type="income",
        date_from=date_from,
        date_to=date_to,
        limit=limit,
    )
    return ToolResult(
        "customer_payments",
        _params(date_from=date_from, date_to=date_to, limit=limit),
        {"currency": business.currency, "total": money(overall), "customers": rows},
    )


def supplier_payments(
    *, business: Business, date_from: dt.date, date_to: dt.date, limit: int = 5
) -> ToolResult:
    rows, overall = ledger.totals_by_party(
        business=business,
        party="supplier",
        transaction_type="expense",
        date_from=date_from,
        date_to=date_to,
        limit=limit,
    )
    return ToolResult(
        "supplier_payments",
        _params(date_from=date_from, date_to=date_to, limit=limit),
        {"currency": business.currency, "total": money(overall), "suppliers": rows},
    )


# --- Receivables and invoices -----------------------------------------------------------------------


def receivables(*, business: Business, customer: Ref | None = None) -> ToolResult:
    """What customers owe on sent and partly paid invoices, what of it is overdue, and who owes most."""
    if customer is None:
        report = selectors.receivables(business=business)
        oldest = report["overdue"][0] if report["overdue"] else None
        debtors = ledger.debtor_count(business=business)
        return ToolResult(
            "receivables",
            {},
            {
                "currency": report["currency"],
                "as_of": report["as_of"],
                "outstanding": report["outstanding"],
                "open_count": report["open_count"],
                "overdue_amount": report["overdue_amount"],
                "overdue_count": report["overdue_count"],
                "debtor_count": debtors,
                "top_debtors": report["top_debtors"][:5],
                "overdue": report["overdue"][:10],
                "oldest_overdue": oldest,
            },
        )
    today = selectors.business_today(business)
    figures = ledger.customer_receivables(business=business, customer_id=customer.id, today=today)
    return ToolResult(
        "receivables",
        {"customer_id": customer.id, "customer": customer.name},
        {
            "currency": business.currency,
            "as_of": today.isoformat(),
            "customer": customer.name,
            "outstanding": money(figures["outstanding"]),
            "open_count": figures["open_count"],
            "overdue_amount": money(figures["overdue_amount"]),
            "overdue_count": figures["overdue_count"],
            "oldest_due_date": figures["oldest_due"].isoformat() if figures["oldest_due"] else None,
        },
    )


def invoice_counts(
    *,
    business: Business,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    customer: Ref | None = None,
) -> ToolResult:
    """Invoices by issue date: how many were issued (sent, not cancelled), their value, and each status."""
    today = selectors.business_today(business)
    by_status = ledger.invoices_by_status(
        business=business,
        today=today,
        customer_id=customer.id if customer else None,
        date_from=date_from,
        date_to=date_to,
        one_customer=customer is not None,
    )
    issued = [v for k, v in by_status.items() if k not in CLOSED_STATUSES]
    return ToolResult(
        "invoice_counts",
        _params(
            date_from=date_from,
            date_to=date_to,
            customer_id=customer.id if customer else None,
            customer=customer.name if customer else None,
        ),
        {
            "currency": business.currency,
            "as_of": today.isoformat(),
            "issued": sum(v["count"] for v in issued),
            "issued_total": money(sum((Decimal(v["total"]) for v in issued), ZERO)),
            "all": sum(v["count"] for v in by_status.values()),
            "by_status": by_status,
        },
    )


# --- Budgets, balance, cash flow ----------------------------------------------------------------------


def budget_status(
    *,
    business: Business,
    category: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> ToolResult:
    """Budgets (of a category) within the period, else overlapping it, else the current ones:
    spent, amount, remaining, utilisation and whether each was exceeded."""
    rows = ledger.budgets_in_period(
        business=business, category=category, date_from=date_from, date_to=date_to
    )
    spent = sum((Decimal(r["spent"]) for r in rows), ZERO)
    amount = sum((Decimal(r["amount"]) for r in rows), ZERO)
    return ToolResult(
        "budget_status",
        _params(category=category, date_from=date_from, date_to=date_to),
        {
            "currency": business.currency,
            "budgets": rows,
            "spent": money(spent),
            "amount": money(amount),
            "remaining": money(amount - spent),
            "exceeded_count": sum(1 for r in rows if r["exceeded"]),
        },
    )


def monthly_totals(
    *, business: Business, date_from: dt.date, date_to: dt.date, category: str | None = None
) -> ToolResult:
    """Income, expense and net per calendar month, optionally of one category (one rollup query)."""
    sums = ledger.monthly_sums(business=business, date_from=date_from, date_to=date_to, category=category)
    months = []
    start = date_from.replace(day=1)
    while start <= date_to:
        got = sums.get(start, {})
        income, expense = got.get("income", ZERO), got.get("expense", ZERO)
        months.append(
            {
                "month": start.strftime("%Y-%m"),
                "start": start.isoformat(),
                "income": money(income),
                "expense": money(expense),
                "net": money(income - expense),
            }
        )
        start += relativedelta(months=1)
    return ToolResult(
        "monthly_totals",
        _params(date_from=date_from, date_to=date_to, category=category),
        {"currency": business.currency, "months": months},
    )


def balance(*, business: Business, as_of: dt.date | None = None) -> ToolResult:
    """Income minus expense of completed transactions up to and including a local date (today)."""
    day = as_of or selectors.business_today(business)
    value = selectors.balance_before(business=business, day=day + dt.timedelta(days=1))
    return ToolResult(
        "balance",
        _params(as_of=day),
        {"currency": business.currency, "as_of": day.isoformat(), "balance": money(value)},
    )


def cash_flow(*, business: Business, date_from: dt.date, date_to: dt.date) -> ToolResult:
    report = selectors.cash_flows(business=business, period="month", date_from=date_from, date_to=date_to)
    periods = report["results"]
    inflow = sum((Decimal(p["inflow"]) for p in periods), ZERO)
    outflow = sum((Decimal(p["outflow"]) for p in periods), ZERO)
    opening = Decimal(periods[0]["opening_balance"]) if periods else ZERO
    closing = Decimal(periods[-1]["closing_balance"]) if periods else ZERO
    return ToolResult(
        "cash_flow",
        _params(date_from=date_from, date_to=date_to),
        {
            "currency": business.currency,
            "opening_balance": money(opening),
            "inflow": money(inflow),
            "outflow": money(outflow),
            "net": money(inflow - outflow),
            "closing_balance": money(closing),
            "months": periods,
        },
    )


def compare_periods(
    *,
    business: Business,
    measure: str,
    date_from: dt.date,
    date_to: dt.date,
    other_from: dt.date,
    other_to: dt.date,
    category: str | None = None,
    supplier: Ref | None = None,
    customer: Ref | None = None,
) -> ToolResult:
    """A measure (income, expense or net) in one period against another, with the percent change."""
    now = totals(
        business=business,
        date_from=date_from,
        date_to=date_to,
        category=category,
        supplier=supplier,
        customer=customer,
    )
    before = totals(
        business=business,
        date_from=other_from,
        date_to=other_to,
        category=category,
        supplier=supplier,
        customer=customer,
    )
    figures: dict[str, Any] = {}
    for key in ("income", "expense", "net"):
        current, previous = Decimal(now.data[key]), Decimal(before.data[key])
        change = percent_change(current, previous)
        figures[key] = {
            "current": money(current),
            "previous": money(previous),
            "difference": money(current - previous),
            "percent_change": str(change) if change is not None else None,
        }
    return ToolResult(
        "compare_periods",
        _params(
            measure=measure,
            date_from=date_from,
            date_to=date_to,
            other_from=other_from,
            other_to=other_to,
            category=category,
            supplier_id=supplier.id if supplier else None,
            customer_id=customer.id if customer else None,
        ),
        {"currency": business.currency, **figures},
    )


monthly_expense_average = ledger.monthly_expense_average
