import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from finance import services

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")


def at(text: str) -> dt.datetime:
    """A Nairobi wall-clock time, e.g. at("2026-03-31 23:30")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=NAIROBI)


@pytest.fixture
def book(business, owner):
    """Records a completed transaction through the service (so rollups follow)."""

    def record(kind="expense", amount="100.00", when="2026-03-15 10:00", category="Transport", **extra):
        data = {
            "transaction_type": kind,
            "amount": Decimal(amount),
            "transaction_date": at(when),
            "category": category,
            "payment_method": extra.pop("payment_method", "mpesa"),
            **extra,
        }
        return services.transaction_create(business=business, actor=owner, data=data)

    return record
