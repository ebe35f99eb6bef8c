"""Translation between JSON and the books; rules live in finance.services."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.files.storage import default_storage
from django.utils import timezone
from rest_framework import serializers

from core.api.tenancy import BusinessRelatedField
from core.exceptions import ApplicationError
from core.fields import BoundedDateField
from core.money import MoneyField
from users.models import Customer

from ..models import Budget, Invoice, InvoiceItem, PaymentMethod, Supplier, Transaction
from ..selectors import budget_usage, business_today, invoice_status_on, money
from ..validators import BOOK_DATE_MAX, BOOK_DATE_MIN, MAX_RECEIPT_BYTES, QUERY_DATE_MAX, QUERY_DATE_MIN


class LocalDateTimeField(serializers.DateTimeField):
    """Accepts an ISO date-time, or a date alone (that day, noon, in the business's zone)."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        business = self.context.get("business")
        tz = zoneinfo.ZoneInfo(business.timezone) if business else zoneinfo.ZoneInfo("Africa/Nairobi")
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][+HH:MM]")
            moment = dt.datetime.combine(day, dt.time(12, 0), tzinfo=tz)
        else:
            moment = super().to_internal_value(value)
        if moment.tzinfo is None:  # pragma: no cover - USE_TZ makes DRF attach the default zone
            moment = moment.replace(tzinfo=tz)
        # A date alone is checked like a date-time: year 1 would overflow every period sum later.
        if not dt.datetime(1970, 1, 1, tzinfo=dt.UTC) <= moment <= dt.datetime(2100, 1, 1, tzinfo=dt.UTC):
            raise serializers.ValidationError("The date is out of range.")
        return moment


def QueryDateField(**kwargs: Any) -> BoundedDateField:  # named like the field it makes
    """A date in a query (reports, filters): wider than the books, still far from year 1 and 9999."""
    return BoundedDateField(low=QUERY_DATE_MIN, high=QUERY_DATE_MAX, **kwargs)


class ReceiptField(serializers.FileField):
    """Oversized uploads are refused with 413 before any other check reads them."""

    def to_internal_value(self, data: Any) -> Any:
        if getattr(data, "size", 0) > MAX_RECEIPT_BYTES:
            raise ApplicationError("file_too_large", "A receipt may be at most 10 MB.", status_code=413)
        return super().to_internal_value(data)


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = [
            "id",
            "name",
            "email",
            "phone",
            "category",
            "address",
            "tax_id",
            "payment_terms_days",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class TransactionSerializer(serializers.ModelSerializer):
    amount = MoneyField(min_value=Decimal("0.01"))
    transaction_date = LocalDateTimeField()
    supplier = BusinessRelatedField(queryset=Supplier.objects.all(), required=False, allow_null=True)
    customer = BusinessRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    supplier_name = serializers.CharField(
        source="supplier.name", read_only=True, default=None, allow_null=True
    )
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, default=None, allow_null=True
    )
    currency = serializers.CharField(max_length=3, required=False)
    receipt = ReceiptField(
        required=False, allow_null=True, validators=Transaction._meta.get_field("receipt").validators
    )
    receipt_url = serializers.SerializerMethodField()

    class Meta:
        model = Transaction
        fields = [
            "id",
            "amount",
            "currency",
            "transaction_type",
            "category",
            "description",
            "payment_method",
            "transaction_date",
            "reference_number",
            "external_id",
            "status",
            "supplier",
            "supplier_name",
            "customer",
            "customer_name",
            "invoice",
            "user",
            "receipt",
            "receipt_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "invoice", "user", "created_at", "updated_at"]

    def get_receipt_url(self, transaction: Transaction) -> str | None:
        return receipt_url(transaction.pk, self.context.get("request")) if transaction.receipt else None

    def validate_currency(self, value: str) -> str:
        value = value.upper()
        if len(value) != 3 or not value.isalpha():
            raise serializers.ValidationError("Use an ISO 4217 code such as KES.")
        return value


# The list endpoint reads these columns as tuples (`core.sql.fetch_page`) and renders them with
# `transaction_rows`, because building and serialising model instances field by field costs several
# times the query.
TRANSACTION_ROW_FIELDS = (
    "id",
    "amount",
    "currency",
    "transaction_type",
    "category",
    "description",
    "payment_method",
    "transaction_date",
    "reference_number",
    "external_id",
    "status",
    "supplier_id",
    "supplier__name",
    "customer_id",
    "customer__name",
    "invoice_id",
    "user_id",
    "receipt",
    "created_at",
    "updated_at",
)


def receipt_url(pk: int, request: Any) -> str:
    """Where the web app opens a receipt: the authenticated endpoint, for the business's members only."""
    path = f"/api/v1/finance/transactions/{pk}/receipt/"
    return request.build_absolute_uri(path) if request is not None else path


def _iso(value: dt.datetime, tz: dt.tzinfo) -> str:
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def transaction_rows(rows: Any, request: Any) -> list[dict[str, Any]]:
    """The same JSON as TransactionSerializer, from rows of TRANSACTION_ROW_FIELDS in that order
    (`values_list`; see test_fast_rows_match_the_serializer)."""
    tz = timezone.get_current_timezone()  # looked up once: it is a context-local read per call
    out = []
    for (
        pk,
        amount,
        currency,
        transaction_type,
        category,
        description,
        payment_method,
        transaction_date,
        reference_number,
        external_id,
        status,
        supplier_id,
        supplier_name,
        customer_id,
        customer_name,
        invoice_id,
        user_id,
        receipt,
        created_at,
        updated_at,
    ) in rows:
        opened_at = None
        if receipt:
            opened_at = receipt_url(pk, request)
            receipt = default_storage.url(receipt)
            if request is not None:
                receipt = request.build_absolute_uri(receipt)
        out.append(
            {
                "id": pk,
                "amount": f"{amount:.2f}",
                "currency": currency,
                "transaction_type": transaction_type,
                "category": category,
                "description": description,
                "payment_method": payment_method,
                "transaction_date": _iso(transaction_date, tz),
                "reference_number": reference_number,
                "external_id": external_id,
                "status": status,
                "supplier": supplier_id,
                "supplier_name": supplier_name,
                "customer": customer_id,
                "customer_name": customer_name,
                "invoice": invoice_id,
                "user": user_id,
                "receipt": receipt or None,
                "receipt_url": opened_at,
                "created_at": _iso(created_at, tz),
                "updated_at": _iso(updated_at, tz),
            }
        )
    return out


class InvoiceItemSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    unit_price = MoneyField(min_value=Decimal("0"))
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
        default=Decimal("0"),
    )
    line_total = MoneyField(read_only=True)
    tax_amount = MoneyField(read_only=True)

    class Meta:
        model = InvoiceItem
        fields = [
            "id",
            "invoice",
            "description",
            "quantity",
            "unit_price",
            "tax_rate",
            "line_total",
            "tax_amount",
        ]
        read_only_fields = ["id", "invoice", "line_total", "tax_amount"]


class InvoiceSerializer(serializers.ModelSerializer):
    customer = BusinessRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    items = InvoiceItemSerializer(many=True)
    invoice_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    status = serializers.SerializerMethodField()
    currency = serializers.CharField(max_length=3, required=False)
    subtotal = MoneyField(read_only=True)
    tax_amount = MoneyField(read_only=True)
    total_amount = MoneyField(read_only=True)
    amount_paid = MoneyField(read_only=True)
    balance_due = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "customer",
            "customer_name",
            "invoice_number",
            "issue_date",
            "due_date",
            "status",
            "currency",
            "notes",
            "items",
            "subtotal",
            "tax_amount",
            "total_amount",
            "amount_paid",
            "balance_due",
            "paid_date",
            "sent_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "paid_date", "sent_at", "created_at", "updated_at"]

    def get_status(self, invoice: Invoice) -> str:
        effective = getattr(invoice, "effective_status", None)
        if effective:
            return str(effective)
        business = self.context.get("business")
        today = business_today(business) if business else dt.date.today()  # noqa: DTZ011
        return invoice_status_on(invoice, today)

    def get_balance_due(self, invoice: Invoice) -> str:
        return money(invoice.total_amount - invoice.amount_paid)

    def validate_items(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not items:
            raise serializers.ValidationError("Add at least one item.")
        if len(items) > 500:
            raise serializers.ValidationError("An invoice may have at most 500 items.")
        return items

    def validate_currency(self, value: str) -> str:
        value = value.upper()
        if len(value) != 3 or not value.isalpha():
            raise serializers.ValidationError("Use an ISO 4217 code such as KES.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        issue = attrs.get("issue_date", getattr(self.instance, "issue_date", None))
        due = attrs.get("due_date", getattr(self.instance, "due_date", None))
        if issue and due and due < issue:
            raise serializers.ValidationError({"due_date": ["Must be on or after the issue date."]})
        return attrs


class MarkPaidSerializer(serializers.Serializer):
    amount = MoneyField(required=False, min_value=Decimal("0.01"))
    paid_date = BoundedDateField(low=BOOK_DATE_MIN, high=BOOK_DATE_MAX, required=False)
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class InvoicePaymentSerializer(serializers.Serializer):
    """A payment booked against an invoice; `id` and `transaction` name the income transaction."""

    id = serializers.IntegerField()
    date = serializers.DateField()
    amount = MoneyField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField()
    mpesa_receipt = serializers.CharField(help_text="The M-Pesa receipt number, or empty.")
    transaction = serializers.IntegerField()


# A budget without an end date covers one period from its start.
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


class BudgetSerializer(serializers.ModelSerializer):
    amount = MoneyField(min_value=Decimal("0.01"))
    end_date = BoundedDateField(
        required=False,
        allow_null=True,
        help_text="Optional: one period from start_date when omitted or null.",
    )
    currency = serializers.CharField(max_length=3, required=False)
    spent = serializers.SerializerMethodField()
    remaining = serializers.SerializerMethodField()
    utilization = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Budget
        fields = [
            "id",
            "category",
            "amount",
            "currency",
            "period",
            "start_date",
            "end_date",
            "alert_threshold",
            "notes",
            "spent",
            "remaining",
            "utilization",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def _usage(self, budget: Budget) -> dict[str, Any]:
        cached = getattr(budget, "_usage", None)
        if cached is None:
            cached = budget._usage = budget_usage(budget)  # type: ignore[attr-defined]
        return cached

    def get_spent(self, budget: Budget) -> str:
        return money(self._usage(budget)["spent"])

    def get_remaining(self, budget: Budget) -> str:
        return money(self._usage(budget)["remaining"])

    def get_utilization(self, budget: Budget) -> str:
        return str(self._usage(budget)["utilization"])

    def get_status(self, budget: Budget) -> str:
        return str(self._usage(budget)["status"])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        if attrs.get("end_date") is None and ("end_date" in attrs or self.instance is None):
            # No end date (omitted, or null): the budget covers one period from its start.
            attrs.pop("end_date", None)
            if start is not None:  # without a start, start_date's own "required" error says so
                period = attrs.get("period") or getattr(self.instance, "period", None) or "monthly"
                end = start + relativedelta(months=PERIOD_MONTHS[period], days=-1)
                attrs["end_date"] = min(end, BOOK_DATE_MAX)
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["Must be on or after the start date."]})
        if "category" in attrs:
            attrs["category"] = " ".join(attrs["category"].split())
        return attrs


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=["generic", "mpesa"], default="generic")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]


class PeriodQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "week", "month"], default="month")
    date_from = QueryDateField(required=False)
    date_to = QueryDateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": ["Must be on or after date_from."]})
        if attrs.get("date_from") and attrs.get("date_to"):
            span = (attrs["date_to"] - attrs["date_from"]).days
            limit = {"day": 3 * 366, "week": 10 * 366, "month": 50 * 366}[attrs["period"]]
            if span > limit:
                raise serializers.ValidationError(
                    {"date_from": [f"At most {limit} days for period={attrs['period']}."]}
                )
        return attrs


class CashFlowQuerySerializer(PeriodQuerySerializer):
    period = serializers.ChoiceField(choices=["week", "month"], default="month")


class SummaryQuerySerializer(serializers.Serializer):
    date_from = QueryDateField(required=False)
    date_to = QueryDateField(required=False)


class ReportSerializer(serializers.Serializer):
    """Reports are dictionaries of decimal strings; the schema names their top-level keys."""

    currency = serializers.CharField()
