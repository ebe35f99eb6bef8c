"""Django admin for the books: read-only, because writes must go through finance.services (audit
trail, rollups, books version). Super admins look here; owners change their books in the app."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin

from .models import (
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


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = [
        "transaction_date",
        "business",
        "transaction_type",
        "category",
        "amount",
        "currency",
        "payment_method",
        "status",
        "reference_number",
    ]
    list_filter = [
        "transaction_type",
        "status",
        "payment_method",
        "currency",
        ("transaction_date", admin.DateFieldListFilter),
    ]
    search_fields = ["description", "reference_number", "external_id", "category", "business__legal_name"]
    list_select_related = ["business"]
    date_hierarchy = "transaction_date"
    show_full_result_count = False  # counting millions of rows on every page is slow


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyAdmin):
    list_display = ["name", "business", "category", "phone", "email", "payment_terms_days"]
    list_filter = ["category"]
    search_fields = ["name", "email", "phone", "tax_id", "business__legal_name"]
    list_select_related = ["business"]


class InvoiceItemInline(admin.TabularInline):
    model = InvoiceItem
    extra = 0
    fields = ("description", "quantity", "unit_price", "tax_rate", "line_total", "tax_amount")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = [
        "invoice_number",
        "business",
        "customer",
        "issue_date",
        "due_date",
        "status",
        "total_amount",
        "amount_paid",
    ]
    list_filter = ["status", ("due_date", admin.DateFieldListFilter)]
    search_fields = ["invoice_number", "customer__name", "business__legal_name"]
    list_select_related = ["business", "customer"]
    date_hierarchy = "issue_date"
    inlines = [InvoiceItemInline]


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ["category", "business", "period", "start_date", "end_date", "amount", "alert_threshold"]
    list_filter = ["period"]
    search_fields = ["category", "business__legal_name"]
    list_select_related = ["business"]


@admin.register(DailyRollup)
class DailyRollupAdmin(ReadOnlyAdmin):
    list_display = ["day", "business", "transaction_type", "category", "currency", "total", "count"]
    list_filter = ["transaction_type", "currency"]
    search_fields = ["category", "business__legal_name"]
    list_select_related = ["business"]
    date_hierarchy = "day"


@admin.register(MpesaSettings)
class MpesaSettingsAdmin(ReadOnlyAdmin):
    list_display = ["business", "shortcode", "environment", "updated_at"]
    list_filter = ["environment"]
    search_fields = ["business__legal_name", "shortcode"]
    exclude = ["encrypted_credentials", "callback_token"]


@admin.register(MpesaStkRequest)
class MpesaStkRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "business", "phone", "amount", "status", "mpesa_receipt", "result_desc"]
    list_filter = ["status"]
    search_fields = ["phone", "mpesa_receipt", "checkout_request_id", "business__legal_name"]
    list_select_related = ["business"]


@admin.register(Forecast)
class ForecastAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "business", "horizon_months", "method"]
    search_fields = ["business__legal_name"]
    list_select_related = ["business"]


@admin.register(CreditScore)
class CreditScoreAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "business", "score", "grade"]
    list_filter = ["grade"]
    search_fields = ["business__legal_name"]
    list_select_related = ["business"]
