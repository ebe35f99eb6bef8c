"""Transactions: CRUD, validation, filters, money as strings, receipts, export, audit."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.models import ActivityLog
from finance.models import DailyRollup, Transaction
from tests.factories import CustomerFactory
from tests.factories.finance import SupplierFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/finance/transactions/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_create_read_update_delete_with_audit_and_rollups(business, staff, admin_user, make_api):
    api = make_api(staff, business)
    supplier = SupplierFactory(business=business, name="Haraka Transporters")
    created = api.post(
        URL,
        {
            "amount": "2500.50",
            "transaction_type": "expense",
            "category": " Transport ",
            "transaction_date": "2026-03-10T09:30:00+03:00",
            "payment_method": "mpesa",
            "supplier": supplier.pk,
            "description": "Delivery to Thika",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount"] == "2500.50" and body["currency"] == "KES" and body["category"] == "Transport"
    assert body["supplier_name"] == "Haraka Transporters" and body["status"] == "completed"
    assert body["user"] == staff.pk
    rollup = DailyRollup.objects.get(business=business)
    assert (rollup.total, rollup.count, str(rollup.day)) == (Decimal("2500.50"), 1, "2026-03-10")

    txn_id = body["id"]
    assert ActivityLog.objects.filter(object_type="finance.transaction", object_id=str(txn_id)).count() == 1
    updated = api.patch(f"{URL}{txn_id}/", {"amount": "3000.00", "category": "Fuel"})
    assert updated.status_code == 200 and updated.json()["amount"] == "3000.00"
    assert list(DailyRollup.objects.values_list("category", "total")) == [("Fuel", Decimal("3000.00"))]
    assert api.delete(f"{URL}{txn_id}/").status_code == 403  # deletes are for admins
    assert make_api(admin_user, business).delete(f"{URL}{txn_id}/").status_code == 204
    assert not DailyRollup.objects.exists()
    assert ActivityLog.objects.filter(object_type="finance.transaction", object_id=str(txn_id)).count() == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": 12.5}, "amount"),  # a float
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"transaction_type": "gift"}, "transaction_type"),
        ({"payment_method": "barter"}, "payment_method"),
        ({"transaction_date": "31/31/2026"}, "transaction_date"),
        ({"transaction_date": "2026-02-30"}, "transaction_date"),
        ({"currency": "shillings"}, "currency"),
        ({"status": "lost"}, "status"),
    ],
)
def test_bad_input_is_400_with_the_field(body, field, business, staff, make_api):
    good = {"amount": "10.00", "transaction_type": "income", "transaction_date": "2026-03-10"}
    response = make_api(staff, business).post(URL, {**good, **body})
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Transaction.objects.exists()


def test_foreign_keys_must_belong_to_the_business(business, staff, make_api):
    foreign_supplier = SupplierFactory()
    foreign_customer = CustomerFactory()
    api = make_api(staff, business)
    base = {"amount": "10.00", "transaction_type": "income", "transaction_date": "2026-03-10"}
    assert api.post(URL, {**base, "supplier": foreign_supplier.pk}).status_code == 400
    assert api.post(URL, {**base, "customer": foreign_customer.pk}).status_code == 400


def test_a_date_alone_is_that_day_in_the_business_zone(business, staff, make_api):
    response = make_api(staff, business).post(
        URL, {"amount": "10.00", "transaction_type": "income", "transaction_date": "2026-03-31"}
    )
    assert response.json()["transaction_date"].startswith("2026-03-31T12:00:00+03:00")


def test_filters(business, staff, make_api, book):
    customer = CustomerFactory(business=business, name="Mama Mboga")
    book("income", "500.00", "2026-03-01 10:00", "Counter Sales", customer=customer, description="Walk-in")
    book("expense", "200.00", "2026-03-02 10:00", "Transport", payment_method="cash", reference_number="R-77")
    book("expense", "9000.00", "2026-04-02 10:00", "Rent", payment_method="bank_transfer")
    api = make_api(staff, business)

    def ids(**params):
        return [r["amount"] for r in api.get(URL, params).json()["results"]]

    assert ids(transaction_type="expense") == ["9000.00", "200.00"]
    assert ids(category="transport") == ["200.00"]
    assert ids(payment_method="cash") == ["200.00"]
    assert ids(customer=customer.pk) == ["500.00"]
    assert ids(date_from="2026-03-01", date_to="2026-03-31") == ["200.00", "500.00"]
    assert ids(min_amount="300", max_amount="1000") == ["500.00"]
    assert ids(search="R-77") == ["200.00"]
    assert ids(search="walk") == ["500.00"]
    assert ids(ordering="amount") == ["200.00", "500.00", "9000.00"]
    assert api.get(URL, {"date_from": "not-a-date"}).status_code == 400
    assert api.get(URL, {"transaction_type": "gift"}).status_code == 400
    for bad in (
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"category": "a\x00b"},
        {"supplier": "9" * 25},
    ):
        for path in (URL, f"{URL}summary/", f"{URL}export/"):
            response = api.get(path, bad)
            assert response.status_code == 400 and set(response.json()["fields"]) == set(bad), (path, bad)
    for path in (f"{URL}analytics/", "/api/v1/finance/cash-flows/"):
        assert api.get(path, {"date_to": "9999-12-31"}).json()["fields"]["date_to"]


def test_list_pages_without_counting(business, staff, make_api, book):
    for n in range(5):
        book("income", f"{n + 1}.00", f"2026-03-0{n + 1} 10:00")
    api = make_api(staff, business)
    first = api.get(URL, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    last = api.get(URL, {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None and last["previous"]
    assert api.get(URL, {"page": "x"}).status_code == 404


def test_receipts(business, staff, make_api):
    api = make_api(staff, business)
    base = {"amount": "10.00", "transaction_type": "expense", "transaction_date": "2026-03-10"}
    ok = api.post(URL, {**base, "receipt": io.BytesIO(PNG)}, format="multipart")
    assert ok.status_code == 201, ok.content
    assert ok.json()["receipt"]
    fake = io.BytesIO(b"MZ\x90\x00 not an image")
    fake.name = "receipt.png"
    assert api.post(URL, {**base, "receipt": fake}, format="multipart").status_code == 400
    big = io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    big.name = "big.pdf"
    assert api.post(URL, {**base, "receipt": big}, format="multipart").status_code == 413


def test_invoice_payments_cannot_be_edited_directly(business, owner, make_api):
    from tests.finance.test_invoices import sent_invoice

    invoice = sent_invoice(business, owner, make_api)
    make_api(owner, business).post(
        f"/api/v1/finance/invoices/{invoice['id']}/mark_paid/", {"amount": "100.00"}
    )
    payment = Transaction.objects.get(invoice_id=invoice["id"])
    api = make_api(owner, business)
    assert api.patch(f"{URL}{payment.pk}/", {"amount": "1.00"}).status_code == 409
    assert api.delete(f"{URL}{payment.pk}/").status_code == 409
    assert api.patch(f"{URL}{payment.pk}/", {"description": "Cheque 0042"}).status_code == 200


def test_export_csv_and_xlsx_with_filters(business, staff, make_api, book):
    book("income", "500.00", "2026-03-01 10:00", "Counter Sales")
    book("expense", "200.00", "2026-03-02 10:00", "Transport", description='=HYPERLINK("x")')
    api = make_api(staff, business)
    response = api.get(f"{URL}export/", {"format": "csv", "transaction_type": "expense"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,transaction_date") and len(lines) == 2
    assert ",200.00," in lines[1] and "'=HYPERLINK" in lines[1]
    xlsx = api.get(f"{URL}export/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3
    assert api.get(f"{URL}export/", {"format": "pdf"}).status_code == 400


def test_fast_rows_match_the_serializer(business, staff, make_api, book, rf):
    from finance.api.serializers import TRANSACTION_ROW_FIELDS, TransactionSerializer, transaction_rows

    supplier = SupplierFactory(business=business)
    customer = CustomerFactory(business=business)
    book("expense", "12.50", "2026-03-01 10:00", supplier=supplier)
    book("income", "99999.99", "2026-03-02 23:59", "Sales", customer=customer, status="pending")
    api = make_api(staff, business)
    api.post(
        URL,
        {
            "amount": "10.00",
            "transaction_type": "expense",
            "transaction_date": "2026-03-10",
            "receipt": io.BytesIO(PNG),
        },
        format="multipart",
    )
    listed = api.get(URL).json()["results"]
    request = rf.get("/")
    queryset = Transaction.objects.filter(business=business).select_related("supplier", "customer")
    expected = TransactionSerializer(
        queryset.order_by("-transaction_date", "-id"), many=True, context={"request": request}
    ).data
    fast = transaction_rows(
        queryset.order_by("-transaction_date", "-id").values_list(*TRANSACTION_ROW_FIELDS), request
    )
    assert [dict(e) for e in expected] == fast
    # The list endpoint's rows (compiled-once SQL, core.sql) are the serializer's rows too.
    assert listed == [dict(e) for e in expected]


def test_absurd_page_numbers_and_sizes_are_4xx_or_clamped(business, staff, make_api, book):
    book("income", "5.00")
    api = make_api(staff, business)
    for page in ["9" * 30, str(2**63), "1000000001", "x"]:
        assert api.get(URL, {"page": page}).status_code == 404, page
    for page in ["-5", "0"]:  # read as the first page
        assert len(api.get(URL, {"page": page}).json()["results"]) == 1
    assert api.get(URL, {"page": "1000000000"}).json()["results"] == []
    for size in ["9" * 30, "-1", "0", "abc"]:
        response = api.get(URL, {"page_size": size})
        assert response.status_code == 200 and len(response.json()["results"]) == 1, size
