"""Idempotency-Key on signed-in POSTs: replays, conflicts, scopes, expiry, races and what isn't kept."""

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from drf_spectacular.generators import SchemaGenerator

from core.models import ActivityLog, IdempotencyKey
from core.permissions import Role
from finance.models import Budget, Invoice, MpesaStkRequest, Supplier, Transaction
from kavi.models import Conversation
from tests.factories import BusinessFactory, CustomerFactory, MembershipFactory, UserFactory
from tests.finance import test_mpesa
from users.models import Customer

pytestmark = pytest.mark.django_db
TXNS = "/api/v1/finance/transactions/"
INVOICES = "/api/v1/finance/invoices/"
NOW = dt.datetime(2026, 3, 15, 9, 0, tzinfo=dt.UTC)
daraja = test_mpesa.daraja  # the fixture: a local fake Daraja that the real client talks to


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=True):
        yield


def txn_body(amount: str = "2500.50") -> dict:
    return {
        "amount": amount,
        "transaction_type": "expense",
        "category": "Transport",
        "transaction_date": "2026-03-10T09:30:00+03:00",
        "payment_method": "mpesa",
    }


def post(api, url, body, key, **extra):
    return api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def invoice_body(business) -> dict:
    return {
        "customer": CustomerFactory(business=business).pk,
        "issue_date": "2026-03-01",
        "due_date": "2099-03-31",
        "items": [{"description": "Cement 50kg", "quantity": "2", "unit_price": "50.00", "tax_rate": "0"}],
    }


def test_a_repeat_returns_the_first_response_and_creates_nothing(business, staff, make_api):
    api = make_api(staff, business)
    first = post(api, TXNS, txn_body(), "txn-0001")
    assert first.status_code == 201, first.content
    assert not first.has_header("Idempotent-Replayed")
    logs = ActivityLog.objects.count()

    again = post(api, TXNS, txn_body(), "txn-0001")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert again.json() == first.json()
    assert Transaction.objects.filter(business=business).count() == 1
    assert ActivityLog.objects.count() == logs  # a replay writes no audit row
    row = IdempotencyKey.objects.get()
    assert (row.user_id, row.business_id, row.status) == (staff.pk, business.pk, "completed")


def test_without_the_header_every_post_creates(business, staff, make_api):
    api = make_api(staff, business)
    assert api.post(TXNS, txn_body(), format="json").status_code == 201
    assert api.post(TXNS, txn_body(), format="json").status_code == 201
    assert Transaction.objects.filter(business=business).count() == 2
    assert not IdempotencyKey.objects.exists()


def test_the_same_key_with_another_body_or_route_is_a_conflict(business, staff, make_api):
    api = make_api(staff, business)
    assert post(api, TXNS, txn_body("100.00"), "k1").status_code == 201
    other_body = post(api, TXNS, txn_body("200.00"), "k1")
    assert other_body.status_code == 409
    assert other_body.json()["code"] == "idempotency_conflict"
    other_route = post(api, "/api/v1/finance/suppliers/", {"name": "Haraka"}, "k1")
    assert other_route.status_code == 409 and other_route.json()["code"] == "idempotency_conflict"
    assert Transaction.objects.filter(business=business).count() == 1
    assert not Supplier.objects.exists()


def test_keys_are_per_user_and_per_business(business, staff, make_api):
    colleague = MembershipFactory(business=business, role=Role.STAFF).user
    second = BusinessFactory()
    MembershipFactory(business=second, user=staff, role=Role.STAFF)
    assert post(make_api(staff, business), TXNS, txn_body(), "shared").status_code == 201
    assert post(make_api(colleague, business), TXNS, txn_body(), "shared").status_code == 201
    other = post(make_api(staff, second), TXNS, txn_body(), "shared")
    assert other.status_code == 201 and not other.has_header("Idempotent-Replayed")
    assert Transaction.objects.filter(business=business).count() == 2
    assert Transaction.objects.filter(business=second).count() == 1
    assert IdempotencyKey.objects.count() == 3


def test_a_key_expires_after_24_hours(business, staff, make_api):
    # A fresh token for each request: an access token lives shorter than a key.
    with time_machine.travel(NOW, tick=False) as clock:
        assert post(make_api(staff, business), TXNS, txn_body(), "daily").status_code == 201
        clock.shift(dt.timedelta(hours=23, minutes=59))
        assert post(make_api(staff, business), TXNS, txn_body(), "daily")["Idempotent-Replayed"] == "true"
        clock.shift(dt.timedelta(minutes=2))
        fresh = post(make_api(staff, business), TXNS, txn_body(), "daily")
        assert fresh.status_code == 201 and not fresh.has_header("Idempotent-Replayed")
    assert Transaction.objects.filter(business=business).count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_the_purge_command_deletes_only_expired_keys(business, staff, make_api):
    api = make_api(staff, business)
    with time_machine.travel(NOW, tick=False) as clock:
        assert post(api, TXNS, txn_body("1.00"), "old").status_code == 201
        clock.shift(dt.timedelta(hours=20))
        api = make_api(staff, business)
        assert post(api, TXNS, txn_body("2.00"), "new").status_code == 201
        clock.shift(dt.timedelta(hours=5))
        out = io.StringIO()
        call_command("purge_idempotency_keys", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_an_error_response_is_not_kept_so_a_corrected_retry_works(business, staff, make_api):
    api = make_api(staff, business)
    bad = post(api, TXNS, {**txn_body(), "amount": "-5"}, "fix-me")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    fixed = post(api, TXNS, txn_body(), "fix-me")
    assert fixed.status_code == 201 and not fixed.has_header("Idempotent-Replayed")
    assert post(api, TXNS, txn_body(), "fix-me")["Idempotent-Replayed"] == "true"
    assert Transaction.objects.filter(business=business).count() == 1


def test_a_refused_role_is_not_kept(business, viewer, staff, make_api):
    assert post(make_api(viewer, business), TXNS, txn_body(), "role").status_code == 403
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    "key",
    ["k" * 65, "bad\x01key", "tab\there", "", "ünïcode"],
    ids=["too-long", "control", "tab", "empty", "non-ascii"],
)
def test_a_malformed_key_is_400_and_creates_nothing(business, staff, make_api, key):
    response = make_api(staff, business).post(
        TXNS, txn_body(), format="json", HTTP_IDEMPOTENCY_KEY=key.encode("utf-8").decode("latin-1")
    )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Transaction.objects.exists() and not IdempotencyKey.objects.exists()


def test_a_64_character_key_is_accepted(business, staff, make_api):
    api = make_api(staff, business)
    key = "0123456789abcdef" * 4
    assert post(api, TXNS, txn_body(), key).status_code == 201
    assert post(api, TXNS, txn_body(), key)["Idempotent-Replayed"] == "true"


def test_anonymous_routes_are_neither_kept_nor_replayed(db, make_api):
    anonymous = make_api()
    body = {"email": "new@duka.co.ke", "password": "A-long-passw0rd!", "first_name": "A", "last_name": "B"}
    assert post(anonymous, "/api/v1/users/register/", body, "reg").status_code == 201
    second = post(anonymous, "/api/v1/users/register/", body, "reg")  # really run: the e-mail is taken
    assert second.status_code == 409 and not second.has_header("Idempotent-Replayed")
    assert second.json()["code"] == "email_taken"
    user = UserFactory(email="signed@duka.co.ke")
    user.set_password("A-long-passw0rd!")
    user.save()
    signed_in = make_api(user)
    for _ in range(2):
        token = post(
            signed_in, "/api/v1/auth/token/", {"email": user.email, "password": "A-long-passw0rd!"}, "tok"
        )
        assert token.status_code == 200 and not token.has_header("Idempotent-Replayed")
    assert not IdempotencyKey.objects.exists()  # tokens are never stored


def test_concurrent_duplicates_create_exactly_one_row(transactional_db, make_api):
    business = BusinessFactory()
    staff = MembershipFactory(business=business, role=Role.STAFF).user
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def send() -> None:
        try:
            api = make_api(staff, business)
            barrier.wait()
            response = post(api, TXNS, txn_body(), "race-1")
            statuses.append(response.status_code)
            if response.status_code == 409:
                assert response.json()["code"] == "idempotency_in_progress"
                assert response["Retry-After"] == "1"
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 6 and set(statuses) <= {201, 409} and 201 in statuses
    assert Transaction.objects.filter(business=business).count() == 1
    assert IdempotencyKey.objects.count() == 1
    # Once the first finished, every late retry is a replay of it.
    assert post(make_api(staff, business), TXNS, txn_body(), "race-1")["Idempotent-Replayed"] == "true"


def _twice(api, url, body, key="key-1", fmt="json"):
    first = api.post(url, body, format=fmt, HTTP_IDEMPOTENCY_KEY=key)
    assert 200 <= first.status_code < 300, first.content
    second = api.post(url, body, format=fmt, HTTP_IDEMPOTENCY_KEY=key)
    assert second.status_code == first.status_code
    assert second["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    return first


def test_invoices_are_created_once(business, staff, make_api):
    _twice(make_api(staff, business), INVOICES, invoice_body(business))
    assert Invoice.objects.filter(business=business).count() == 1


def test_a_payment_is_recorded_once(business, staff, make_api):
    api = make_api(staff, business)
    invoice = api.post(INVOICES, invoice_body(business), format="json").json()
    assert api.post(f"{INVOICES}{invoice['id']}/send/").status_code == 200
    paid = _twice(
        api, f"{INVOICES}{invoice['id']}/mark_paid/", {"amount": "40.00", "paid_date": "2026-03-10"}
    )
    assert paid.json()["amount_paid"] == "40.00"
    assert Invoice.objects.get(pk=invoice["id"]).amount_paid == Decimal("40.00")
    assert Transaction.objects.filter(business=business, invoice_id=invoice["id"]).count() == 1
    # A second, different payment needs its own key.
    other = api.post(
        f"{INVOICES}{invoice['id']}/mark_paid/",
        {"amount": "10.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="key-2",
    )
    assert other.status_code == 200 and other.json()["amount_paid"] == "50.00"


def test_an_stk_push_reaches_daraja_once(business, staff, make_api, daraja):
    test_mpesa.configure(business)
    invoice = test_mpesa.sent_invoice(business, invoice_number="INV-2026-0001")
    api = make_api(staff, business)
    body = {"phone": "0712345678", "amount": "1500", "invoice": invoice.pk}
    pushed = _twice(api, "/api/v1/finance/mpesa/stk-push/", body, key="stk-1")
    assert pushed.status_code == 201
    assert len(daraja.stk_bodies()) == 1
    assert MpesaStkRequest.objects.filter(business=business).count() == 1


def test_customers_suppliers_and_budgets_are_created_once(business, admin_user, make_api):
    api = make_api(admin_user, business)
    _twice(api, "/api/v1/users/customers/", {"name": "Mama Mboga"}, key="c")
    _twice(api, "/api/v1/finance/suppliers/", {"name": "Haraka"}, key="s")
    budget = {
        "category": "Transport",
        "amount": "5000.00",
        "period": "monthly",
        "start_date": "2026-03-01",
        "end_date": "2026-03-31",
    }
    _twice(api, "/api/v1/finance/budgets/", budget, key="b")
    assert Customer.objects.filter(business=business).count() == 1
    assert Supplier.objects.filter(business=business).count() == 1
    assert Budget.objects.filter(business=business).count() == 1


def test_a_kavi_conversation_is_started_once(business, owner, make_api):
    _twice(make_api(owner, business), "/api/v1/kavi/chat/", {"message": "What is our balance?"})
    assert Conversation.objects.filter(business=business).count() == 1


def test_a_business_outside_any_tenancy_is_created_once(db, make_api):
    user = UserFactory()
    _twice(make_api(user), "/api/v1/users/businesses/", {"legal_name": "Duka Bora Ltd"})
    row = IdempotencyKey.objects.get()
    assert row.business_id is None
    assert user.memberships.count() == 1


CSV = (
    "transaction_date,transaction_type,category,amount,currency,description,payment_method,"
    "reference_number,customer,supplier\n"
    "2026-03-01T09:15:00+03:00,income,Counter Sales,1520.30,KES,Walk-in sale,cash,DB1,,\n"
)


def _multipart(boundary: str, content: bytes) -> bytes:
    return (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="format"\r\n\r\ngeneric\r\n'
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="statement.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def test_an_import_retried_with_a_new_multipart_boundary_is_a_replay(business, staff, make_api):
    api = make_api(staff, business)
    url = "/api/v1/finance/transactions/import/"

    def upload(boundary: str, content: bytes):
        return api.generic(
            "POST",
            url,
            _multipart(boundary, content),
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="import-1",
        )

    first = upload("----browserAAA", CSV.encode())
    assert first.status_code == 201, first.content
    again = upload("----browserBBB", CSV.encode())
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    other_file = upload("----browserCCC", CSV.replace("1520.30", "1520.31").encode())
    assert other_file.status_code == 409 and other_file.json()["code"] == "idempotency_conflict"
    assert Transaction.objects.filter(business=business).count() == 1


def test_the_schema_documents_the_header_on_signed_in_posts(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    post_op = schema["paths"]["/api/v1/finance/transactions/"]["post"]
    names = {p["name"] for p in post_op.get("parameters", []) if p["in"] == "header"}
    assert "Idempotency-Key" in names
    assert "409" in post_op["responses"]
    token_op = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "Idempotency-Key" not in {p["name"] for p in token_op.get("parameters", [])}
    get_op = schema["paths"]["/api/v1/finance/transactions/"]["get"]
    assert "Idempotency-Key" not in {p["name"] for p in get_op.get("parameters", [])}


def test_a_key_whose_request_is_still_running_is_409_in_progress(business, staff, make_api):
    api = make_api(staff, business)
    first = post(api, TXNS, txn_body(), "busy")
    IdempotencyKey.objects.filter(key="busy").update(status="in_progress", response_body=b"")
    # (as if the first request were still running)
    busy = post(api, TXNS, txn_body(), "busy")
    assert first.status_code == 201
    assert busy.status_code == 409 and busy.json()["code"] == "idempotency_in_progress"
    assert busy["Retry-After"] == "1"
    assert Transaction.objects.filter(business=business).count() == 1


def test_a_claim_abandoned_by_a_dead_worker_is_taken_over(business, staff, make_api):
    api = make_api(staff, business)
    IdempotencyKey.objects.create(
        user=staff,
        business=business,
        key="orphan",
        method="POST",
        path=TXNS,
        request_hash="0" * 64,
        created_at=NOW - dt.timedelta(minutes=3),
    )
    taken = post(api, TXNS, txn_body(), "orphan")
    assert taken.status_code == 201 and not taken.has_header("Idempotent-Replayed")
    assert IdempotencyKey.objects.get(key="orphan").status == "completed"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/finance/invoices/%00/mark_paid/", 404),
        ("/api/v1/finance/invoices/%C3%A9%ED%A0%80/mark_paid/", 404),
        ("/api/v1/finance/transactions/?q=%00%FF", 201),  # a create ignores the query string
    ],
)
def test_hostile_paths_with_a_key_never_answer_500(business, staff, make_api, path, status):
    response = post(make_api(staff, business), path, txn_body(), "hostile")
    assert response.status_code == status, response.content[:300]
    if status == 404:
        assert response.json()["code"] == "not_found"
