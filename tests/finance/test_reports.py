"""Summary, analytics, cash flow, budgets, dashboard and overview: exact, local-time periods."""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from finance import services
from finance.models import Transaction
from tests.factories import BusinessFactory, MembershipFactory
from tests.finance.conftest import at

pytestmark = pytest.mark.django_db
# For the tests about "this month": a fixed day gives the same result on every day of the year.
MID_JUNE = at("2026-06-15 10:00")
SUMMARY = "/api/v1/finance/transactions/summary/"


def test_the_edge_of_a_month_is_in_the_business_time_zone(business, staff, make_api, book):
    book("expense", "100.00", "2026-03-31 23:30")  # 20:30 UTC on the 31st
    book("expense", "7.00", "2026-04-01 00:30")  # 21:30 UTC on the 31st, but April in Nairobi
    api = make_api(staff, business)
    march = api.get(SUMMARY, {"date_from": "2026-03-01", "date_to": "2026-03-31"}).json()
    april = api.get(SUMMARY, {"date_from": "2026-04-01", "date_to": "2026-04-30"}).json()
    assert march["expense"] == "100.00" and april["expense"] == "7.00"
    listed = api.get("/api/v1/finance/transactions/", {"date_from": "2026-04-01", "date_to": "2026-04-01"})
    assert [t["amount"] for t in listed.json()["results"]] == ["7.00"]


def test_a_business_in_another_zone_counts_its_own_days(owner, make_api):
    lagos: Any = MembershipFactory(
        user=owner, role="owner", business=BusinessFactory(timezone="America/New_York")
    )
    services.transaction_create(
        business=lagos.business,
        actor=owner,
        data={
            "transaction_type": "income",
            "amount": Decimal("5.00"),
            "transaction_date": at("2026-04-01 03:00"),
        },
    )
    api = make_api(owner, lagos.business)
    assert api.get(SUMMARY, {"date_from": "2026-03-31", "date_to": "2026-03-31"}).json()["income"] == "5.00"


def test_changing_the_time_zone_moves_the_days(business, owner, make_api, book):
    book("expense", "9.00", "2026-04-01 01:00")  # 22:00 UTC, 31 March
    api = make_api(owner, business)
    assert api.get(SUMMARY, {"date_from": "2026-04-01", "date_to": "2026-04-01"}).json()["expense"] == "9.00"
    assert api.patch(f"/api/v1/users/businesses/{business.pk}/", {"timezone": "UTC"}).status_code == 200
    assert api.get(SUMMARY, {"date_from": "2026-03-31", "date_to": "2026-03-31"}).json()["expense"] == "9.00"


def test_summary_totals_categories_and_transfers(business, staff, make_api, book):
    book("income", "1000.00", "2026-05-02 10:00", "Counter Sales")
    book("income", "250.50", "2026-05-03 10:00", "Delivery Fees")
    book("expense", "300.25", "2026-05-04 10:00", "Transport")
    book("transfer", "5000.00", "2026-05-05 10:00", "Transfer")
    book("expense", "99.00", "2026-05-06 10:00", "Transport", status="pending")
    api = make_api(staff, business)
    body = api.get(SUMMARY, {"date_from": "2026-05-01", "date_to": "2026-05-31"}).json()
    assert (body["income"], body["expense"], body["net"], body["count"]) == ("1250.50", "300.25", "950.25", 4)
    assert body["transfers"] == "5000.00"
    assert {(c["category"], c["total"]) for c in body["by_category"]} >= {("Transport", "300.25")}
    by_type = api.get(SUMMARY, {"transaction_type": "income", "date_from": "2026-05-01"}).json()
    assert by_type["income"] == "1250.50" and by_type["expense"] == "0.00"
    by_method = api.get(SUMMARY, {"payment_method": "mpesa", "date_to": "2026-05-31"}).json()
    assert by_method["count"] == 4  # a filter the rollups don't carry: one aggregate query instead


def test_summary_moves_with_every_write(business, owner, make_api, book):
    api = make_api(owner, business)

    def income():
        return api.get(SUMMARY, {"date_from": "2026-06-01", "date_to": "2026-06-30"}).json()["income"]

    assert income() == "0.00"
    txn = book("income", "10.00", "2026-06-10 10:00")
    assert income() == "10.00"  # the cached report was not served after a write
    api.patch(f"/api/v1/finance/transactions/{txn.pk}/", {"amount": "12.00"})
    assert income() == "12.00"
    api.patch(f"/api/v1/finance/transactions/{txn.pk}/", {"status": "cancelled"})
    assert income() == "0.00"


def test_analytics_series_fills_gaps(business, staff, make_api, book):
    book("income", "100.00", "2026-01-15 10:00")
    book("expense", "40.00", "2026-03-15 10:00")
    body = (
        make_api(staff, business)
        .get(
            "/api/v1/finance/transactions/analytics/",
            {"period": "month", "date_from": "2026-01-01", "date_to": "2026-03-31"},
        )
        .json()
    )
    assert [(p["period"], p["income"], p["expense"], p["net"]) for p in body["series"]] == [
        ("2026-01", "100.00", "0.00", "100.00"),
        ("2026-02", "0.00", "0.00", "0.00"),
        ("2026-03", "0.00", "40.00", "-40.00"),
    ]
    assert body["by_category"]["expense"][0] == {"category": "Transport", "total": "40.00", "count": 1}
    weekly = (
        make_api(staff, business)
        .get(
            "/api/v1/finance/transactions/analytics/",
            {"period": "week", "date_from": "2026-03-09", "date_to": "2026-03-22"},
        )
        .json()
    )
    assert [p["period"] for p in weekly["series"]] == ["2026-W11", "2026-W12"]


@pytest.mark.parametrize(
    "query",
    [
        {"period": "year"},
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        {"date_from": "yesterday"},
        {"period": "day", "date_from": "2000-01-01", "date_to": "2026-01-01"},
    ],
)
def test_report_queries_are_validated(query, business, staff, make_api):
    api = make_api(staff, business)
    assert api.get("/api/v1/finance/transactions/analytics/", query).status_code == 400


def test_cash_flow_runs_from_the_opening_balance(business, staff, make_api, book):
    book("income", "1000.00", "2025-12-20 10:00")
    book("expense", "200.00", "2026-01-05 10:00")
    book("income", "50.00", "2026-02-05 10:00")
    book("transfer", "700.00", "2026-02-06 10:00", "Transfer")
    body = (
        make_api(staff, business)
        .get(
            "/api/v1/finance/cash-flows/",
            {"period": "month", "date_from": "2026-01-01", "date_to": "2026-02-28"},
        )
        .json()
    )
    assert [
        (r["opening_balance"], r["inflow"], r["outflow"], r["net"], r["closing_balance"])
        for r in body["results"]
    ] == [("1000.00", "0.00", "200.00", "-200.00", "800.00"), ("800.00", "50.00", "0.00", "50.00", "850.00")]
    assert make_api(staff, business).get("/api/v1/finance/cash-flows/", {"period": "day"}).status_code == 400


def test_budgets_report_usage(business, admin_user, staff, make_api, book):
    api = make_api(admin_user, business)
    created = api.post(
        "/api/v1/finance/budgets/",
        {
            "category": "Transport",
            "amount": "1000.00",
            "period": "monthly",
            "start_date": "2026-07-01",
            "end_date": "2026-07-31",
        },
    )
    assert created.status_code == 201, created.content
    assert (created.json()["spent"], created.json()["status"], created.json()["alert_threshold"]) == (
        "0.00",
        "ok",
        "80.00",
    )
    book("expense", "850.00", "2026-07-10 10:00", "transport")  # case differs
    book("expense", "999.00", "2026-08-01 10:00", "Transport")  # another month
    budget = api.get(f"/api/v1/finance/budgets/{created.json()['id']}/").json()
    assert (budget["spent"], budget["remaining"], budget["utilization"], budget["status"]) == (
        "850.00",
        "150.00",
        "85.00",
        "warning",
    )
    book("expense", "200.00", "2026-07-11 10:00", "Transport")
    budget = api.get(f"/api/v1/finance/budgets/{created.json()['id']}/").json()
    assert (budget["spent"], budget["remaining"], budget["status"]) == ("1050.00", "-50.00", "exceeded")
    assert make_api(staff, business).post("/api/v1/finance/budgets/", {}).status_code == 403
    bad = api.post(
        "/api/v1/finance/budgets/",
        {"category": "X", "amount": "1.00", "start_date": "2026-07-31", "end_date": "2026-07-01"},
    )
    assert bad.status_code == 400
    active = api.get("/api/v1/finance/budgets/", {"active_on": "2026-07-15"}).json()["results"]
    assert len(active) == 1


@pytest.mark.time_machine(MID_JUNE, tick=False)
def test_dashboard_and_overview(business, owner, make_api, book):
    today = timezone.localdate()
    book("income", "500.00", f"{today.replace(day=1)} 09:00", "Counter Sales")
    book("expense", "120.00", f"{today.replace(day=1)} 09:30", "Transport")
    api = make_api(owner, business)
    dashboard = api.get("/api/v1/users/dashboard/").json()
    assert dashboard["month_to_date"] == {
        "income": "500.00",
        "expense": "120.00",
        "net": "380.00",
        "count": 2,
    }
    assert dashboard["balance"] == "380.00"
    assert len(dashboard["series"]) == 12 and dashboard["series"][-1]["income"] == "500.00"
    assert dashboard["recent_transactions"][0]["amount"] in ("500.00", "120.00")
    assert dashboard["receivables"]["outstanding"] == "0.00"
    overview = api.get("/api/v1/finance/analytics/").json()
    assert overview["this_month"]["net"] == "380.00"
    assert overview["top_expense_categories"][0]["category"] == "Transport"


@pytest.mark.time_machine(MID_JUNE, tick=False)
def test_a_write_in_one_business_leaves_another_businesss_reports_alone(business, owner, make_api, book):
    other = MembershipFactory(user=owner, role="owner").business
    api = make_api(owner, other)
    before = api.get("/api/v1/users/dashboard/").json()
    book("income", "777.00", f"{timezone.localdate()} 09:00")
    after = api.get("/api/v1/users/dashboard/").json()
    assert before == after and "777" not in str(after)
    assert Transaction.objects.filter(business=other).count() == 0


@pytest.mark.time_machine(MID_JUNE, tick=False)
def test_a_new_budget_shows_in_the_cached_dashboard_at_once(business, admin_user, make_api, book):
    today = timezone.localdate()
    book("expense", "950.00", f"{today.replace(day=1)} 09:00", "Transport")
    api = make_api(admin_user, business)
    assert api.get("/api/v1/users/dashboard/").json()["budget_alerts"] == []
    api.post(
        "/api/v1/finance/budgets/",
        {
            "category": "Transport",
            "amount": "1000.00",
            "period": "monthly",
            "start_date": str(today.replace(day=1)),
            "end_date": str(today),
        },
    )
    alerts = api.get("/api/v1/users/dashboard/").json()["budget_alerts"]
    assert [(a["category"], a["status"]) for a in alerts] == [("Transport", "warning")]
