"""Invoices: numbering (also under concurrency), totals, the status machine, payments, PDF, e-mail."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from core.models import ActivityLog
from finance.models import Invoice, Transaction
from tests.factories import CustomerFactory
from tests.finance.conftest import NAIROBI

pytestmark = pytest.mark.django_db
URL = "/api/v1/finance/invoices/"
ITEMS = [
    {"description": "Cement 50kg", "quantity": "3", "unit_price": "33.33", "tax_rate": "16"},
    {"description": "Wheelbarrow", "quantity": "1.5", "unit_price": "5200.00", "tax_rate": "0"},
]


def draft(business, user, make_api, **extra):
    customer = extra.pop("customer", None) or CustomerFactory(business=business, email="pay@client.co.ke")
    body = {
        "customer": customer.pk,
        "issue_date": "2026-03-01",
        "due_date": "2099-03-31",
        "items": [{"description": "Cement 50kg", "quantity": "10", "unit_price": "750.00", "tax_rate": "16"}],
        **extra,
    }
    response = make_api(user, business).post(URL, body)
    assert response.status_code == 201, response.content
    return response.json()


def sent_invoice(business, user, make_api, **extra):
    invoice = draft(business, user, make_api, **extra)
    response = make_api(user, business).post(f"{URL}{invoice['id']}/send/")
    assert response.status_code == 200, response.content
    return response.json()


def test_totals_are_computed_on_the_server(business, staff, make_api):
    customer = CustomerFactory(business=business)
    response = make_api(staff, business).post(
        URL,
        {
            "customer": customer.pk,
            "issue_date": "2026-03-01",
            "due_date": "2026-03-31",
            "items": [
                {"description": "Nails", "quantity": "3", "unit_price": "33.33", "tax_rate": "16"},
                {"description": "Barrow", "quantity": "1.5", "unit_price": "5200.00"},
                {"description": "Tiny", "quantity": "1", "unit_price": "0.05", "tax_rate": "16"},
            ],
            "subtotal": "1.00",
            "total_amount": "1.00",
        },
    )
    body = response.json()
    # 3 x 33.33 = 99.99 (tax 16.00); 1.5 x 5200 = 7800.00; 0.05 (tax 0.008 -> 0.01)
    assert body["subtotal"] == "7900.04"
    assert body["tax_amount"] == "16.01"
    assert body["total_amount"] == "7916.05"
    assert body["balance_due"] == "7916.05" and body["amount_paid"] == "0.00"
    assert body["status"] == "draft" and body["invoice_number"] == "INV-2026-0001"
    assert [i["line_total"] for i in body["items"]] == ["99.99", "7800.00", "0.05"]


def test_numbering_per_business_and_client_numbers(business, staff, make_api):
    first = draft(business, staff, make_api)
    own = draft(business, staff, make_api, invoice_number="INV-2026-0002")
    after = draft(business, staff, make_api)
    assert (first["invoice_number"], own["invoice_number"], after["invoice_number"]) == (
        "INV-2026-0001",
        "INV-2026-0002",
        "INV-2026-0003",
    )
    duplicate = make_api(staff, business).post(
        URL,
        {
            "customer": CustomerFactory(business=business).pk,
            "invoice_number": "INV-2026-0001",
            "issue_date": "2026-03-01",
            "due_date": "2026-03-31",
            "items": [{"description": "x", "quantity": "1", "unit_price": "1.00"}],
        },
    )
    assert duplicate.status_code == 409


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_unique_numbers(business, staff):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves concurrent connections")
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    customer = CustomerFactory(business=business)
    token = str(RefreshToken.for_user(staff).access_token)
    numbers, errors = [], []

    def create():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_BUSINESS_ID=str(business.pk))
        try:
            response = client.post(
                URL,
                {
                    "customer": customer.pk,
                    "issue_date": "2026-05-01",
                    "due_date": "2026-05-31",
                    "items": [{"description": "x", "quantity": "1", "unit_price": "10.00"}],
                },
                format="json",
            )
            numbers.append((response.status_code, response.json().get("invoice_number")))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(code == 201 for code, _ in numbers), numbers
    assert sorted(n for _, n in numbers) == [f"INV-2026-{i:04d}" for i in range(1, 9)]


def test_status_machine_payments_and_overpayment(
    business, staff, make_api, django_capture_on_commit_callbacks
):
    api = make_api(staff, business)
    invoice = draft(business, staff, make_api)  # total 8700.00
    assert invoice["total_amount"] == "8700.00"
    assert api.post(f"{URL}{invoice['id']}/mark_paid/", {"amount": "10.00"}).status_code == 409  # draft
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"{URL}{invoice['id']}/send/").json()
    assert sent["status"] == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][2] == "application/pdf"
    assert mail.outbox[0].to == ["pay@client.co.ke"]

    over = api.post(f"{URL}{invoice['id']}/mark_paid/", {"amount": "8700.01"})
    assert over.status_code == 400 and over.json()["code"] == "overpayment"
    part = api.post(
        f"{URL}{invoice['id']}/mark_paid/",
        {"amount": "3000.00", "paid_date": "2026-03-10", "payment_method": "mpesa", "reference": "QK12"},
    )
    assert part.status_code == 200 and part.json()["status"] == "partially_paid"
    assert part.json()["balance_due"] == "5700.00"
    rest = api.post(f"{URL}{invoice['id']}/mark_paid/", {"paid_date": "2026-03-20"})
    assert rest.json()["status"] == "paid" and rest.json()["paid_date"] == "2026-03-20"
    payments = Transaction.objects.filter(invoice_id=invoice["id"]).order_by("id")
    assert [p.amount for p in payments] == [Decimal("3000.00"), Decimal("5700.00")]
    assert payments[0].transaction_date.astimezone(NAIROBI).isoformat() == "2026-03-10T12:00:00+03:00"
    assert payments[0].customer_id == invoice["customer"] and payments[0].transaction_type == "income"
    assert api.post(f"{URL}{invoice['id']}/mark_paid/", {"amount": "1.00"}).status_code == 409
    assert api.post(f"{URL}{invoice['id']}/cancel/").status_code == 409  # paid
    assert api.post(f"{URL}{invoice['id']}/mark_paid/", {"amount": 1.5}).status_code == 400  # a float


def test_a_cancelled_invoice_cannot_be_paid(business, staff, make_api):
    api = make_api(staff, business)
    invoice = sent_invoice(business, staff, make_api)
    assert api.post(f"{URL}{invoice['id']}/cancel/").json()["status"] == "cancelled"
    response = api.post(f"{URL}{invoice['id']}/mark_paid/", {"amount": "1.00"})
    assert response.status_code == 409 and response.json()["code"] == "invoice_cancelled"
    assert api.post(f"{URL}{invoice['id']}/cancel/").status_code == 409
    assert not Transaction.objects.exists()


def test_overdue_reads_and_filters(business, staff, make_api):
    api = make_api(staff, business)
    late = sent_invoice(business, staff, make_api, issue_date="2020-01-01", due_date="2020-01-31")
    on_time = sent_invoice(business, staff, make_api, issue_date="2099-01-01", due_date="2099-01-31")
    draft(business, staff, make_api, issue_date="2020-01-01", due_date="2020-01-31")
    assert late["status"] == "overdue" and on_time["status"] == "sent"
    overdue = api.get(URL, {"status": "overdue"}).json()["results"]
    assert [i["id"] for i in overdue] == [late["id"]]
    api.post(f"{URL}{late['id']}/mark_paid/", {"amount": "100.00"})
    assert api.get(f"{URL}{late['id']}/").json()["status"] == "overdue"  # partly paid and late


def test_only_drafts_change_and_items_edit(business, staff, make_api):
    api = make_api(staff, business)
    invoice = draft(business, staff, make_api)
    item = invoice["items"][0]
    changed = api.patch(f"/api/v1/finance/invoice-items/{item['id']}/", {"quantity": "2"})
    assert changed.status_code == 200 and changed.json()["line_total"] == "1500.00"
    assert Invoice.objects.get(pk=invoice["id"]).total_amount == Decimal("1740.00")
    replaced = api.patch(f"{URL}{invoice['id']}/", {"items": ITEMS})
    assert replaced.status_code == 200 and len(replaced.json()["items"]) == 2
    api.post(f"{URL}{invoice['id']}/send/")
    # Sent: the items may still be corrected (API.md "Getting paid"), the customer may not change.
    other = CustomerFactory(business=business)
    assert api.patch(f"{URL}{invoice['id']}/", {"customer": other.pk}).status_code == 409
    amended = api.patch(f"{URL}{invoice['id']}/", {"items": ITEMS})
    assert amended.status_code == 200
    assert api.patch(f"{URL}{invoice['id']}/", {"notes": "Pay by M-Pesa"}).status_code == 200
    # The single-item route stays for drafts only.
    item_id = amended.json()["items"][0]["id"]
    assert api.patch(f"/api/v1/finance/invoice-items/{item_id}/", {"quantity": "9"}).status_code == 409


def test_invoice_validation(business, staff, make_api):
    api = make_api(staff, business)
    customer = CustomerFactory(business=business)
    base = {
        "customer": customer.pk,
        "issue_date": "2026-03-01",
        "due_date": "2026-03-31",
        "items": [{"description": "x", "quantity": "1", "unit_price": "1.00"}],
    }
    assert api.post(URL, {**base, "items": []}).status_code == 400
    assert api.post(URL, {**base, "due_date": "2026-02-01"}).status_code == 400
    assert api.post(URL, {**base, "customer": CustomerFactory().pk}).status_code == 400
    bad_item = {**base, "items": [{"description": "x", "quantity": "-1", "unit_price": "1.00"}]}
    assert api.post(URL, bad_item).status_code == 400
    bad_tax = {
        **base,
        "items": [{"description": "x", "quantity": "1", "unit_price": "1.00", "tax_rate": "101"}],
    }
    assert api.post(URL, bad_tax).status_code == 400
    assert api.post(URL, {**base, "items": "nope"}).status_code == 400


def test_pdf_and_audit(business, staff, make_api):
    invoice = sent_invoice(business, staff, make_api)
    response = make_api(staff, business).get(f"{URL}{invoice['id']}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    actions = list(ActivityLog.objects.filter(object_type="finance.invoice").values_list("action", flat=True))
    assert sorted(actions) == ["create", "invoice.send"]


def test_customer_with_invoices_cannot_be_deleted_but_the_business_can(business, owner, make_api):
    invoice = sent_invoice(business, owner, make_api)
    api = make_api(owner, business)
    response = api.delete(f"/api/v1/users/customers/{invoice['customer']}/")
    assert response.status_code == 409 and response.json()["code"] == "in_use"
    assert api.delete(f"/api/v1/users/businesses/{business.pk}/").status_code == 204
    assert not Invoice.objects.exists()
