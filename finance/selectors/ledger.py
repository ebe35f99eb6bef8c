"""Transaction-level reads of the books that KAVI needs and the reports don't: the largest single
purchase, spending by counterparty, by category, and the like. Each takes the business and returns
plain values (Decimal for money, rounded with finance.selectors.numbers), never model instances of
another business. KAVI's tools and insights are thin adapters over these."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.money import ZERO, quantize
from users.models import Business, Customer

from ..models import Budget, DailyRollup, Invoice, Supplier, Transaction, TransactionStatus
from .budgets import budget_usage, budgets_with_usage
from .caching import cached_report
from .clock import business_today, local_bounds
from .numbers import MONEY, money
from .receivables import OPEN_STATUSES, invoices_annotated
from .transactions import filter_transactions


def _month(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _completed(business: Business) -> QuerySet[Transaction]:
    return Transaction.objects.filter(
        business=business, status=TransactionStatus.COMPLETED, currency=business.currency
    )


def _in_range(
    queryset: QuerySet[Transaction], business: Business, date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[Transaction]:
    return filter_transactions(
        queryset, business=business, filters={"date_from": date_from, "date_to": date_to}
    )


# --- Names ------------------------------------------------------------------------------------------


def category_names(*, business: Business) -> list[tuple[str, str]]:
    """(transaction type, category) pairs of the business, most used first, then budget categories."""

    def rollup_categories() -> list[tuple[str, str]]:
        return list(
            DailyRollup.objects.filter(business=business)
            .values_list("transaction_type", "category")
            .annotate(n=Sum("count"))
            .order_by("-n")
            .values_list("transaction_type", "category")
        )

    # The rollups change only with the books, so their categories are cached per books version.
    categories = [tuple(c) for c in cached_report(business, "kavi-categories", {}, rollup_categories)]
    categories += [
        ("expense", name)
        for name in Budget.objects.filter(business=business)
        .order_by()
        .values_list("category", flat=True)
        .distinct()
    ]
    return categories


def party_names(*, business: Business) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(id, name) of the business's suppliers and of its customers."""
    suppliers = list(Supplier.objects.filter(business=business).values_list("id", "name"))
    customers = list(Customer.objects.filter(business=business).values_list("id", "name"))
    return suppliers, customers


# --- Transactions -------------------------------------------------------------------------------------


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


def transactions_ranked(
    *,
    business: Business,
    date_from: dt.date,
    date_to: dt.date,
    transaction_type: str,
    category: str | None = None,
    limit: int = 3,
    smallest: bool = False,
) -> list[dict[str, Any]]:
    """Completed transactions of a type in a local date range, largest first (or smallest first)."""
    queryset = _in_range(_completed(business), business, date_from, date_to).filter(
        transaction_type=transaction_type
    )
    if category:
        queryset = queryset.filter(category__iexact=category)
    order = ("amount", "transaction_date", "id") if smallest else ("-amount", "-transaction_date", "-id")
    rows = queryset.select_related("customer", "supplier").order_by(*order)[:limit]
    tz = zoneinfo.ZoneInfo(business.timezone)
    return [_transaction_row(t, tz) for t in rows]


def transactions_latest(*, business: Business, limit: int = 5) -> list[dict[str, Any]]:
    """The latest completed transactions up to now."""
    rows = (
        _completed(business)
        .filter(transaction_date__lte=timezone.now())
        .select_related("customer", "supplier")
        .order_by("-transaction_date", "-id")[:limit]
    )
    tz = zoneinfo.ZoneInfo(business.timezone)
    return [_transaction_row(t, tz) for t in rows]


def totals_by_party(
    *, business: Business, party: str, transaction_type: str, date_from: dt.date, date_to: dt.date, limit: int
) -> tuple[list[dict[str, Any]], Decimal]:
    """Completed transactions of a type by supplier or customer (`party`), largest first, and the total
    of all of them."""
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


def unapplied_payments(*, business: Business, since: dt.date) -> tuple[int, Decimal]:
    """How many M-Pesa payments since a local date no invoice took (finance.mpesa), and their sum."""
    start, _ = local_bounds(business, since, since)
    totals = Transaction.objects.filter(
        business=business, unapplied=True, transaction_date__gte=start
    ).aggregate(count=Count("id"), amount=Coalesce(Sum("amount"), Value(ZERO)))
    return totals["count"], totals["amount"]


# --- Invoices -----------------------------------------------------------------------------------------


def debtor_count(*, business: Business) -> int:
    """How many customers have a sent or partly paid invoice."""
    return (
        Invoice.objects.filter(business=business, status__in=OPEN_STATUSES)
        .values("customer_id")
        .distinct()
        .count()
    )


def customer_receivables(*, business: Business, customer_id: int | None, today: dt.date) -> dict[str, Any]:
    """What one customer owes on open invoices: outstanding and overdue sums and counts, the oldest
    due date passed."""
    open_invoices = invoices_annotated(
        Invoice.objects.filter(business=business, customer_id=customer_id or 0, status__in=OPEN_STATUSES),
        today=today,
    )
    return open_invoices.aggregate(
        outstanding=Coalesce(Sum("balance"), Value(ZERO), output_field=MONEY),
        overdue_amount=Coalesce(
            Sum("balance", filter=Q(due_date__lt=today)), Value(ZERO), output_field=MONEY
        ),
        open_count=Count("id"),
        overdue_count=Count("id", filter=Q(due_date__lt=today)),
        oldest_due=Min("due_date", filter=Q(due_date__lt=today)),
    )


def receivables_due(*, business: Business, today: dt.date, until: dt.date) -> Decimal:
    """The balance of open invoices in the business currency falling due from today to `until`."""
    return invoices_annotated(
        Invoice.objects.filter(business=business, status__in=OPEN_STATUSES, currency=business.currency),
        today=today,
    ).aggregate(
        total=Coalesce(
            Sum("balance", filter=Q(due_date__gte=today, due_date__lte=until)),
            Value(ZERO),
            output_field=MONEY,
        )
    )["total"]


def invoices_by_status(
    *,
    business: Business,
    today: dt.date,
    customer_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    one_customer: bool = False,
) -> dict[str, dict[str, Any]]:
    """Invoices by issue date (of the customer `customer_id` when `one_customer`), counted and summed
    per effective status."""
    queryset = Invoice.objects.filter(business=business)
    if one_customer:
        queryset = queryset.filter(customer_id=customer_id or 0)
    if date_from:
        queryset = queryset.filter(issue_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(issue_date__lte=date_to)
    rows = (
        invoices_annotated(queryset, today=today)
        .values("effective_status")  # type: ignore[misc]  # annotated by invoices_annotated
        .annotate(n=Count("id"), total=Sum("total_amount"))
        .order_by()
    )
    return {r["effective_status"]: {"count": r["n"], "total": money(r["total"])} for r in rows}


# --- Budgets ------------------------------------------------------------------------------------------


def budgets_in_period(
    *,
    business: Business,
    category: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Budgets (of a category) within the period, else overlapping it, else the current ones, with
    what was spent of each."""
    today = business_today(business)
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
    budgets = list(budgets_with_usage(chosen).order_by("start_date", "category")[:40])
    rows = []
    for budget in budgets:
        usage = budget_usage(budget)
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
    return rows


# --- Monthly sums from the rollups --------------------------------------------------------------------


def monthly_sums(
    *, business: Business, date_from: dt.date, date_to: dt.date, category: str | None = None
) -> dict[dt.date, dict[str, Decimal]]:
    """Income and expense per calendar month (first day → type → sum), optionally of one category."""
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
        sums.setdefault(_month(row["month"]), {})[row["transaction_type"]] = row["total"] or ZERO
    return sums


def monthly_expense_by_category(
    *, business: Business, date_from: dt.date, date_to: dt.date
) -> dict[str, dict[dt.date, Decimal]]:
    """Expense per category and calendar month (category → first day → sum)."""
    rows = (
        DailyRollup.objects.filter(
            business=business,
            currency=business.currency,
            transaction_type="expense",
            day__gte=date_from,
            day__lte=date_to,
        )
        .annotate(month=TruncMonth("day"))
        .values("month", "category")
        .annotate(total=Sum("total"))
        .order_by()
    )
    sums: dict[str, dict[dt.date, Decimal]] = {}
    for row in rows:
        sums.setdefault(row["category"] or "Uncategorised", {})[_month(row["month"])] = row["total"] or ZERO
    return sums


def monthly_expense_average(*, business: Business, months: int = 3) -> tuple[Decimal, dt.date, dt.date]:
    """The average monthly expense of the last `months` full months, and the first and last day."""
    today = business_today(business)
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
