"""M-Pesa: settings with write-only encrypted credentials, STK push through the real httpx client
against a local fake Daraja, and the public STK and C2B callbacks that book the money."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import secrets
import socket
import threading
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.db import connection

from core.models import ActivityLog
from core.permissions import Role
from finance.crypto import DecryptionError, decrypt_json, decrypt_text, encrypt_text
from finance.imports import import_transactions
from finance.models import MpesaSettings, MpesaStkRequest, Transaction
from finance.mpesa import client as mpesa_client
from finance.mpesa import services as mpesa
from tests.factories import BusinessFactory, MembershipFactory
from tests.factories.finance import InvoiceFactory
from tests.fakes.server import FakeServer, Reply

pytestmark = pytest.mark.django_db

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
SHORTCODE = "174379"
CONSUMER_KEY = "duka-bora-key"
CONSUMER_SECRET = "duka-bora-secret-value"
PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"
CALLBACK_BASE = "https://kavi.example.co.ke"


# --- A fake Daraja -------------------------------------------------------------------------------------


class FakeDaraja:
    """Daraja's OAuth and STK push endpoints, as routes on the suite's fake server
    (tests/fakes/server.py). It checks what the real one checks (Basic credentials, the Bearer
    token, the STK password); the server records every request.

    `mode`: "ok", "fail" (HTTP 500 with Daraja's error body), "timeout" (answers too late) or
    "expire_tokens" (the next STK call gets 401, as when Daraja retires a token early).
    """

    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self.mode = "ok"
        self.apps = {(CONSUMER_KEY, CONSUMER_SECRET)}
        self.passkeys = {SHORTCODE: PASSKEY}
        self.tokens: set[str] = set()
        self.release = threading.Event()
        self._checkout = itertools.count(1)
        server.route("GET", "/oauth/v1/generate", self.oauth)
        server.route("POST", "/mpesa/stkpush/v1/processrequest", self.stk_push)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.server.requests

    def paths(self) -> list[str]:
        return self.server.paths()

    def stk_bodies(self) -> list[dict[str, Any]]:
        return [r["json"] for r in self.requests if r["path"] == "/mpesa/stkpush/v1/processrequest"]

    def oauth(self, request: dict[str, Any]) -> Reply:
        if request["query"].get("grant_type") != ["client_credentials"]:
            return Reply(400, {"errorCode": "400.008.02", "errorMessage": "Invalid grant type"})
        scheme, _, encoded = (request["headers"].get("Authorization") or "").partition(" ")
        key, _, secret = base64.b64decode(encoded or "").decode().partition(":")
        if scheme != "Basic" or (key, secret) not in self.apps:
            return Reply(400, {"errorCode": "400.008.01", "errorMessage": "Invalid Authentication"})
        token = secrets.token_hex(12)
        self.tokens.add(token)
        return Reply(200, {"access_token": token, "expires_in": "3599"})

    def stk_push(self, request: dict[str, Any]) -> Reply:
        if self.mode == "timeout":
            self.release.wait(5)
            return Reply(200, {"ResponseCode": "0"})
        if self.mode == "fail":
            return Reply(
                500, {"requestId": "1", "errorCode": "500.001.1001", "errorMessage": "System is busy"}
            )
        if self.mode == "expire_tokens":
            self.tokens.clear()
            self.mode = "ok"
        token = (request["headers"].get("Authorization") or "").removeprefix("Bearer ")
        if token not in self.tokens:
            return Reply(401, {"errorCode": "404.001.03", "errorMessage": "Invalid Access Token"})
        body = request["json"]
        shortcode, stamp = body["BusinessShortCode"], body["Timestamp"]
        expected = base64.b64encode(f"{shortcode}{self.passkeys.get(shortcode)}{stamp}".encode())
        if body["Password"] != expected.decode():
            return Reply(400, {"errorCode": "400.002.02", "errorMessage": "Bad Request - Invalid Password"})
        number = next(self._checkout)
        return Reply(
            200,
            {
                "MerchantRequestID": f"29115-34620561-{number}",
                "CheckoutRequestID": f"ws_CO_2026010112000{number:04d}",
                "ResponseCode": "0",
                "ResponseDescription": "Success. Request accepted for processing",
                "CustomerMessage": "Success. Request accepted for processing",
            },
        )


@pytest.fixture
def daraja(settings, fake_server):
    fake = FakeDaraja(fake_server())
    settings.MPESA_BASE_URL = fake.url
    settings.MPESA_CALLBACK_BASE_URL = CALLBACK_BASE
    for name in ("MPESA_CONSUMER_KEY", "MPESA_CONSUMER_SECRET", "MPESA_SHORTCODE", "MPESA_PASSKEY"):
        setattr(settings, name, None)
    yield fake
    fake.release.set()  # a "timeout" answer still waiting; the server stops after this


# --- Helpers ----------------------------------------------------------------------------------------------


def configure(business, *, shortcode: str = SHORTCODE) -> MpesaSettings:
    return mpesa.mpesa_settings_update(
        business=business,
        actor=None,
        data={
            "shortcode": shortcode,
            "consumer_key": CONSUMER_KEY,
            "consumer_secret": CONSUMER_SECRET,
            "passkey": PASSKEY,
        },
    )


def sent_invoice(business, total: str = "5000.00", **kwargs: Any):
    kwargs.setdefault("status", "sent")
    return InvoiceFactory(business=business, subtotal=Decimal(total), total_amount=Decimal(total), **kwargs)


def summary_income(api) -> Decimal:
    response = api.get("/api/v1/finance/transactions/summary/")
    assert response.status_code == 200, response.content
    return Decimal(response.json()["income"])


def stk_result(
    checkout_id: str, *, code: int = 0, receipt: str = "SGR7K2LQ1P", amount: str = "1500.00"
) -> str:
    """The body Daraja posts, as raw JSON (its amounts are JSON numbers with a fraction)."""
    body: dict[str, Any] = {
        "MerchantRequestID": "29115-34620561-1",
        "CheckoutRequestID": checkout_id,
        "ResultCode": code,
        "ResultDesc": "The service request is processed successfully."
        if code == 0
        else "Request cancelled by user",
    }
    if code == 0:
        stamp = dt.datetime.now(NAIROBI).strftime("%Y%m%d%H%M%S")
        body["CallbackMetadata"] = {
            "Item": [
                {"Name": "Amount", "Value": "__AMOUNT__"},
                {"Name": "MpesaReceiptNumber", "Value": receipt},
                {"Name": "Balance"},
                {"Name": "TransactionDate", "Value": int(stamp)},
                {"Name": "PhoneNumber", "Value": 254712345678},
            ]
        }
    return json.dumps({"Body": {"stkCallback": body}}).replace('"__AMOUNT__"', amount)


def post_raw(api, url: str, raw: str):
    return api.generic("POST", url, raw, content_type="application/json")


def callback_url(mpesa_settings: MpesaSettings, kind: str = "callback") -> str:
    return f"/api/v1/finance/mpesa/{kind}/{mpesa_settings.callback_token}/"


def push(api, **body: Any):
    return api.post("/api/v1/finance/mpesa/stk-push/", {"phone": "0712345678", "amount": "1500", **body})


# --- Credentials at rest -------------------------------------------------------------------------------


def test_encryption_uses_field_encryption_key_when_set(settings):
    settings.FIELD_ENCRYPTION_KEY = None
    token = encrypt_text("passkey-value")
    assert "passkey-value" not in token and decrypt_text(token) == "passkey-value"

    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(DecryptionError):
        decrypt_text(token)  # the dedicated key, not SECRET_KEY, is in use now
    assert decrypt_text(encrypt_text("again")) == "again"

    settings.FIELD_ENCRYPTION_KEY = "any long passphrase, derived with HKDF"
    assert decrypt_text(encrypt_text("derived")) == "derived"


def test_settings_credentials_are_write_only_and_encrypted(business, admin_user, make_api, daraja):
    api = make_api(admin_user, business)
    empty = api.get("/api/v1/finance/mpesa/")
    assert empty.status_code == 200, empty.content
    assert empty.json()["has_credentials"] is False
    assert empty.json()["callback_url"] is None
    assert not MpesaSettings.objects.filter(business=business).exists()  # reading creates nothing

    response = api.put(
        "/api/v1/finance/mpesa/",
        {
            "shortcode": SHORTCODE,
            "environment": "sandbox",
            "account_reference": "DUKABORA",
            "consumer_key": CONSUMER_KEY,
            "consumer_secret": CONSUMER_SECRET,
            "passkey": PASSKEY,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"consumer_key", "consumer_secret", "passkey", "encrypted_credentials"}.isdisjoint(body)
    assert CONSUMER_SECRET not in response.content.decode() and PASSKEY not in response.content.decode()
    assert body["has_credentials"] is True and body["shortcode"] == SHORTCODE
    row = MpesaSettings.objects.get(business=business)
    token = row.callback_token
    assert body["callback_url"] == f"{CALLBACK_BASE}/api/v1/finance/mpesa/callback/{token}/"
    assert body["validation_url"] == f"{CALLBACK_BASE}/api/v1/finance/mpesa/validation/{token}/"
    assert body["confirmation_url"] == f"{CALLBACK_BASE}/api/v1/finance/mpesa/confirmation/{token}/"

    # At rest: ciphertext only, which decrypts to what was sent.
    assert CONSUMER_SECRET not in row.encrypted_credentials and PASSKEY not in row.encrypted_credentials
    assert decrypt_json(row.encrypted_credentials) == {
        "consumer_key": CONSUMER_KEY,
        "consumer_secret": CONSUMER_SECRET,
        "passkey": PASSKEY,
    }

    # One audit row, with neither the secrets, the ciphertext nor the callback token in it.
    logs = ActivityLog.objects.filter(business=business, object_type="finance.mpesasettings")
    assert logs.count() == 1
    trail = json.dumps([logs[0].before, logs[0].after])
    for secret in (CONSUMER_SECRET, PASSKEY, CONSUMER_KEY, row.encrypted_credentials, token):
        assert secret not in trail
    assert (logs[0].after or {})["has_credentials"] is True

    # A change that leaves the credentials out keeps them; a single new one replaces only itself.
    assert api.patch("/api/v1/finance/mpesa/", {"shortcode": "600000"}).json()["has_credentials"] is True
    api.patch("/api/v1/finance/mpesa/", {"passkey": "new-passkey"})
    row.refresh_from_db()
    assert decrypt_json(row.encrypted_credentials)["passkey"] == "new-passkey"
    assert decrypt_json(row.encrypted_credentials)["consumer_secret"] == CONSUMER_SECRET
    assert row.shortcode == "600000" and row.callback_token == token

    cleared = api.patch("/api/v1/finance/mpesa/", {"consumer_key": "", "consumer_secret": "", "passkey": ""})
    assert cleared.json()["has_credentials"] is False
    assert logs.count() == 4


def test_settings_validation(business, admin_user, make_api, daraja):
    api = make_api(admin_user, business)
    half = api.patch("/api/v1/finance/mpesa/", {"consumer_key": CONSUMER_KEY})
    assert half.status_code == 400
    assert {"consumer_secret", "passkey"} <= half.json()["fields"].keys()
    assert api.patch("/api/v1/finance/mpesa/", {"shortcode": "12ab"}).status_code == 400
    assert api.patch("/api/v1/finance/mpesa/", {"environment": "moon"}).status_code == 400
    assert api.patch("/api/v1/finance/mpesa/", {"account_reference": "x" * 13}).status_code == 400
    assert api.patch("/api/v1/finance/mpesa/", {"account_reference": "DUKA-BORA"}).status_code == 400
    # A number has already lost its leading zeros: refused, not turned into a string.
    for field, value in (("shortcode", 600987), ("account_reference", 0)):
        refused = api.patch("/api/v1/finance/mpesa/", {field: value}, format="json")
        assert refused.status_code == 400 and field in refused.json()["fields"]
    assert not MpesaSettings.objects.filter(business=business).exists()


def test_roles(business, admin_user, staff, viewer, make_api, daraja):
    configure(business)
    assert make_api(staff, business).get("/api/v1/finance/mpesa/").status_code == 403
    assert (
        make_api(staff, business).patch("/api/v1/finance/mpesa/", {"shortcode": "600000"}).status_code == 403
    )
    assert make_api(viewer, business).get("/api/v1/finance/mpesa/").status_code == 403
    assert make_api(admin_user, business).get("/api/v1/finance/mpesa/").status_code == 200

    assert push(make_api(viewer, business)).status_code == 403
    assert push(make_api(staff, business)).status_code == 201
    assert make_api(viewer, business).get("/api/v1/finance/mpesa/stk-requests/").status_code == 200


# --- Phones and amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0712345678", "254712345678"),
        ("0712 345 678", "254712345678"),
        ("+254712345678", "254712345678"),
        ("254712345678", "254712345678"),
        ("+254 712-345-678", "254712345678"),
        ("0110345678", "254110345678"),
        ("254110345678", "254110345678"),
        ("712345678", "254712345678"),
    ],
)
def test_phone_normalisation(raw, expected):
    assert mpesa_client.normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "0812345678", "071234567", "07123456789", "+2540712345678", "255712345678", "phone"]
)
def test_phone_normalisation_refuses(raw):
    with pytest.raises(ValueError, match="Kenyan mobile number"):
        mpesa_client.normalise_phone(raw)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "0812345678"}, "phone"),
        ({"amount": "10.50"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": 12.5}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"phone": ["0712345678"]}, "phone"),
    ],
)
def test_push_rejects_bad_input(business, staff, make_api, daraja, body, field):
    configure(business)
    response = push(make_api(staff, business), **body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not daraja.stk_bodies()


# --- STK push ---------------------------------------------------------------------------------------------


def test_stk_push_sends_what_daraja_expects(business, staff, make_api, daraja):
    mpesa_settings = configure(business)
    invoice = sent_invoice(business, invoice_number="INV-2026-0001")
    api = make_api(staff, business)
    before = dt.datetime.now(NAIROBI).replace(microsecond=0)

    response = push(api, phone="0712 345 678", amount="1500", invoice=invoice.pk)

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "pending" and created["amount"] == "1500.00"
    assert created["phone"] == "254712345678" and created["invoice_number"] == "INV-2026-0001"
    assert created["checkout_request_id"].startswith("ws_CO_")

    oauth, stk = daraja.requests
    assert oauth["path"] == "/oauth/v1/generate" and oauth["query"] == {"grant_type": ["client_credentials"]}
    expected_basic = base64.b64encode(f"{CONSUMER_KEY}:{CONSUMER_SECRET}".encode()).decode()
    assert oauth["headers"]["Authorization"] == f"Basic {expected_basic}"
    body = stk["json"]
    assert stk["headers"]["Authorization"].startswith("Bearer ")
    assert re.fullmatch(r"\d{14}", body["Timestamp"])
    stamp = dt.datetime.strptime(body["Timestamp"], "%Y%m%d%H%M%S").replace(tzinfo=NAIROBI)
    assert before <= stamp <= dt.datetime.now(NAIROBI) + dt.timedelta(seconds=1)  # Nairobi time
    assert body["Password"] == base64.b64encode(f"{SHORTCODE}{PASSKEY}{body['Timestamp']}".encode()).decode()
    assert body == {
        "BusinessShortCode": SHORTCODE,
        "Password": body["Password"],
        "Timestamp": body["Timestamp"],
        "TransactionType": "CustomerPayBillOnline",
        "Amount": 1500,
        "PartyA": "254712345678",
        "PartyB": SHORTCODE,
        "PhoneNumber": "254712345678",
        "CallBackURL": f"{CALLBACK_BASE}/api/v1/finance/mpesa/callback/{mpesa_settings.callback_token}/",
        "AccountReference": "INV20260001",
        "TransactionDesc": "Payment",
    }

    # The token is cached: a second push goes straight to STK.
    assert push(api, amount="200").status_code == 201
    assert daraja.paths().count("/oauth/v1/generate") == 1
    assert daraja.stk_bodies()[-1]["AccountReference"] == account_reference_fallback(business)

    stk_row = MpesaStkRequest.objects.get(pk=created["id"])
    assert stk_row.requested_by == staff
    assert ActivityLog.objects.filter(action="mpesa.stk_push", object_id=str(stk_row.pk)).count() == 1

    polled = api.get(f"/api/v1/finance/mpesa/stk-requests/{created['id']}/")
    assert polled.status_code == 200 and polled.json()["status"] == "pending"
    listed = api.get("/api/v1/finance/mpesa/stk-requests/", {"invoice": invoice.pk})
    assert [r["id"] for r in listed.json()["results"]] == [created["id"]]


def account_reference_fallback(business) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", business.legal_name)[:12]


def test_a_retired_token_is_replaced_once(business, staff, make_api, daraja):
    configure(business)
    api = make_api(staff, business)
    assert push(api).status_code == 201
    daraja.mode = "expire_tokens"
    assert push(api).status_code == 201
    assert daraja.paths().count("/oauth/v1/generate") == 2


def test_platform_credentials_are_the_fallback(business, staff, make_api, daraja, settings):
    api = make_api(staff, business)
    refused = push(api)
    assert refused.status_code == 409 and refused.json()["code"] == "mpesa_not_configured"
    assert not daraja.requests

    settings.MPESA_CONSUMER_KEY, settings.MPESA_CONSUMER_SECRET = CONSUMER_KEY, CONSUMER_SECRET
    settings.MPESA_SHORTCODE, settings.MPESA_PASSKEY = SHORTCODE, PASSKEY
    response = push(api)
    assert response.status_code == 201, response.content
    token = MpesaSettings.objects.get(business=business).callback_token
    assert daraja.stk_bodies()[0]["CallBackURL"].endswith(f"/mpesa/callback/{token}/")


def test_own_credentials_without_a_shortcode_never_fall_back(business, staff, make_api, daraja, settings):
    settings.MPESA_CONSUMER_KEY, settings.MPESA_CONSUMER_SECRET = CONSUMER_KEY, CONSUMER_SECRET
    settings.MPESA_SHORTCODE, settings.MPESA_PASSKEY = SHORTCODE, PASSKEY
    configure(business, shortcode="")
    response = push(make_api(staff, business))
    assert response.status_code == 409 and response.json()["code"] == "mpesa_not_configured"
    assert not daraja.requests


@pytest.mark.parametrize("mode", ["fail", "timeout", "bad_credentials", "unreachable"])
def test_daraja_trouble_is_502(business, staff, make_api, daraja, settings, mode):
    configure(business)
    settings.MPESA_TIMEOUT_SECONDS = 0.5
    if mode == "bad_credentials":
        daraja.apps = set()
    elif mode == "unreachable":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            settings.MPESA_BASE_URL = f"http://127.0.0.1:{probe.getsockname()[1]}"
    else:
        daraja.mode = mode
    response = push(make_api(staff, business))
    assert response.status_code == 502, response.content
    assert response.json()["code"] == "mpesa_unavailable" and response.json()["detail"]
    assert not MpesaStkRequest.objects.exists()


def test_push_for_an_invoice_checks_it(business, staff, make_api, daraja):
    configure(business)
    api = make_api(staff, business)
    draft = InvoiceFactory(business=business, status="draft")
    assert push(api, invoice=draft.pk).status_code == 409
    partly = sent_invoice(business, total="5000.00", amount_paid=Decimal("4000.00"), status="partially_paid")
    too_much = push(api, invoice=partly.pk, amount="1500")
    assert too_much.status_code == 400 and too_much.json()["code"] == "overpayment"
    assert push(api, invoice=partly.pk, amount="1000").status_code == 201
    foreign = sent_invoice(BusinessFactory())
    assert push(api, invoice=foreign.pk).status_code == 400
    assert len(daraja.stk_bodies()) == 1


# --- STK callbacks ------------------------------------------------------------------------------------------


def _pushed(business, staff, make_api, **body: Any) -> MpesaStkRequest:
    response = push(make_api(staff, business), **body)
    assert response.status_code == 201, response.content
    return MpesaStkRequest.objects.get(pk=response.json()["id"])


def test_callback_pays_the_invoice_once(business, owner, staff, make_api, daraja):
    mpesa_settings = configure(business)
    invoice = sent_invoice(business, total="1500.00")
    stk = _pushed(business, staff, make_api, invoice=invoice.pk)
    reader, daraja_side = make_api(owner, business), make_api()
    income_before = summary_income(reader)

    answer = post_raw(daraja_side, callback_url(mpesa_settings), stk_result(stk.checkout_request_id))

    assert answer.status_code == 200, answer.content
    assert answer.json() == {"ResultCode": 0, "ResultDesc": "Accepted"}
    stk.refresh_from_db()
    invoice.refresh_from_db()
    assert stk.status == "success" and stk.mpesa_receipt == "SGR7K2LQ1P" and stk.result_code == 0
    assert invoice.status == "paid" and invoice.amount_paid == Decimal("1500.00")
    txn = stk.transaction
    assert txn.invoice == invoice and txn.external_id == "mpesa:SGR7K2LQ1P"
    assert txn.payment_method == "mpesa" and txn.reference_number == "SGR7K2LQ1P"
    assert summary_income(reader) - income_before == Decimal("1500.00")
    audit = ActivityLog.objects.get(action="mpesa.stk_result", object_id=str(stk.pk))
    assert audit.actor is None and (audit.after or {})["status"] == "success"

    # Daraja may deliver twice: nothing changes.
    logs = ActivityLog.objects.count()
    again = post_raw(daraja_side, callback_url(mpesa_settings), stk_result(stk.checkout_request_id))
    assert again.status_code == 200 and again.json()["ResultCode"] == 0
    assert Transaction.objects.filter(business=business).count() == 1
    assert ActivityLog.objects.count() == logs
    assert summary_income(reader) - income_before == Decimal("1500.00")


def test_callback_without_invoice_books_sales(business, owner, staff, make_api, daraja):
    mpesa_settings = configure(business)
    stk = _pushed(business, staff, make_api, amount="750")
    reader = make_api(owner, business)
    income_before = summary_income(reader)

    raw = stk_result(stk.checkout_request_id, receipt="SGR7K2LQ2Q", amount="750.00")
    assert post_raw(make_api(), callback_url(mpesa_settings), raw).status_code == 200

    txn = Transaction.objects.get(business=business)
    assert txn.transaction_type == "income" and txn.category == "M-Pesa Sales"
    assert txn.amount == Decimal("750.00") and txn.currency == "KES" and txn.invoice is None
    assert txn.external_id == "mpesa:SGR7K2LQ2Q" and txn.payment_method == "mpesa"
    assert summary_income(reader) - income_before == Decimal("750.00")
    category = {
        c["category"]: c["total"]
        for c in reader.get("/api/v1/finance/transactions/summary/").json()["by_category"]
    }
    assert category["M-Pesa Sales"] == "750.00"


def test_money_arrives_after_the_invoice_was_settled_otherwise(business, owner, staff, make_api, daraja):
    mpesa_settings = configure(business)
    invoice = sent_invoice(business, total="1500.00")
    stk = _pushed(business, staff, make_api, invoice=invoice.pk)
    make_api(owner, business).post(
        f"/api/v1/finance/invoices/{invoice.pk}/mark_paid/", {"payment_method": "cash"}
    )

    assert (
        post_raw(make_api(), callback_url(mpesa_settings), stk_result(stk.checkout_request_id)).status_code
        == 200
    )

    stk.refresh_from_db()
    invoice.refresh_from_db()
    assert stk.status == "success"
    # Never a silent sale, never an overpayment: the customer's credit, shown to the owner.
    credit = stk.transaction
    assert credit.invoice is None and credit.category == "Customer Credit"
    assert credit.unapplied and credit.unapplied_invoice == invoice and credit.customer == invoice.customer
    assert credit.external_id == "mpesa:SGR7K2LQ1P" and credit.amount == Decimal("1500.00")
    assert "not applied to" in stk.transaction.description
    assert invoice.amount_paid == Decimal("1500.00") and invoice.status == "paid"
    assert Transaction.objects.filter(business=business, transaction_type="income").count() == 2
    listed = make_api(owner, business).get("/api/v1/finance/mpesa/unapplied-payments/").json()["results"]
    assert [(p["id"], p["amount"], p["mpesa_receipt"], p["invoice"], p["customer"]) for p in listed] == [
        (credit.pk, "1500.00", "SGR7K2LQ1P", invoice.pk, invoice.customer_id)
    ]
    audit = ActivityLog.objects.get(action="mpesa.payment_unapplied", object_id=str(credit.pk))
    assert (audit.after or {})["reason"] == "it is paid" and (audit.after or {})["invoice_id"] == invoice.pk


def test_failed_result(business, staff, make_api, daraja):
    mpesa_settings = configure(business)
    stk = _pushed(business, staff, make_api)
    answer = post_raw(
        make_api(), callback_url(mpesa_settings), stk_result(stk.checkout_request_id, code=1032)
    )
    assert answer.status_code == 200 and answer.json()["ResultCode"] == 0
    stk.refresh_from_db()
    assert stk.status == "failed" and stk.result_code == 1032
    assert stk.result_desc == "Request cancelled by user"
    assert stk.transaction is None and not Transaction.objects.exists()
    assert (stk.callback_payload or {})["Body"]["stkCallback"]["ResultCode"] == 1032


def test_callbacks_refuse_unknown_tokens_and_bad_bodies(business, staff, make_api, daraja):
    mpesa_settings = configure(business)
    stk = _pushed(business, staff, make_api)
    anon = make_api()
    for kind in ("callback", "validation", "confirmation"):
        unknown = post_raw(anon, f"/api/v1/finance/mpesa/{kind}/not-a-token/", stk_result("x"))
        assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
        url = callback_url(mpesa_settings, kind)
        malformed = post_raw(anon, url, '{"Body": {"stkCallback": ')
        assert malformed.status_code == 400 and malformed.json()["code"] == "parse_error"
        assert post_raw(anon, url, '{"Amount": NaN}').status_code == 400

    url = callback_url(mpesa_settings)
    for bad in (
        "[]",
        '{"Body": {}}',
        '{"Body": {"stkCallback": {"CheckoutRequestID": "x", "ResultCode": "ok"}}}',
    ):
        assert post_raw(anon, url, bad).status_code == 400, bad
    no_receipt = stk_result(stk.checkout_request_id).replace("SGR7K2LQ1P", "")
    assert post_raw(anon, url, no_receipt).status_code == 400
    # Someone else's checkout id: acknowledged, nothing touched.
    assert post_raw(anon, url, stk_result("ws_CO_unknown")).status_code == 200
    stk.refresh_from_db()
    assert stk.status == "pending" and not Transaction.objects.exists()

    other = configure(BusinessFactory())
    cross = post_raw(anon, callback_url(other), stk_result(stk.checkout_request_id))
    assert cross.status_code == 200
    stk.refresh_from_db()
    assert stk.status == "pending"  # another business's token can't settle this request


def test_callbacks_are_not_throttled(business, staff, make_api, daraja, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "1000/hour", "kavi": "60/minute"},
    }
    mpesa_settings = configure(business)
    url = callback_url(mpesa_settings, "validation")
    body = json.dumps({"TransID": "SGR7K2LQ3R", "TransAmount": "10.00"})
    assert [post_raw(make_api(), url, body).status_code for _ in range(3)] == [200, 200, 200]


# --- C2B ---------------------------------------------------------------------------------------------------


def c2b(trans_id: str, amount: str, bill_ref: str = "") -> str:
    return json.dumps(
        {
            "TransactionType": "Pay Bill",
            "TransID": trans_id,
            "TransTime": dt.datetime.now(NAIROBI).strftime("%Y%m%d%H%M%S"),
            "TransAmount": amount,
            "BusinessShortCode": SHORTCODE,
            "BillRefNumber": bill_ref,
            "InvoiceNumber": "",
            "OrgAccountBalance": "49197.00",
            "ThirdPartyTransID": "",
            "MSISDN": "254712345678",
            "FirstName": "Akinyi",
        }
    )


def test_c2b_validation(business, api, daraja):
    mpesa_settings = configure(business)
    url = callback_url(mpesa_settings, "validation")
    assert post_raw(api, url, c2b("SGR7K2LQ4S", "100.00")).json() == {
        "ResultCode": 0,
        "ResultDesc": "Accepted",
    }
    for amount in ("0.00", "-5", "ten"):
        rejected = post_raw(api, url, c2b("SGR7K2LQ4S", amount))
        assert rejected.status_code == 200 and rejected.json()["ResultCode"] == "C2B00013"


def test_c2b_confirmation_is_booked_once_and_a_statement_import_skips_it(business, owner, make_api, daraja):
    mpesa_settings = configure(business)
    reader = make_api(owner, business)
    income_before = summary_income(reader)
    url = callback_url(mpesa_settings, "confirmation")

    first = post_raw(make_api(), url, c2b("SGR7K2LQ5T", "2300.00", "walk-in"))
    assert first.status_code == 200 and first.json() == {"ResultCode": 0, "ResultDesc": "Accepted"}
    assert post_raw(make_api(), url, c2b("SGR7K2LQ5T", "2300.00", "walk-in")).status_code == 200

    txn = Transaction.objects.get(business=business)
    assert txn.external_id == "mpesa:SGR7K2LQ5T" and txn.category == "M-Pesa Sales"
    assert txn.amount == Decimal("2300.00") and "Akinyi" in txn.description
    assert summary_income(reader) - income_before == Decimal("2300.00")

    statement = (
        "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,Balance\n"
        f"SGR7K2LQ5T,{dt.datetime.now(NAIROBI):%Y-%m-%d %H:%M:%S},,Pay Bill from 254712345678 - Akinyi,"
        "Completed,2300.00,,49197.00\n"
    )
    result = import_transactions(business=business, actor=owner, raw=statement.encode(), fmt="mpesa")
    assert (result.created, result.duplicates, result.errors) == (0, 1, [])
    assert summary_income(reader) - income_before == Decimal("2300.00")


def test_c2b_confirmation_pays_the_invoice_its_account_names(business, make_api, daraja):
    mpesa_settings = configure(business)
    invoice = sent_invoice(business, total="3000.00", invoice_number="INV-2026-0042")
    url = callback_url(mpesa_settings, "confirmation")

    # Typed loosely by the customer, it still names the invoice.
    assert post_raw(make_api(), url, c2b("SGR7K2LQ7V", "1000.00", "inv 2026 0042")).status_code == 200
    assert post_raw(make_api(), url, c2b("SGR7K2LQ8W", "2000.00", "INV-2026-0042")).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.amount_paid == Decimal("3000.00")
    payments = Transaction.objects.filter(invoice=invoice).order_by("external_id")
    assert [p.external_id for p in payments] == ["mpesa:SGR7K2LQ7V", "mpesa:SGR7K2LQ8W"]
    assert not Transaction.objects.filter(unapplied=True).exists()

    # Too much for an invoice: it takes its balance and the rest is the customer's credit, not a sale.
    other = sent_invoice(business, total="3000.00", invoice_number="INV-2026-0043")
    assert post_raw(make_api(), url, c2b("SGR7K2LQ6U", "3500.00", "INV-2026-0043")).status_code == 200
    other.refresh_from_db()
    assert other.status == "paid" and other.amount_paid == Decimal("3000.00")
    paid, credit = Transaction.objects.filter(reference_number="SGR7K2LQ6U").order_by("external_id")
    assert (paid.invoice, paid.amount, paid.external_id) == (other, Decimal("3000.00"), "mpesa:SGR7K2LQ6U")
    assert (credit.invoice, credit.unapplied_invoice, credit.amount) == (None, other, Decimal("500.00"))
    assert credit.unapplied and credit.category == "Customer Credit" and credit.customer == other.customer
    assert credit.external_id == "mpesa:SGR7K2LQ6U:credit"
    # Delivered again: nothing more is booked.
    assert post_raw(make_api(), url, c2b("SGR7K2LQ6U", "3500.00", "INV-2026-0043")).status_code == 200
    assert Transaction.objects.filter(reference_number="SGR7K2LQ6U").count() == 2


def test_c2b_confirmation_refuses_nonsense(business, api, daraja):
    mpesa_settings = configure(business)
    url = callback_url(mpesa_settings, "confirmation")
    for body in (c2b("", "10.00"), c2b("SGR7K2LQ9X", "0"), c2b("SGR7K2LQ9X", "abc"), "[1, 2]"):
        response = post_raw(api, url, body)
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid_callback"
    assert not Transaction.objects.exists()


def test_stk_requests_are_scoped(business, staff, make_api, daraja):
    configure(business)
    _pushed(business, staff, make_api)
    other = BusinessFactory()
    outsider = MembershipFactory(business=other, role=Role.OWNER).user
    assert make_api(outsider, other).get("/api/v1/finance/mpesa/stk-requests/").json()["results"] == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_payment_book_it_once(business, staff, make_api, daraja):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves concurrent connections")
    mpesa_settings = configure(business)
    invoice = sent_invoice(business, total="1500.00", invoice_number="INV-2026-0007")
    stk = _pushed(business, staff, make_api, invoice=invoice.pk)
    # Daraja may repeat the STK result, and a paybill also reports the same payment through C2B.
    deliveries = [(callback_url(mpesa_settings), stk_result(stk.checkout_request_id))] * 4
    deliveries += [
        (callback_url(mpesa_settings, "confirmation"), c2b("SGR7K2LQ1P", "1500.00", "INV20260007"))
    ] * 4
    codes, errors = [], []

    def deliver(url: str, raw: str) -> None:
        try:
            codes.append(post_raw(make_api(), url, raw).status_code)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=delivery) for delivery in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and codes == [200] * 8, (codes, errors)
    invoice.refresh_from_db()
    stk.refresh_from_db()
    assert Transaction.objects.filter(business=business).count() == 1
    assert invoice.status == "paid" and invoice.amount_paid == Decimal("1500.00")
    assert stk.status == "success" and stk.transaction.external_id == "mpesa:SGR7K2LQ1P"


def test_callbacks_with_nul_characters_are_answered_not_crashed(business, staff, make_api, daraja):
    """PostgreSQL can't store U+0000 in text or jsonb; a callback carrying one is still answered."""
    mpesa_settings = configure(business)
    anon = make_api()
    anon.raise_request_exception = False
    stk = _pushed(business, staff, make_api, amount="750")
    nul = "\\u0000"
    # A receipt number with a NUL in it is not one (400); NUL elsewhere is answered as Daraja expects.
    stk_bodies = [
        (stk_result(stk.checkout_request_id, receipt="SGR7K\\u0000Q1P", amount="750.00"), 400),
        (
            stk_result(stk.checkout_request_id).replace("The service request", f"The{nul} service request"),
            200,
        ),
        (stk_result(stk.checkout_request_id.replace("ws", f"w{nul}s")), 200),
        (
            '{"Body": {"stkCallback": {"CheckoutRequestID": "x", "ResultCode": 1, "ResultDesc": "a\\u0000"}}}',
            200,
        ),
    ]
    c2b_bodies = [
        (kind, field, value, 400 if (kind, field) == ("confirmation", "TransID") else 200)
        for kind in ("validation", "confirmation")
        for field, value in (
            ("TransID", f"SGR{nul}1"),
            ("BillRefNumber", f"INV{nul}"),
            ("FirstName", f"A{nul}"),
        )
    ]
    answers = [(post_raw(anon, callback_url(mpesa_settings), body), status) for body, status in stk_bodies]
    for kind, field, value, status in c2b_bodies:
        body = c2b("SGR7K2LQZZ", "10.00").replace(f'"{field}": ', f'"{field}": "{value}", "x": ', 1)
        answers.append((post_raw(anon, callback_url(mpesa_settings, kind), body), status))
    for response, status in answers:
        assert response.status_code == status, response.content
        if status == 400:
            assert response.json()["code"] == "invalid_callback"
        else:
            assert response.json() == {"ResultCode": 0, "ResultDesc": "Accepted"}


# --- Money under races: pending pushes hold the invoice's balance ----------------------------------------


def _approve(daraja_side, mpesa_settings: MpesaSettings, stk: MpesaStkRequest, receipt: str) -> None:
    raw = stk_result(stk.checkout_request_id, receipt=receipt, amount=f"{stk.amount:.2f}")
    assert post_raw(daraja_side, callback_url(mpesa_settings), raw).status_code == 200


def _pending_total(invoice) -> Decimal:
    return mpesa.stk_pending_total(invoice=invoice)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("amount", "accepted"), [("100", 1), ("40", 2)])
def test_concurrent_pushes_never_ask_for_more_than_the_balance(
    business, staff, make_api, daraja, amount, accepted
):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves concurrent connections")
    mpesa_settings = configure(business)
    invoice = sent_invoice(business, total="100.00")
    start = threading.Barrier(5)
    answers: list[Any] = []
    errors: list[BaseException] = []

    def push_one() -> None:
        try:
            api = make_api(staff, business)
            start.wait()
            answers.append(push(api, invoice=invoice.pk, amount=amount))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=push_one) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * accepted + [409] * (5 - accepted), [a.content for a in answers]
    refused = [a.json() for a in answers if a.status_code == 409]
    assert {r["code"] for r in refused} == {"pending_exceeds_balance"}
    assert _pending_total(invoice) == Decimal(amount) * accepted <= Decimal("100.00")
    # Daraja was only asked for what was accepted.
    assert len(daraja.stk_bodies()) == accepted

    # The customer approves every accepted prompt: the invoice is paid no more than its balance.
    for number, stk in enumerate(MpesaStkRequest.objects.filter(invoice=invoice)):
        _approve(make_api(), mpesa_settings, stk, receipt=f"SGR7K2LR{number}A")
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal(amount) * accepted <= invoice.total_amount
    paid = sum(t.amount for t in Transaction.objects.filter(invoice=invoice))
    assert paid == invoice.amount_paid
    assert not Transaction.objects.filter(business=business, unapplied=True).exists()
    assert not Transaction.objects.filter(business=business, category="M-Pesa Sales").exists()


def test_a_pending_push_holds_the_balance_until_it_fails_or_expires(business, staff, owner, make_api, daraja):
    mpesa_settings = configure(business)
    invoice = sent_invoice(business, total="100.00")
    with time_machine.travel(dt.datetime(2026, 3, 31, 9, 0, tzinfo=NAIROBI), tick=False) as clock:
        api = make_api(staff, business)
        first = push(api, invoice=invoice.pk, amount="100")
        assert first.status_code == 201, first.content
        refused = push(api, invoice=invoice.pk, amount="1")
        assert refused.status_code == 409 and refused.json()["code"] == "pending_exceeds_balance"
        assert (refused.json()["balance_due"], refused.json()["pending"]) == ("100.00", "100.00")

        # The customer cancels on the phone: the hold is released.
        stk = MpesaStkRequest.objects.get(pk=first.json()["id"])
        raw = stk_result(stk.checkout_request_id, code=1032)
        assert post_raw(make_api(), callback_url(mpesa_settings), raw).status_code == 200
        second = push(api, invoice=invoice.pk, amount="60")
        assert second.status_code == 201, second.content
        assert push(api, invoice=invoice.pk, amount="41").status_code == 409

        # Daraja never reports on the prompt: after the pending window it stops holding the balance.
        clock.shift(dt.timedelta(minutes=6))
        third = push(api, invoice=invoice.pk, amount="100")
        assert third.status_code == 201, third.content

        # Both prompts are then approved: the invoice takes its balance, the rest is the customer's
        # credit (linked to the invoice and the receipt), never a plain sale.
        late = MpesaStkRequest.objects.get(pk=second.json()["id"])
        _approve(make_api(), mpesa_settings, late, receipt="SGR7K2LS1B")
        _approve(
            make_api(),
            mpesa_settings,
            MpesaStkRequest.objects.get(pk=third.json()["id"]),
            receipt="SGR7K2LS2C",
        )
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.amount_paid == Decimal("100.00")
    payments = Transaction.objects.filter(invoice=invoice).order_by("external_id")
    assert [(p.external_id, p.amount) for p in payments] == [
        ("mpesa:SGR7K2LS1B", Decimal("60.00")),
        ("mpesa:SGR7K2LS2C", Decimal("40.00")),
    ]
    credit = Transaction.objects.get(business=business, unapplied=True)
    assert (credit.amount, credit.external_id, credit.unapplied_invoice) == (
        Decimal("60.00"),
        "mpesa:SGR7K2LS2C:credit",
        invoice,
    )
    assert credit.customer == invoice.customer and credit.reference_number == "SGR7K2LS2C"
    assert not Transaction.objects.filter(business=business, category="M-Pesa Sales").exists()
    listed = make_api(owner, business).get("/api/v1/finance/mpesa/unapplied-payments/")
    assert [(p["amount"], p["invoice_number"]) for p in listed.json()["results"]] == [
        ("60.00", invoice.invoice_number)
    ]


def test_a_refused_push_releases_its_hold(business, staff, make_api, daraja):
    configure(business)
    invoice = sent_invoice(business, total="100.00")
    api = make_api(staff, business)
    daraja.mode = "fail"
    assert push(api, invoice=invoice.pk, amount="100").status_code == 502
    assert not MpesaStkRequest.objects.exists() and _pending_total(invoice) == 0
    daraja.mode = "ok"
    assert push(api, invoice=invoice.pk, amount="100").status_code == 201


def test_a_c2b_payment_for_a_paid_invoice_becomes_a_credit_once(business, owner, make_api, daraja):
    mpesa_settings = configure(business)
    invoice = sent_invoice(business, total="800.00", invoice_number="INV-2026-0100")
    owner_api = make_api(owner, business)
    assert owner_api.post(f"/api/v1/finance/invoices/{invoice.pk}/mark_paid/", {}).status_code == 200
    url = callback_url(mpesa_settings, "confirmation")
    for _ in range(2):
        assert post_raw(make_api(), url, c2b("SGR7K2LT1D", "800.00", "INV-2026-0100")).status_code == 200
    credit = Transaction.objects.get(business=business, reference_number="SGR7K2LT1D")
    assert credit.unapplied and credit.invoice is None and credit.unapplied_invoice == invoice
    assert credit.category == "Customer Credit" and credit.external_id == "mpesa:SGR7K2LT1D"
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("800.00")
    # The owner is told: an insight counts the credit.
    findings = owner_api.get("/api/v1/kavi/insights/").json()["findings"]
    (finding,) = [f for f in findings if f["type"] == "unapplied_payments"]
    assert (finding["data"]["count"], finding["data"]["amount"]) == (1, "800.00")
    assert "800" in finding["message"]
