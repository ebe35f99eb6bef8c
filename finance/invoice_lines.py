"""An invoice's lines: each line's amount and tax (Decimal, rounded once to the cent), writing the
lines with the invoice's totals inside the numeric(15,2) range, and the snapshot the audit keeps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

from core.audit import snapshot
from core.exceptions import ApplicationError
from core.money import ZERO, quantize

from .models import Invoice, InvoiceItem
from .validators import check_money_range


def _clean(row: InvoiceItem) -> None:
    try:
        row.full_clean(exclude=["invoice", "business"])
    except DjangoValidationError as exc:
        raise ApplicationError("invalid", "The input is not valid.", fields=exc.message_dict) from exc


def line_amounts(quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> tuple[Decimal, Decimal]:
    line = quantize(quantity * unit_price)
    return line, quantize(line * tax_rate / Decimal(100))


def write_items(invoice: Invoice, items: list[dict[str, Any]]) -> None:
    invoice.items.all().delete()
    subtotal = tax_total = ZERO
    rows = []
    for position, item in enumerate(items):
        quantity, unit_price = Decimal(item["quantity"]), Decimal(item["unit_price"])
        tax_rate = Decimal(item.get("tax_rate") or 0)
        line, tax = line_amounts(quantity, unit_price, tax_rate)
        subtotal += line
        tax_total += tax
        rows.append(
            InvoiceItem(
                business_id=invoice.business_id,
                invoice=invoice,
                description=item["description"],
                quantity=quantity,
                unit_price=unit_price,
                tax_rate=tax_rate,
                line_total=line,
                tax_amount=tax,
                position=position,
            )
        )
    for row in rows:
        _clean(row)
    check_money_range(subtotal=subtotal, tax_amount=tax_total, total_amount=subtotal + tax_total)
    InvoiceItem.objects.bulk_create(rows)
    invoice.subtotal, invoice.tax_amount, invoice.total_amount = subtotal, tax_total, subtotal + tax_total


def invoice_snapshot(invoice: Invoice) -> dict[str, Any]:
    items = [
        {
            "description": i.description,
            "quantity": str(i.quantity),
            "unit_price": str(i.unit_price),
            "tax_rate": str(i.tax_rate),
        }
        for i in invoice.items.all()
    ]
    return snapshot(invoice, extra={"items": items})
