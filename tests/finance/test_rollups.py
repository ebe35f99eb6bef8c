"""The rollups always equal the sums of the rows they stand for, whatever writes happen."""

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from finance import services
from finance.imports import import_transactions
from finance.models import DailyRollup, MonthlyRollup, Transaction
from finance.rollups import rollup_rebuild
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
CATEGORIES = ["Transport", "Rent", "Counter Sales", "Utilities", ""]


def row_sums(business):
    tz = zoneinfo.ZoneInfo(business.timezone)
    rows = (
        Transaction.objects.filter(business=business, status="completed")
        .annotate(day=TruncDate("transaction_date", tzinfo=tz))
        .values("day", "transaction_type", "category", "currency")
        .annotate(total=Sum("amount"), count=Count("id"))
    )
    return {
        (r["day"], r["transaction_type"], r["category"], r["currency"]): (r["total"], r["count"])
        for r in rows
    }


def rollup_sums(business):
    return {
        (r.day, r.transaction_type, r.category, r.currency): (r.total, r.count)
        for r in DailyRollup.objects.filter(business=business)
    }


def monthly_sums(business):
    months: dict = {}
    for (day, kind, category, currency), (total, count) in row_sums(business).items():
        entry = months.setdefault((day.replace(day=1), kind, category, currency), [Decimal(0), 0])
        entry[0] += total
        entry[1] += count
    return {k: tuple(v) for k, v in months.items()}


def monthly_rollups(business):
    return {
        (r.month, r.transaction_type, r.category, r.currency): (r.total, r.count)
        for r in MonthlyRollup.objects.filter(business=business)
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_keep_rollups_equal_to_row_sums(seed, business, owner):
    rng = random.Random(seed)
    tz = zoneinfo.ZoneInfo(business.timezone)
    start = dt.datetime(2026, 1, 31, 22, 0, tzinfo=tz)  # near a month edge, on purpose
    customer = CustomerFactory(business=business)
    made: list[Transaction] = []
    for _ in range(120):
        action = rng.random()
        if action < 0.5 or not made:
            made.append(
                services.transaction_create(
                    business=business,
                    actor=owner,
                    data={
                        "transaction_type": rng.choice(["income", "expense", "transfer"]),
                        "amount": Decimal(rng.randint(1, 100000)) / 100,
                        "category": rng.choice(CATEGORIES),
                        "transaction_date": start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 3)),
                        "status": rng.choice(["completed", "completed", "pending"]),
                        "currency": rng.choice(["KES", "KES", "USD"]),
                    },
                )
            )
        elif action < 0.8:
            target = rng.choice(made)
            change: dict = rng.choice(
                [
                    {"amount": Decimal(rng.randint(1, 100000)) / 100},
                    {"category": rng.choice(CATEGORIES)},
                    {"transaction_date": start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 3))},
                    {"status": rng.choice(["completed", "cancelled", "failed"])},
                    {"transaction_type": rng.choice(["income", "expense"])},
                ]
            )
            made[made.index(target)] = services.transaction_update(instance=target, actor=owner, data=change)
        else:
            target = made.pop(rng.randrange(len(made)))
            services.transaction_delete(instance=target, actor=owner)
    header = "transaction_date,transaction_type,category,amount,reference_number,customer\n"
    body = "".join(
        f"2026-02-0{1 + n % 3}T23:{n % 60:02d}:00+03:00,income,Counter Sales,{n}.25,IMP{n},{customer.name}\n"
        for n in range(1, 40)
    )
    import_transactions(business=business, actor=owner, raw=(header + body).encode(), fmt="generic")
    assert rollup_sums(business) == row_sums(business)
    assert monthly_rollups(business) == monthly_sums(business)
    assert not DailyRollup.objects.filter(business=business, count=0).exists()
    assert not MonthlyRollup.objects.filter(business=business, count=0).exists()


def test_rebuild_reproduces_the_maintained_rollups(business, owner):
    for n in range(20):
        services.transaction_create(
            business=business,
            actor=owner,
            data={
                "transaction_type": "expense",
                "amount": Decimal(n + 1),
                "category": "Rent",
                "transaction_date": dt.datetime(2026, 5, 1 + n, tzinfo=dt.UTC),
            },
        )
    maintained, maintained_months = rollup_sums(business), monthly_rollups(business)
    rollup_rebuild(business=business)
    assert rollup_sums(business) == maintained
    assert monthly_rollups(business) == maintained_months


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("2026-01-01", "2026-03-31"),
        ("2026-01-15", "2026-03-10"),
        ("2026-02-03", "2026-02-20"),
        ("2025-12-31", "2026-04-01"),
        (None, "2026-02-14"),
        ("2026-02-01", None),
        (None, None),
    ],
)
def test_report_sums_over_any_range_match_the_rows(date_from, date_to, business, owner):
    import datetime as dt

    from finance.selectors import rollup_sums as report_sums
    from finance.selectors import transaction_totals

    rng = random.Random(7)
    for _ in range(150):
        services.transaction_create(
            business=business,
            actor=owner,
            data={
                "transaction_type": rng.choice(["income", "expense"]),
                "amount": Decimal(rng.randint(1, 9999)) / 100,
                "category": rng.choice(CATEGORIES),
                "transaction_date": dt.datetime(2025, 12, 20, tzinfo=zoneinfo.ZoneInfo(business.timezone))
                + dt.timedelta(hours=rng.randint(0, 24 * 110)),
            },
        )
    lo = dt.date.fromisoformat(date_from) if date_from else dt.date(1900, 1, 1)
    hi = dt.date.fromisoformat(date_to) if date_to else dt.date(2999, 1, 1)
    expected: dict = {}
    for (day, kind, category, _), (total, count) in row_sums(business).items():
        if lo <= day <= hi:
            entry = expected.setdefault((kind, category), [Decimal(0), 0])
            entry[0] += total
            entry[1] += count
    got = report_sums(business, date_from=lo if date_from else None, date_to=hi if date_to else None)
    assert {k: tuple(v) for k, v in got.items()} == {k: tuple(v) for k, v in expected.items()}
    totals = transaction_totals(
        business=business, date_from=lo if date_from else None, date_to=hi if date_to else None
    )
    assert Decimal(totals["income"]) == sum(
        (v[0] for k, v in expected.items() if k[0] == "income"), Decimal(0)
    )
