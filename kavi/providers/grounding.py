"""Is every number in a model's reply one that the books gave? Figures are compared as decimals, so
"1,234.50", "1234.5" and "KES 1,234.50" are the same number; years, dates and the question's own
numbers are allowed too."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# The same shape of number the evaluation reads: 1,234.50 or 1234.5 or 12.
NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])-?\d+(?:\.\d+)?")
DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def numbers_in(text: str) -> list[Decimal]:
    out = []
    for raw in NUMBER.findall(text or ""):
        try:
            out.append(abs(Decimal(raw.replace(",", ""))))
        except InvalidOperation:
            continue
    return out


def _walk(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)
    else:
        yield value


def allowed_numbers(values: Iterable[Any], texts: Iterable[str] = ()) -> set[Decimal]:
    """Every number in tool results (and in the given texts: the question, earlier answers)."""
    allowed: set[Decimal] = set()

    def add(number: Decimal) -> None:
        number = abs(number)
        allowed.add(number)
        if number != number.to_integral_value():
            # A percentage may be said with one decimal or none.
            allowed.add(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    for value in values:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | Decimal):
            add(Decimal(value))
            continue
        text = str(value)
        for year, month, day in DATE.findall(text):
            for part in (year, month, day):
                add(Decimal(int(part)))
        for number in numbers_in(text):
            add(number)
    for text in texts:
        for number in numbers_in(text):
            add(number)
    return allowed


def ungrounded(reply: str, allowed: set[Decimal]) -> list[Decimal]:
    """The numbers in a reply that no tool result, question or earlier answer contains."""
    bad = []
    for number in numbers_in(reply):
        if number in allowed:
            continue
        if number == number.to_integral_value() and 1990 <= number <= 2100:
            continue  # a year
        bad.append(number)
    return bad


def check(reply: str, results: Iterable[Any], texts: Iterable[str]) -> list[Decimal]:
    return ungrounded(reply, allowed_numbers(_walk(list(results)), texts))
