"""Dates the API accepts: a bounded DateField, and the mapping that gives every ModelSerializer's
date column one (imported by CoreConfig.ready), so a new serializer can't forget the bounds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import models
from rest_framework import serializers

# Dates in the books (invoices, budgets, payments): the range LocalDateTimeField accepts for
# moments, far enough inside year 1 and 9999 that a day or a month either side is still a date.
BOOK_DATE_MIN, BOOK_DATE_MAX = dt.date(1970, 1, 1), dt.date(2099, 12, 31)

Bound = dt.date | Callable[[], dt.date]


class BoundedDateField(serializers.DateField):
    """A date within [low, high] (either may be a callable, such as today); outside it, a field
    error rather than a date that overflows further on."""

    def __init__(self, *, low: Bound = BOOK_DATE_MIN, high: Bound = BOOK_DATE_MAX, **kwargs: Any) -> None:
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        low = self.low() if callable(self.low) else self.low
        high = self.high() if callable(self.high) else self.high
        if not low <= day <= high:
            raise serializers.ValidationError(f"Enter a date from {low} to {high}.", code="date_range")
        return day


serializers.ModelSerializer.serializer_field_mapping[models.DateField] = BoundedDateField


class StrictRegexField(serializers.RegexField):
    """A pattern-checked string that refuses a JSON number instead of turning 0 into "0": a
    shortcode or account reference sent as a number has already lost its leading zeros."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
