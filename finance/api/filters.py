"""List filters. Dates are local dates of the business; amounts are decimals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from core.api.tenancy import active_business
from core.exceptions import ApplicationError
from core.strict import StrictBooleanFilter

from ..models import Budget, Invoice, InvoiceStatus, PaymentMethod, TransactionStatus, TransactionType
from ..selectors import business_today, filter_transactions
from ..validators import QUERY_DATE_MAX, QUERY_DATE_MIN


def _choice(choices: list[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in choices:
            raise ValueError(f"Choose one of {', '.join(choices)}.")
        return value

    return parse


def _decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError("Enter a number.") from None
    if not number.is_finite():
        raise ValueError("Enter a number.")
    return number


def _date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("Enter a date as YYYY-MM-DD.") from None
    if not QUERY_DATE_MIN <= day <= QUERY_DATE_MAX:
        raise ValueError(f"Enter a date from {QUERY_DATE_MIN} to {QUERY_DATE_MAX}.")
    return day


def _int(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > 2**63 - 1:
        raise ValueError("Enter an id.")
    return int(value)


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Remove the NUL character.")
    return value.strip()[:200]


# name: (parser, OpenAPI type, description). One spec serves the list, summary and export, and the
# schema; it is parsed by hand because a FilterSet deep-copies its filters on every request, which
# cost more than the list query itself.
TRANSACTION_FILTERS: dict[str, tuple[Callable[[str], Any], Any, str]] = {
    "transaction_type": (_choice(TransactionType.values), OpenApiTypes.STR, "income, expense or transfer"),
    "category": (_text, OpenApiTypes.STR, "Category name, any case."),
    "payment_method": (_choice(PaymentMethod.values), OpenApiTypes.STR, ", ".join(PaymentMethod.values)),
    "status": (_choice(TransactionStatus.values), OpenApiTypes.STR, ", ".join(TransactionStatus.values)),
    "supplier": (_int, OpenApiTypes.INT, "Supplier id."),
    "customer": (_int, OpenApiTypes.INT, "Customer id."),
    "invoice": (_int, OpenApiTypes.INT, "Invoice id."),
    "date_from": (_date, OpenApiTypes.DATE, "Local date, inclusive."),
    "date_to": (_date, OpenApiTypes.DATE, "Local date, inclusive."),
    "min_amount": (_decimal, OpenApiTypes.DECIMAL, "Smallest amount."),
    "max_amount": (_decimal, OpenApiTypes.DECIMAL, "Largest amount."),
    "search": (_text, OpenApiTypes.STR, "Description, reference or category."),
}
TRANSACTION_FILTER_PARAMETERS = [
    OpenApiParameter(name, kind, description=description)
    for name, (_, kind, description) in TRANSACTION_FILTERS.items()
]


def transaction_filters(params: Mapping[str, str]) -> dict[str, Any]:
    """The list filters present in a query string, parsed; 400 with field errors when one is wrong."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, (parse, _, _) in TRANSACTION_FILTERS.items():
        raw = params.get(name)
        if raw in (None, ""):
            continue
        try:
            values[name] = parse(raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ApplicationError("invalid", "The filters are not valid.", fields=errors)
    return values


class TransactionFilterBackend:
    """Applies `transaction_filters` to the list and export querysets."""

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        return filter_transactions(
            queryset, business=view.business, filters=transaction_filters(request.query_params)
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return []


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
    current = StrictBooleanFilter(method="filter_current", help_text="Budgets that include today.")

    class Meta:
        model = Budget
        fields: list[str] = []

    def filter_active_on(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(start_date__lte=value, end_date__gte=value)

    def filter_current(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return self.filter_active_on(queryset, name, business_today(active_business(self.request)))
