"""Statement imports: the generic CSV (the columns of the Duka Bora books) and M-Pesa statements
(the business org-portal export and the personal statement). Good rows are imported, bad rows are
reported by line number, and rows seen before (by external id) are counted as duplicates."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DataError, IntegrityError, transaction

from core.audit import audit_log, snapshot
from core.money import quantize, to_decimal
from users.models import Business, Customer

from .models import PaymentMethod, Supplier, Transaction, TransactionStatus, TransactionType
from .services import transactions_bulk_insert
from .validators import MONEY_MAX

GENERIC_COLUMNS = ("transaction_date", "transaction_type", "category", "amount")
MAX_ERRORS_REPORTED = 500


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_REPORTED:
            self.errors.append({"row": row, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "error_count": self.error_count,
        }


class RowError(ValueError):
    pass


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RowError("The file is not text.")  # pragma: no cover - latin-1 decodes anything


# --- Parsing helpers -------------------------------------------------------------------------------

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)


def parse_moment(value: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    text = (value or "").strip()
    if not text:
        raise RowError("the date is missing")
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in DATE_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 (zone added below)
                break
            except ValueError:
                continue
        else:
            raise RowError(f"'{text}' is not a date (use YYYY-MM-DD or an ISO date-time)") from None
    if moment.tzinfo is None:
        # A date alone means that day in the business's zone; noon keeps it there in any zone.
        if len(text) <= 10:
            moment = moment.replace(hour=12)
        moment = moment.replace(tzinfo=tz)
    if not dt.datetime(1970, 1, 1, tzinfo=dt.UTC) <= moment <= dt.datetime(2100, 1, 1, tzinfo=dt.UTC):
        raise RowError(f"'{text}' is out of range")
    return moment


def parse_amount(value: str) -> Decimal:
    try:
        amount = to_decimal(value)
    except ValueError:
        raise RowError(f"'{value}' is not an amount") from None
    if amount != quantize(amount):
        raise RowError(f"'{value}' has more than two decimal places")
    if abs(amount) > MONEY_MAX:
        raise RowError(f"'{value}' is too large")
    return amount


class Directory:
    """Customers and suppliers by name (case-insensitive) within one business; creates missing ones."""

    def __init__(self, business: Business, actor: Any) -> None:
        self.business, self.actor = business, actor
        self.customers = {c.name.lower(): c for c in Customer.objects.filter(business=business)}
        self.suppliers = {s.name.lower(): s for s in Supplier.objects.filter(business=business)}

    def _get(self, model: Any, cache: dict[str, Any], name: str) -> Any:
        name = " ".join(name.split())[:200]
        if not name:
            return None
        found = cache.get(name.lower())
        if found is None:
            found = model.objects.create(business=self.business, name=name)
            audit_log(
                actor=self.actor,
                action="create",
                business=self.business,
                obj=found,
                after=snapshot(found, extra={"source": "import"}),
            )
            cache[name.lower()] = found
        return found

    def customer(self, name: str) -> Customer | None:
        return self._get(Customer, self.customers, name)

    def supplier(self, name: str) -> Supplier | None:
        return self._get(Supplier, self.suppliers, name)

    def known_supplier(self, name: str) -> Supplier | None:
        return self.suppliers.get(" ".join(name.split()).lower())


# --- Formats -------------------------------------------------------------------------------------------

RowParser = Callable[[dict[str, str], int], list[dict[str, Any]]]
EXTERNAL_ID_LENGTH = getattr(Transaction._meta.get_field("external_id"), "max_length", None) or 100
LABELS = {"_customer": "customer", "_supplier": "supplier"}


def check_columns(values: dict[str, Any]) -> None:
    """Every value fits its column before anything is inserted: text without NUL characters
    (PostgreSQL refuses them) and within its length, amounts within numeric(15, 2). Dates were
    range-checked when parsed."""
    for name, value in values.items():
        label = LABELS.get(name, name.replace("_", " "))
        if isinstance(value, str):
            if "\x00" in value:
                raise RowError(f"the {label} contains a NUL character")
            if name in LABELS:
                continue  # names are cut to their column by Directory
            limit = getattr(Transaction._meta.get_field(name), "max_length", None)
            if limit and len(value) > limit:
                raise RowError(f"the {label} is longer than {limit} characters ({len(value)})")
        elif isinstance(value, Decimal) and abs(value) > MONEY_MAX:
            raise RowError(f"the {label} is larger than {MONEY_MAX}")


def _choice(value: str, choices: Iterable[str], what: str, default: str | None = None) -> str:
    text = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if not text and default is not None:
        return default
    aliases = {
        "m_pesa": "mpesa",
        "bank": "bank_transfer",
        "transfer_in": "transfer",
        "credit": "income",
        "debit": "expense",
    }
    text = aliases.get(text, text)
    if text not in choices:
        raise RowError(f"'{value}' is not a valid {what} ({', '.join(choices)})")
    return text


def generic_rows(business: Business, directory: Directory) -> tuple[RowParser, tuple[str, ...]]:
    tz = zoneinfo.ZoneInfo(business.timezone)

    def parse(row: dict[str, str], line: int) -> list[dict[str, Any]]:
        amount = parse_amount(row.get("amount", ""))
        if amount <= 0:
            raise RowError("the amount must be positive (the type gives the direction)")
        currency = (row.get("currency") or business.currency).strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise RowError(f"'{currency}' is not a currency code")
        reference = (row.get("reference_number") or "").strip()
        external = (row.get("external_id") or "").strip()
        values = {
            "transaction_date": parse_moment(row.get("transaction_date", ""), tz),
            "transaction_type": _choice(row.get("transaction_type", ""), TransactionType.values, "type"),
            "category": " ".join((row.get("category") or "").split()),
            "amount": amount,
            "currency": currency,
            "description": (row.get("description") or "").strip(),
            "payment_method": _choice(
                row.get("payment_method", ""), PaymentMethod.values, "payment method", "other"
            ),
            "status": _choice(row.get("status", ""), TransactionStatus.values, "status", "completed"),
            "reference_number": reference,
        }
        if not external:
            if reference:
                # The prefix must not push a long reference past the column: its digest stands in.
                external = f"ref:{reference}"
                if len(external) > EXTERNAL_ID_LENGTH:
                    digest = hashlib.sha1(reference.encode(), usedforsecurity=False).hexdigest()
                    external = f"ref#{digest}"
            else:
                fingerprint = "|".join(
                    str(values[k])
                    for k in ("transaction_date", "transaction_type", "amount", "category", "description")
                )
                external = "h:" + hashlib.sha1(fingerprint.encode(), usedforsecurity=False).hexdigest()[:32]
        values["external_id"] = external
        values["_customer"] = (row.get("customer") or "").strip()
        values["_supplier"] = (row.get("supplier") or "").strip()
        return [values]

    return parse, GENERIC_COLUMNS


MPESA_ALIASES = {
    "receipt_no": "receipt",
    "receipt": "receipt",
    "completion_time": "completed_at",
    "details": "details",
    "transaction_status": "status",
    "paid_in": "paid_in",
    "withdrawn": "withdrawn",
    "withdrawal": "withdrawn",
    "reason_type": "reason",
    "other_party_info": "other_party",
    "initiation_time": "initiated_at",
}


def mpesa_rows(business: Business, directory: Directory) -> tuple[RowParser, tuple[str, ...]]:
    tz = zoneinfo.ZoneInfo(business.timezone)
    seen: dict[str, int] = {}

    def parse(row: dict[str, str], line: int) -> list[dict[str, Any]]:
        status = (row.get("status") or "").strip().lower()
        if status != "completed":
            return []  # only completed rows are books; failed and cancelled ones are skipped
        receipt = (row.get("receipt") or "").strip().upper()
        if not receipt:
            raise RowError("the receipt number is missing")
        when = parse_moment(row.get("completed_at") or row.get("initiated_at") or "", tz)
        paid_in = parse_amount(row["paid_in"]) if (row.get("paid_in") or "").strip() else Decimal(0)
        withdrawn = parse_amount(row["withdrawn"]) if (row.get("withdrawn") or "").strip() else Decimal(0)
        details = " ".join((row.get("details") or "").split())
        reason = (row.get("reason") or "").strip()
        party = " ".join((row.get("other_party") or "").split())
        is_charge = "charge" in details.lower() or "charge" in reason.lower()
        if paid_in > 0 and withdrawn == 0:
            kind, amount = TransactionType.INCOME, paid_in
        elif abs(withdrawn) > 0 and paid_in == 0:
            kind, amount = TransactionType.EXPENSE, abs(withdrawn)
        else:
            raise RowError("a row needs an amount in exactly one of Paid In and Withdrawn")
        # Charges share the receipt number of their payment; later rows with it get a suffix.
        base = f"mpesa:{receipt}" + (":charge" if is_charge else "")
        seen[base] = seen.get(base, 0) + 1
        external = base if seen[base] == 1 else f"{base}:{seen[base]}"
        supplier = None
        payer = party.split(" - ", 1)[1] if " - " in party else party
        if kind == TransactionType.INCOME:
            category = "M-Pesa Sales"
        elif is_charge:
            category = "M-Pesa Charges"
        else:
            supplier = directory.known_supplier(party) or directory.known_supplier(
                details.split(" to ", 1)[1] if " to " in details else ""
            )
            category = supplier.category if supplier and supplier.category else "M-Pesa Payments"
        description = details if not payer or payer.lower() in details.lower() else f"{details} ({payer})"
        return [
            {
                "transaction_date": when,
                "transaction_type": kind,
                "category": category,
                "amount": amount,
                "currency": "KES",
                "description": description[:500],
                "payment_method": PaymentMethod.MPESA,
                "status": TransactionStatus.COMPLETED,
                "reference_number": receipt,
                "external_id": external,
                "_supplier_obj": supplier,
                "_customer": "",
                "_supplier": "",
            }
        ]

    return parse, ("receipt", "status")


def _normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")


def read_rows(text: str, fmt: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str] | RowError]]]:
    """The header and (line number, row) pairs; M-Pesa exports carry preamble lines before the header."""
    lines = text.splitlines()
    start = 0
    if fmt == "mpesa":
        for index, line in enumerate(lines[:50]):
            if "receipt" in line.lower() and ("paid in" in line.lower() or "withdrawn" in line.lower()):
                start = index
                break
        else:
            raise RowError("This is not an M-Pesa statement: no header row with Receipt No. and Paid In.")
    reader = csv.reader(io.StringIO("\n".join(lines[start:])))
    try:
        header = next(reader)
    except StopIteration:
        raise RowError("The file is empty.") from None
    except csv.Error as exc:
        raise RowError(f"The header row is unreadable ({exc}).") from None
    names = [_normalise_header(h) for h in header]
    if fmt == "mpesa":
        names = [MPESA_ALIASES.get(n, n) for n in names]

    def rows() -> Iterator[tuple[int, dict[str, str] | RowError]]:
        offset = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a field over the csv module's limit (131,072 characters)
                yield start + offset + 2, RowError(f"unreadable row ({exc})")
                offset += 1
                continue
            offset += 1
            if not any(v.strip() for v in values):
                continue
            yield start + offset + 1, dict(zip(names, values, strict=False))

    return names, rows()


FORMATS = {"generic": generic_rows, "mpesa": mpesa_rows}


def import_transactions(
    *,
    business: Business,
    actor: Any,
    raw: bytes,
    fmt: str,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Imports a statement. Each batch is one database transaction with its rollups and audit rows."""
    result = ImportResult()
    try:
        names, rows = read_rows(decode(raw), fmt)
    except RowError as exc:
        result.error(0, str(exc))
        return result
    directory = Directory(business, actor)
    parse, required = FORMATS[fmt](business, directory)
    missing = [c for c in required if c not in names]
    if missing:
        result.error(1, f"missing column(s): {', '.join(missing)}")
        return result
    batch: list[tuple[int, dict[str, Any]]] = []
    seen_in_file: set[str] = set()

    def _insert(new: list[tuple[int, Transaction]]) -> None:
        """The batch at once; if the database refuses it after all, row by row, so only the rows
        it refuses are reported (or counted as duplicates when another import just added them)."""
        try:
            with transaction.atomic():
                transactions_bulk_insert(business=business, actor=actor, transactions=[t for _, t in new])
            result.created += len(new)
            return
        except (DataError, IntegrityError, ValueError):
            pass
        for line, txn in new:
            txn.pk, txn._state.adding = None, True
            try:
                with transaction.atomic():
                    transactions_bulk_insert(business=business, actor=actor, transactions=[txn])
                result.created += 1
            except IntegrityError:
                result.duplicates += 1
            except (DataError, ValueError) as exc:
                result.error(line, f"the database refused the row ({str(exc).splitlines()[0]})")

    def flush() -> None:
        if not batch:
            return
        with transaction.atomic():
            ids = [values["external_id"] for _, values in batch]
            existing = set(
                Transaction.objects.filter(business=business, external_id__in=ids).values_list(
                    "external_id", flat=True
                )
            )
            new: list[tuple[int, Transaction]] = []
            for line, values in batch:
                if values["external_id"] in existing:
                    result.duplicates += 1
                    continue
                try:
                    customer = directory.customer(values.pop("_customer"))
                    supplier = values.pop("_supplier_obj", None) or directory.supplier(
                        values.pop("_supplier")
                    )
                except Exception as exc:  # a name the database refuses
                    result.error(line, f"could not match the customer or supplier: {exc}")
                    continue
                values.pop("_supplier", None)
                new.append(
                    (
                        line,
                        Transaction(
                            business=business,
                            customer=customer,
                            supplier=supplier,
                            user=actor if getattr(actor, "pk", None) else None,
                            **values,
                        ),
                    )
                )
            _insert(new)
        if progress:
            progress(len(batch))
        batch.clear()

    for line, row in rows:
        try:
            if isinstance(row, RowError):
                raise row
            parsed = parse(row, line)
            for values in parsed:
                check_columns(values)
        except RowError as exc:
            result.error(line, str(exc))
            continue
        except (KeyError, ValueError, TypeError) as exc:
            result.error(line, f"unreadable row ({exc})")
            continue
        for values in parsed:
            if values["external_id"] in seen_in_file:
                result.duplicates += 1
                continue
            seen_in_file.add(values["external_id"])
            batch.append((line, values))
        if len(batch) >= batch_size:
            flush()
    flush()
    if result.created >= 1000:
        _refresh_statistics()
    return result


def _refresh_statistics() -> None:
    """After a bulk load the planner's row estimates are stale until autovacuum catches up, and it
    would sort whole tables instead of walking the list index; refresh them now."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE finance_transaction, finance_dailyrollup")
