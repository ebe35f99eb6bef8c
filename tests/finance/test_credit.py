"""Credit scores: range, grade, factors and their arithmetic, determinism, a healthy business above a
weak one, isolation between businesses, roles and audit."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.cache import cache

from core.models import ActivityLog
from core.permissions import Role
from finance.credit import WEIGHTS, grade_for
from finance.selectors import business_today
from tests.factories import BusinessFactory, MembershipFactory
from tests.factories.finance import BudgetFactory, InvoiceFactory
from tests.finance.test_forecasts import FROZEN, book_months

# The books are built around today; a fixed day gives the same result on every day of the year.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN, tick=False)]
URL = "/api/v1/finance/credit-scores/"
FACTOR_NAMES = [
    "history",
    "income_stability",
    "profit_margin",
    "cash_buffer",
    "receivables_health",
    "payment_behaviour",
    "budget_discipline",
    "revenue_growth",
]


def score(make_api, user, business):
    response = make_api(user, business).post(URL, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def factors(body):
    return {f["name"]: f for f in body["factors"]}


def healthy_books(business):
    rng = random.Random(11)
    book_months(
        business,
        [200_000 + 1_500 * t + rng.randint(-5_000, 5_000) for t in range(24)],
        [150_000 + 500 * t for t in range(24)],
    )
    today = business_today(business)
    for k in range(10):
        due = today - dt.timedelta(days=20 + 30 * k)
        InvoiceFactory(
            business=business,
            status="paid",
            issue_date=due - dt.timedelta(days=30),
            due_date=due,
            paid_date=due - dt.timedelta(days=2),
            amount_paid=Decimal("1000.00"),
        )
    last_month = today.replace(day=1) - relativedelta(months=1)
    BudgetFactory(
        business=business,
        category="Stock",
        amount=Decimal("500000.00"),
        start_date=last_month,
        end_date=today.replace(day=1) - dt.timedelta(days=1),
    )


def weak_books(business):
    book_months(
        business,
        [30_000, 90_000, 10_000, 70_000, 5_000, 60_000, 20_000, 40_000],
        [60_000] * 8,
    )
    today = business_today(business)
    for k in range(3):
        InvoiceFactory(
            business=business,
            status="sent",
            issue_date=today - dt.timedelta(days=90),
            due_date=today - dt.timedelta(days=30 + k),
        )
    for k in range(2):
        due = today - dt.timedelta(days=100 + 30 * k)
        InvoiceFactory(
            business=business,
            status="paid",
            issue_date=due - dt.timedelta(days=30),
            due_date=due,
            paid_date=due + dt.timedelta(days=25),
            amount_paid=Decimal("1000.00"),
        )
    last_month = today.replace(day=1) - relativedelta(months=1)
    BudgetFactory(
        business=business,
        category="Stock",
        amount=Decimal("1000.00"),
        start_date=last_month,
        end_date=today.replace(day=1) - dt.timedelta(days=1),
    )


def test_the_score_is_the_weighted_sum_of_its_factors(business, staff, make_api):
    healthy_books(business)
    body = score(make_api, staff, business)

    assert 300 <= body["score"] <= 850 and body["grade"] == grade_for(body["score"])
    assert [f["name"] for f in body["factors"]] == FACTOR_NAMES
    assert sum(Decimal(f["weight"]) for f in body["factors"]) == 1
    weighted = sum(Decimal(f["weight"]) * Decimal(f["score"]) for f in body["factors"])
    assert abs(body["score"] - (300 + 550 * weighted)) <= 1  # factor scores are shown to 3 places
    for factor in body["factors"]:
        assert set(factor) >= {"name", "label", "value", "weight", "impact", "explanation", "score", "unit"}
        assert 0 <= Decimal(factor["score"]) <= 1
        assert factor["impact"] in ("positive", "neutral", "negative")
        assert factor["explanation"].endswith(".")


def test_explanations_state_the_figures(business, staff, make_api):
    healthy_books(business)
    got = factors(score(make_api, staff, business))

    assert got["history"]["value"] == "24.00" and "24 months" in got["history"]["explanation"]
    cv = Decimal(got["income_stability"]["value"])
    assert f"varied by {cv.quantize(Decimal(1))}%" in got["income_stability"]["explanation"]
    assert "over 12 months" in got["income_stability"]["explanation"]
    assert "10 of 10 invoices (100%)" in got["payment_behaviour"]["explanation"]
    assert got["payment_behaviour"]["impact"] == "positive"
    assert "1 of 1 budgets" in got["budget_discipline"]["explanation"]
    assert got["receivables_health"]["explanation"] == "No invoice is waiting to be paid."
    assert got["profit_margin"]["impact"] == "positive" and "KES" in got["profit_margin"]["explanation"]


def test_a_healthy_business_scores_higher_than_a_weak_one(business, staff, make_api):
    healthy_books(business)
    weak = BusinessFactory()
    weak_staff = MembershipFactory(business=weak, role=Role.STAFF).user
    weak_books(weak)

    good, bad = score(make_api, staff, business), score(make_api, weak_staff, weak)
    assert good["score"] > bad["score"] + 150
    assert good["grade"] in ("A", "B") and bad["grade"] in ("D", "E")
    weak_factors = factors(bad)
    for name in (
        "profit_margin",
        "cash_buffer",
        "receivables_health",
        "payment_behaviour",
        "budget_discipline",
    ):
        assert weak_factors[name]["impact"] == "negative", weak_factors[name]
    assert weak_factors["receivables_health"]["value"] == "100.00"  # all of what is owed is overdue
    assert "0 of 5 invoices" in weak_factors["payment_behaviour"]["explanation"]
    assert weak_factors["revenue_growth"]["impact"] == "neutral"  # 8 months can't show growth


def test_an_empty_business_gets_a_low_valid_score(business, staff, make_api):
    body = score(make_api, staff, business)

    assert 300 <= body["score"] < 500 and body["grade"] == "E"
    assert [f["name"] for f in body["factors"]] == FACTOR_NAMES
    got = factors(body)
    assert "no history" in got["history"]["explanation"]
    assert "no history" in got["income_stability"]["explanation"]
    for name in ("history", "income_stability", "profit_margin", "cash_buffer"):
        assert got[name]["impact"] == "negative"
    assert body["inputs"]["history_months"] == 0 and body["inputs"]["balance"] == "0.00"


def test_the_same_books_give_the_same_score(business, staff, make_api):
    weak_books(business)
    first = score(make_api, staff, business)
    cache.clear()  # computed afresh, not read back from the report cache
    second = score(make_api, staff, business)
    assert first["id"] != second["id"]
    for key in ("score", "grade", "factors", "inputs"):
        assert first[key] == second[key]


def test_another_business_does_not_influence_the_score(business, staff, make_api):
    weak_books(business)
    before = score(make_api, staff, business)

    other = BusinessFactory()
    healthy_books(other)
    InvoiceFactory(business=other, status="sent", due_date=business_today(business) - dt.timedelta(days=3))
    BudgetFactory(business=other, category="Stock", amount=Decimal("1.00"))
    cache.clear()
    after = score(make_api, staff, business)
    for key in ("score", "grade", "factors", "inputs"):
        assert before[key] == after[key]


def test_roles_history_and_audit(business, staff, viewer, make_api):
    assert make_api(viewer, business).post(URL, format="json").status_code == 403
    first = score(make_api, staff, business)
    book_months(business, [10_000] * 3, [5_000] * 3)
    second = score(make_api, staff, business)
    assert second["score"] != first["score"]
    assert (
        ActivityLog.objects.filter(
            business=business, action="create", object_type="finance.creditscore"
        ).count()
        == 2
    )
    log = ActivityLog.objects.get(object_type="finance.creditscore", object_id=str(first["id"]))
    assert log.actor == staff and (log.after or {})["score"] == first["score"]

    reader = make_api(viewer, business)
    assert [s["id"] for s in reader.get(URL).json()["results"]] == [second["id"], first["id"]]
    assert reader.get(f"{URL}{first['id']}/").json() == first
    deleted = reader.delete(f"{URL}{first['id']}/")
    assert deleted.status_code == 405 and deleted.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        (850, "A"),
        (750, "A"),
        (749, "B"),
        (670, "B"),
        (669, "C"),
        (580, "C"),
        (579, "D"),
        (500, "D"),
        (499, "E"),
        (300, "E"),
    ],
)
def test_grade_scale(points, grade):
    assert grade_for(points) == grade


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == 1 and list(WEIGHTS) == FACTOR_NAMES
