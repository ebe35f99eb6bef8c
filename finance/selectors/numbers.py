"""The one place figures are rounded for display: money to the cent and percentages to 2 places,
both half up. The dashboard, the reports, the insights and KAVI all use these, so a figure reads the
same wherever it is shown. Two places is canonical for percentages (budget utilisation, margins and
changes all used it before KAVI did)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField

from core.money import MONEY_DIGITS, MONEY_PLACES, ZERO, quantize

MONEY = DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)


def money(value: Decimal | None) -> str:
    """A money figure as the API shows it: a decimal string with 2 places."""
    return str(quantize(value or ZERO))


def percent(value: Decimal, *, places: int = 2) -> Decimal:
    """A percentage rounded to 2 places (KAVI speaks 1), half up."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_change(current: Decimal, previous: Decimal, *, places: int = 2) -> Decimal | None:
    """The change from previous to current in percent of |previous|; None when previous is zero."""
    if previous == 0:
        return None
    return percent((current - previous) * 100 / abs(previous), places=places)


def percent_of(part: Decimal, whole: Decimal, *, places: int = 2) -> Decimal | None:
    """part as a percentage of whole; None when whole is zero."""
    if whole == 0:
        return None
    return percent(part * 100 / whole, places=places)
