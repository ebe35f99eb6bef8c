"""Safaricom's Daraja API over HTTP: the OAuth token (cached until shortly before it expires), STK
push, and the pure helpers for Daraja's formats. HTTP only: no ORM, no models, no transactions; the
callers in finance.mpesa.services decide what to record before and after a call."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework import status

logger = logging.getLogger(__name__)

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
# Keyed by finance.models.MpesaEnvironment's values ("sandbox", "production").
SANDBOX, PRODUCTION = "sandbox", "production"
BASE_URLS: dict[str, str] = {
    SANDBOX: "https://sandbox.safaricom.co.ke",
    PRODUCTION: "https://api.safaricom.co.ke",
}
# Daraja's own limits: AccountReference is at most 12 characters, TransactionDesc at most 13.
ACCOUNT_REFERENCE_MAX = 12
TRANSACTION_DESC_MAX = 13
# A token is dropped this long before Daraja says it expires, so a request never carries a stale one.
TOKEN_EXPIRY_MARGIN = 60


class DarajaError(Exception):
    """Daraja could not be reached, or it refused the request; the message is safe to show."""


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
    return (override or BASE_URLS.get(environment, BASE_URLS[SANDBOX])).rstrip("/")


def account_reference_for(invoice_number: str) -> str:
    """Daraja takes at most 12 alphanumerics; INV-2026-0001 becomes INV20260001."""
    return re.sub(r"[^A-Za-z0-9]", "", invoice_number)[:ACCOUNT_REFERENCE_MAX]


def reference_key(value: str) -> str:
    """An account number by its letters and digits alone, upper case."""
    return re.sub(r"[^A-Za-z0-9]", "", value or "").upper()


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
