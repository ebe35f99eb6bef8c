"""The demo business's books: a believable year of a Nairobi wholesaler, with suppliers,
invoices (paid, part-paid, overdue, draft), budgets and daily trading, written through services."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from core.money import quantize
from core.services import business_object_create
from users.demo import DemoContext, demo_step
from users.models import Customer

from . import services
from .models import Budget, Supplier, Transaction

SUPPLIERS = [
    ("Bidco Africa Distributors", "Stock Purchases", 30),
    ("Kapa Oil Refineries", "Stock Purchases", 30),
    ("Haraka Transporters", "Transport", 7),
    ("Kenya Power (KPLC)", "Utilities", 0),
    ("Nairobi Water", "Utilities", 0),
    ("Luthuli Properties", "Rent", 0),
    ("Safaricom Business", "Airtime & Data", 0),
]
# (category, monthly base, payment method, supplier name or "")
MONTHLY_EXPENSES = [
    ("Rent", Decimal("65000"), "bank_transfer", "Luthuli Properties"),
    ("Salaries", Decimal("182000"), "bank_transfer", ""),
    ("Airtime & Data", Decimal("4500"), "mpesa", "Safaricom Business"),
    ("Taxes", Decimal("23000"), "bank_transfer", ""),
]


def _moment(day: dt.date, hour: int, minute: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


@demo_step("suppliers")
def _suppliers(ctx: DemoContext) -> None:
    for name, category, terms in SUPPLIERS:
        business_object_create(
            model=Supplier,
            business=ctx.business,
            actor=ctx.users["admin"],
            data={
                "name": name,
                "category": category,
                "payment_terms_days": terms,
                "email": f"accounts@{name.split()[0].lower()}.co.ke",
            },
        )
    ctx.created["suppliers"] = len(SUPPLIERS)


@demo_step("daily trading")
def _trading(ctx: DemoContext) -> None:
    rng, business = ctx.rng, ctx.business
    tz = zoneinfo.ZoneInfo(business.timezone)
    today = timezone.now().astimezone(tz).date()
    start = today.replace(day=1) - relativedelta(months=ctx.months - 1)
    suppliers = {s.name: s for s in Supplier.objects.filter(business=business)}
    rows: list[Transaction] = []
    day = start
    number = 0

    def add(**values: object) -> None:
        nonlocal number
        number += 1
        rows.append(
            Transaction(
                business=business,
                currency=business.currency,
                status="completed",
                reference_number=f"TT{number:06d}",
                user=ctx.users["staff"],
                **values,
            )
        )

    while day <= today:
        season = (
            Decimal("1.25")
            if day.month in (11, 12)
            else Decimal("0.9")
            if day.month in (1, 2)
            else Decimal(1)
        )
        if day.weekday() != 6:  # closed on Sundays
            for _ in range(rng.randint(3, 7)):
                amount = quantize(
                    Decimal(rng.randint(800, 14000)) * season + Decimal(rng.randint(0, 99)) / 100
                )
                add(
                    transaction_type="income",
                    category="Counter Sales",
                    amount=amount,
                    description=rng.choice(["Walk-in sale", "Counter sale", "Retail sale"]),
                    payment_method=rng.choice(["mpesa", "mpesa", "mpesa", "cash", "card"]),
                    transaction_date=_moment(day, rng.randint(8, 18), rng.randint(0, 59), tz),
                )
            if rng.random() < 0.35:
                add(
                    transaction_type="expense",
                    category="Transport",
                    amount=Decimal(rng.randint(500, 4500)),
                    description="Boda boda delivery",
                    payment_method="mpesa",
                    supplier=suppliers["Haraka Transporters"],
                    transaction_date=_moment(day, rng.randint(9, 17), rng.randint(0, 59), tz),
                )
        if day.weekday() == 1:
            supplier = suppliers[rng.choice(["Bidco Africa Distributors", "Kapa Oil Refineries"])]
            add(
                transaction_type="expense",
                category="Stock Purchases",
                amount=quantize(Decimal(rng.randint(60000, 140000)) * season),
                description=f"Restock from {supplier.name}",
                payment_method="bank_transfer",
                supplier=supplier,
                transaction_date=_moment(day, 10, 15, tz),
            )
        if day.day == 1:
            for category, base, method, supplier_name in MONTHLY_EXPENSES:
                add(
                    transaction_type="expense",
                    category=category,
                    amount=base,
                    description=f"{category} for {day:%B}",
                    payment_method=method,
                    supplier=suppliers.get(supplier_name),
                    transaction_date=_moment(day, 9, 0, tz),
                )
        if day.day == 5:
            add(
                transaction_type="expense",
                category="Utilities",
                amount=Decimal(rng.randint(7000, 12000)),
                description="Electricity token",
                payment_method="mpesa",
                supplier=suppliers["Kenya Power (KPLC)"],
                transaction_date=_moment(day, 11, 30, tz),
            )
            add(
                transaction_type="expense",
                category="Marketing",
                amount=Decimal(rng.randint(3000, 15000)),
                description=rng.choice(["Radio spot", "Flyers", "Facebook ads"]),
                payment_method="mpesa",
                transaction_date=_moment(day, 12, 0, tz),
            )
        if day.day == 28:
            add(
                transaction_type="transfer",
                category="Transfer",
                amount=Decimal(rng.randint(50, 150) * 1000),
                description="Transfer to savings account",
                payment_method="bank_transfer",
                transaction_date=_moment(day, 16, 0, tz),
            )
        day += dt.timedelta(days=1)
    services.transactions_bulk_insert(business=business, actor=ctx.users["staff"], transactions=rows)
    ctx.created["transactions"] = len(rows)


@demo_step("invoices")
def _invoices(ctx: DemoContext) -> None:
    rng, business = ctx.rng, ctx.business
    tz = zoneinfo.ZoneInfo(business.timezone)
    today = timezone.now().astimezone(tz).date()
    customers = list(Customer.objects.filter(business=business))
    products = [
        ("Cooking oil 20L", Decimal("4200"), Decimal("16")),
        ("Maize flour 24x2kg", Decimal("3100"), Decimal(0)),
        ("Sugar 50kg", Decimal("7600"), Decimal("16")),
        ("Rice 25kg", Decimal("4900"), Decimal(0)),
        ("Bar soap carton", Decimal("2300"), Decimal("16")),
    ]
    made = 0
    issue = today.replace(day=1) - relativedelta(months=ctx.months - 1)
    while issue <= today:
        items = [
            {
                "description": name,
                "quantity": Decimal(rng.randint(2, 30)),
                "unit_price": price,
                "tax_rate": vat,
            }
            for name, price, vat in rng.sample(products, rng.randint(1, 3))
        ]
        invoice = services.invoice_create(
            business=business,
            actor=ctx.users["staff"],
            data={
                "customer": rng.choice(customers),
                "issue_date": issue,
                "due_date": issue + dt.timedelta(days=30),
                "items": items,
                "notes": "Thank you for your business.",
            },
        )
        made += 1
        age = (today - issue).days
        if age > 3 or rng.random() < 0.5:
            services.invoice_send(instance=invoice, actor=ctx.users["staff"])
            outcome = rng.random()
            paid_on = min(today, issue + dt.timedelta(days=rng.randint(10, 45)))
            if age > 45 and outcome < 0.8:
                services.invoice_mark_paid(
                    instance=invoice,
                    actor=ctx.users["staff"],
                    paid_on=paid_on,
                    payment_method=rng.choice(["mpesa", "bank_transfer", "cheque"]),
                )
            elif age > 20 and outcome < 0.5:
                services.invoice_mark_paid(
                    instance=invoice,
                    actor=ctx.users["staff"],
                    paid_on=paid_on,
                    amount=quantize(invoice.total_amount / 2),
                    payment_method="mpesa",
                )
        issue += dt.timedelta(days=rng.randint(4, 9))
    ctx.created["invoices"] = made


@demo_step("budgets")
def _budgets(ctx: DemoContext) -> None:
    tz = zoneinfo.ZoneInfo(ctx.business.timezone)
    today = timezone.now().astimezone(tz).date()
    made = 0
    for back in range(3, -1, -1):
        start = today.replace(day=1) - relativedelta(months=back)
        end = start + relativedelta(months=1) - dt.timedelta(days=1)
        for category, amount in (
            ("Transport", "28000"),
            ("Marketing", "9000"),
            ("Utilities", "12000"),
            ("Stock Purchases", "420000"),
        ):
            business_object_create(
                model=Budget,
                business=ctx.business,
                actor=ctx.users["admin"],
                data={
                    "category": category,
                    "amount": Decimal(amount),
                    "period": "monthly",
                    "start_date": start,
                    "end_date": end,
                    "currency": ctx.business.currency,
                },
            )
            made += 1
    ctx.created["budgets"] = made
