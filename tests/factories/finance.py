"""Factories for the books."""

import datetime as dt
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from finance.models import (
    Budget,
    CreditScore,
    DailyRollup,
    Forecast,
    Invoice,
    InvoiceItem,
    MpesaSettings,
    MpesaStkRequest,
    Supplier,
    Transaction,
)


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    business = factory.SubFactory("tests.factories.BusinessFactory")
    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")
    category = "Stock"


class TransactionFactory(factory.django.DjangoModelFactory):
    """Rows made directly, without the rollups; use finance.services in tests about totals."""

    class Meta:
        model = Transaction

    business = factory.SubFactory("tests.factories.BusinessFactory")
    amount = Decimal("1000.00")
    currency = "KES"
    transaction_type = "expense"
    category = "Transport"
    description = "Boda boda delivery"
    payment_method = "mpesa"
    transaction_date = factory.LazyFunction(timezone.now)
    status = "completed"


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    business = factory.SubFactory("tests.factories.BusinessFactory")
    customer = factory.SubFactory(
        "tests.factories.CustomerFactory", business=factory.SelfAttribute("..business")
    )
    invoice_number = factory.Sequence(lambda n: f"INV-T-{n:05d}")
    issue_date = factory.LazyFunction(lambda: timezone.localdate())
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    status = "draft"
    subtotal = Decimal("1000.00")
    total_amount = Decimal("1000.00")


class InvoiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceItem

    invoice = factory.SubFactory(InvoiceFactory)
    business = factory.SelfAttribute("invoice.business")
    description = "Cement 50kg"
    quantity = Decimal("2")
    unit_price = Decimal("500.00")
    line_total = Decimal("1000.00")


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    business = factory.SubFactory("tests.factories.BusinessFactory")
    category = "Transport"
    amount = Decimal("20000.00")
    # This month, whole: a budget made on the 29th to the 31st still covers today.
    start_date = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    end_date = factory.LazyAttribute(lambda b: b.start_date + relativedelta(months=1) - dt.timedelta(days=1))


class DailyRollupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyRollup

    business = factory.SubFactory("tests.factories.BusinessFactory")
    day = factory.LazyFunction(timezone.localdate)
    transaction_type = "expense"
    category = "Transport"
    total = Decimal("100.00")
    count = 1


class MpesaSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MpesaSettings
        django_get_or_create = ("business",)  # one per business

    business = factory.SubFactory("tests.factories.BusinessFactory")
    shortcode = "174379"


class MpesaStkRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MpesaStkRequest

    business = factory.SubFactory("tests.factories.BusinessFactory")
    phone = "254712345678"
    amount = Decimal("100.00")
    checkout_request_id = factory.Sequence(lambda n: f"ws_CO_{n:010d}")


class ForecastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forecast

    business = factory.SubFactory("tests.factories.BusinessFactory")
    horizon_months = 3
    method = "seasonal-trend"


class CreditScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditScore

    business = factory.SubFactory("tests.factories.BusinessFactory")
    score = 650
    grade = "B"
