"""Daily rollups: the sums that reports read instead of scanning rows. Every change to a completed
transaction adds and subtracts its contribution here, inside the same database transaction."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate, TruncMonth

from .models import DailyRollup, MonthlyRollup, Transaction, TransactionStatus


class RollupKey(NamedTuple):
    day: dt.date
    transaction_type: str
    category: str
    currency: str


def local_day(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.date:
    return moment.astimezone(tz).date()


def key_for(txn: Transaction, tz: zoneinfo.ZoneInfo) -> RollupKey | None:
    """The rollup a transaction counts toward, or None when it doesn't count (not completed)."""
    if txn.status != TransactionStatus.COMPLETED:
        return None
    return RollupKey(local_day(txn.transaction_date, tz), txn.transaction_type, txn.category, txn.currency)


def deltas_for(rows: Iterable[tuple[RollupKey | None, Decimal, int]]) -> dict[RollupKey, list[Any]]:
    merged: dict[RollupKey, list[Any]] = defaultdict(lambda: [Decimal("0"), 0])
    for key, amount, count in rows:
        if key is None:
            continue
        merged[key][0] += amount
        merged[key][1] += count
    return {k: v for k, v in merged.items() if v[0] != 0 or v[1] != 0}


UPSERT = """
INSERT INTO {table} (business_id, {period}, transaction_type, category, currency, total, count)
VALUES {values}
ON CONFLICT (business_id, {period}, transaction_type, category, currency)
DO UPDATE SET total = {table}.total + excluded.total,
              count = {table}.count + excluded.count
"""


def _upsert(table: str, period: str, business_id: int, deltas: dict[RollupKey, list[Any]]) -> None:
    items = sorted(deltas.items())  # a fixed order keeps concurrent writers from deadlocking
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        params: list[Any] = []
        for key, (total, count) in chunk:
            params += [business_id, key.day, key.transaction_type, key.category, key.currency, total, count]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(UPSERT.format(table=table, period=period, values=values), params)


def rollup_apply(*, business_id: int, deltas: dict[RollupKey, list[Any]]) -> None:
    """Adds the deltas atomically (an upsert per key, no read-modify-write). Call inside the
    transaction that writes the rows."""
    if not deltas:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Rollups must change in the same transaction as their rows.")
    _upsert("finance_dailyrollup", "day", business_id, deltas)
    months = deltas_for(
        (key._replace(day=key.day.replace(day=1)), total, count) for key, (total, count) in deltas.items()
    )
    _upsert("finance_monthlyrollup", "month", business_id, months)
    # Keys that netted out to nothing leave no row behind.
    DailyRollup.objects.filter(business_id=business_id, count=0).delete()
    MonthlyRollup.objects.filter(business_id=business_id, count=0).delete()


@transaction.atomic
def rollup_rebuild(*, business: Any) -> int:
    """Recomputes a business's rollups from its rows (after a time-zone change, or to repair)."""
    tz = zoneinfo.ZoneInfo(business.timezone)
    DailyRollup.objects.filter(business=business).delete()
    MonthlyRollup.objects.filter(business=business).delete()
    rows = (
        Transaction.objects.filter(business=business, status=TransactionStatus.COMPLETED)
        .annotate(day=TruncDate("transaction_date", tzinfo=tz))
        .values("day", "transaction_type", "category", "currency")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by()
    )
    DailyRollup.objects.bulk_create([DailyRollup(business=business, **row) for row in rows], batch_size=1000)
    months = (
        DailyRollup.objects.filter(business=business)
        .annotate(month=TruncMonth("day"))
        .values("month", "transaction_type", "category", "currency")
        .annotate(total=Sum("total"), count=Sum("count"))
        .order_by()
    )
    MonthlyRollup.objects.bulk_create(
        [MonthlyRollup(business=business, **row) for row in months], batch_size=1000
    )
    return len(rows)
