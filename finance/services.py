"""Writes to the books. Each service owns its transaction, keeps the rollups in step with the rows,
bumps the business's books version, and leaves one audit row per record written."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_log, snapshot
from core.context import current
from core.exceptions import ApplicationError, ConflictError
from core.models import ActivityLog
from core.money import ZERO, format_money, quantize
from core.services import business_object_create, business_object_delete, business_object_update
from users.models import Business

from .invoice_lines import invoice_snapshot as _invoice_snapshot
from .invoice_lines import line_amounts as _line_amounts
from .invoice_lines import write_items as _write_items
from .models import (
    Budget,
    Invoice,
    InvoiceCounter,
    InvoiceItem,
    InvoiceStatus,
    PaymentMethod,
    Transaction,
    TransactionStatus,
    TransactionType,
)
from .pdf import invoice_pdf
from .rollups import deltas_for, key_for, rollup_apply, rollup_rebuild
from .validators import check_money_range


def business_tz(business: Business) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(business.timezone)


def budget_create(*, business: Business, actor: Any, data: dict[str, Any]) -> Any:
    with transaction.atomic():
        budget = business_object_create(
            model=Budget, business=business, actor=actor, data={"currency": business.currency, **data}
        )
        books_touch(business_id=business.pk)  # budget alerts are part of cached reports
    return budget


def budget_update(*, instance: Any, actor: Any, data: dict[str, Any]) -> Any:
    with transaction.atomic():
        budget = business_object_update(instance=instance, actor=actor, data=data)
        books_touch(business_id=budget.business_id)
    return budget


def budget_delete(*, instance: Any, actor: Any) -> None:
    with transaction.atomic():
        business_id = instance.business_id
        business_object_delete(instance=instance, actor=actor)
        books_touch(business_id=business_id)


def books_touch(*, business_id: int) -> None:
    """Marks the books as changed: cached reports of the old version are never read again."""
    Business.objects.filter(pk=business_id).update(books_version=F("books_version") + 1)


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise ApplicationError("invalid", "The input is not valid.", fields=exc.message_dict) from exc


# --- Transactions --------------------------------------------------------------------------------


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    if "category" in data and data["category"] is not None:
        data["category"] = " ".join(str(data["category"]).split())
    return data


@transaction.atomic
def transaction_create(*, business: Business, actor: Any, data: dict[str, Any]) -> Transaction:
    data = _normalise(dict(data))
    data.setdefault("currency", business.currency)
    txn = Transaction(business=business, user=actor if getattr(actor, "pk", None) else None, **data)
    _clean(txn)
    txn.save()
    rollup_apply(
        business_id=business.pk, deltas=deltas_for([(key_for(txn, business_tz(business)), txn.amount, 1)])
    )
    books_touch(business_id=business.pk)
    audit_log(actor=actor, action="create", business=business, obj=txn, after=snapshot(txn))
    return txn


LOCKED_FIELDS = {"amount", "transaction_type", "status", "invoice", "currency"}


@transaction.atomic
def transaction_update(*, instance: Transaction, actor: Any, data: dict[str, Any]) -> Transaction:
    txn = Transaction.objects.select_for_update().select_related("business").get(pk=instance.pk)
    data = _normalise(dict(data))
    if txn.invoice_id and any(f in data and data[f] != getattr(txn, f) for f in LOCKED_FIELDS):
        raise ConflictError(
            "payment_locked", "This transaction is an invoice payment; change it through the invoice."
        )
    tz = business_tz(txn.business)
    before = snapshot(txn)
    old_key, old_amount = key_for(txn, tz), txn.amount
    for name, value in data.items():
        setattr(txn, name, value)
    _clean(txn)
    txn.save()
    rollup_apply(
        business_id=txn.business_id,
        deltas=deltas_for([(old_key, -old_amount, -1), (key_for(txn, tz), txn.amount, 1)]),
    )
    books_touch(business_id=txn.business_id)
    audit_log(
        actor=actor, action="update", business=txn.business_id, obj=txn, before=before, after=snapshot(txn)
    )
    return txn


@transaction.atomic
def transaction_delete(*, instance: Transaction, actor: Any) -> None:
    txn = Transaction.objects.select_for_update().select_related("business").get(pk=instance.pk)
    if txn.invoice_id:
        raise ConflictError("payment_locked", "This transaction is an invoice payment; it can't be deleted.")
    before = snapshot(txn)
    key = key_for(txn, business_tz(txn.business))
    pk, business_id = txn.pk, txn.business_id
    txn.delete()
    rollup_apply(business_id=business_id, deltas=deltas_for([(key, -txn.amount, -1)]))
    books_touch(business_id=business_id)
    audit_log(
        actor=actor,
        action="delete",
        business=business_id,
        object_type="finance.transaction",
        object_id=pk,
        before=before,
    )


@transaction.atomic
def transactions_bulk_insert(
    *, business: Business, actor: Any, transactions: list[Transaction]
) -> list[Transaction]:
    """Inserts many rows at once (imports), with their rollups and one audit row each."""
    if not transactions:
        return []
    tz = business_tz(business)
    created = Transaction.objects.bulk_create(transactions, batch_size=1000)
    rollup_apply(business_id=business.pk, deltas=deltas_for((key_for(t, tz), t.amount, 1) for t in created))
    books_touch(business_id=business.pk)
    ctx = current()
    ActivityLog.objects.bulk_create(
        [
            ActivityLog(
                actor=actor,
                actor_email=getattr(actor, "email", ""),
                business_id=business.pk,
                action="create",
                object_type="finance.transaction",
                object_id=str(t.pk),
                after=snapshot(t, extra={"source": "import"}),
                ip=ctx.ip,
                user_agent=ctx.user_agent,
            )
            for t in created
        ],
        batch_size=1000,
    )
    return created


def business_timezone_changed(*, business: Business) -> None:
    """Local days move with the time zone, so the rollups are rebuilt."""
    rollup_rebuild(business=business)
    books_touch(business_id=business.pk)


# --- Invoices ----------------------------------------------------------------------------------


def _next_number(*, business: Business, year: int) -> str:
    counter, _ = InvoiceCounter.objects.get_or_create(business=business, year=year)
    counter = InvoiceCounter.objects.select_for_update().get(pk=counter.pk)
    number = counter.last_number
    while True:
        number += 1
        candidate = f"INV-{year}-{number:04d}"
        if not Invoice.objects.filter(business=business, invoice_number=candidate).exists():
            break
    counter.last_number = number
    counter.save(update_fields=["last_number"])
    return candidate


def invoice_create(
    *, business: Business, actor: Any, data: dict[str, Any], audit_extra: dict[str, Any] | None = None
) -> Invoice:
    data = dict(data)
    items = data.pop("items", None) or []
    if not items:
        raise ApplicationError(
            "invalid", "An invoice needs at least one item.", fields={"items": ["Add an item."]}
        )
    number = (data.pop("invoice_number", "") or "").strip()
    data.setdefault("currency", business.currency)
    try:
        with transaction.atomic():
            if not number:
                number = _next_number(business=business, year=data["issue_date"].year)
            elif Invoice.objects.filter(business=business, invoice_number=number).exists():
                raise ConflictError(
                    "invoice_number_taken",
                    f"Invoice {number} already exists.",
                    fields={"invoice_number": ["This number is already used."]},
                )
            invoice = Invoice(business=business, invoice_number=number, created_by=actor, **data)
            _clean(invoice, exclude=["subtotal", "tax_amount", "total_amount"])
            if invoice.due_date < invoice.issue_date:
                raise ApplicationError(
                    "invalid",
                    "The due date is before the issue date.",
                    fields={"due_date": ["Must be on or after the issue date."]},
                )
            invoice.save()
            _write_items(invoice, items)
            invoice.save(update_fields=["subtotal", "tax_amount", "total_amount"])
            books_touch(business_id=business.pk)
            audit_log(
                actor=actor,
                action="create",
                business=business,
                obj=invoice,
                after={**_invoice_snapshot(invoice), **(audit_extra or {})},
            )
    except IntegrityError as exc:
        # Two requests chose the same client number at once.
        raise ConflictError("invoice_number_taken", "That invoice number was just used.") from exc
    return invoice


# What a sent or partly paid invoice may still change: the customer has it, so who, when and in
# what currency stay put; what was delivered, when it is due, and the notes may be corrected.
AMENDABLE_FIELDS = frozenset({"items", "due_date", "notes"})


def _changed_fields(invoice: Invoice, data: dict[str, Any]) -> set[str]:
    """The fields of `data` whose value differs from the invoice's (items always count)."""
    changed = set()
    for name, value in data.items():
        if name == "items":
            changed.add(name)
            continue
        if name == "invoice_number" and not value:
            continue  # a blank number means "keep it"
        current = getattr(invoice, f"{name}_id" if name == "customer" else name, None)
        if name == "customer":
            value = getattr(value, "pk", value)
        if value != current:
            changed.add(name)
    return changed


def _last_payment_day(invoice: Invoice, tz: zoneinfo.ZoneInfo) -> dt.date:
    last = invoice.payments.order_by("-transaction_date").values_list("transaction_date", flat=True).first()
    return (last or timezone.now()).astimezone(tz).date()


@transaction.atomic
def invoice_update(*, instance: Invoice, actor: Any, data: dict[str, Any]) -> Invoice:
    """A draft changes freely. A sent or partly paid invoice may change its items, due date and
    notes (audited as an amendment), but its total may not fall below what was paid. A paid or
    cancelled invoice is closed. The row is locked, so a payment arriving meanwhile waits."""
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("business").get(pk=instance.pk)
    if invoice.status == InvoiceStatus.PAID:
        raise ConflictError("invoice_paid", "A paid invoice can't be changed.")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ConflictError("invoice_cancelled", "A cancelled invoice can't be changed.")
    draft = invoice.status == InvoiceStatus.DRAFT
    if not draft:
        locked = sorted(_changed_fields(invoice, data) - AMENDABLE_FIELDS)
        if locked:
            raise ConflictError(
                "invoice_locked",
                "Once an invoice is sent, only its items, due date and notes can change.",
                fields={name: ["Locked once the invoice is sent."] for name in locked},
            )
    before = _invoice_snapshot(invoice)
    data = dict(data)
    items = data.pop("items", None)
    number = data.pop("invoice_number", None)
    if number and number != invoice.invoice_number:
        if Invoice.objects.filter(business_id=invoice.business_id, invoice_number=number).exists():
            raise ConflictError(
                "invoice_number_taken",
                f"Invoice {number} already exists.",
                fields={"invoice_number": ["This number is already used."]},
            )
        invoice.invoice_number = number
    for name, value in data.items():
        setattr(invoice, name, value)
    if invoice.due_date < invoice.issue_date:
        raise ApplicationError(
            "invalid",
            "The due date is before the issue date.",
            fields={"due_date": ["Must be on or after the issue date."]},
        )
    if items is not None:
        if not items:
            raise ApplicationError(
                "invalid", "An invoice needs at least one item.", fields={"items": ["Add an item."]}
            )
        _write_items(invoice, items)
        if invoice.total_amount < invoice.amount_paid:
            raise ConflictError(
                "invoice_total_below_paid",
                f"The new total of {format_money(invoice.total_amount, invoice.currency)} is less than "
                f"the {format_money(invoice.amount_paid, invoice.currency)} already paid.",
                fields={"items": [f"The total must be at least {invoice.amount_paid}."]},
            )
        if not draft and invoice.amount_paid > 0:
            if invoice.total_amount == invoice.amount_paid:
                invoice.status = InvoiceStatus.PAID
                invoice.paid_date = _last_payment_day(invoice, business_tz(invoice.business))
            else:
                invoice.status = InvoiceStatus.PARTIALLY_PAID
    _clean(invoice)
    invoice.save()
    books_touch(business_id=invoice.business_id)
    audit_log(
        actor=actor,
        action="update" if draft else "invoice.amend",
        business=invoice.business_id,
        obj=invoice,
        before=before,
        after=_invoice_snapshot(invoice),
    )
    return invoice


def invoice_duplicate(*, instance: Invoice, actor: Any) -> Invoice:
    """A new draft for the same customer with the same items, issued today (the business's today)
    and due after the original's term."""
    source = Invoice.objects.select_related("business").get(pk=instance.pk)
    business = source.business
    today = timezone.now().astimezone(business_tz(business)).date()
    items = [
        {
            "description": i.description,
            "quantity": i.quantity,
            "unit_price": i.unit_price,
            "tax_rate": i.tax_rate,
        }
        for i in source.items.order_by("position", "id")
    ]
    return invoice_create(
        business=business,
        actor=actor,
        data={
            "customer_id": source.customer_id,
            "issue_date": today,
            "due_date": today + (source.due_date - source.issue_date),
            "currency": source.currency,
            "notes": source.notes,
            "items": items,
        },
        audit_extra={"duplicated_from": source.invoice_number},
    )


@transaction.atomic
def invoice_delete(*, instance: Invoice, actor: Any) -> None:
    invoice = Invoice.objects.select_for_update().get(pk=instance.pk)
    if invoice.amount_paid > 0:
        raise ConflictError(
            "invoice_has_payments", "An invoice with payments can't be deleted; cancel it instead."
        )
    before = _invoice_snapshot(invoice)
    pk, business_id = invoice.pk, invoice.business_id
    invoice.delete()
    books_touch(business_id=business_id)
    audit_log(
        actor=actor,
        action="delete",
        business=business_id,
        object_type="finance.invoice",
        object_id=pk,
        before=before,
    )


@transaction.atomic
def invoice_send(*, instance: Invoice, actor: Any) -> Invoice:
    invoice = Invoice.objects.select_for_update().select_related("customer", "business").get(pk=instance.pk)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ConflictError("invoice_cancelled", "A cancelled invoice can't be sent.")
    before = snapshot(invoice)
    if invoice.status == InvoiceStatus.DRAFT:
        invoice.status = InvoiceStatus.SENT
    invoice.sent_at = timezone.now()
    invoice.save(update_fields=["status", "sent_at", "updated_at"])
    books_touch(business_id=invoice.business_id)
    audit_log(
        actor=actor,
        action="invoice.send",
        business=invoice.business_id,
        obj=invoice,
        before=before,
        after=snapshot(invoice),
    )
    recipient = invoice.customer.email
    if recipient:
        business = invoice.business
        pdf = invoice_pdf(invoice)
        message = EmailMessage(
            subject=f"Invoice {invoice.invoice_number} from {business.dba_name or business.legal_name}",
            body=(
                f"Dear {invoice.customer.name},\n\nPlease find attached invoice {invoice.invoice_number} "
                f"for {format_money(invoice.total_amount, invoice.currency)}, "
                f"due on {invoice.due_date:%d %B %Y}.\n\n"
                f"Thank you for your business.\n{business.legal_name}"
            ),
            to=[recipient],
            reply_to=[business.email] if business.email else None,
        )
        message.attach(f"{invoice.invoice_number}.pdf", pdf, "application/pdf")
        transaction.on_commit(lambda: message.send(fail_silently=True))
    return invoice


@transaction.atomic
def invoice_cancel(*, instance: Invoice, actor: Any) -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=instance.pk)
    if invoice.status == InvoiceStatus.PAID:
        raise ConflictError("invoice_paid", "A paid invoice can't be cancelled.")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ConflictError("invoice_cancelled", "This invoice is already cancelled.")
    if invoice.amount_paid > 0:
        raise ConflictError("invoice_has_payments", "This invoice has payments; it can't be cancelled.")
    before = snapshot(invoice)
    invoice.status = InvoiceStatus.CANCELLED
    invoice.cancelled_at = timezone.now()
    invoice.save(update_fields=["status", "cancelled_at", "updated_at"])
    books_touch(business_id=invoice.business_id)
    audit_log(
        actor=actor,
        action="invoice.cancel",
        business=invoice.business_id,
        obj=invoice,
        before=before,
        after=snapshot(invoice),
    )
    return invoice


def _paid_moment(paid_on: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A payment dated `paid_on` in the business's zone: noon there, so no zone moves it a day."""
    return dt.datetime.combine(paid_on, dt.time(12, 0), tzinfo=tz)


@transaction.atomic
def invoice_mark_paid(
    *,
    instance: Invoice,
    actor: Any,
    amount: Decimal | None = None,
    paid_on: dt.date | None = None,
    payment_method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    external_id: str = "",
) -> Transaction:
    invoice = Invoice.objects.select_for_update().select_related("business", "customer").get(pk=instance.pk)
    business = invoice.business
    tz = business_tz(business)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ConflictError("invoice_cancelled", "A cancelled invoice can't be paid.")
    if invoice.status == InvoiceStatus.PAID:
        raise ConflictError("invoice_paid", "This invoice is already paid in full.")
    if invoice.status == InvoiceStatus.DRAFT:
        raise ConflictError("invoice_draft", "Send the invoice before recording a payment.")
    balance = invoice.total_amount - invoice.amount_paid
    amount = quantize(amount) if amount is not None else balance
    if amount <= 0:
        raise ApplicationError(
            "invalid", "The amount must be positive.", fields={"amount": ["Must be more than 0."]}
        )
    if amount > balance:
        raise ApplicationError(
            "overpayment",
            f"The payment of {format_money(amount, invoice.currency)} is more than the balance due of "
            f"{format_money(balance, invoice.currency)}.",
            fields={"amount": [f"At most {balance}."]},
        )
    paid_on = paid_on or timezone.now().astimezone(tz).date()
    before = snapshot(invoice)
    txn = Transaction(
        business=business,
        amount=amount,
        currency=invoice.currency,
        transaction_type=TransactionType.INCOME,
        category="Invoice Payments",
        description=f"Payment for {invoice.invoice_number}",
        payment_method=payment_method,
        transaction_date=_paid_moment(paid_on, tz),
        reference_number=reference,
        external_id=external_id,
        status=TransactionStatus.COMPLETED,
        customer=invoice.customer,
        invoice=invoice,
        user=actor if getattr(actor, "pk", None) else None,
    )
    _clean(txn)
    txn.save()
    rollup_apply(business_id=business.pk, deltas=deltas_for([(key_for(txn, tz), txn.amount, 1)]))
    invoice.amount_paid += amount
    if invoice.amount_paid == invoice.total_amount:
        invoice.status, invoice.paid_date = InvoiceStatus.PAID, paid_on
    else:
        invoice.status = InvoiceStatus.PARTIALLY_PAID
    invoice.save(update_fields=["amount_paid", "status", "paid_date", "updated_at"])
    books_touch(business_id=business.pk)
    audit_log(
        actor=actor,
        action="invoice.payment",
        business=business,
        obj=invoice,
        before=before,
        after=snapshot(invoice, extra={"transaction_id": txn.pk, "amount": amount}),
    )
    return txn


def invoice_item_update(*, instance: InvoiceItem, actor: Any, data: dict[str, Any]) -> InvoiceItem:
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=instance.invoice_id)
        if invoice.status != InvoiceStatus.DRAFT:
            raise ConflictError("invoice_locked", "Items can only change while the invoice is a draft.")
        item = InvoiceItem.objects.get(pk=instance.pk)
        before = _invoice_snapshot(invoice)
        for name, value in data.items():
            setattr(item, name, value)
        item.line_total, item.tax_amount = _line_amounts(item.quantity, item.unit_price, item.tax_rate)
        _clean(item)
        item.save()
        totals = [(i.line_total, i.tax_amount) for i in invoice.items.all()]
        invoice.subtotal = sum((t[0] for t in totals), ZERO)
        invoice.tax_amount = sum((t[1] for t in totals), ZERO)
        invoice.total_amount = invoice.subtotal + invoice.tax_amount
        check_money_range(
            subtotal=invoice.subtotal, tax_amount=invoice.tax_amount, total_amount=invoice.total_amount
        )
        invoice.save(update_fields=["subtotal", "tax_amount", "total_amount", "updated_at"])
        books_touch(business_id=invoice.business_id)
        audit_log(
            actor=actor,
            action="update",
            business=invoice.business_id,
            obj=item,
            before=before,
            after=_invoice_snapshot(invoice),
        )
    return item
