"""The books: transactions, suppliers, invoices, budgets, their daily rollups, M-Pesa,
forecasts and credit scores. Amounts are Decimal(15,2) with a currency."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from core.money import MONEY_DIGITS, MONEY_PLACES
from core.tenancy import BusinessOwnedModel

from .validators import validate_receipt


def MoneyField(**kwargs: Any) -> models.DecimalField:
    kwargs.setdefault("max_digits", MONEY_DIGITS)
    kwargs.setdefault("decimal_places", MONEY_PLACES)
    return models.DecimalField(**kwargs)


def CurrencyField(**kwargs: Any) -> models.CharField:
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("default", "KES")
    return models.CharField(**kwargs)


class TransactionType(models.TextChoices):
    INCOME = "income", "Income"
    EXPENSE = "expense", "Expense"
    TRANSFER = "transfer", "Transfer"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    MPESA = "mpesa", "M-Pesa"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CARD = "card", "Card"
    CHEQUE = "cheque", "Cheque"
    OTHER = "other", "Other"


class TransactionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Supplier(BusinessOwnedModel):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    category = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=300, blank=True)
    tax_id = models.CharField(max_length=32, blank=True)
    payment_terms_days = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(365)])
    notes = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["business", "name"])]

    def __str__(self) -> str:
        return self.name


class Transaction(BusinessOwnedModel):
    amount = MoneyField(validators=[MinValueValidator(Decimal("0.01"))])
    currency = CurrencyField()
    transaction_type = models.CharField(max_length=10, choices=TransactionType.choices)
    category = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=500, blank=True)
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.CASH
    )
    transaction_date = models.DateTimeField()
    reference_number = models.CharField(max_length=100, blank=True)
    # The source's own id (an M-Pesa receipt, an import's reference): re-imports match on it.
    external_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=10, choices=TransactionStatus.choices, default=TransactionStatus.COMPLETED
    )
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.RESTRICT, related_name="transactions"
    )
    customer = models.ForeignKey(
        "users.Customer", null=True, blank=True, on_delete=models.RESTRICT, related_name="transactions"
    )
    invoice = models.ForeignKey(
        "finance.Invoice", null=True, blank=True, on_delete=models.RESTRICT, related_name="payments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipt = models.FileField(upload_to="receipts/%Y/%m/", blank=True, validators=[validate_receipt])
    # Money received that no invoice took (it was already settled, or the payment was more than its
    # balance): a customer credit when `customer` is set, else an unapplied payment. Either way the
    # owner sees it (/finance/mpesa/unapplied-payments/); `unapplied_invoice` is what it was meant for.
    unapplied = models.BooleanField(default=False)
    unapplied_invoice = models.ForeignKey(
        "finance.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="unapplied_payments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-transaction_date", "-id"]
        indexes = [
            models.Index(fields=["business", "-transaction_date", "-id"], name="txn_business_date"),
            models.Index(
                fields=["business", "transaction_type", "-transaction_date"], name="txn_business_type_date"
            ),
            models.Index(fields=["business", "category", "-transaction_date"], name="txn_business_cat_date"),
            # The list's category filter matches any case (UPPER(category) = UPPER(%s)).
            models.Index(
                "business",
                Upper("category"),
                F("transaction_date").desc(),
                F("id").desc(),
                name="txn_business_ucat_date",
            ),
            models.Index(fields=["business", "supplier", "-transaction_date"], name="txn_business_supplier"),
            models.Index(fields=["business", "customer", "-transaction_date"], name="txn_business_customer"),
            models.Index(fields=["business", "reference_number"], name="txn_business_reference"),
            models.Index(
                fields=["business", "-transaction_date"],
                condition=Q(unapplied=True),
                name="txn_business_unapplied",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "external_id"],
                condition=~Q(external_id=""),
                name="txn_unique_external_id",
                violation_error_message="A transaction with this external id already exists.",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="txn_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_type} {self.currency} {self.amount} on {self.transaction_date:%Y-%m-%d}"


class DailyRollup(BusinessOwnedModel):
    """Sum and count of completed transactions per business, local day, type, category and currency.
    Written in the same database transaction as the rows it sums (finance.rollups)."""

    day = models.DateField()
    transaction_type = models.CharField(max_length=10, choices=TransactionType.choices)
    category = models.CharField(max_length=100, blank=True)
    currency = CurrencyField()
    # Wider than a single amount: a day's sum of many large rows must not overflow.
    total = MoneyField(max_digits=20, default=Decimal("0"))
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "day", "transaction_type", "category", "currency"],
                name="rollup_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["business", "transaction_type", "day"], name="rollup_business_type_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.transaction_type} {self.category}: {self.total} ({self.count})"


class MonthlyRollup(BusinessOwnedModel):
    """The same sums per calendar month (`month` is its first day), so whole-month reports read a
    few hundred rows instead of every day. Maintained alongside DailyRollup."""

    month = models.DateField()
    transaction_type = models.CharField(max_length=10, choices=TransactionType.choices)
    category = models.CharField(max_length=100, blank=True)
    currency = CurrencyField()
    total = MoneyField(max_digits=20, default=Decimal("0"))
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "month", "transaction_type", "category", "currency"],
                name="monthly_rollup_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.transaction_type} {self.category}: {self.total} ({self.count})"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    CANCELLED = "cancelled", "Cancelled"


class Invoice(BusinessOwnedModel):
    """`status` stores draft/sent/partially_paid/paid/cancelled; `overdue` is read, not stored:
    a sent or partly paid invoice past its due date (see finance.selectors)."""

    customer = models.ForeignKey("users.Customer", on_delete=models.RESTRICT, related_name="invoices")
    invoice_number = models.CharField(max_length=50)
    issue_date = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    currency = CurrencyField()
    notes = models.TextField(blank=True, max_length=5000)
    subtotal = MoneyField(default=Decimal("0"))
    tax_amount = MoneyField(default=Decimal("0"))
    total_amount = MoneyField(default=Decimal("0"))
    amount_paid = MoneyField(default=Decimal("0"))
    paid_date = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="invoices/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "invoice_number"],
                name="invoice_unique_number",
                violation_error_message="An invoice with this number already exists.",
            ),
        ]
        indexes = [
            models.Index(fields=["business", "status", "due_date"], name="invoice_business_status_due"),
            models.Index(fields=["business", "customer"], name="invoice_business_customer"),
            models.Index(fields=["business", "-issue_date"], name="invoice_business_issued"),
        ]

    def __str__(self) -> str:
        return self.invoice_number

    @property
    def balance_due(self) -> Decimal:
        return self.total_amount - self.amount_paid


class InvoiceItem(BusinessOwnedModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_price = MoneyField(validators=[MinValueValidator(Decimal("0"))])
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    line_total = MoneyField(default=Decimal("0"))
    tax_amount = MoneyField(default=Decimal("0"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["invoice", "position", "id"]

    def __str__(self) -> str:
        return self.description


class InvoiceCounter(BusinessOwnedModel):
    """The last number used per business and year; locked with SELECT FOR UPDATE when numbering."""

    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "year"], name="invoice_counter_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class BudgetPeriod(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class Budget(BusinessOwnedModel):
    category = models.CharField(max_length=100)
    amount = MoneyField(validators=[MinValueValidator(Decimal("0.01"))])
    currency = CurrencyField()
    period = models.CharField(max_length=10, choices=BudgetPeriod.choices, default=BudgetPeriod.MONTHLY)
    start_date = models.DateField()
    end_date = models.DateField()
    alert_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    notes = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "category"]
        indexes = [
            models.Index(fields=["business", "category", "start_date"], name="budget_business_cat_start")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="budget_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.start_date} to {self.end_date}"


# --- M-Pesa (Daraja) ---------------------------------------------------------------------------


class MpesaEnvironment(models.TextChoices):
    SANDBOX = "sandbox", "Sandbox"
    PRODUCTION = "production", "Production"


def _callback_token() -> str:
    return secrets.token_urlsafe(24)


class MpesaSettings(BusinessOwnedModel):
    """A business's Daraja app. Credentials are stored encrypted (finance.crypto) and never read back."""

    shortcode = models.CharField(max_length=20, blank=True)
    environment = models.CharField(
        max_length=10, choices=MpesaEnvironment.choices, default=MpesaEnvironment.SANDBOX
    )
    account_reference = models.CharField(max_length=12, blank=True)
    encrypted_credentials = models.TextField(blank=True)
    callback_token = models.CharField(max_length=64, unique=True, default=_callback_token)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "M-Pesa settings"
        constraints = [models.UniqueConstraint(fields=["business"], name="mpesa_settings_one_per_business")]

    def __str__(self) -> str:
        return f"M-Pesa {self.shortcode or '(unset)'} ({self.environment})"


class StkStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCESS = "success", "Paid"
    FAILED = "failed", "Failed"


class MpesaStkRequest(BusinessOwnedModel):
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="stk_requests"
    )
    phone = models.CharField(max_length=15)
    amount = MoneyField(validators=[MinValueValidator(Decimal("1"))])
    merchant_request_id = models.CharField(max_length=100, blank=True)
    checkout_request_id = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=StkStatus.choices, default=StkStatus.PENDING)
    result_code = models.IntegerField(null=True, blank=True)
    result_desc = models.CharField(max_length=300, blank=True)
    mpesa_receipt = models.CharField(max_length=40, blank=True)
    transaction = models.ForeignKey(
        Transaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="stk_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    callback_payload = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"STK {self.phone} {self.amount} {self.status}"


# --- Forecasts and credit scores ------------------------------------------------------------------


class Forecast(BusinessOwnedModel):
    """A cash-flow forecast. `periods` holds [{period, income, expense, net, balance, balance_low,
    balance_high}] with amounts as decimal strings; `backtest` the method's error on held-out months."""

    horizon_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    method = models.CharField(max_length=60)
    currency = CurrencyField()
    opening_balance = MoneyField(default=Decimal("0"))
    periods = models.JSONField(default=list)
    backtest = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.horizon_months}-month forecast ({self.method})"


class CreditScore(BusinessOwnedModel):
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(300), MaxValueValidator(850)])
    grade = models.CharField(max_length=2)
    factors = models.JSONField(default=list)
    inputs = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.score} ({self.grade})"
