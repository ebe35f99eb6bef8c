"""GET /kavi/insights/: overdue invoices, spending spikes, budgets and a projected cash shortfall."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from finance import services
from finance.selectors import business_today
from tests.factories import CustomerFactory
from tests.factories.finance import BudgetFactory

URL = "/api/v1/kavi/insights/"
NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
# The books are built around today; a fixed day gives the same result on every day of the year.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 6, 15, 10, 0, tzinfo=NAIROBI), tick=False),
]


def _spend(business, owner, day, amount, category="Transport", kind="expense"):
    services.transaction_create(
        business=business,
        actor=owner,
        data={
            "transaction_type": kind,
            "category": category,
            "amount": Decimal(amount),
            "payment_method": "cash",
            "transaction_date": dt.datetime.combine(day, dt.time(9), tzinfo=NAIROBI),
        },
    )


def _by_type(body):
    return {f["type"]: f for f in body["findings"]}


def test_findings_with_their_figures(business, owner, owner_api):
    today = business_today(business)
    this_month = today.replace(day=1)
    # Transport: 1,000 a month for three months, then 5,000 last month: a spike.
    for back in (2, 3, 4):
        _spend(business, owner, this_month - relativedelta(months=back) + dt.timedelta(days=3), "1000.00")
    _spend(business, owner, this_month - relativedelta(months=1) + dt.timedelta(days=3), "5000.00")
    _spend(business, owner, this_month - relativedelta(months=4), "2000.00", category="Sales", kind="income")
    # An overdue invoice.
    customer = CustomerFactory(business=business, name="Greenpark Estates")
    invoice = services.invoice_create(
        business=business,
        actor=owner,
        data={
            "customer": customer,
            "issue_date": today - dt.timedelta(days=60),
            "due_date": today - dt.timedelta(days=40),
            "items": [
                {
                    "description": "Cement",
                    "quantity": Decimal("1"),
                    "unit_price": Decimal("7500.00"),
                    "tax_rate": Decimal("0"),
                }
            ],
        },
    )
    services.invoice_send(instance=invoice, actor=owner)
    # A budget already over this month.
    BudgetFactory(
        business=business,
        category="Marketing",
        amount=Decimal("100.00"),
        start_date=this_month,
        end_date=this_month + relativedelta(months=1, days=-1),
    )
    _spend(business, owner, today, "150.00", category="Marketing")

    body = owner_api.get(URL).json()
    found = _by_type(body)
    assert body["as_of"] == today.isoformat() and body["currency"] == "KES"
    overdue = found["overdue_invoices"]
    assert overdue["data"]["count"] == 1 and overdue["data"]["amount"] == "7500.00"
    assert overdue["data"]["oldest_days_overdue"] == 40 and overdue["severity"] == "high"
    assert "KES 7,500.00" in overdue["message"]
    spike = found["spending_spike"]
    assert spike["data"]["category"] == "Transport" and spike["data"]["amount"] == "5000.00"
    assert spike["data"]["average"] == "1000.00" and spike["data"]["increase_percent"] == "400.0"
    budget = found["budget_exceeded"]
    assert budget["data"]["spent"] == "150.00" and budget["data"]["amount"] == "100.00"
    # Balance 2,000 - 8,000 - 150 is negative: a shortfall over the next 30 days.
    shortfall = found["cash_shortfall"]
    balance = Decimal("2000.00") - Decimal("8000.00") - Decimal("150.00")
    expected = (Decimal("7000.00") / 3).quantize(Decimal("0.01"))
    assert shortfall["data"]["balance"] == str(balance)
    assert shortfall["data"]["expected_expenses"] == str(expected)
    assert shortfall["data"]["shortfall"] == str(expected - balance)


def test_quiet_books_have_no_findings_and_swahili_follows_the_profile(business, owner, owner_api):
    assert owner_api.get(URL).json()["findings"] == []
    owner.profile.language_preference = "sw"
    owner.profile.save()
    today = business_today(business)
    customer = CustomerFactory(business=business)
    invoice = services.invoice_create(
        business=business,
        actor=owner,
        data={
            "customer": customer,
            "issue_date": today - dt.timedelta(days=20),
            "due_date": today - dt.timedelta(days=5),
            "items": [
                {
                    "description": "Nails",
                    "quantity": Decimal("2"),
                    "unit_price": Decimal("50.00"),
                    "tax_rate": Decimal("0"),
                }
            ],
        },
    )
    services.invoice_send(instance=invoice, actor=owner)
    body = owner_api.get(URL).json()
    assert body["language"] == "sw"
    (finding,) = body["findings"]
    assert finding["title"] == "Ankara 1 zimechelewa" and "KES 100.00" in finding["message"]
    assert owner_api.get(URL, {"language": "en"}).json()["findings"][0]["title"] == "1 overdue invoices"
    assert owner_api.get(URL, {"language": "xx"}).status_code == 400
