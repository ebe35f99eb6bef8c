"""Cash-flow forecasts: the model on known series, bounds, the balance, backtest, validation, roles
and audit."""

import datetime as dt
import itertools
import random
import zoneinfo
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import ActivityLog
from core.permissions import Role
from finance import forecasting, services
from finance.forecasting import AVERAGE, SEASONAL, TREND, fit
from finance.models import Forecast, Transaction
from finance.selectors import balance_before, business_today
from tests.factories import BusinessFactory, MembershipFactory

# The books are built around today; a fixed day gives the same result on every day of the year.
FROZEN = dt.datetime(2026, 6, 15, 10, 0, tzinfo=zoneinfo.ZoneInfo("Africa/Nairobi"))
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN, tick=False)]
URL = "/api/v1/finance/forecasts/"


def book_months(business, incomes, expenses, *, day=3, category="Sales"):
    """Monthly income and expense, oldest first, ending with the last complete month."""
    tz = zoneinfo.ZoneInfo(business.timezone)
    this_month = business_today(business).replace(day=1)
    rows = []
    for back, (income, expense) in enumerate(zip(incomes, expenses, strict=True)):
        month = this_month - relativedelta(months=len(incomes) - back)
        when = dt.datetime.combine(month.replace(day=day), dt.time(12), tzinfo=tz)
        for kind, amount, cat in (("income", income, category), ("expense", expense, "Stock")):
            if amount:
                rows.append(
                    Transaction(
                        business=business,
                        amount=Decimal(amount),
                        currency=business.currency,
                        transaction_type=kind,
                        category=cat,
                        transaction_date=when,
                        payment_method="mpesa",
                        status="completed",
                    )
                )
    services.transactions_bulk_insert(business=business, actor=None, transactions=rows)


def months_from_now(business, count):
    this_month = business_today(business).replace(day=1)
    return [(this_month + relativedelta(months=i)).strftime("%Y-%m") for i in range(count)]


def post(make_api, user, business, horizon):
    response = make_api(user, business).post(URL, {"horizon_months": horizon}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def D(value):
    return Decimal(value)


def test_a_clean_linear_series_is_forecast_close_to_the_line(business, staff, make_api):
    n = 18
    book_months(business, [100_000 + 2_000 * t for t in range(n)], [60_000 + 500 * t for t in range(n)])
    body = post(make_api, staff, business, 12)

    assert body["method"] == TREND and body["currency"] == "KES" and body["horizon_months"] == 12
    assert [p["period"] for p in body["periods"]] == months_from_now(business, 12)
    for i, period in enumerate(body["periods"]):
        t = n + i
        income, expense = Decimal(100_000 + 2_000 * t), Decimal(60_000 + 500 * t)
        # The trend is damped, so the miss grows a little with the horizon.
        tolerance = Decimal("0.01") if i < 3 else Decimal("0.05")
        assert abs(D(period["income"]) - income) <= income * tolerance, (i, period)
        assert abs(D(period["expense"]) - expense) <= expense * tolerance, (i, period)
        assert D(period["income"]) <= income  # damping never overshoots a rising line
        assert D(period["net"]) == D(period["income"]) - D(period["expense"])
        for key in ("income", "expense", "net", "balance", "balance_low", "balance_high"):
            assert len(period[key].split(".")[1]) == 2  # money as 2-place strings


def test_seasonality_is_found_with_two_years_of_books(business, staff, make_api):
    n = 30
    this_month = business_today(business).replace(day=1)
    months = [(this_month - relativedelta(months=n - t)).month for t in range(n)]
    income_season = {12: 40_000, 1: -25_000, 4: -15_000}
    expense_season = {12: 20_000, 1: -20_000}

    def income(t, m):
        return 150_000 + 1_500 * t + income_season.get(m, 0)

    def expense(t, m):
        return 90_000 + 800 * t + expense_season.get(m, 0)

    book_months(
        business, [income(t, m) for t, m in enumerate(months)], [expense(t, m) for t, m in enumerate(months)]
    )
    body = post(make_api, staff, business, 12)

    assert body["method"] == SEASONAL
    by_month = {}
    for i, period in enumerate(body["periods"]):
        m = (this_month + relativedelta(months=i)).month
        want_income, want_expense = income(n + i, m), expense(n + i, m)
        assert abs(D(period["income"]) - want_income) <= Decimal(want_income) * Decimal("0.05"), (m, period)
        assert abs(D(period["expense"]) - want_expense) <= Decimal(want_expense) * Decimal("0.05"), (
            m,
            period,
        )
        by_month[m] = D(period["income"])
    assert by_month[12] - by_month[11] > 35_000  # December's bump carries into the forecast
    assert by_month[1] < by_month[12] - 60_000


def test_bounds_contain_the_forecast_and_widen_with_the_horizon(business, staff, make_api):
    rng = random.Random(20)
    n = 20
    book_months(
        business,
        [120_000 + 1_000 * t + rng.randint(-15_000, 15_000) for t in range(n)],
        [80_000 + rng.randint(-10_000, 10_000) for _ in range(n)],
    )
    body = post(make_api, staff, business, 12)

    widths = []
    for period in body["periods"]:
        low, point, high = D(period["balance_low"]), D(period["balance"]), D(period["balance_high"])
        assert low < point < high
        assert point - low == high - point
        widths.append(high - low)
    assert all(a < b for a, b in itertools.pairwise(widths))
    band = body["backtest"]["band"]
    assert band["level"] == 80 and band["errors_used"] == 12
    assert band["basis"].startswith(("root mean square", "floor"))
    # An 80% band is z = 1.28 sigma wide on each side after one whole month.
    second = body["periods"][1]
    half = D(second["balance_high"]) - D(second["balance"])
    assert half >= Decimal("1.28") * D(band["sigma_net"]) - 1


def test_the_balance_continues_from_the_current_balance(business, staff, make_api):
    book_months(business, [50_000 + 1_000 * t for t in range(10)], [30_000] * 10)
    # Something already recorded this month: the first period only adds what is still to come.
    services.transaction_create(
        business=business,
        actor=staff,
        data={"amount": Decimal("7000.00"), "transaction_type": "income", "transaction_date": timezone.now()},
    )
    body = post(make_api, staff, business, 4)

    opening = balance_before(business=business, day=None)
    assert (
        D(body["opening_balance"])
        == opening
        == Decimal(sum(50_000 + 1_000 * t for t in range(10)) - 300_000 + 7_000)
    )
    first = body["periods"][0]
    assert first["recorded_income"] == "7000.00" and first["recorded_expense"] == "0.00"
    assert D(first["income"]) >= Decimal("7000.00")
    to_come = (D(first["income"]) - 7000) - D(first["expense"])
    assert D(first["balance"]) == opening + to_come
    for before, period in itertools.pairwise(body["periods"]):
        assert period["recorded_income"] == "0.00"
        assert D(period["balance"]) == D(before["balance"]) + D(period["net"])


def test_backtest_reports_errors_on_held_out_months(business, staff, make_api):
    rng = random.Random(3)
    book_months(
        business,
        [90_000 + rng.randint(-9_000, 9_000) for _ in range(15)],
        [70_000 + rng.randint(-5_000, 5_000) for _ in range(15)],
    )
    backtest = post(make_api, staff, business, 3)["backtest"]

    assert backtest["status"] == "ok" and backtest["method"] == TREND
    assert (backtest["history_months"], backtest["training_months"], backtest["holdout_months"]) == (
        15,
        12,
        3,
    )
    last_three = [
        (business_today(business).replace(day=1) - relativedelta(months=k)).strftime("%Y-%m")
        for k in (3, 2, 1)
    ]
    assert backtest["months"] == last_three and backtest["history_to"] == last_three[-1]
    for series in ("income", "expense", "net"):
        assert D(backtest[series]["mae"]) >= 0 and backtest[series]["mape"] is not None
    # Income is within about 10% of 90,000, so a sane model misses by less than that.
    assert D(backtest["income"]["mape"]) < 15


def test_a_short_history_falls_back_to_an_average_with_wide_bounds(business, staff, make_api):
    book_months(business, [40_000, 60_000], [30_000, 30_000])
    body = post(make_api, staff, business, 3)

    assert body["method"] == AVERAGE
    assert body["backtest"]["status"] == "insufficient history"
    assert body["backtest"]["income"] is None and body["backtest"]["months"] == []
    assert [p["income"] for p in body["periods"]] == ["50000.00"] * 3
    assert [p["net"] for p in body["periods"]] == ["20000.00"] * 3
    # A quarter of a month's turnover (50,000 + 30,000) at least.
    assert D(body["backtest"]["band"]["sigma_net"]) >= 20_000
    assert body["backtest"]["band"]["basis"].startswith("wide")


def test_a_partial_first_month_is_left_out(business, staff, make_api):
    book_months(business, [5_000] + [60_000] * 7, [1_000] + [40_000] * 7, day=25)
    body = post(make_api, staff, business, 1)
    # Every month here starts on the 25th, so only the first one counts as partial.
    assert body["backtest"]["history_months"] == 7
    assert body["periods"][0]["income"] == "60000.00"


def test_an_empty_business_gets_an_all_zero_forecast(business, staff, make_api):
    body = post(make_api, staff, business, 6)

    assert body["method"] == AVERAGE and body["opening_balance"] == "0.00"
    assert len(body["periods"]) == 6
    for period in body["periods"]:
        for key in ("income", "expense", "net", "balance", "balance_low", "balance_high"):
            assert period[key] == "0.00"
    assert body["backtest"]["status"] == "insufficient history"
    assert body["backtest"]["history_months"] == 0 and body["backtest"]["history_from"] is None


@pytest.mark.parametrize("horizon", [0, 13, -1, "x", 2.5, "2.5", None, "", True, [3], {"n": 3}])
def test_horizon_must_be_a_whole_number_from_1_to_12(business, staff, make_api, horizon):
    response = make_api(staff, business).post(URL, {"horizon_months": horizon}, format="json")
    assert response.status_code == 400, response.content
    assert "horizon_months" in response.json()["fields"]
    assert not Forecast.objects.exists()


@pytest.mark.parametrize("body", [{}, [], "12"])
def test_a_missing_or_malformed_body_is_400(business, staff, make_api, body):
    assert make_api(staff, business).post(URL, body, format="json").status_code == 400


def test_the_service_checks_the_horizon_too(business, staff):
    with pytest.raises(forecasting.ApplicationError) as caught:
        forecasting.forecast_create(business=business, actor=staff, horizon_months=13)
    assert caught.value.fields == {"horizon_months": ["A whole number from 1 to 12."]}


def test_roles_history_and_audit(business, staff, viewer, make_api):
    assert make_api(viewer, business).post(URL, {"horizon_months": 3}, format="json").status_code == 403
    first = post(make_api, staff, business, 3)
    second = post(make_api, staff, business, 6)
    assert (
        ActivityLog.objects.filter(business=business, action="create", object_type="finance.forecast").count()
        == 2
    )
    log = ActivityLog.objects.get(object_type="finance.forecast", object_id=str(second["id"]))
    assert log.actor == staff and (log.after or {})["horizon_months"] == 6

    reader = make_api(viewer, business)
    listed = reader.get(URL).json()["results"]
    assert [f["id"] for f in listed] == [second["id"], first["id"]]  # newest first
    assert reader.get(f"{URL}{first['id']}/").json() == first
    assert first["created_by"] == staff.pk
    for response in (
        reader.put(f"{URL}{first['id']}/", {}, format="json"),
        reader.delete(f"{URL}{first['id']}/"),
    ):
        assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_another_business_does_not_change_the_forecast(business, staff, make_api):
    other = BusinessFactory()
    book_months(other, [500_000] * 12, [100_000] * 12)
    body = post(make_api, staff, business, 3)
    assert body["opening_balance"] == "0.00"
    assert all(p["income"] == "0.00" for p in body["periods"])

    other_staff = MembershipFactory(business=other, role=Role.STAFF).user
    theirs = post(make_api, other_staff, other, 3)
    assert theirs["opening_balance"] == "4800000.00" and theirs["periods"][1]["income"] == "500000.00"


def test_the_work_does_not_grow_with_the_history(staff, make_api):
    def queries(months):
        business = BusinessFactory()
        MembershipFactory(business=business, user=staff, role=Role.STAFF)
        book_months(business, [100_000] * months, [50_000] * months)
        with CaptureQueriesContext(connection) as ctx:
            post(make_api, staff, business, 12)
        return len(ctx.captured_queries)

    assert queries(7) == queries(40)


def test_fit_on_its_own():
    months = [((m % 12) + 1) for m in range(30)]
    assert fit([], []).at(1, 1) == 0
    assert fit([Decimal(10), Decimal(20)], months[:2]).at(3, 1) == 15
    flat = fit([Decimal(500)] * 8, months[:8])
    assert flat.method == TREND and flat.at(12, 1) == 500
    # A falling line stops at zero rather than forecasting negative income.
    falling = fit([Decimal(1000 - 200 * t) for t in range(6)], months[:6])
    assert falling.at(12, 1) == 0


def test_band_width_follows_the_time_left_and_the_refits_misses():
    sigma = Decimal(100)
    quiet = forecasting.Band(sigma, [[D(100)], [D(-100)], [D(100)]], {})
    widths = forecasting._half_widths(
        quiet, n=10, trend_weight=Decimal(0), seasonal=False, left=Decimal("0.25"), horizon=3
    )
    # A quarter of a month left: about half of a whole month's 128.
    assert Decimal(60) < widths[0] < Decimal(70) and widths[0] < widths[1] < widths[2]

    # Refits that missed by 1,000 over two months widen the band to at least that from then on.
    loud = forecasting.Band(sigma, [[D(100), D(1000)], [D(-100), D(-1000)], [D(100), D(1000)]], {})
    widths = forecasting._half_widths(
        loud, n=10, trend_weight=Decimal(0), seasonal=False, left=Decimal(1), horizon=3
    )
    assert widths[0] < 140 and widths[1] >= Decimal("1280") and widths[2] > widths[1]


def test_a_balance_too_large_to_store_is_a_400_not_a_500(business, staff, make_api, monkeypatch):
    monkeypatch.setattr(forecasting, "balance_before", lambda **kwargs: Decimal("10") ** 14)
    response = make_api(staff, business).post(URL, {"horizon_months": 2}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "out_of_range"
