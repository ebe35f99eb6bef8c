"""The one rounding of figures (finance.selectors.numbers): money to the cent, percentages to 2
places, both half up, and no percent change from zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance.selectors import money, percent_change, percent_of


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        ("150.00", "100.00", Decimal("50.00")),
        ("50.00", "100.00", Decimal("-50.00")),
        ("100.00", "300.00", Decimal("-66.67")),
        ("200.00", "300.00", Decimal("-33.33")),
        ("1.00", "8.00", Decimal("-87.50")),
        ("-50.00", "-100.00", Decimal("50.00")),  # against |previous|: a smaller loss is a rise
        ("1.00", "-0.80", Decimal("225.00")),
        ("0.0001", "0.0008", Decimal("-87.50")),
        ("1.00045", "1.00", Decimal("0.05")),  # 0.045 rounds half up
    ],
)
def test_percent_change_is_rounded_to_two_places_half_up(current, previous, expected):
    change = percent_change(Decimal(current), Decimal(previous))
    assert change == expected
    assert change is not None and change.as_tuple().exponent == -2


def test_no_percent_change_or_share_from_zero():
    assert percent_change(Decimal("10.00"), Decimal("0.00")) is None
    assert percent_of(Decimal("10.00"), Decimal("0")) is None


def test_percent_of_and_money():
    assert percent_of(Decimal("1"), Decimal("3")) == Decimal("33.33")
    assert percent_of(Decimal("2"), Decimal("3")) == Decimal("66.67")
    assert money(Decimal("1250.005")) == "1250.01"
    assert money(Decimal("-0.005")) == "-0.01"
    assert money(None) == "0.00"
