"""Seeds the benchmark business: 1,000,000 transactions over three years, loaded with COPY.

Run with the project venv and the bench settings (bench/run.sh does this):

    DJANGO_SETTINGS_MODULE=fg_copilot.settings.production DATABASE_URL=... .venv/bin/python bench/seed.py

Idempotent: when "Bench Hardware Ltd" already holds exactly BENCH_ROWS transactions (and its rollups)
nothing is written. Otherwise its transactions are replaced in one database transaction. The rows
are deterministic for a given end date (a seeded RNG); the end date is the local date of the first
seed (or BENCH_END_DATE=YYYY-MM-DD), so the data set is reused as-is between runs.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import sys
import time
import zoneinfo
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fg_copilot.settings.production")

import django  # noqa: E402

django.setup()

from dateutil.relativedelta import relativedelta  # noqa: E402
from django.apps import apps  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F, Model, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from finance.models import Budget, Invoice, Supplier, Transaction  # noqa: E402
from finance.rollups import rollup_rebuild  # noqa: E402
from users import services as user_services  # noqa: E402
from users.models import Business, Customer, Membership, User  # noqa: E402

BENCH_EMAIL = "bench@kavi.test"
BENCH_PASSWORD = "Bench-Pass-2026!"  # noqa: S105 (a local benchmark account, published on purpose)
BENCH_BUSINESS = "Bench Hardware Ltd"
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
SEED = 20260101
TZ = zoneinfo.ZoneInfo("Africa/Nairobi")

# (category, share of income rows, min KES, max KES, linked to a customer)
INCOME = [
    ("Counter Sales", 0.88, 150, 9000, False),
    ("Wholesale", 0.07, 8000, 120000, True),
    ("Delivery Fees", 0.04, 200, 2500, False),
    ("Cutting & Fitting", 0.01, 300, 4000, False),
]
# (category, share of expense rows, min KES, max KES, linked to a supplier)
EXPENSE = [
    ("M-Pesa Charges", 0.25, 10, 110, False),
    ("Transport", 0.20, 200, 3500, True),
    ("Fuel", 0.10, 1000, 8000, False),
    ("Meals & Entertainment", 0.08, 200, 1500, False),
    ("Stock Purchases", 0.08, 8000, 150000, True),
    ("Office Supplies", 0.07, 100, 2500, False),
    ("Repairs & Maintenance", 0.06, 500, 12000, False),
    ("Utilities", 0.05, 500, 7000, True),
    ("Salaries", 0.04, 6000, 25000, False),
    ("Marketing", 0.03, 1000, 15000, False),
    ("Bank Charges", 0.02, 50, 600, False),
    ("Security", 0.015, 1000, 4000, False),
    ("Licences & Permits", 0.005, 2000, 30000, False),
]
TRANSFER = [("Bank Deposit", 0.6), ("M-Pesa to Bank", 0.3), ("Float Top-up", 0.1)]
TYPE_SHARES = [("income", 0.80), ("expense", 0.19), ("transfer", 0.01)]
STATUS = [("completed", 0.985), ("pending", 0.010), ("failed", 0.003), ("cancelled", 0.002)]
INCOME_METHODS = [("mpesa", 0.55), ("cash", 0.35), ("card", 0.07), ("bank_transfer", 0.03)]
EXPENSE_METHODS = [("mpesa", 0.45), ("bank_transfer", 0.30), ("cash", 0.22), ("cheque", 0.03)]
DESCRIPTIONS = {
    "Counter Sales": ["Walk-in sale", "Counter sale", "Retail sale", "Cement and nails", "Paint and brushes"],
    "Wholesale": ["Contractor order", "Bulk roofing sheets", "Site delivery order"],
    "Delivery Fees": ["Delivery to site", "Pickup delivery"],
    "Cutting & Fitting": ["Glass cutting", "Pipe threading", "Timber cutting"],
    "Transfer": ["Daily banking", "Till sweep", "Float top-up"],
}
SUPPLIERS = [
    ("Bamburi Cement Distributors", "Stock Purchases"),
    ("Mabati Rolling Mills", "Stock Purchases"),
    ("Crown Paints Kenya", "Stock Purchases"),
    ("Devki Steel Mills", "Stock Purchases"),
    ("Kenblest Tiles", "Stock Purchases"),
    ("Tononoka Steel", "Stock Purchases"),
    ("Basco Products", "Stock Purchases"),
    ("Haraka Transporters", "Transport"),
    ("Siginon Logistics", "Transport"),
    ("Kenya Power (KPLC)", "Utilities"),
    ("Nairobi Water", "Utilities"),
    ("Safaricom Business", "Utilities"),
]
CUSTOMERS = [
    f"{name} Contractors"
    for name in (
        "Amani",
        "Baraka",
        "Chania",
        "Dhahabu",
        "Elgon",
        "Faraja",
        "Gatundu",
        "Heri",
        "Imani",
        "Jamhuri",
        "Kilima",
        "Lamu",
        "Mara",
        "Nyota",
        "Olkaria",
        "Pwani",
        "Rafiki",
        "Simba",
        "Tana",
        "Umoja",
        "Vumilia",
        "Wema",
        "Yatta",
        "Zawadi",
        "Athi",
        "Bondo",
        "Kericho",
        "Kisii",
        "Machakos",
        "Naivasha",
    )
]
COLUMNS = (
    "business_id, amount, currency, transaction_type, category, description, payment_method, "
    "transaction_date, reference_number, external_id, status, supplier_id, customer_id, invoice_id, "
    "user_id, receipt, created_at, updated_at"
)


def _cumulative(rows: list[tuple], *, whole: bool = False) -> tuple[list, list[float]]:
    """Choices and cumulative weights for random.choices; the weight is each row's second item.
    The choice is the first item, or the whole row when `whole`."""
    total, cum = 0.0, []
    for row in rows:
        total += row[1]
        cum.append(total)
    return [row if whole else row[0] for row in rows], cum


def bench_user_and_business() -> tuple[User, Business]:
    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        user = user_services.user_register(
            email=BENCH_EMAIL, password=BENCH_PASSWORD, first_name="Bench", last_name="Runner"
        )
    business = Business.objects.filter(legal_name=BENCH_BUSINESS).first()
    if business is None:
        business = user_services.business_create(
            owner=user,
            data={
                "legal_name": BENCH_BUSINESS,
                "dba_name": "Bench Hardware",
                "industry": "Hardware retail",
                "address": "Kirinyaga Road, Nairobi",
            },
        )
    Membership.objects.get_or_create(user=user, business=business, defaults={"role": "owner"})
    return user, business


def counterparties(business: Business) -> tuple[dict[str, list[int]], list[int]]:
    for name, category in SUPPLIERS:
        Supplier.objects.get_or_create(business=business, name=name, defaults={"category": category})
    for name in CUSTOMERS:
        Customer.objects.get_or_create(business=business, name=name)
    by_category: dict[str, list[int]] = {}
    for supplier in Supplier.objects.filter(business=business).order_by("id"):
        by_category.setdefault(supplier.category, []).append(supplier.pk)
    customers = list(Customer.objects.filter(business=business).order_by("id").values_list("id", flat=True))
    return by_category, customers


def day_counts(start: dt.date, end: dt.date, total: int) -> list[tuple[dt.date, int]]:
    """Rows per day: busier on Saturdays and in the building season, quieter on Sundays, growing
    over the three years; scaled so the counts add up to exactly `total`."""
    days, weights = [], []
    span = (end - start).days or 1
    day = start
    while day <= end:
        weekday = day.weekday()
        w = 0.45 if weekday == 6 else 1.25 if weekday == 5 else 1.0
        w *= 1.15 if day.month in (6, 7, 8, 11) else 0.85 if day.month in (1, 4) else 1.0
        w *= 0.85 + 0.3 * (day - start).days / span  # the shop grows
        days.append(day)
        weights.append(w)
        day += dt.timedelta(days=1)
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [math.floor(r) for r in raw]
    short = total - sum(counts)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[:short]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def generate(
    *,
    business_id: int,
    user_id: int,
    start: dt.date,
    end: dt.date,
    suppliers: dict[str, list[int]],
    customers: list[int],
):
    """Yields COPY text chunks (about 20,000 rows each) and the number of rows in each."""
    rng = random.Random(SEED)
    types, type_cum = _cumulative(TYPE_SHARES)
    statuses, status_cum = _cumulative(STATUS)
    in_methods, in_cum = _cumulative(INCOME_METHODS)
    ex_methods, ex_cum = _cumulative(EXPENSE_METHODS)
    incomes, income_cum = _cumulative(INCOME, whole=True)
    expenses, expense_cum = _cumulative(EXPENSE, whole=True)
    transfers, transfer_cum = _cumulative(TRANSFER)
    choices, rand, randint = rng.choices, rng.random, rng.randint
    number = 0
    lines: list[str] = []
    for day, count in day_counts(start, end, ROWS):
        # Trading hours 07:00-20:00 Nairobi time, as UTC offsets in the text COPY reads.
        offset = TZ.utcoffset(dt.datetime.combine(day, dt.time(12)))
        assert offset is not None
        hours = int(offset.total_seconds() // 3600)
        tzs = f"{'+' if hours >= 0 else '-'}{abs(hours):02d}"
        stamp = day.isoformat()
        seconds = sorted(randint(7 * 3600, 20 * 3600 - 1) for _ in range(count))
        kinds = choices(types, cum_weights=type_cum, k=count)
        states = choices(statuses, cum_weights=status_cum, k=count)
        for second, kind, state in zip(seconds, kinds, states, strict=True):
            number += 1
            supplier = customer = r"\N"
            if kind == "income":
                category, _, low, high, linked = choices(incomes, cum_weights=income_cum)[0]
                method = choices(in_methods, cum_weights=in_cum)[0]
                description = DESCRIPTIONS[category][number % len(DESCRIPTIONS[category])]
                if linked:
                    customer = str(customers[randint(0, len(customers) - 1)])
            elif kind == "expense":
                category, _, low, high, linked = choices(expenses, cum_weights=expense_cum)[0]
                method = choices(ex_methods, cum_weights=ex_cum)[0]
                description = category
                if linked and (category != "Transport" or rand() < 0.5):
                    ids = suppliers.get(category) or []
                    if ids:
                        supplier = str(ids[randint(0, len(ids) - 1)])
            else:
                category = choices(transfers, cum_weights=transfer_cum)[0]
                low, high = 5000, 250000
                method = "bank_transfer"
                description = DESCRIPTIONS["Transfer"][number % 3]
            # Log-uniform amounts: many small, a few large; integer cents, shown with 2 places.
            cents = int(math.exp(math.log(low * 100) + rand() * (math.log(high * 100) - math.log(low * 100))))
            amount = f"{cents // 100}.{cents % 100:02d}"
            moment = f"{stamp} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}{tzs}"
            reference = f"QB{number:08X}" if method == "mpesa" else f"BH{number:07d}"
            lines.append(
                f"{business_id}\t{amount}\tKES\t{kind}\t{category}\t{description}\t{method}\t{moment}\t"
                f"{reference}\t\t{state}\t{supplier}\t{customer}\t\\N\t{user_id}\t\t{moment}\t{moment}\n"
            )
            if len(lines) >= 20000:
                yield "".join(lines), len(lines)
                lines = []
    if lines:
        yield "".join(lines), len(lines)


def extras(business: Business, customers: list[int], today: dt.date) -> None:
    """Budgets (monthly, for every month of the data and the next year) and open invoices, so the
    dashboard's budget alerts and receivables have real work to do."""
    if not Budget.objects.filter(business=business).exists():
        budgets = []
        month = (today - relativedelta(years=3)).replace(day=1)
        last = today.replace(day=1) + relativedelta(months=12)
        plan = [
            ("Transport", 1300000),
            ("Fuel", 1700000),
            ("Stock Purchases", 20000000),
            ("Marketing", 800000),
            ("Office Supplies", 250000),
            ("Repairs & Maintenance", 1500000),
        ]
        while month <= last:
            for category, amount in plan:
                budgets.append(
                    Budget(
                        business=business,
                        category=category,
                        amount=Decimal(amount),
                        period="monthly",
                        start_date=month,
                        end_date=month + relativedelta(months=1) - dt.timedelta(days=1),
                    )
                )
            month += relativedelta(months=1)
        Budget.objects.bulk_create(budgets)
    if not Invoice.objects.filter(business=business).exists():
        rng = random.Random(SEED + 1)
        invoices = []
        for n in range(1, 121):
            issued = today - dt.timedelta(days=rng.randint(0, 150))
            total = Decimal(rng.randint(20000, 400000))
            status = rng.choice(["sent", "sent", "partially_paid", "paid", "paid", "draft"])
            paid = (
                total
                if status == "paid"
                else (total / 2).quantize(Decimal("0.01"))
                if status == "partially_paid"
                else Decimal(0)
            )
            invoices.append(
                Invoice(
                    business=business,
                    customer_id=customers[n % len(customers)],
                    invoice_number=f"BH-{n:05d}",
                    issue_date=issued,
                    due_date=issued + dt.timedelta(days=30),
                    status=status,
                    subtotal=total,
                    total_amount=total,
                    amount_paid=paid,
                    paid_date=issued + dt.timedelta(days=20) if status == "paid" else None,
                )
            )
        Invoice.objects.bulk_create(invoices)


def rollup_models() -> list[type[Model]]:
    """Every rollup model of the finance app (DailyRollup, and any others the code has grown)."""
    return [
        m
        for m in apps.get_app_config("finance").get_models()
        if m.__name__.endswith("Rollup") and {"count", "business"} <= {f.name for f in m._meta.fields}
    ]


def rollup_tables() -> list[str]:
    return [m._meta.db_table for m in rollup_models()]


def stale_rollups(business: Business) -> list[str]:
    """Rollup models whose counts don't add up to the completed rows (say, a table that a new
    migration added to an existing bench database)."""
    completed = Transaction.objects.filter(business=business, status="completed").count()
    stale = []
    for model in rollup_models():
        counted = model._default_manager.filter(business=business).aggregate(n=Sum("count"))["n"] or 0
        if counted != completed:
            stale.append(f"{model.__name__} {counted:,} != {completed:,}")
    return stale


def analyze(tables: list[str]) -> None:
    with connection.cursor() as cursor:  # autocommit: VACUUM can't run inside a transaction
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def main() -> None:
    started = time.monotonic()
    user, business = bench_user_and_business()
    suppliers, customers = counterparties(business)
    existing = Transaction.objects.filter(business=business).count()
    if existing == ROWS:
        stale = stale_rollups(business)
        if stale:
            print(f"seed: rollups out of step with the rows ({', '.join(stale)}); rebuilding")
            t0 = time.monotonic()
            rollup_rebuild(business=business)
            print(f"seed: rollups rebuilt in {time.monotonic() - t0:.1f}s")
        analyze(rollup_tables())
        span = Transaction.objects.filter(business=business).order_by("transaction_date")
        first, last = span.first(), span.last()
        assert first is not None and last is not None
        print(
            f"seed: {BENCH_BUSINESS} already holds {existing:,} transactions "
            f"({first.transaction_date:%Y-%m-%d} to {last.transaction_date:%Y-%m-%d}); skipping"
        )
        return
    tz = zoneinfo.ZoneInfo(business.timezone)
    end = (
        dt.date.fromisoformat(os.environ["BENCH_END_DATE"])
        if os.environ.get("BENCH_END_DATE")
        else timezone.now().astimezone(tz).date()
    )
    start = end - relativedelta(years=3) + dt.timedelta(days=1)
    print(
        f"seed: generating {ROWS:,} transactions from {start} to {end} for {BENCH_BUSINESS} "
        f"(id {business.pk}); {existing:,} existing rows are replaced"
    )
    extras(business, customers, end)

    t0 = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM finance_transaction WHERE business_id = %s", [business.pk])
            pg = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            bar = tqdm(total=ROWS, unit="row", unit_scale=True, desc="COPY", mininterval=1.0)
            with pg.copy(f"COPY finance_transaction ({COLUMNS}) FROM STDIN") as copy:
                for chunk, n in generate(
                    business_id=business.pk,
                    user_id=user.pk,
                    start=start,
                    end=end,
                    suppliers=suppliers,
                    customers=customers,
                ):
                    copy.write(chunk)
                    bar.update(n)
            bar.close()
        Business.objects.filter(pk=business.pk).update(books_version=F("books_version") + 1)
    t_copy = time.monotonic() - t0

    t0 = time.monotonic()
    business.refresh_from_db()
    rollups = rollup_rebuild(business=business)
    t_rollup = time.monotonic() - t0

    t0 = time.monotonic()
    analyze(["finance_transaction", *rollup_tables(), "finance_budget", "finance_invoice"])
    t_analyze = time.monotonic() - t0
    total = time.monotonic() - started
    print(
        f"seed: {ROWS:,} rows copied in {t_copy:.1f}s, {rollups:,} rollup rows in {t_rollup:.1f}s, "
        f"VACUUM ANALYZE in {t_analyze:.1f}s; total {total:.1f}s"
    )


if __name__ == "__main__":
    main()
