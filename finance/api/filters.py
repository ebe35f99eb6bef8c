"""List filters. Dates are local dates of the business; amounts are decimals."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from core.tenancy import active_business

from ..models import (
    Budget,
    Invoice,
    InvoiceStatus,
    PaymentMethod,
    Transaction,
    TransactionStatus,
    TransactionType,
)
from ..selectors import business_today, filter_transactions


class TransactionFilter(django_filters.FilterSet):
    transaction_type = django_filters.ChoiceFilter(choices=TransactionType.choices, method="apply")
    category = django_filters.CharFilter(method="apply")
    payment_method = django_filters.ChoiceFilter(choices=PaymentMethod.choices, method="apply")
    status = django_filters.ChoiceFilter(choices=TransactionStatus.choices, method="apply")
    supplier = django_filters.NumberFilter(method="apply")
    customer = django_filters.NumberFilter(method="apply")
    invoice = django_filters.NumberFilter(method="apply")
    date_from = django_filters.DateFilter(method="apply", help_text="Local date, inclusive.")
    date_to = django_filters.DateFilter(method="apply", help_text="Local date, inclusive.")
    min_amount = django_filters.NumberFilter(method="apply")
    max_amount = django_filters.NumberFilter(method="apply")
    search = django_filters.CharFilter(method="apply", help_text="Description, reference, category.")

    class Meta:
        model = Transaction
        fields: list[str] = []

    def apply(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        # All filters are applied together in filter_queryset below.
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        values = {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}
        return filter_transactions(queryset, business=active_business(self.request), filters=values)


class InvoiceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices, method="filter_status")
    customer = django_filters.NumberFilter(field_name="customer_id")
    issued_from = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte")
    issued_to = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte")
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Invoice
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(effective_status=value)


class BudgetFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact")
    period = django_filters.ChoiceFilter(choices=Budget._meta.get_field("period").choices)
    active_on = django_filters.DateFilter(
        method="filter_active_on", help_text="Budgets whose dates include this day."
    )
    current = django_filters.BooleanFilter(method="filter_current", help_text="Budgets that include today.")

    class Meta:
        model = Budget
        fields: list[str] = []

    def filter_active_on(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(start_date__lte=value, end_date__gte=value)

    def filter_current(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return self.filter_active_on(queryset, name, business_today(active_business(self.request)))
