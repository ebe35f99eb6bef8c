"""What Daraja tells us: the STK push result, and C2B (paybill and till) validation and
confirmation. A payment is booked exactly once (by its receipt): against the invoice up to its
balance, the rest as the customer's unapplied credit; without an invoice, as sales."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Case, When
from django.utils import timezone

from core.audit import audit_log
from core.exceptions import ApplicationError
from core.money import format_money, quantize, to_decimal
from users.models import Business

from ..models import (
    Invoice,
    MpesaSettings,
    MpesaStkRequest,
    PaymentMethod,
    StkStatus,
    Transaction,
    TransactionStatus,
    TransactionType,
)
from ..services import business_tz, invoice_mark_paid, transaction_create
from .client import NAIROBI, reference_key
from .services import OPEN_INVOICE_STATUSES, stk_snapshot

logger = logging.getLogger(__name__)

SALES_CATEGORY = "M-Pesa Sales"  # the category finance.imports gives M-Pesa income
# Money meant for an invoice that could not take it (see _book_unapplied).
CREDIT_CATEGORY = "Customer Credit"
UNAPPLIED_CATEGORY = "Unapplied Payments"
ACCEPTED = {"ResultCode": 0, "ResultDesc": "Accepted"}


class MalformedCallback(ValueError):
    """A callback body that is JSON but not the shape Daraja sends."""


def settings_for_token(token: str) -> MpesaSettings | None:
    return MpesaSettings.objects.select_related("business").filter(callback_token=token).first()


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool | float) or value is None:
        raise MalformedCallback("the amount is missing or not a number")
    try:
        amount = to_decimal(value)
    except (ValueError, InvalidOperation) as exc:
        raise MalformedCallback("the amount is not a number") from exc
    if not amount.is_finite() or abs(amount) >= Decimal("1e13"):
        raise MalformedCallback("the amount is out of range")
    return quantize(amount)


def _moment(value: Any) -> dt.datetime:
    """Daraja's YYYYMMDDHHMMSS, in Nairobi time; the time of arrival if it's missing or garbled."""
    try:
        return dt.datetime.strptime(str(value), "%Y%m%d%H%M%S").replace(tzinfo=NAIROBI)
    except (TypeError, ValueError):
        return timezone.now()


def _receipt(value: Any) -> str:
    receipt = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{6,30}", receipt):
        raise MalformedCallback("the M-Pesa receipt number is missing or not valid")
    return receipt


def _as_json(payload: dict[str, Any]) -> Any:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _existing(business: Business, external_id: str) -> Transaction | None:
    return Transaction.objects.filter(business=business, external_id=external_id).first()


def _not_applicable(invoice: Invoice, amount: Decimal) -> str:
    """Why (part of) a payment can't go to the invoice, for the credit's description."""
    if invoice.currency != "KES":
        return f"it is in {invoice.currency}"
    if invoice.status not in OPEN_INVOICE_STATUSES:
        return f"it is {invoice.get_status_display().lower()}"
    return f"nothing is due on it ({format_money(amount, 'KES')} is more than its balance)"


def _invoice_balance(invoice: Invoice) -> Decimal:
    if invoice.status not in OPEN_INVOICE_STATUSES or invoice.currency != "KES":
        return Decimal(0)
    return max(invoice.balance_due, Decimal(0))


def _book_sale(
    *,
    business: Business,
    amount: Decimal,
    moment: dt.datetime,
    receipt: str,
    description: str,
    external_id: str,
) -> Transaction:
    return transaction_create(
        business=business,
        actor=None,
        data={
            "amount": amount,
            "currency": "KES",
            "transaction_type": TransactionType.INCOME,
            "category": SALES_CATEGORY,
            "description": description[:500],
            "payment_method": PaymentMethod.MPESA,
            "transaction_date": moment,
            "reference_number": receipt,
            "external_id": external_id,
            "status": TransactionStatus.COMPLETED,
        },
    )


def _book_unapplied(
    *,
    business: Business,
    invoice: Invoice,
    amount: Decimal,
    moment: dt.datetime,
    receipt: str,
    description: str,
    external_id: str,
) -> Transaction:
    """Money meant for `invoice` that it can't take: income (it arrived), held as the customer's
    credit and shown to the owner as unapplied, never as a plain sale."""
    reason = _not_applicable(invoice, amount)
    txn = transaction_create(
        business=business,
        actor=None,
        data={
            "amount": amount,
            "currency": "KES",
            "transaction_type": TransactionType.INCOME,
            "category": CREDIT_CATEGORY if invoice.customer_id else UNAPPLIED_CATEGORY,
            "description": f"{description} (not applied to {invoice.invoice_number}: {reason})"[:500],
            "payment_method": PaymentMethod.MPESA,
            "transaction_date": moment,
            "reference_number": receipt,
            "external_id": external_id,
            "status": TransactionStatus.COMPLETED,
            "customer": invoice.customer,
            "unapplied": True,
            "unapplied_invoice": invoice,
        },
    )
    audit_log(
        actor=None,
        action="mpesa.payment_unapplied",
        business=business,
        obj=txn,
        after={
            "invoice_id": invoice.pk,
            "invoice_number": invoice.invoice_number,
            "customer_id": invoice.customer_id,
            "amount": f"{amount:.2f}",
            "receipt": receipt,
            "reason": reason,
        },
    )
    return txn


def _record_income(
    *,
    business: Business,
    amount: Decimal,
    moment: dt.datetime,
    receipt: str,
    description: str,
    invoice: Invoice | None,
) -> Transaction:
    """Books a received M-Pesa payment exactly once: against the invoice up to its balance, the rest
    (all of it when the invoice is already paid or cancelled) as the customer's unapplied credit;
    without an invoice, as sales.

    The external id is the one finance.imports gives the same receipt, so a later statement import
    counts it as a duplicate, and a second callback for the same receipt finds it here. The invoice
    row is locked before that check, so concurrent deliveries for one invoice are applied one by one.
    """
    external_id = f"mpesa:{receipt}"
    found = _existing(business, external_id)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            if invoice is None:
                return _book_sale(
                    business=business,
                    amount=amount,
                    moment=moment,
                    receipt=receipt,
                    description=description,
                    external_id=external_id,
                )
            invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, business=business)
            found = _existing(business, external_id)
            if found is not None:
                return found
            applied = min(amount, _invoice_balance(invoice))
            payment: Transaction | None = None
            if applied > 0:
                payment = invoice_mark_paid(
                    instance=invoice,
                    actor=None,
                    amount=applied,
                    paid_on=moment.astimezone(business_tz(business)).date(),
                    payment_method=PaymentMethod.MPESA,
                    reference=receipt,
                    external_id=external_id,
                )
            rest = amount - applied
            if payment is not None and rest <= 0:
                return payment
            if payment is not None:
                invoice.refresh_from_db()
            logger.warning("M-Pesa %s: %s not applied to invoice %s", receipt, rest, invoice.pk)
            credit = _book_unapplied(
                business=business,
                invoice=invoice,
                amount=rest,
                moment=moment,
                receipt=receipt,
                description=description,
                external_id=external_id if payment is None else f"{external_id}:credit",
            )
            return payment or credit
    except (IntegrityError, ApplicationError):
        # A concurrent callback for the same receipt won the race; its row is the payment.
        found = _existing(business, external_id)
        if found is None:
            raise
        return found


def parse_stk_callback(payload: Any) -> dict[str, Any]:
    try:
        body = payload["Body"]["stkCallback"]
        checkout_id = str(body["CheckoutRequestID"]).strip()
        result_code = int(body["ResultCode"])
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedCallback("expected Body.stkCallback with CheckoutRequestID and ResultCode") from exc
    if not checkout_id:
        raise MalformedCallback("CheckoutRequestID is empty")
    items: dict[str, Any] = {}
    raw_items = (body.get("CallbackMetadata") or {}).get("Item") if isinstance(body, dict) else None
    if isinstance(raw_items, list):
        items = {str(i.get("Name")): i.get("Value") for i in raw_items if isinstance(i, dict)}
    parsed: dict[str, Any] = {
        "checkout_request_id": checkout_id,
        "merchant_request_id": str(body.get("MerchantRequestID") or ""),
        "result_code": result_code,
        "result_desc": str(body.get("ResultDesc") or "")[:300],
    }
    if result_code == 0:
        parsed["receipt"] = _receipt(items.get("MpesaReceiptNumber"))
        parsed["amount"] = _amount(items["Amount"]) if items.get("Amount") is not None else None
        parsed["moment"] = _moment(items.get("TransactionDate"))
        parsed["phone"] = str(items.get("PhoneNumber") or "")
    return parsed


def mpesa_stk_callback(*, mpesa_settings: MpesaSettings, payload: dict[str, Any]) -> MpesaStkRequest | None:
    """Applies Daraja's result for an STK push. A repeated callback finds the request settled and
    changes nothing."""
    parsed = parse_stk_callback(payload)
    business = mpesa_settings.business
    with transaction.atomic():
        stk = (
            MpesaStkRequest.objects.select_for_update(of=("self",))
            .select_related("invoice")
            .filter(business=business, checkout_request_id=parsed["checkout_request_id"])
            .first()
        )
        if stk is None:
            logger.warning("M-Pesa callback for unknown checkout %s", parsed["checkout_request_id"])
            return None
        if stk.status != StkStatus.PENDING:
            return stk
        before = stk_snapshot(stk)
        stk.callback_payload = _as_json(payload)
        stk.result_code = parsed["result_code"]
        stk.result_desc = parsed["result_desc"]
        if parsed["result_code"] == 0:
            amount = parsed["amount"] if parsed["amount"] and parsed["amount"] > 0 else stk.amount
            txn = _record_income(
                business=business,
                amount=amount,
                moment=parsed["moment"],
                receipt=parsed["receipt"],
                description=f"M-Pesa payment from {parsed['phone'] or stk.phone}",
                invoice=stk.invoice,
            )
            stk.status, stk.mpesa_receipt, stk.transaction = StkStatus.SUCCESS, parsed["receipt"], txn
        else:
            stk.status = StkStatus.FAILED
        stk.save()
        audit_log(
            actor=None,
            action="mpesa.stk_result",
            business=business,
            obj=stk,
            before=before,
            after=stk_snapshot(stk),
        )
    return stk


def c2b_validate(*, payload: Any) -> dict[str, Any]:
    """Daraja asks before completing a paybill payment; anything but a positive amount is accepted."""
    try:
        amount = _amount(payload.get("TransAmount") if isinstance(payload, dict) else None)
    except MalformedCallback:
        amount = Decimal(0)
    if amount <= 0:
        return {"ResultCode": "C2B00013", "ResultDesc": "Rejected"}
    return ACCEPTED


def _invoice_named(business: Business, bill_reference: str) -> Invoice | None:
    """The invoice a paybill account number names, whatever its status: money for a settled one
    becomes the customer's credit rather than an anonymous sale."""
    key = reference_key(bill_reference)
    if not key:
        return None
    candidates = Invoice.objects.filter(business=business)
    invoice = candidates.filter(invoice_number__iexact=bill_reference.strip()).first()
    if invoice is None:
        # Customers type the account number as they please ("inv 2026 0001"), and STK pushes send it
        # without separators, so numbers are compared by their letters and digits alone; open
        # invoices first, when two numbers differ only by separators.
        numbers = candidates.order_by(
            Case(When(status__in=OPEN_INVOICE_STATUSES, then=0), default=1), "-issue_date", "-id"
        ).values_list("pk", "invoice_number")
        pk = next((pk for pk, number in numbers.iterator() if reference_key(number) == key), None)
        invoice = candidates.filter(pk=pk).first() if pk else None
    return invoice


def mpesa_c2b_confirm(*, mpesa_settings: MpesaSettings, payload: Any) -> Transaction:
    """Books a completed paybill or till payment: against the invoice its account number names (up
    to its balance, the rest as the customer's credit), else as sales. Idempotent by receipt."""
    if not isinstance(payload, dict):
        raise MalformedCallback("expected a JSON object")
    receipt = _receipt(payload.get("TransID"))
    amount = _amount(payload.get("TransAmount"))
    if amount <= 0:
        raise MalformedCallback("the amount must be positive")
    business = mpesa_settings.business
    bill_reference = str(payload.get("BillRefNumber") or "").strip()[:50]
    payer = " ".join(
        str(payload.get(k) or "").strip() for k in ("FirstName", "MiddleName", "LastName")
    ).strip()
    msisdn = str(payload.get("MSISDN") or "").strip()
    who = " ".join(filter(None, [payer, f"({msisdn})" if msisdn else ""])) or "a customer"
    description = f"M-Pesa payment from {who}" + (f", account {bill_reference}" if bill_reference else "")
    if (found := _existing(business, f"mpesa:{receipt}")) is not None:
        return found
    return _record_income(
        business=business,
        amount=amount,
        moment=_moment(payload.get("TransTime")),
        receipt=receipt,
        description=description,
        invoice=_invoice_named(business, bill_reference),
    )
