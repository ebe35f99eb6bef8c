"""Checks on uploaded files (receipts are PDF, JPEG or PNG up to 10 MB, by content, not by name),
and the range of dates the books accept."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from core.exceptions import ApplicationError
from core.fields import BOOK_DATE_MAX, BOOK_DATE_MIN  # noqa: F401 - dates of money that moved
from core.money import CENT, MONEY_DIGITS, MONEY_PLACES
from core.parsers import MAX_RECEIPT_BYTES

# Dates in queries (reports, filters): wide, but far enough from year 1 and 9999 that a day or a
# month either side of them is still a date.
QUERY_DATE_MIN, QUERY_DATE_MAX = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
# The largest amount a money column (numeric(15, 2)) holds.
MONEY_MAX = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES) - CENT
SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}


def validate_receipt(file: Any) -> None:
    if not file:
        return
    size = getattr(file, "size", 0) or 0
    if size > MAX_RECEIPT_BYTES:
        raise ValidationError("A receipt may be at most 10 MB.", code="file_too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(8)
    finally:
        file.seek(position)
    if not any(head.startswith(sig) for sig in SIGNATURES):
        raise ValidationError("A receipt must be a PDF, JPEG or PNG file.", code="file_type")


def check_money_range(**amounts: Decimal) -> None:
    """Amounts the server computes (line totals, taxes, invoice totals) must fit their columns as
    much as the ones a client sends: a 400 naming each field, not a database error on save."""
    fields = {
        name: [f"Would be {amount:.2f}; at most {MONEY_MAX} fits."]
        for name, amount in amounts.items()
        if abs(amount) > MONEY_MAX
    }
    if fields:
        raise ApplicationError(
            "out_of_range", "An amount computed from the input is too large.", fields=fields
        )
