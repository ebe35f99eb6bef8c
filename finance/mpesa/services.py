"""M-Pesa on the books' side: the business's Daraja settings (credentials encrypted), and STK push
with its pending reservation. Daraja is called through finance.mpesa.client, never inside a database
transaction: the request is reserved in a short transaction, Daraja is asked outside it, and the
answer is recorded in another."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from rest_framework import status

from core.audit import audit_log, snapshot
from core.exceptions import ApplicationError, ConflictError
from core.money import format_money, quantize
from users.models import Business

from ..crypto import DecryptionError, decrypt_json, encrypt_json
from ..models import Invoice, MpesaEnvironment, MpesaSettings, MpesaStkRequest, StkStatus
from ..selectors.receivables import OPEN_STATUSES
from .client import DarajaClient, DarajaCredentials, DarajaError, account_reference_for, normalise_phone

logger = logging.getLogger(__name__)

CREDENTIAL_FIELDS = ("consumer_key", "consumer_secret", "passkey")
# The invoices money can still be applied to: the receivables' own definition.
OPEN_INVOICE_STATUSES = OPEN_STATUSES


def callback_urls(mpesa_settings: MpesaSettings | None, *, origin: str) -> dict[str, str | None]:
    """The public URLs Daraja calls for a business; None until its settings are saved."""
    names = {
        "callback_url": "mpesa-callback",
        "validation_url": "mpesa-validation",
        "confirmation_url": "mpesa-confirmation",
    }
    if mpesa_settings is None or mpesa_settings.pk is None:
        return dict.fromkeys(names)
    base = (getattr(settings, "MPESA_CALLBACK_BASE_URL", None) or origin).rstrip("/")
    return {
        key: base + reverse(name, kwargs={"token": mpesa_settings.callback_token})
        for key, name in names.items()
    }


# --- Settings ----------------------------------------------------------------------------------------------


def mpesa_settings_for(*, business: Business) -> MpesaSettings | None:
    return MpesaSettings.objects.filter(business=business).first()


def stored_credentials(mpesa_settings: MpesaSettings | None) -> dict[str, str]:
    if mpesa_settings is None or not mpesa_settings.encrypted_credentials:
        return {}
    try:
        data = decrypt_json(mpesa_settings.encrypted_credentials)
    except DecryptionError:
        logger.error("M-Pesa credentials of business %s can't be decrypted", mpesa_settings.business_id)
        return {}
    return {k: str(data[k]) for k in CREDENTIAL_FIELDS if data.get(k)}


def has_credentials(mpesa_settings: MpesaSettings | None) -> bool:
    return bool(mpesa_settings and mpesa_settings.encrypted_credentials)


def _settings_snapshot(mpesa_settings: MpesaSettings) -> dict[str, Any]:
    data = snapshot(mpesa_settings, extra={"has_credentials": has_credentials(mpesa_settings)})
    # The ciphertext and the callback token are secrets too: the trail only says whether they exist.
    data.pop("encrypted_credentials", None)
    data.pop("callback_token", None)
    return data


def _clean(instance: Any) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        raise ApplicationError("invalid", "The input is not valid.", fields=exc.message_dict) from exc


@transaction.atomic
def mpesa_settings_update(*, business: Business, actor: Any, data: dict[str, Any]) -> MpesaSettings:
    """Creates or changes the business's Daraja settings. A credential left out keeps its stored
    value and an empty one clears it; the three are stored together or not at all."""
    data = dict(data)
    instance = MpesaSettings.objects.select_for_update().filter(business=business).first()
    created = instance is None
    if instance is None:
        instance = MpesaSettings(business=business)
    before = None if created else _settings_snapshot(instance)
    credentials = stored_credentials(instance)
    credentials_changed = False
    for name in CREDENTIAL_FIELDS:
        if name not in data:
            continue
        value = (data.pop(name) or "").strip()
        credentials_changed = True
        if value:
            credentials[name] = value
        else:
            credentials.pop(name, None)
    if credentials and len(credentials) != len(CREDENTIAL_FIELDS):
        missing = [name for name in CREDENTIAL_FIELDS if name not in credentials]
        raise ApplicationError(
            "invalid",
            "Give the consumer key, consumer secret and passkey together.",
            fields={name: ["Required with the other credentials."] for name in missing},
        )
    if credentials_changed:
        instance.encrypted_credentials = encrypt_json(credentials) if credentials else ""
    for name, value in data.items():
        setattr(instance, name, value)
    _clean(instance)
    instance.save()
    audit_log(
        actor=actor,
        action="create" if created else "update",
        business=business,
        obj=instance,
        before=before,
        after=_settings_snapshot(instance) | {"credentials_changed": credentials_changed},
    )
    return instance


def _settings_ensure(*, business: Business, actor: Any) -> MpesaSettings:
    """A settings row for its callback token, when a business pays through the platform's app."""
    existing = mpesa_settings_for(business=business)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            instance = MpesaSettings.objects.create(business=business)
            audit_log(
                actor=actor,
                action="create",
                business=business,
                obj=instance,
                after=_settings_snapshot(instance),
            )
            return instance
    except IntegrityError:
        # Another request created it first.
        return MpesaSettings.objects.get(business=business)


def credentials_for(mpesa_settings: MpesaSettings | None) -> DarajaCredentials:
    """The business's own Daraja app if it set one up, else the platform's from the environment.

    A business with credentials of its own never falls back: its customers' money must not land
    on the platform's shortcode because a setting is half done.
    """
    if mpesa_settings is not None and has_credentials(mpesa_settings):
        own = stored_credentials(mpesa_settings)
        if not own:
            raise ConflictError(
                "mpesa_not_configured",
                "The stored M-Pesa credentials can't be read any more; enter them again in the settings.",
            )
        if not mpesa_settings.shortcode:
            raise ConflictError(
                "mpesa_not_configured", "Add the paybill or till shortcode in the M-Pesa settings."
            )
        return DarajaCredentials(
            consumer_key=own["consumer_key"],
            consumer_secret=own["consumer_secret"],
            shortcode=mpesa_settings.shortcode,
            passkey=own["passkey"],
            environment=mpesa_settings.environment,
        )
    platform = {
        "consumer_key": getattr(settings, "MPESA_CONSUMER_KEY", None),
        "consumer_secret": getattr(settings, "MPESA_CONSUMER_SECRET", None),
        "shortcode": getattr(settings, "MPESA_SHORTCODE", None),
        "passkey": getattr(settings, "MPESA_PASSKEY", None),
    }
    if not all(platform.values()):
        raise ConflictError(
            "mpesa_not_configured",
            "M-Pesa is not set up for this business: add the shortcode, consumer key, consumer secret "
            "and passkey in the M-Pesa settings.",
        )
    return DarajaCredentials(
        **{k: str(v) for k, v in platform.items()},
        environment=getattr(settings, "MPESA_ENVIRONMENT", None) or MpesaEnvironment.SANDBOX,
    )


# --- STK push --------------------------------------------------------------------------------------------


def _check_invoice(invoice: Invoice, amount: Decimal) -> None:
    if invoice.status not in OPEN_INVOICE_STATUSES:
        raise ConflictError(
            "invoice_not_payable",
            f"Invoice {invoice.invoice_number} is {invoice.get_status_display().lower()}; only a sent or "
            "partly paid invoice can be paid by M-Pesa.",
        )
    if invoice.currency != "KES":
        raise ConflictError("invoice_currency", "M-Pesa takes Kenya shillings; this invoice is not in KES.")
    balance = invoice.balance_due
    if amount > balance:
        raise ApplicationError(
            "overpayment",
            f"{format_money(amount, invoice.currency)} is more than the balance due of "
            f"{format_money(balance, invoice.currency)}.",
            fields={"amount": [f"At most {balance}."]},
        )


def _pending_window() -> dt.timedelta:
    # Daraja gives up on an unanswered prompt after about a minute and usually says so in a callback;
    # a request it never reports on stops holding the invoice's balance after this long.
    return dt.timedelta(minutes=float(getattr(settings, "MPESA_STK_PENDING_MINUTES", 5)))


def stk_pending_total(*, invoice: Invoice) -> Decimal:
    """What the invoice's unanswered STK pushes ask for: they hold that much of its balance."""
    total = (
        MpesaStkRequest.objects.filter(
            business_id=invoice.business_id,
            invoice=invoice,
            status=StkStatus.PENDING,
            created_at__gte=timezone.now() - _pending_window(),
        )
        .order_by()
        .aggregate(total=Sum("amount"))["total"]
    )
    return quantize(total or Decimal(0))


def _stk_reserve(
    *, business: Business, actor: Any, phone: str, amount: Decimal, invoice: Invoice | None
) -> MpesaStkRequest:
    """Records the request before Daraja is asked. Against an invoice, the invoice row is locked
    and the pending requests are counted, so concurrent pushes can't ask for more than it's owed."""
    with transaction.atomic():
        if invoice is not None:
            invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, business=business)
            _check_invoice(invoice, amount)
            pending = stk_pending_total(invoice=invoice)
            available = invoice.balance_due - pending
            room = format_money(max(available, Decimal(0)), invoice.currency)
            if amount > available:
                raise ConflictError(
                    "pending_exceeds_balance",
                    f"Payment requests of {format_money(pending, invoice.currency)} are already waiting "
                    f"on {invoice.invoice_number}; at most {room} "
                    "more can be requested until they are paid or expire.",
                    extra={"balance_due": f"{invoice.balance_due:.2f}", "pending": f"{pending:.2f}"},
                )
        return MpesaStkRequest.objects.create(
            business=business,
            invoice=invoice,
            phone=phone,
            amount=quantize(amount),
            status=StkStatus.PENDING,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )


def mpesa_stk_push(
    *, business: Business, actor: Any, phone: str, amount: Decimal, invoice: Invoice | None, origin: str
) -> MpesaStkRequest:
    """Sends a payment prompt to the customer's phone and records the pending request.

    The request is reserved first in a short transaction; Daraja is then called outside any
    transaction, so no lock is held while it answers. If Daraja refuses or can't be reached the
    reservation is removed: no prompt was sent, so nothing holds the invoice's balance.
    """
    try:
        phone = normalise_phone(phone)
    except ValueError as exc:
        raise ApplicationError("invalid", str(exc), fields={"phone": [str(exc)]}) from exc
    if amount < 1 or amount != amount.to_integral_value():
        raise ApplicationError(
            "invalid",
            "M-Pesa takes whole shillings, at least 1.",
            fields={"amount": ["A whole number of shillings, at least 1."]},
        )
    if invoice is not None:
        invoice = Invoice.objects.get(pk=invoice.pk, business=business)
        _check_invoice(invoice, amount)
    mpesa_settings = mpesa_settings_for(business=business)
    credentials = credentials_for(mpesa_settings)
    if mpesa_settings is None:
        mpesa_settings = _settings_ensure(business=business, actor=actor)
    reference = account_reference_for(invoice.invoice_number) if invoice else ""
    reference = reference or mpesa_settings.account_reference or account_reference_for(business.legal_name)
    stk = _stk_reserve(business=business, actor=actor, phone=phone, amount=amount, invoice=invoice)
    try:
        answer = DarajaClient(credentials).stk_push(
            amount=int(amount),
            phone=phone,
            callback_url=str(callback_urls(mpesa_settings, origin=origin)["callback_url"]),
            account_reference=reference or "Payment",
            description="Payment",
        )
    except BaseException as exc:
        MpesaStkRequest.objects.filter(pk=stk.pk, status=StkStatus.PENDING, checkout_request_id="").delete()
        if isinstance(exc, DarajaError):
            raise ApplicationError(
                "mpesa_unavailable", str(exc), status_code=status.HTTP_502_BAD_GATEWAY
            ) from exc
        raise
    with transaction.atomic():
        stk.merchant_request_id = str(answer.get("MerchantRequestID") or "")[:100]
        stk.checkout_request_id = str(answer["CheckoutRequestID"])[:100]
        stk.result_desc = str(answer.get("CustomerMessage") or answer.get("ResponseDescription") or "")[:300]
        stk.save(update_fields=["merchant_request_id", "checkout_request_id", "result_desc", "updated_at"])
        audit_log(actor=actor, action="mpesa.stk_push", business=business, obj=stk, after=stk_snapshot(stk))
    return stk


def stk_snapshot(stk: MpesaStkRequest) -> dict[str, Any]:
    """The audit snapshot of an STK request, without Daraja's raw callback body."""
    data = snapshot(stk)
    data.pop("callback_payload", None)
    return data
