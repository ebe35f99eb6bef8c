"""Transaction exports as CSV or XLSX, streamed in chunks so a large export stays flat in memory."""

from __future__ import annotations

import csv
import io
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


def _sanitise(value: Any) -> Any:
    # Spreadsheet apps run cells that start with these as formulas.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not value[1:2].isdigit():
        return "'" + value
    return value


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
        sheet.append([_sanitise(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
