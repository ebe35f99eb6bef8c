"""M-Pesa through Safaricom's Daraja API: the HTTP client, STK push (Lipa na M-Pesa Online), and the
STK and C2B callbacks that record the money in the books through finance.services."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Case, Sum, When
from django.urls import reverse
from django.utils import timezone
from rest_framework import status

from core.audit import audit_log, snapshot
from core.exceptions import ApplicationError, ConflictError
from core.money import format_money, quantize, to_decimal
from users.models import Business

from . import services
from .crypto import DecryptionError, decrypt_json, encrypt_json
from .models import (
    Invoice,
    InvoiceStatus,
    MpesaEnvironment,
    MpesaSettings,
    MpesaStkRequest,
    PaymentMethod,
    StkStatus,
    Transaction,
    TransactionStatus,
    TransactionType,
)

logger = logging.getLogger(__name__)

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
BASE_URLS: dict[str, str] = {
    MpesaEnvironment.SANDBOX: "https://sandbox.safaricom.co.ke",
    MpesaEnvironment.PRODUCTION: "https://api.safaricom.co.ke",
}
CREDENTIAL_FIELDS = ("consumer_key", "consumer_secret", "passkey")
SALES_CATEGORY = "M-Pesa Sales"  # the category finance.imports gives M-Pesa income
# Money meant for an invoice that could not take it (see _book_unapplied).
CREDIT_CATEGORY = "Customer Credit"
UNAPPLIED_CATEGORY = "Unapplied Payments"
OPEN_INVOICE_STATUSES = (InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID)
# Daraja's own limits: AccountReference is at most 12 characters, TransactionDesc at most 13.
ACCOUNT_REFERENCE_MAX = 12
TRANSACTION_DESC_MAX = 13
# A token is dropped this long before Daraja says it expires, so a request never carries a stale one.
TOKEN_EXPIRY_MARGIN = 60
ACCEPTED = {"ResultCode": 0, "ResultDesc": "Accepted"}


class DarajaError(Exception):
    """Daraja could not be reached, or it refused the request; the message is safe to show."""


class MalformedCallback(ValueError):
    """A callback body that is JSON but not the shape Daraja sends."""


@dataclass(frozen=True)
class DarajaCredentials:
    consumer_key: str
    consumer_secret: str
    shortcode: str
    passkey: str
    environment: str


# --- Small pure helpers ------------------------------------------------------------------------------

_PHONE = re.compile(r"(?:\+?254|0)?([17]\d{8})")


def normalise_phone(raw: str) -> str:
    """A Kenyan mobile number as Daraja wants it (2547XXXXXXXX or 2541XXXXXXXX)."""
    text = re.sub(r"[\s\-().]", "", raw or "")
    match = _PHONE.fullmatch(text)
    if match is None:
        raise ValueError("Enter a Kenyan mobile number such as 0712 345 678 or +254 712 345 678.")
    return "254" + match.group(1)


def daraja_timestamp(moment: dt.datetime | None = None) -> str:
    return (moment or timezone.now()).astimezone(NAIROBI).strftime("%Y%m%d%H%M%S")


def stk_password(*, shortcode: str, passkey: str, timestamp: str) -> str:
    return base64.b64encode(f"{shortcode}{passkey}{timestamp}".encode()).decode()


def daraja_base_url(environment: str) -> str:
    override = getattr(settings, "MPESA_BASE_URL", None)
    return (override or BASE_URLS.get(environment, BASE_URLS[MpesaEnvironment.SANDBOX])).rstrip("/")


def account_reference_for(invoice_number: str) -> str:
    """Daraja takes at most 12 alphanumerics; INV-2026-0001 becomes INV20260001."""
    return re.sub(r"[^A-Za-z0-9]", "", invoice_number)[:ACCOUNT_REFERENCE_MAX]


def _reference_key(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", value or "").upper()


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


# --- The Daraja client -----------------------------------------------------------------------------------


class DarajaClient:
    """Daraja over httpx: an OAuth token (cached until shortly before it expires) and STK push."""

    def __init__(self, credentials: DarajaCredentials, *, timeout: float | None = None) -> None:
        self.credentials = credentials
        self.base_url = daraja_base_url(credentials.environment)
        seconds = timeout or float(getattr(settings, "MPESA_TIMEOUT_SECONDS", 10))
        self.timeout = httpx.Timeout(seconds, connect=min(seconds, 5.0))

    def _token_key(self) -> str:
        # Keyed by host and credentials, so a business that changes its keys never reuses an old token.
        raw = f"{self.base_url}|{self.credentials.consumer_key}|{self.credentials.consumer_secret}"
        return "mpesa-token:" + hashlib.sha256(raw.encode()).hexdigest()[:32]

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            with httpx.Client(base_url=self.base_url, timeout=self.timeout) as client:
                return client.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise DarajaError("M-Pesa did not answer in time. Try again in a moment.") from exc
        except httpx.HTTPError as exc:
            raise DarajaError("M-Pesa can't be reached right now. Try again in a moment.") from exc

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise DarajaError(f"M-Pesa sent an unreadable answer (HTTP {response.status_code}).")
        return body

    def _refusal(self, response: httpx.Response) -> DarajaError:
        try:
            body = self._json(response)
        except DarajaError as exc:
            return exc
        reason = body.get("errorMessage") or body.get("ResponseDescription") or body.get("error_description")
        return DarajaError(f"M-Pesa refused the request: {reason or f'HTTP {response.status_code}'}.")

    def access_token(self, *, fresh: bool = False) -> str:
        key = self._token_key()
        if not fresh:
            cached = cache.get(key)
            if cached:
                return str(cached)
        response = self._send(
            "GET",
            "/oauth/v1/generate",
            params={"grant_type": "client_credentials"},
            auth=(self.credentials.consumer_key, self.credentials.consumer_secret),
        )
        if response.status_code != status.HTTP_200_OK:
            logger.warning("Daraja OAuth refused with HTTP %s", response.status_code)
            raise DarajaError("M-Pesa refused the credentials. Check the consumer key and secret.")
        body = self._json(response)
        token = body.get("access_token")
        if not token:
            raise DarajaError("M-Pesa sent no access token.")
        try:
            lifetime = int(body.get("expires_in") or 3599)
        except (TypeError, ValueError):
            lifetime = 3599
        cache.set(key, token, timeout=max(lifetime - TOKEN_EXPIRY_MARGIN, 1))
        return str(token)

    def _post_stk(self, payload: dict[str, Any], *, fresh: bool) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.access_token(fresh=fresh)}"}
        return self._send("POST", "/mpesa/stkpush/v1/processrequest", json=payload, headers=headers)

    def stk_push(
        self, *, amount: int, phone: str, callback_url: str, account_reference: str, description: str
    ) -> dict[str, Any]:
        """Asks Daraja to prompt `phone` for `amount`; returns its answer (MerchantRequestID, ...)."""
        creds = self.credentials
        timestamp = daraja_timestamp()
        payload = {
            "BusinessShortCode": creds.shortcode,
            "Password": stk_password(shortcode=creds.shortcode, passkey=creds.passkey, timestamp=timestamp),
            "Timestamp": timestamp,
            "TransactionType": "CustomerPayBillOnline",
            "Amount": amount,
            "PartyA": phone,
            "PartyB": creds.shortcode,
            "PhoneNumber": phone,
            "CallBackURL": callback_url,
            "AccountReference": account_reference[:ACCOUNT_REFERENCE_MAX],
            "TransactionDesc": description[:TRANSACTION_DESC_MAX],
        }
        response = self._post_stk(payload, fresh=False)
        if response.status_code == status.HTTP_401_UNAUTHORIZED:
            # Daraja retired the cached token before its stated expiry: fetch a new one, once.
            response = self._post_stk(payload, fresh=True)
        if response.status_code != status.HTTP_200_OK:
            logger.warning("Daraja STK push refused with HTTP %s", response.status_code)
            raise self._refusal(response)
        body = self._json(response)
        if str(body.get("ResponseCode")) != "0" or not body.get("CheckoutRequestID"):
            raise self._refusal(response)
        return body


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
        audit_log(actor=actor, action="mpesa.stk_push", business=business, obj=stk, after=_stk_snapshot(stk))
    return stk


def _stk_snapshot(stk: MpesaStkRequest) -> dict[str, Any]:
    data = snapshot(stk)
    data.pop("callback_payload", None)
    return data


# --- Callbacks -------------------------------------------------------------------------------------------


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
    return services.transaction_create(
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
    txn = services.transaction_create(
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
                payment = services.invoice_mark_paid(
                    instance=invoice,
                    actor=None,
                    amount=applied,
                    paid_on=moment.astimezone(services.business_tz(business)).date(),
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
        before = _stk_snapshot(stk)
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
            after=_stk_snapshot(stk),
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
    key = _reference_key(bill_reference)
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
        pk = next((pk for pk, number in numbers.iterator() if _reference_key(number) == key), None)
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
