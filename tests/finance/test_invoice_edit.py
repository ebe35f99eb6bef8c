"""Working with an invoice after it is written: editing (drafts fully, sent ones in part), duplicating,
and the payments booked against it."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from core.exceptions import ConflictError
from core.models import ActivityLog
from finance import services
from finance.models import Invoice, InvoiceItem, StkStatus
from finance.mpesa.callbacks import mpesa_c2b_confirm
from tests.factories import BusinessFactory, CustomerFactory, MembershipFactory
from tests.factories.finance import MpesaSettingsFactory, MpesaStkRequestFactory

# Mid-March 2026 in Nairobi: the invoices below (due 31 March) are open, not overdue.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 3, 15, 6, 0, tzinfo=dt.UTC), tick=False),
]
URL = "/api/v1/finance/invoices/"
LINE = {"description": "Cement 50kg", "quantity": "10", "unit_price": "750.00", "tax_rate": "16"}


def draft(api, customer, **extra):
    body = {
        "customer": customer.pk,
        "issue_date": "2026-03-01",
        "due_date": "2026-03-31",
        "items": [LINE],
        **extra,
    }
    response = api.post(URL, body)
    assert response.status_code == 201, response.content
    return response.json()


def sent(api, customer, **extra):
    invoice = draft(api, customer, **extra)
    response = api.post(f"{URL}{invoice['id']}/send/")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def customer(business):
    return CustomerFactory(business=business)


def test_a_draft_changes_fully_and_its_total_follows(business, staff, make_api, customer):
    api = make_api(staff, business)
    invoice = draft(api, customer)  # 10 x 750 + 16% = 8700.00
    other = CustomerFactory(business=business)
    response = api.patch(
        f"{URL}{invoice['id']}/",
        {
            "customer": other.pk,
            "issue_date": "2026-04-01",
            "due_date": "2026-04-15",
            "notes": "Deliver to the site",
            "items": [
                {**LINE, "quantity": "4"},
                {"description": "Transport", "quantity": "1", "unit_price": "500.00"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    # 4 x 750 = 3000.00 (tax 480.00) + 500.00
    assert (body["subtotal"], body["tax_amount"], body["total_amount"]) == ("3500.00", "480.00", "3980.00")
    assert body["customer"] == other.pk and body["issue_date"] == "2026-04-01"
    assert [i["description"] for i in body["items"]] == ["Cement 50kg", "Transport"]
    assert InvoiceItem.objects.filter(invoice_id=invoice["id"]).count() == 2
    assert Invoice.objects.get(pk=invoice["id"]).total_amount == Decimal("3980.00")
    log = ActivityLog.objects.get(object_type="finance.invoice", action="update")
    assert log.before is not None and log.after is not None
    assert log.before["items"][0]["quantity"] == "10.000" and log.after["items"][0]["quantity"] == "4.000"


def test_a_draft_edit_keeps_the_money_range(business, staff, make_api, customer):
    api = make_api(staff, business)
    invoice = draft(api, customer)
    # Each line fits numeric(15,2); their sum doesn't.
    huge = {"description": "x", "quantity": "1", "unit_price": "9999999999999.99"}
    response = api.patch(f"{URL}{invoice['id']}/", {"items": [huge, huge]})
    assert response.status_code == 400 and response.json()["code"] == "out_of_range", response.content
    assert api.patch(f"{URL}{invoice['id']}/", {"items": []}).status_code == 400
    assert Invoice.objects.get(pk=invoice["id"]).total_amount == Decimal("8700.00")


def test_a_sent_invoice_changes_items_due_date_and_notes_only_audited(business, staff, make_api, customer):
    api = make_api(staff, business)
    invoice = sent(api, customer)
    response = api.patch(
        f"{URL}{invoice['id']}/",
        {"items": [{**LINE, "quantity": "12"}], "due_date": "2026-04-30", "notes": "Two more bags"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total_amount"] == "10440.00" and body["status"] == "sent"
    assert body["due_date"] == "2026-04-30" and body["notes"] == "Two more bags"
    log = ActivityLog.objects.get(object_type="finance.invoice", action="invoice.amend")
    assert log.before is not None and log.after is not None
    assert log.before["total_amount"] == "8700.00" and log.after["total_amount"] == "10440.00"
    assert log.actor_id == staff.pk

    # Who, when and the number are locked once sent; sending the same values back is fine.
    for field, value in (
        ("customer", CustomerFactory(business=business).pk),
        ("issue_date", "2026-02-01"),
        ("currency", "USD"),
        ("invoice_number", "INV-9"),
    ):
        locked = api.patch(f"{URL}{invoice['id']}/", {field: value})
        assert locked.status_code == 409 and locked.json()["code"] == "invoice_locked", field
        assert field in locked.json()["fields"]
    same = api.patch(f"{URL}{invoice['id']}/", {"customer": customer.pk, "notes": "ok", "invoice_number": ""})
    assert same.status_code == 200, same.content


def test_a_partly_paid_invoice_may_not_drop_below_what_was_paid(business, staff, make_api, customer):
    api = make_api(staff, business)
    invoice = sent(api, customer)
    paid = api.post(f"{URL}{invoice['id']}/mark_paid/", {"amount": "3480.00", "paid_date": "2026-03-10"})
    assert paid.json()["status"] == "partially_paid"
    below = api.patch(f"{URL}{invoice['id']}/", {"items": [{**LINE, "quantity": "3"}]})  # 2610.00
    assert below.status_code == 409 and below.json()["code"] == "invoice_total_below_paid"
    assert Invoice.objects.get(pk=invoice["id"]).total_amount == Decimal("8700.00")
    assert InvoiceItem.objects.get(invoice_id=invoice["id"]).quantity == Decimal("10")

    more = api.patch(f"{URL}{invoice['id']}/", {"items": [{**LINE, "quantity": "5"}]})  # 4350.00
    assert more.status_code == 200 and more.json()["balance_due"] == "870.00"
    assert more.json()["status"] == "partially_paid"
    # Down to exactly what was paid: the invoice is settled, on the day of its last payment.
    exact = api.patch(f"{URL}{invoice['id']}/", {"items": [{**LINE, "quantity": "4"}]})  # 3480.00
    assert exact.status_code == 200 and exact.json()["status"] == "paid"
    assert exact.json()["paid_date"] == "2026-03-10" and exact.json()["balance_due"] == "0.00"


def test_paid_and_cancelled_invoices_are_closed(business, staff, make_api, customer):
    api = make_api(staff, business)
    paid = sent(api, customer)
    api.post(f"{URL}{paid['id']}/mark_paid/", {"paid_date": "2026-03-10"})
    cancelled = sent(api, customer)
    api.post(f"{URL}{cancelled['id']}/cancel/")
    for invoice, code in ((paid, "invoice_paid"), (cancelled, "invoice_cancelled")):
        for body in ({"notes": "late note"}, {"items": [LINE]}, {"due_date": "2026-05-01"}):
            response = api.patch(f"{URL}{invoice['id']}/", body)
            assert response.status_code == 409 and response.json()["code"] == code, (code, body)
    assert not ActivityLog.objects.filter(action__in=["update", "invoice.amend"]).exists()


def test_the_edit_rereads_the_invoice_under_its_lock(business, staff, customer, make_api):
    """The service reads the invoice under a row lock: a payment booked between the view's read and
    the edit is seen, so the total check uses the amount paid by then."""
    api = make_api(staff, business)
    invoice = sent(api, customer)
    stale = Invoice.objects.get(pk=invoice["id"])  # what the view read
    services.invoice_mark_paid(instance=stale, actor=staff, amount=Decimal("5000.00"))
    with pytest.raises(ConflictError) as caught:
        # 870.00 is less than the 5000.00 paid meanwhile.
        services.invoice_update(instance=stale, actor=staff, data={"items": [{**LINE, "quantity": "1"}]})
    assert caught.value.code == "invoice_total_below_paid"


@pytest.mark.time_machine(dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC), tick=False)  # 1 July in Nairobi
def test_duplicate_makes_a_new_draft_issued_today(business, staff, make_api, customer):
    api = make_api(staff, business)
    original = sent(api, customer, notes="Thanks", items=[LINE, {**LINE, "description": "Sand"}])
    response = api.post(f"{URL}{original['id']}/duplicate/")
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["id"] != original["id"] and copy["status"] == "draft"
    assert copy["invoice_number"] == "INV-2026-0002" and copy["customer"] == customer.pk
    assert (copy["issue_date"], copy["due_date"]) == ("2026-07-01", "2026-07-31")  # a 30-day term
    assert [i["description"] for i in copy["items"]] == ["Cement 50kg", "Sand"]
    assert copy["total_amount"] == original["total_amount"] and copy["amount_paid"] == "0.00"
    assert copy["notes"] == "Thanks" and copy["sent_at"] is None
    log = ActivityLog.objects.get(object_type="finance.invoice", object_id=str(copy["id"]))
    assert log.action == "create" and log.after is not None
    assert log.after["duplicated_from"] == original["invoice_number"]
    # A retried request with the same Idempotency-Key makes no second copy.
    first = api.post(f"{URL}{original['id']}/duplicate/", HTTP_IDEMPOTENCY_KEY="dup-1")
    again = api.post(f"{URL}{original['id']}/duplicate/", HTTP_IDEMPOTENCY_KEY="dup-1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Invoice.objects.filter(business=business).count() == 3


def test_payments_list_with_mpesa_receipts(
    business, staff, viewer, make_api, customer, django_assert_max_num_queries
):
    api = make_api(staff, business)
    invoice = sent(api, customer, invoice_number="INV-2026-0042")
    api.post(
        f"{URL}{invoice['id']}/mark_paid/",
        {
            "amount": "1000.00",
            "paid_date": "2026-03-05",
            "payment_method": "cash",
            "reference": "Till slip 7",
        },
    )
    mpesa_c2b_confirm(
        mpesa_settings=MpesaSettingsFactory.create(business=business),
        payload={
            "TransID": "SGR7K2LQ8W",
            "TransTime": "20260310143000",
            "TransAmount": "2000.00",
            "BillRefNumber": "INV-2026-0042",
            "MSISDN": "254712345678",
        },
    )
    stk_paid = services.invoice_mark_paid(
        instance=Invoice.objects.get(pk=invoice["id"]),
        actor=None,
        amount=Decimal("500.00"),
        paid_on=dt.date(2026, 3, 12),
        payment_method="mpesa",
        reference="SGR7K2LQ9X",
    )
    MpesaStkRequestFactory(
        business=business, status=StkStatus.SUCCESS, mpesa_receipt="SGR7K2LQ9X", transaction=stk_paid
    )

    with django_assert_max_num_queries(12):
        response = make_api(viewer, business).get(f"{URL}{invoice['id']}/payments/")
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [(r["date"], r["amount"], r["method"], r["mpesa_receipt"]) for r in rows] == [
        ("2026-03-05", "1000.00", "cash", ""),
        ("2026-03-10", "2000.00", "mpesa", "SGR7K2LQ8W"),
        ("2026-03-12", "500.00", "mpesa", "SGR7K2LQ9X"),
    ]
    assert rows[0]["reference"] == "Till slip 7" and rows[0]["transaction"] == rows[0]["id"]
    assert rows[2]["transaction"] == stk_paid.pk
    assert set(rows[0]) == {"id", "date", "amount", "method", "reference", "mpesa_receipt", "transaction"}

    empty = draft(api, customer)
    assert api.get(f"{URL}{empty['id']}/payments/").json() == []


def test_roles_and_other_businesses(business, staff, viewer, make_api, customer):
    invoice = sent(make_api(staff, business), customer)
    reader = make_api(viewer, business)
    assert reader.get(f"{URL}{invoice['id']}/payments/").status_code == 200
    assert reader.patch(f"{URL}{invoice['id']}/", {"notes": "x"}).status_code == 403
    assert reader.post(f"{URL}{invoice['id']}/duplicate/").status_code == 403

    elsewhere = BusinessFactory()
    stranger = make_api(MembershipFactory(business=elsewhere, role="owner").user, elsewhere)
    assert stranger.get(f"{URL}{invoice['id']}/payments/").status_code == 404
    assert stranger.patch(f"{URL}{invoice['id']}/", {"notes": "x"}).status_code == 404
    assert stranger.post(f"{URL}{invoice['id']}/duplicate/").status_code == 404
    assert Invoice.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_payment_holding_the_invoice_lock_makes_the_edit_wait(business, staff, customer, make_api):
    """A payment and an edit at once: the edit waits for the payment's row lock, then sees what was
    paid, so the total can't be cut below it in the gap."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves concurrent connections")
    invoice = sent(make_api(staff, business), customer)  # 8700.00
    locked, release, outcome = threading.Event(), threading.Event(), {}

    def pay() -> None:
        try:
            with transaction.atomic():
                held = Invoice.objects.select_for_update().get(pk=invoice["id"])
                locked.set()
                release.wait(5)
                services.invoice_mark_paid(instance=held, actor=staff, amount=Decimal("5000.00"))
        finally:
            connection.close()

    def edit() -> None:
        try:
            stale = Invoice.objects.get(pk=invoice["id"])  # read before the payment lands
            services.invoice_update(instance=stale, actor=staff, data={"items": [{**LINE, "quantity": "1"}]})
            outcome["result"] = "saved"
        except ConflictError as exc:
            outcome["result"] = exc.code
        finally:
            connection.close()

    payer = threading.Thread(target=pay)
    payer.start()
    assert locked.wait(5)
    editor = threading.Thread(target=edit)
    editor.start()
    editor.join(0.5)
    assert editor.is_alive(), "the edit waits for the payment's lock"
    release.set()
    payer.join(5)
    editor.join(5)
    assert outcome == {"result": "invoice_total_below_paid"}
    stored = Invoice.objects.get(pk=invoice["id"])
    assert (stored.total_amount, stored.amount_paid) == (Decimal("8700.00"), Decimal("5000.00"))
