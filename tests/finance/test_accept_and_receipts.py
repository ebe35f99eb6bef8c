"""The web app's everyday actions: the invoice PDF and KAVI's speech whatever Accept the browser
sends (never 406), a receipt opened through the API by its business only, a budget without an end date."""

import io

import pytest

from core.models import ActivityLog
from core.permissions import Role
from finance.models import Budget, Transaction
from tests.factories import BusinessFactory, MembershipFactory
from tests.factories.finance import InvoiceFactory

pytestmark = pytest.mark.django_db
TX = "/api/v1/finance/transactions/"
BUDGETS = "/api/v1/finance/budgets/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PDF = b"%PDF-1.4\n%receipt\n"
# What fetch, a browser tab, the web app's PDF button and a strict client send.
ACCEPTS = [
    "application/pdf",
    "application/pdf, application/json;q=0.5",
    "*/*",
    "text/html,*/*;q=0.8",
    "image/png",
    "",
]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_invoice_pdf_answers_whatever_accept_is_sent(business, viewer, make_api, accept):
    invoice = InvoiceFactory(business=business)
    response = make_api(viewer, business).get(
        f"/api/v1/finance/invoices/{invoice.pk}/pdf/", HTTP_ACCEPT=accept
    )
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_unsatisfiable_accept_gets_json_errors_and_data_not_406(business, viewer, make_api):
    api = make_api(viewer, business)
    missing = api.get("/api/v1/finance/invoices/999999/pdf/", HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json")
    assert missing.json()["code"] == "not_found"
    listed = api.get(TX, HTTP_ACCEPT="audio/mpeg")
    assert listed.status_code == 200 and listed["Content-Type"].startswith("application/json")
    assert "results" in listed.json()


@pytest.mark.parametrize("accept", ["audio/mpeg", "audio/mpeg, application/json;q=0.5", "*/*"])
def test_tts_without_a_provider_is_503_tts_unavailable_in_json(business, staff, make_api, settings, accept):
    settings.ELEVENLABS_API_KEY = None
    response = make_api(staff, business).post(
        "/api/v1/kavi/tts/", {"text": "Habari", "language": "sw"}, format="json", HTTP_ACCEPT=accept
    )
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "tts_unavailable"


def _with_receipt(api, content, name):
    upload = io.BytesIO(content)
    upload.name = name
    created = api.post(
        TX,
        {
            "amount": "450.00",
            "transaction_type": "expense",
            "transaction_date": "2026-03-10",
            "receipt": upload,
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    return created.json()


@pytest.mark.parametrize(
    ("content", "name", "kind"), [(PNG, "r.png", "image/png"), (PDF, "r.pdf", "application/pdf")]
)
def test_a_receipt_opens_through_the_api_with_its_content_type(
    business, staff, viewer, make_api, content, name, kind
):
    tx = _with_receipt(make_api(staff, business), content, name)
    assert tx["receipt_url"] == f"http://testserver/api/v1/finance/transactions/{tx['id']}/receipt/"
    listed = make_api(viewer, business).get(TX).json()["results"][0]
    assert listed["receipt_url"] == tx["receipt_url"]
    for accept in ["image/*, application/pdf, application/json;q=0.5", "*/*"]:
        opened = make_api(viewer, business).get(f"{TX}{tx['id']}/receipt/", HTTP_ACCEPT=accept)
        assert opened.status_code == 200
        assert opened["Content-Type"] == kind
        assert opened["Content-Disposition"].startswith("inline;")
        assert "no-store" in opened["Cache-Control"]
        assert b"".join(opened.streaming_content) == content


def test_a_receipt_is_for_its_business_only(business, staff, make_api):
    tx = _with_receipt(make_api(staff, business), PNG, "r.png")
    other = BusinessFactory()
    outsider = MembershipFactory(business=other, role=Role.OWNER).user
    assert make_api(outsider, other).get(f"{TX}{tx['id']}/receipt/").status_code == 404
    # Naming the business without being a member of it: 403, and nothing of the file.
    refused = make_api(outsider, business).get(f"{TX}{tx['id']}/receipt/")
    assert refused.status_code == 403 and PNG not in refused.content
    assert make_api().get(f"{TX}{tx['id']}/receipt/").status_code == 401
    # The storage path itself is not served.
    assert make_api().get(tx["receipt"]).status_code in (404, 401)


def test_a_transaction_without_a_receipt_has_none_to_open(business, staff, make_api):
    api = make_api(staff, business)
    tx = api.post(
        TX,
        {"amount": "10.00", "transaction_type": "expense", "transaction_date": "2026-03-10"},
        format="json",
    ).json()
    assert tx["receipt_url"] is None
    missing = api.get(f"{TX}{tx['id']}/receipt/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("monthly", "2026-03-01", "2026-03-31"),
        ("quarterly", "2026-04-01", "2026-06-30"),
        ("yearly", "2026-01-01", "2026-12-31"),
    ],
)
def test_a_budget_saves_with_only_category_amount_period_and_start(
    business, admin_user, make_api, period, start, end
):
    api = make_api(admin_user, business)
    body = {"category": "Stock", "amount": "50000.00", "period": period, "start_date": start}
    created = api.post(BUDGETS, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["end_date"] == end
    assert Budget.objects.get(pk=created.json()["id"]).end_date.isoformat() == end
    assert ActivityLog.objects.filter(
        action__icontains="create", object_id=str(created.json()["id"])
    ).exists()
    # An explicit null means the same.
    again = api.post(BUDGETS, {**body, "category": "Rent", "end_date": None}, format="json")
    assert again.status_code == 201 and again.json()["end_date"] == end


def test_a_budget_end_date_given_is_kept_and_null_on_edit_recomputes(business, admin_user, make_api):
    api = make_api(admin_user, business)
    created = api.post(
        BUDGETS,
        {
            "category": "Stock",
            "amount": "100.00",
            "period": "monthly",
            "start_date": "2026-03-01",
            "end_date": "2026-03-15",
        },
        format="json",
    ).json()
    assert created["end_date"] == "2026-03-15"
    url = f"{BUDGETS}{created['id']}/"
    assert api.patch(url, {"amount": "200.00"}, format="json").json()["end_date"] == "2026-03-15"
    assert (
        api.patch(url, {"end_date": None, "period": "quarterly"}, format="json").json()["end_date"]
        == "2026-05-31"
    )
    before = api.post(
        BUDGETS,
        {
            "category": "Rent",
            "amount": "1.00",
            "period": "monthly",
            "start_date": "2026-03-10",
            "end_date": "2026-03-01",
        },
        format="json",
    )
    assert before.status_code == 400
    assert api.post(BUDGETS, {"category": "Rent", "amount": "1.00"}, format="json").json()["fields"][
        "start_date"
    ]


def test_a_receipt_gone_from_storage_is_404_not_500(business, staff, make_api):
    api = make_api(staff, business)
    tx = _with_receipt(api, PNG, "r.png")
    stored = Transaction.objects.get(pk=tx["id"]).receipt
    assert stored.name
    stored.storage.delete(stored.name)
    missing = api.get(f"{TX}{tx['id']}/receipt/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
