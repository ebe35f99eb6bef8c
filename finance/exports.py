"""Transaction exports as CSV or XLSX, streamed in chunks so a large export stays flat in memory."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

COLUMNS = [
    "id",
    "transaction_date",
    "transaction_type",
    "category",
    "amount",
    "currency",
    "description",
    "payment_method",
    "reference_number",
    "external_id",
    "status",
    "customer",
    "supplier",
    "invoice",
]


def _rows(queryset: QuerySet) -> Iterator[list[Any]]:
    values = queryset.values_list(
        "id",
        "transaction_date",
        "transaction_type",
        "category",
        "amount",
        "currency",
        "description",
        "payment_method",
        "reference_number",
        "external_id",
        "status",
        "customer__name",
        "supplier__name",
        "invoice__invoice_number",
    )
    for row in values.iterator(chunk_size=2000):
        row = list(row)
        row[1] = row[1].isoformat()
        row[4] = f"{row[4]:.2f}"
        yield ["" if v is None else v for v in row]


# Spreadsheet apps run a cell that starts with one of these as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _sanitise(value: Any) -> Any:
    """Text that a spreadsheet would run is prefixed with a quote, which makes it plain text there;
    a plain number such as -1500.00 stays as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    value = _sanitise(value)
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Control characters other than tab and newlines can't be in a worksheet (openpyxl raises);
    # they show as U+FFFD, as in the CSV's text they are kept.
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    # openpyxl stores any string that starts with "=" as a formula; say outright that it is text.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def csv_stream(queryset: QuerySet) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in _rows(queryset):
        writer.writerow([_sanitise(v) for v in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(queryset: QuerySet) -> bytes:
    from decimal import Decimal

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Transactions")
    sheet.append(COLUMNS)
    for row in _rows(queryset):
        row[4] = Decimal(row[4])
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
