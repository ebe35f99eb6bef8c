"""KAVI's tools give exact figures (checked against sums of the rows written) for one business only."""

import datetime as dt
from decimal import Decimal

import pytest

from finance.models import Supplier
from kavi import tools
from kavi.names import Entity
from tests.kavi.conftest import make_books

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = (D(2025, 3, 1), D(2025, 3, 31))
Y2025 = (D(2025, 1, 1), D(2025, 12, 31))


def ref(books, kind, name):
    obj = (books.suppliers if kind == "supplier" else books.customers)[name]
    return Entity(kind, obj.name, obj.pk)


def test_totals_by_period_type_category_supplier_and_customer(books):
    b = books.business
    result = tools.totals(business=b, date_from=MARCH[0], date_to=MARCH[1])
    assert Decimal(result.data["income"]) == books.total("income", *MARCH)
    assert Decimal(result.data["expense"]) == books.total("expense", *MARCH)
    assert Decimal(result.data["net"]) == books.total("net", *MARCH)
    assert result.params == {"date_from": "2025-03-01", "date_to": "2025-03-31"}
    transport = tools.totals(business=b, date_from=MARCH[0], date_to=MARCH[1], category="transport")
    assert Decimal(transport.data["expense"]) == books.total("expense", *MARCH, category="Transport")
    assert transport.data["expense_count"] == 2  # the pending one is not counted
    kplc = tools.totals(
        business=b,
        date_from=Y2025[0],
        date_to=Y2025[1],
        supplier=ref(books, "supplier", "Kenya Power (KPLC)"),
    )
    assert Decimal(kplc.data["expense"]) == books.total("expense", *Y2025, supplier="Kenya Power (KPLC)")
    assert kplc.params["supplier"] == "Kenya Power (KPLC)"
    greenpark = tools.totals(
        business=b, date_from=Y2025[0], date_to=Y2025[1], customer=ref(books, "customer", "Greenpark Estates")
    )
    assert Decimal(greenpark.data["income"]) == books.total("income", *Y2025, customer="Greenpark Estates")


def test_rankings_largest_and_payments(books):
    b = books.business
    top = tools.top_categories(business=b, date_from=MARCH[0], date_to=MARCH[1], transaction_type="expense")
    assert [c["category"] for c in top.data["categories"]][:2] == ["Salaries", "Stock Purchases"]
    assert Decimal(top.data["total"]) == books.total("expense", *MARCH)
    largest = tools.largest_transactions(
        business=b, date_from=MARCH[0], date_to=MARCH[1], transaction_type="expense"
    )
    assert [t["amount"] for t in largest.data["transactions"]] == ["60000.00", "45678.90", "25000.00"]
    paid = tools.customer_payments(business=b, date_from=Y2025[0], date_to=Y2025[1])
    assert paid.data["customers"][0]["name"] == "Greenpark Estates"
    assert paid.data["customers"][0]["total"] == "32000.00" and paid.data["total"] == "32000.00"
    suppliers = tools.supplier_payments(business=b, date_from=Y2025[0], date_to=Y2025[1])
    assert suppliers.data["suppliers"][0]["name"] == "Bamburi Cement Distributors"
    assert Decimal(suppliers.data["total"]) == sum(
        (r.amount for r in books.rows if r.supplier and r.kind == "expense" and r.status == "completed"),
        Decimal(0),
    )


def test_receivables_invoices_budgets_balance_cash_flow_and_compare(books):
    b = books.business
    owed = tools.receivables(business=b)
    assert owed.data["outstanding"] == "14600.00" and owed.data["overdue_count"] == 2
    assert owed.data["top_debtors"][0]["customer"] == "Rift Valley Farms"
    assert (
        tools.receivables(business=b, customer=ref(books, "customer", "Greenpark Estates")).data[
            "outstanding"
        ]
        == "3000.00"
    )
    counts = tools.invoice_counts(business=b, date_from=Y2025[0], date_to=Y2025[1])
    assert counts.data["issued"] == 3 and counts.data["by_status"]["cancelled"]["count"] == 1
    assert counts.data["by_status"]["draft"]["count"] == 1 and counts.data["issued_total"] == "46600.00"
    budget = tools.budget_status(business=b, category="Transport", date_from=MARCH[0], date_to=MARCH[1])
    (row,) = budget.data["budgets"]
    assert row["spent"] == "2000.75" and row["amount"] == "1500.00" and row["exceeded"] is True
    balance = tools.balance(business=b)
    assert Decimal(balance.data["balance"]) == books.total("net", D(2000, 1, 1), D(2099, 1, 1))
    flow = tools.cash_flow(business=b, date_from=MARCH[0], date_to=MARCH[1])
    assert Decimal(flow.data["inflow"]) == books.total("income", *MARCH)
    assert Decimal(flow.data["closing_balance"]) == books.total("net", D(2000, 1, 1), MARCH[1])
    compared = tools.compare_periods(
        business=b,
        measure="income",
        date_from=D(2025, 4, 1),
        date_to=D(2025, 4, 30),
        other_from=MARCH[0],
        other_to=MARCH[1],
    )
    march, april = books.total("income", *MARCH), books.total("income", D(2025, 4, 1), D(2025, 4, 30))
    assert compared.data["income"]["percent_change"] == str(
        ((april - march) * 100 / march).quantize(Decimal("0.1"))
    )


def test_tools_see_only_their_business(business, owner, books):
    from tests.factories import BusinessFactory, MembershipFactory

    other = BusinessFactory()
    other_owner = MembershipFactory(business=other, role="owner").user
    make_books(other, other_owner)
    # Same books in both: each business's figures are its own, not the sum of the two.
    result = tools.totals(business=business, date_from=MARCH[0], date_to=MARCH[1])
    assert Decimal(result.data["income"]) == books.total("income", *MARCH)
    assert tools.receivables(business=business).data["outstanding"] == "14600.00"
    assert (
        tools.customer_payments(business=business, date_from=Y2025[0], date_to=Y2025[1]).data["total"]
        == "32000.00"
    )
    names = tools.business_names(business=business)
    ids = sorted(e.id or 0 for e in names.entities if e.kind == "customer")
    assert ids == sorted(c.pk for c in books.customers.values())
    # A supplier id of the other business finds nothing here.
    foreign_pk = Supplier.objects.get(business=other, name="Kenya Power (KPLC)").pk
    foreign = Entity("supplier", "Kenya Power (KPLC)", foreign_pk)
    assert (
        tools.totals(business=business, date_from=Y2025[0], date_to=Y2025[1], supplier=foreign).data[
            "expense"
        ]
        == "0.00"
    )
