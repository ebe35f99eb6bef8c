"""The date-relative parts at every month end of a year, with the clock frozen there: the forecast's
months, overdue invoices, the dashboard's month to date, budgets and KAVI's "this month" and "last
month". Each case writes a small book around the frozen day and checks figures summed here in Python."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from finance import services
from tests.factories import CustomerFactory, UserFactory
from tests.factories.finance import BudgetFactory, InvoiceFactory
from tests.kavi.conftest import kes

pytestmark = pytest.mark.django_db
NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")


def _month_ends(year: int) -> list[dt.date]:
    return [dt.date(year, m, 1) + relativedelta(months=1) - dt.timedelta(days=1) for m in range(1, 13)]


def _moments() -> list[dt.datetime]:
    """Each month end of 2027 (and 29 February 2028) at 23:30, and just after midnight on the first of
    the next month, when the UTC date (21:05 the day before) is still in the month that ended."""
    out = []
    for day in [*_month_ends(2027), dt.date(2028, 2, 29)]:
        out.append(dt.datetime.combine(day, dt.time(23, 30), tzinfo=NAIROBI))
        out.append(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 5), tzinfo=NAIROBI))
    return out


@dataclass
class Book:
    today: dt.date
    rows: list[tuple[dt.datetime, str, str, Decimal]] = field(default_factory=list)

    def total(self, kind: str, start: dt.date, end: dt.date, category: str | None = None) -> Decimal:
        return sum(
            (
                amount
                for when, k, cat, amount in self.rows
                if k == kind and start <= when.date() <= end and category in (None, cat)
            ),
            Decimal("0.00"),
        )


def _write_book(business: Any, owner: Any, now: dt.datetime) -> Book:
    today = now.date()
    this_month = today.replace(day=1)
    last_month = this_month - relativedelta(months=1)
    book = Book(today=today)

    def record(when: dt.datetime, kind: str, category: str, amount: str) -> None:
        data = {
            "transaction_type": kind,
            "category": category,
            "amount": Decimal(amount),
            "transaction_date": when,
            "payment_method": "mpesa",
        }
        services.transaction_create(business=business, actor=owner, data=data)
        book.rows.append((when.astimezone(NAIROBI), kind, category, Decimal(amount)))

    def at(day: dt.date, hour: int, minute: int, second: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=NAIROBI)

    # This month: the first instant (21:00 UTC the day before) and today just before "now".
    record(at(this_month, 0, 0), "income", "Counter Sales", "1000.00")
    record(at(today, 0, 2), "expense", "Transport", "250.00")
    # Last month: its first and last instants.
    record(at(last_month, 0, 0), "income", "Counter Sales", "3000.00")
    record(at(this_month - dt.timedelta(days=1), 23, 59, 59), "expense", "Transport", "700.00")
    # The last second of the month before: a partial first month, which the forecast leaves out.
    record(at(last_month - dt.timedelta(days=1), 23, 59, 59), "income", "Counter Sales", "5.00")
    # Dated tomorrow (next month when today is a month end): not in the bank or the month to date yet.
    record(at(today + dt.timedelta(days=1), 0, 0), "income", "Counter Sales", "40.00")
    return book


def _invoice(business: Any, customer: Any, due: dt.date, total: str) -> Any:
    return InvoiceFactory(
        business=business,
        customer=customer,
        status="sent",
        issue_date=due - dt.timedelta(days=30),
        due_date=due,
        subtotal=Decimal(total),
        total_amount=Decimal(total),
    )


@pytest.mark.parametrize("now", _moments(), ids=lambda moment: moment.strftime("%Y-%m-%dT%H:%M"))
def test_the_date_relative_parts_at_a_month_end(business, owner, make_api, now):
    with time_machine.travel(now, tick=False):
        today = now.date()
        this_month = today.replace(day=1)
        month_end = this_month + relativedelta(months=1) - dt.timedelta(days=1)
        last_month = this_month - relativedelta(months=1)
        last_month_end = this_month - dt.timedelta(days=1)
        book = _write_book(business, owner, now)
        customer = CustomerFactory(business=business)
        late = _invoice(business, customer, today - dt.timedelta(days=1), "1100.00")
        due_today = _invoice(business, customer, today, "1200.00")
        early = _invoice(business, customer, today + dt.timedelta(days=1), "1300.00")
        current = BudgetFactory(
            business=business,
            category="Transport",
            amount=Decimal("300.00"),
            alert_threshold=Decimal("80.00"),
            start_date=this_month,
            end_date=month_end,
        )
        previous = BudgetFactory(
            business=business,
            category="Transport",
            amount=Decimal("500.00"),
            alert_threshold=Decimal("80.00"),
            start_date=last_month,
            end_date=last_month_end,
        )
        api = make_api(owner, business)

        # Overdue is strictly after the due date, in the business's own calendar.
        statuses = {
            number: api.get(f"/api/v1/finance/invoices/{made.pk}/").json()["status"]
            for number, made in (("late", late), ("due_today", due_today), ("early", early))
        }
        assert statuses == {"late": "overdue", "due_today": "sent", "early": "sent"}

        # The dashboard's month to date, balance up to today, receivables and budget alerts.
        dashboard = api.get("/api/v1/users/dashboard/").json()
        income = book.total("income", this_month, today)
        expense = book.total("expense", this_month, today)
        assert dashboard["as_of"] == today.isoformat()
        assert dashboard["month_to_date"] == {
            "income": str(income),
            "expense": str(expense),
            "net": str(income - expense),
            "count": sum(1 for when, *_ in book.rows if this_month <= when.date() <= today),
        }
        everything = dt.date(1970, 1, 1)
        balance = book.total("income", everything, today) - book.total("expense", everything, today)
        assert dashboard["balance"] == str(balance)
        assert dashboard["series"][-1]["month"] == this_month.strftime("%Y-%m")
        assert dashboard["series"][-1]["income"] == str(income)
        assert dashboard["series"][-2]["income"] == str(book.total("income", last_month, last_month_end))
        assert dashboard["series"][-2]["expense"] == str(book.total("expense", last_month, last_month_end))
        receivables = dashboard["receivables"]
        assert (receivables["overdue_count"], receivables["overdue_amount"]) == (1, "1100.00")
        assert (receivables["open_count"], receivables["outstanding"]) == (3, "3600.00")
        assert [(a["id"], a["spent"], a["status"]) for a in dashboard["budget_alerts"]] == [
            (current.pk, "250.00", "warning")
        ]

        # Budgets: each counts only its own dates.
        budgets = {b["id"]: b for b in api.get("/api/v1/finance/budgets/").json()["results"]}
        spent_now = book.total("expense", this_month, month_end, "Transport")
        spent_before = book.total("expense", last_month, last_month_end, "Transport")
        assert (budgets[current.pk]["spent"], budgets[current.pk]["status"]) == (str(spent_now), "warning")
        assert (budgets[previous.pk]["spent"], budgets[previous.pk]["status"]) == (
            str(spent_before),
            "exceeded",
        )

        # The forecast starts at this month; the history is last month alone (the month before it
        # only has its last day, so it is partial and left out), so every month is that average.
        response = api.post("/api/v1/finance/forecasts/", {"horizon_months": 3}, format="json")
        assert response.status_code == 201, response.content
        forecast = response.json()
        assert [p["period"] for p in forecast["periods"]] == [
            (this_month + relativedelta(months=i)).strftime("%Y-%m") for i in range(3)
        ]
        recorded_income = book.total("income", this_month, month_end)
        recorded_expense = book.total("expense", this_month, month_end)
        first = forecast["periods"][0]
        assert (first["recorded_income"], first["recorded_expense"]) == (
            str(recorded_income),
            str(recorded_expense),
        )
        history_income = book.total("income", last_month, last_month_end)
        history_expense = book.total("expense", last_month, last_month_end)
        assert [p["income"] for p in forecast["periods"]] == [
            str(max(history_income, recorded_income)),
            str(history_income),
            str(history_income),
        ]
        assert [p["expense"] for p in forecast["periods"]] == [
            str(max(history_expense, recorded_expense)),
            str(history_expense),
            str(history_expense),
        ]
        assert forecast["backtest"]["history_months"] == 1
        assert forecast["backtest"]["history_from"] == last_month.strftime("%Y-%m")
        all_income = book.total("income", everything, dt.date(2100, 1, 1))
        all_expense = book.total("expense", everything, dt.date(2100, 1, 1))
        assert forecast["opening_balance"] == str(all_income - all_expense)

        # KAVI: "this month" runs from the first to today, "last month" is the whole month before.
        questions = [
            ("How much did we spend this month?", "expense", this_month, today),
            ("Tulitumia pesa ngapi mwezi huu?", "expense", this_month, today),
            ("What was our income last month?", "income", last_month, last_month_end),
            ("Mapato ya mwezi uliopita yalikuwa kiasi gani?", "income", last_month, last_month_end),
        ]
        for question, kind, start, end in questions:
            reply = api.post("/api/v1/kavi/chat/", {"message": question}, format="json")
            assert reply.status_code == 200, reply.content
            body = reply.json()
            params = body["sources"][0]["params"]
            assert (params["date_from"], params["date_to"]) == (start.isoformat(), end.isoformat()), question
            assert kes(book.total(kind, start, end)) in body["message"], (question, body["message"])


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2027, 3, 1, 0, 5, tzinfo=NAIROBI),  # 21:05 UTC on 28 February
        dt.datetime(2027, 3, 31, 23, 30, tzinfo=NAIROBI),
        dt.datetime(2028, 1, 1, 0, 5, tzinfo=NAIROBI),
        dt.datetime(2028, 2, 29, 23, 30, tzinfo=NAIROBI),
    ],
    ids=lambda moment: moment.strftime("%Y-%m-%dT%H:%M"),
)
def test_admin_analytics_covers_twelve_local_months(make_api, now):
    with time_machine.travel(now, tick=False):
        this_month = now.date().replace(day=1)
        first = this_month - relativedelta(months=11)
        admin = UserFactory(is_superuser=True, is_staff=True)
        UserFactory(date_joined=dt.datetime.combine(first, dt.time(0, 30), tzinfo=NAIROBI))
        UserFactory(
            date_joined=dt.datetime.combine(first - dt.timedelta(days=1), dt.time(23, 30), tzinfo=NAIROBI)
        )

        body = make_api(admin).get("/api/v1/core/admin-analytics/").json()

        assert body["since"] == first.isoformat()
        assert body["series"]["users"] == [
            {"month": first.isoformat(), "count": 1},
            {"month": this_month.isoformat(), "count": 1},
        ]
        assert body["totals"]["users"] == 3


def test_a_credit_score_counts_invoices_paid_within_a_calendar_year_across_a_leap_day(
    business, staff, make_api
):
    with time_machine.travel(dt.datetime(2028, 3, 1, 10, tzinfo=NAIROBI), tick=False):
        for paid in (dt.date(2027, 3, 1), dt.date(2027, 3, 2), dt.date(2028, 2, 29)):
            InvoiceFactory(
                business=business,
                status="paid",
                issue_date=paid - dt.timedelta(days=30),
                due_date=paid,
                paid_date=paid,
                amount_paid=Decimal("1000.00"),
            )
        response = make_api(staff, business).post("/api/v1/finance/credit-scores/", format="json")
        assert response.status_code == 201, response.content
        # 2 March 2027 to 1 March 2028 is the last year: the invoice paid on 1 March 2027 is older.
        invoices = response.json()["inputs"]["invoices"]
        assert (invoices["paid"], invoices["paid_on_time"]) == (2, 2)
