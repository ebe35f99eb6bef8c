"""KAVI's tools: typed reads over the finance selectors, always for one business. Each returns exact
figures (Decimal as strings) with the parameters it used; those become a reply's `sources`.

Both engines call only these: the built-in one directly, Gemini through `run_tool` with arguments
that are checked and resolved against the same business's names."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta
from django.db.models import Count, DecimalField, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.money import ZERO, quantize
from finance import selectors
from finance.models import Budget, DailyRollup, Invoice, Supplier, Transaction, TransactionStatus
from users.models import Business, Customer

from .names import NameIndex, build_index

MONEY = DecimalField(max_digits=15, decimal_places=2)
TENTH = Decimal("0.1")
CLOSED_STATUSES = ("draft", "cancelled")


def money(value: Decimal | None) -> str:
    return str(quantize(value or ZERO))


def percent_change(current: Decimal, previous: Decimal) -> Decimal | None:
    if previous == 0:
        return None
    return ((current - previous) * 100 / abs(previous)).quantize(TENTH, rounding=ROUND_HALF_UP)


class Ref(Protocol):
    """A supplier or customer of the business, by id and name (kavi.names.Entity is one)."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


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


def _completed(business: Business) -> Any:
    return Transaction.objects.filter(
        business=business, status=TransactionStatus.COMPLETED, currency=business.currency
    )


def _in_range(queryset: Any, business: Business, date_from: dt.date | None, date_to: dt.date | None) -> Any:
    return selectors.filter_transactions(
        queryset, business=business, filters={"date_from": date_from, "date_to": date_to}
    )


# --- The business's names ---------------------------------------------------------------------------


def business_names(*, business: Business) -> NameIndex:
    """Categories (from the rollups and budgets), suppliers and customers of this business only."""

    def rollup_categories() -> list[tuple[str, str]]:
        return list(
            DailyRollup.objects.filter(business=business)
            .values_list("transaction_type", "category")
            .annotate(n=Sum("count"))
            .order_by("-n")
            .values_list("transaction_type", "category")
        )

    # The rollups change only with the books, so their categories are cached per books version.
    categories = [
        tuple(c) for c in selectors.cached_report(business, "kavi-categories", {}, rollup_categories)
    ]
    categories += [
        ("expense", name)
        for name in Budget.objects.filter(business=business)
        .order_by()
        .values_list("category", flat=True)
        .distinct()
    ]
    suppliers = list(Supplier.objects.filter(business=business).values_list("id", "name"))
    customers = list(Customer.objects.filter(business=business).values_list("id", "name"))
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
                    "share": str((Decimal(r["total"]) * 100 / total).quantize(TENTH, ROUND_HALF_UP))
                    if total
                    else "0.0",
                }
                for r in rows[:limit]
            ],
        },
    )


def _transaction_row(txn: Transaction, tz: zoneinfo.ZoneInfo) -> dict[str, Any]:
    return {
        "id": txn.pk,
        "date": txn.transaction_date.astimezone(tz).date().isoformat(),
        "transaction_type": txn.transaction_type,
        "category": txn.category,
        "description": txn.description,
        "amount": money(txn.amount),
        "counterparty": txn.customer.name if txn.customer else txn.supplier.name if txn.supplier else "",
    }


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
    queryset = _in_range(_completed(business), business, date_from, date_to).filter(
        transaction_type=transaction_type
    )
    if category:
        queryset = queryset.filter(category__iexact=category)
    order = ("amount", "transaction_date", "id") if smallest else ("-amount", "-transaction_date", "-id")
    rows = queryset.select_related("customer", "supplier").order_by(*order)[:limit]
    tz = zoneinfo.ZoneInfo(business.timezone)
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
        {"currency": business.currency, "transactions": [_transaction_row(t, tz) for t in rows]},
    )


def recent_transactions(*, business: Business, limit: int = 5) -> ToolResult:
    rows = (
        _completed(business)
        .filter(transaction_date__lte=timezone.now())
        .select_related("customer", "supplier")
        .order_by("-transaction_date", "-id")[:limit]
    )
    tz = zoneinfo.ZoneInfo(business.timezone)
    return ToolResult(
        "recent_transactions",
        _params(limit=limit),
        {"currency": business.currency, "transactions": [_transaction_row(t, tz) for t in rows]},
    )


def _by_party(
    *, business: Business, party: str, transaction_type: str, date_from: dt.date, date_to: dt.date, limit: int
) -> tuple[list[dict[str, Any]], Decimal]:
    queryset = _in_range(_completed(business), business, date_from, date_to).filter(
        transaction_type=transaction_type, **{f"{party}__isnull": False}
    )
    grouped = (
        queryset.values(f"{party}_id", f"{party}__name")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("-total", f"{party}__name")
    )
    rows = list(grouped[:limit])
    overall = queryset.aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["total"]
    return [
        {"id": r[f"{party}_id"], "name": r[f"{party}__name"], "total": money(r["total"]), "count": r["count"]}
        for r in rows
    ], overall


def customer_payments(
    *, business: Business, date_from: dt.date, date_to: dt.date, limit: int = 5
) -> ToolResult:
    """Income received from customers (invoice payments and other linked income), by customer."""
    rows, overall = _by_party(
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
    rows, overall = _by_party(
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
        debtors = (
            Invoice.objects.filter(business=business, status__in=selectors.OPEN_STATUSES)
            .values("customer_id")
            .distinct()
            .count()
        )
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
    open_invoices = selectors.invoices_annotated(
        Invoice.objects.filter(
            business=business, customer_id=customer.id or 0, status__in=selectors.OPEN_STATUSES
        ),
        today=today,
    )
    figures = open_invoices.aggregate(
        outstanding=Coalesce(Sum("balance"), Value(ZERO), output_field=MONEY),
        overdue_amount=Coalesce(
            Sum("balance", filter=Q(due_date__lt=today)), Value(ZERO), output_field=MONEY
        ),
        open_count=Count("id"),
        overdue_count=Count("id", filter=Q(due_date__lt=today)),
        oldest_due=Min("due_date", filter=Q(due_date__lt=today)),
    )
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
    queryset = Invoice.objects.filter(business=business)
    if customer is not None:
        queryset = queryset.filter(customer_id=customer.id or 0)
    if date_from:
        queryset = queryset.filter(issue_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(issue_date__lte=date_to)
    rows = (
        selectors.invoices_annotated(queryset, today=today)
        .values("effective_status")  # type: ignore[misc]  # annotated by invoices_annotated
        .annotate(n=Count("id"), total=Sum("total_amount"))
        .order_by()
    )
    by_status = {r["effective_status"]: {"count": r["n"], "total": money(r["total"])} for r in rows}
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
    today = selectors.business_today(business)
    queryset = Budget.objects.filter(business=business, currency=business.currency)
    if category:
        queryset = queryset.filter(category__iexact=category)
    if date_from and date_to:
        inside = queryset.filter(start_date__gte=date_from, end_date__lte=date_to)
        chosen = (
            inside if inside.exists() else queryset.filter(start_date__lte=date_to, end_date__gte=date_from)
        )
    else:
        chosen = queryset.filter(start_date__lte=today, end_date__gte=today)
    budgets = list(selectors.budgets_with_usage(chosen).order_by("start_date", "category")[:40])
    rows = []
    for budget in budgets:
        usage = selectors.budget_usage(budget)
        rows.append(
            {
                "id": budget.pk,
                "category": budget.category,
                "start_date": budget.start_date.isoformat(),
                "end_date": budget.end_date.isoformat(),
                "period": budget.period,
                "amount": money(budget.amount),
                "spent": money(usage["spent"]),
                "remaining": money(usage["remaining"]),
                "utilization": str(usage["utilization"]),
                "status": usage["status"],
                "exceeded": usage["spent"] > budget.amount,
            }
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
    rows = DailyRollup.objects.filter(
        business=business, currency=business.currency, day__gte=date_from, day__lte=date_to
    ).exclude(transaction_type="transfer")
    if category:
        rows = rows.filter(category__iexact=category)
    grouped = (
        rows.annotate(month=TruncMonth("day"))
        .values("month", "transaction_type")
        .annotate(total=Sum("total"))
        .order_by()
    )
    sums: dict[dt.date, dict[str, Decimal]] = {}
    for row in grouped:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        sums.setdefault(month, {})[row["transaction_type"]] = row["total"] or ZERO
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


def monthly_expense_average(*, business: Business, months: int = 3) -> tuple[Decimal, dt.date, dt.date]:
    """The average monthly expense of the last `months` full months (for the shortfall insight)."""
    today = selectors.business_today(business)
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = (end.replace(day=1) - relativedelta(months=months - 1)).replace(day=1)
    figures = DailyRollup.objects.filter(
        business=business,
        currency=business.currency,
        transaction_type="expense",
        day__gte=start,
        day__lte=end,
    ).aggregate(
        total=Coalesce(Sum("total"), Value(ZERO), output_field=MONEY), first=Min("day"), last=Max("day")
    )
    return quantize(figures["total"] / months), start, end
