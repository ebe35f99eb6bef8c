"""Money: Decimal with two places, rounded once, half up, and never a float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rest_framework import serializers

MONEY_DIGITS = 15
MONEY_PLACES = 2
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: Any) -> Decimal:
    """Strict parsing for amounts from files and forms: strings and ints only, never floats."""
    if isinstance(value, float):
        raise ValueError("Floats are not accepted for money.")
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(",", "").replace(" ", "")
    if text.upper().startswith("KES"):
        text = text[3:]
    try:
        result = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not an amount.") from exc
    if not result.is_finite():
        raise ValueError(f"{value!r} is not an amount.")
    return result


def format_money(amount: Decimal, currency: str = "KES") -> str:
    return f"{currency} {quantize(amount):,.2f}"


class MoneyField(serializers.DecimalField):
    """A decimal string with two places. JSON numbers with a fraction (floats) are refused."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_PLACES)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, float):
            raise serializers.ValidationError('Send amounts as decimal strings, e.g. "1250.00".')
        if isinstance(data, bool):
            raise serializers.ValidationError("A valid number is required.")
        return super().to_internal_value(data)
