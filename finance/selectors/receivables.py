"""Invoices and what customers owe: effective status (overdue), balances, debtors."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
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
from django.db.models.functions import Coalesce

from core.money import ZERO
from users.models import Business

from ..models import Invoice, InvoiceStatus, MpesaStkRequest, StkStatus
from .caching import cached_report
from .clock import business_today
from .numbers import MONEY, money

OPEN_STATUSES = (InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID)


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


def invoice_status_on(invoice: Invoice, today: dt.date) -> str:
    """The status an invoice reads as on `today`: overdue when open past its due date. The same rule
    as invoices_annotated's `effective_status`, for an invoice read without that annotation."""
    if invoice.status in OPEN_STATUSES and invoice.due_date < today:
        return InvoiceStatus.OVERDUE
    return invoice.status


def _mpesa_receipt(external_id: str, stk_receipt: str | None) -> str:
    """An STK push keeps its receipt; a callback or statement line books it as `mpesa:<receipt>`."""
    if stk_receipt:
        return stk_receipt
    if external_id.startswith("mpesa:"):
        return external_id.split(":")[1]
    return ""


def invoice_payments(*, invoice: Invoice) -> list[dict[str, Any]]:
    """The payments booked against `invoice`, oldest first, dated in the business's time zone."""
    tz = zoneinfo.ZoneInfo(invoice.business.timezone)
    stk_receipt = MpesaStkRequest.objects.filter(
        transaction=OuterRef("pk"), status=StkStatus.SUCCESS
    ).exclude(mpesa_receipt="")
    rows = (
        invoice.payments.annotate(stk_receipt=Subquery(stk_receipt.values("mpesa_receipt")[:1]))
        .order_by("transaction_date", "id")
        .values(
            "id",
            "transaction_date",
            "amount",
            "payment_method",
            "reference_number",
            "external_id",
            "stk_receipt",
        )
    )
    return [
        {
            "id": row["id"],
            "date": row["transaction_date"].astimezone(tz).date(),
            "amount": row["amount"],
            "method": row["payment_method"],
            "reference": row["reference_number"],
            "mpesa_receipt": _mpesa_receipt(row["external_id"], row["stk_receipt"]),
            "transaction": row["id"],
        }
        for row in rows
    ]


def open_invoices(business: Business, today: dt.date) -> QuerySet[Invoice]:
    """Sent and partly paid invoices in the business currency, annotated."""
    return invoices_annotated(
        Invoice.objects.filter(business=business, status__in=OPEN_STATUSES, currency=business.currency),
        today=today,
    )


def receivable_totals(business: Business, today: dt.date) -> dict[str, Any]:
    totals = open_invoices(business, today).aggregate(
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
        unpaid = open_invoices(business, today)
        debtors = (
            unpaid.values("customer_id", "customer__name")
            .annotate(owed=Sum("balance"), invoices=Count("id"))
            .order_by("-owed", "customer__name")[:10]
        )
        overdue = (
            unpaid.filter(due_date__lt=today)
            .order_by("due_date", "id")
            # `balance` is an annotation (invoices_annotated) the type plugin can't see.
            .values("id", "invoice_number", "customer__name", "due_date", "balance")[:50]  # type: ignore[misc]
        )
        return {
            "currency": business.currency,
            "as_of": today.isoformat(),
            **receivable_totals(business, today),
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
