"""Amounts the server computes fit their columns: an invoice whose every input is valid but whose
totals pass numeric(15, 2) is a 400 naming the total, at creation and after an item edit."""

import pytest

from finance.models import Invoice, InvoiceItem
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/finance/invoices/"
MAX_PRICE = "9999999999999.99"


def _body(customer, items):
    return {"customer": customer.pk, "issue_date": "2026-03-01", "due_date": "2026-03-31", "items": items}


def _line(quantity="1", unit_price=MAX_PRICE, tax_rate="0"):
    return {"description": "Steel", "quantity": quantity, "unit_price": unit_price, "tax_rate": tax_rate}


@pytest.mark.parametrize(
    ("items", "fields"),
    [
        ([_line(), _line()], {"subtotal", "total_amount"}),  # each line fits, their sum doesn't
        ([_line(tax_rate="16")], None),  # the line's tax doesn't fit with it
        ([_line(quantity="999999999.999")], None),  # quantity x price is 27 digits
        ([_line(unit_price="5000000000000.00", tax_rate="100")], {"total_amount"}),
        ([_line(unit_price="1.00")] * 499 + [_line()], {"subtotal", "total_amount"}),
    ],
    ids=["sum", "tax", "product", "total-with-tax", "many-lines"],
)
def test_a_total_that_cannot_be_stored_is_a_400(business, staff, make_api, items, fields):
    customer = CustomerFactory(business=business)
    api = make_api(staff, business)
    api.raise_request_exception = False
    response = api.post(URL, _body(customer, items), format="json")
    assert response.status_code == 400, response.content[:300]
    named = set(response.json().get("fields", {}))
    assert named & {"subtotal", "tax_amount", "total_amount", "line_total"}, response.json()
    if fields:
        assert fields <= named, response.json()
    assert not Invoice.objects.exists() and not InvoiceItem.objects.exists()


def test_an_item_edit_that_overflows_the_invoice_is_a_400(business, staff, make_api):
    customer = CustomerFactory(business=business)
    api = make_api(staff, business)
    api.raise_request_exception = False
    half = _line(unit_price="5000000000000.00")
    created = api.post(URL, _body(customer, [half, _line(unit_price="1.00")]), format="json")
    assert created.status_code == 201, created.content
    item = InvoiceItem.objects.get(unit_price="1.00")
    response = api.patch(
        f"/api/v1/finance/invoice-items/{item.pk}/", {"unit_price": "5000000000000.00"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "out_of_range"
    assert {"subtotal", "total_amount"} <= set(response.json()["fields"])
    item.refresh_from_db()
    assert str(item.unit_price) == "1.00"  # nothing was saved
    # An invoice edit whose items overflow is refused the same way.
    invoice = created.json()["id"]
    response = api.patch(f"{URL}{invoice}/", {"items": [_line(), _line()]}, format="json")
    assert response.status_code == 400 and "total_amount" in response.json()["fields"]
