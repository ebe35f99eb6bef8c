"""Thin views over the finance services and selectors; every one is scoped to the active business."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.tenancy import BusinessScopedGenericViewSet, BusinessScopedModelViewSet, request_user
from core.exceptions import ApplicationError
from core.models import Module
from core.pagination import NoCountPagination
from core.permissions import Role
from core.sql import fetch_page

from .. import exports, selectors, services
from ..imports import import_transactions
from ..models import Budget, Invoice, InvoiceItem, Supplier, Transaction
from ..pdf import invoice_pdf
from ..validators import SIGNATURES
from . import serializers as s
from .filters import (
    TRANSACTION_FILTER_PARAMETERS,
    BudgetFilter,
    InvoiceFilter,
    TransactionFilterBackend,
    transaction_filters,
)

REPORT = {200: OpenApiTypes.OBJECT}


class SupplierViewSet(BusinessScopedModelViewSet):
    module = Module.SUPPLIERS
    serializer_class = s.SupplierSerializer
    queryset = Supplier.objects.all()
    search_fields = ["name", "email", "phone", "category", "tax_id"]
    ordering_fields = ["name", "created_at", "category"]
    filterset_fields = ["category"]


class TransactionViewSet(BusinessScopedModelViewSet):
    module = Module.TRANSACTIONS
    serializer_class = s.TransactionSerializer
    queryset = Transaction.objects.all()
    filter_backends = [TransactionFilterBackend, OrderingFilter]
    ordering_fields = ["transaction_date", "amount", "created_at", "category"]
    ordering = ["-transaction_date", "-id"]
    pagination_class = NoCountPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_roles = {
        "summary": Role.VIEWER,
        "analytics": Role.VIEWER,
        "export": Role.VIEWER,
        "import_file": Role.STAFF,
        "receipt": Role.VIEWER,
    }

    def refine_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("supplier", "customer")

    @extend_schema(parameters=TRANSACTION_FILTER_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        paginator = cast(NoCountPagination, self.paginator)
        page = paginator.paginate_fetch(
            lambda limit, offset: fetch_page(queryset, s.TRANSACTION_ROW_FIELDS, limit=limit, offset=offset),
            request,
        )
        return self.get_paginated_response(s.transaction_rows(page, request))

    def create_service(self, *, business: Any, actor: Any, data: dict[str, Any]) -> Transaction:
        return services.transaction_create(business=business, actor=actor, data=data)

    def update_service(self, *, instance: Any, actor: Any, data: dict[str, Any]) -> Transaction:
        return services.transaction_update(instance=instance, actor=actor, data=data)

    def delete_service(self, *, instance: Any, actor: Any) -> None:
        services.transaction_delete(instance=instance, actor=actor)

    @extend_schema(parameters=TRANSACTION_FILTER_PARAMETERS, responses=REPORT)
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        filters = transaction_filters(request.query_params)
        date_from, date_to = filters.pop("date_from", None), filters.pop("date_to", None)
        return Response(
            selectors.transaction_totals(
                business=self.business, date_from=date_from, date_to=date_to, filters=filters
            )
        )

    @extend_schema(parameters=[s.PeriodQuerySerializer], responses=REPORT)
    @action(detail=False, methods=["get"])
    def analytics(self, request: Request) -> Response:
        query = s.PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        date_from, date_to = _default_range(self.business, query.validated_data, months=12)
        return Response(
            selectors.analytics(
                business=self.business,
                period=query.validated_data["period"],
                date_from=date_from,
                date_to=date_to,
            )
        )

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={201: s.ImportResultSerializer, 200: s.ImportResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is not None and upload.size > settings.IMPORT_MAX_BYTES:
            raise ApplicationError(
                "file_too_large",
                f"Imports may be at most {settings.IMPORT_MAX_BYTES // 2**20} MB.",
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        data = s.ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = import_transactions(
            business=self.business,
            actor=request_user(request),
            raw=data.validated_data["file"].read(),
            fmt=data.validated_data["format"],
        )
        return Response(
            result.as_dict(), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    @extend_schema(
        parameters=[
            *TRANSACTION_FILTER_PARAMETERS,
            OpenApiParameter("format", str, enum=["csv", "xlsx"], default="csv"),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        kind = request.query_params.get("format", "csv")
        if kind not in ("csv", "xlsx"):
            raise ApplicationError(
                "invalid", "format must be csv or xlsx.", fields={"format": ["csv or xlsx"]}
            )
        queryset = self.filter_queryset(self.get_queryset())
        stamp = selectors.business_today(self.business).isoformat()
        response: HttpResponse | StreamingHttpResponse
        if kind == "xlsx":
            response = HttpResponse(
                exports.xlsx_bytes(queryset),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = StreamingHttpResponse(
                exports.csv_stream(queryset), content_type="text/csv; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="transactions-{stamp}.{kind}"'
        return response

    @extend_schema(
        responses={
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        }
    )
    @action(detail=True, methods=["get"])
    def receipt(self, request: Request, pk: str | None = None) -> FileResponse:
        """The attached receipt, for members of the transaction's business only (storage URLs are
        not served: /media/ is private locally and S3 objects are private)."""
        transaction = self.get_object()
        if not transaction.receipt:
            raise ApplicationError("not_found", "This transaction has no receipt.", status_code=404)
        try:
            handle = transaction.receipt.open("rb")
            kind = receipt_kind(handle.read(8))
            handle.seek(0)
        except OSError as exc:  # the file is gone from storage
            raise ApplicationError(
                "not_found", "This transaction's receipt can't be found.", status_code=404
            ) from exc
        response = FileResponse(
            handle,
            content_type=RECEIPT_CONTENT_TYPES[kind],
            filename=f"receipt-{transaction.pk}.{RECEIPT_EXTENSIONS[kind]}",
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


RECEIPT_CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
RECEIPT_EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}


def receipt_kind(head: bytes) -> str:
    """pdf, jpeg or png, by the file's first bytes (validate_receipt let nothing else in)."""
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise ApplicationError("not_found", "This transaction's receipt can't be read.", status_code=404)


def _default_range(business: Any, data: dict[str, Any], *, months: int) -> tuple[dt.date, dt.date]:
    today = selectors.business_today(business)
    date_to = data.get("date_to") or today
    date_from = data.get("date_from") or (date_to.replace(day=1) - relativedelta(months=months - 1))
    if date_from > date_to:
        raise ApplicationError(
            "invalid", "date_from is after date_to.", fields={"date_from": ["After date_to."]}
        )
    return date_from, date_to


class InvoiceViewSet(BusinessScopedModelViewSet):
    module = Module.INVOICES
    serializer_class = s.InvoiceSerializer
    queryset = Invoice.objects.all()
    filterset_class = InvoiceFilter
    search_fields = ["invoice_number", "customer__name", "notes"]
    ordering_fields = ["issue_date", "due_date", "total_amount", "invoice_number", "created_at"]
    required_roles = {
        "send": Role.STAFF,
        "mark_paid": Role.STAFF,
        "cancel": Role.STAFF,
        "pdf": Role.VIEWER,
        "duplicate": Role.STAFF,
        "payments": Role.VIEWER,
    }

    def refine_queryset(self, queryset: QuerySet) -> QuerySet:
        today = selectors.business_today(self.business)
        return (
            selectors.invoices_annotated(queryset, today=today)
            .select_related("customer")
            .prefetch_related("items")
        )

    def create_service(self, *, business: Any, actor: Any, data: dict[str, Any]) -> Invoice:
        return services.invoice_create(business=business, actor=actor, data=data)

    def update_service(self, *, instance: Any, actor: Any, data: dict[str, Any]) -> Invoice:
        return services.invoice_update(instance=instance, actor=actor, data=data)

    def delete_service(self, *, instance: Any, actor: Any) -> None:
        services.invoice_delete(instance=instance, actor=actor)

    def _fresh(self, invoice: Invoice) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=invoice.pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = self.create_service(
            business=self.business, actor=request_user(request), data=data.validated_data
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=invoice.pk)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoice = self.get_object()
        data = self.get_serializer(invoice, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        return self._fresh(
            self.update_service(instance=invoice, actor=request_user(request), data=data.validated_data)
        )

    @extend_schema(request=None, responses=s.InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        return self._fresh(services.invoice_send(instance=self.get_object(), actor=request_user(request)))

    @extend_schema(request=s.MarkPaidSerializer, responses=s.InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def mark_paid(self, request: Request, pk: str | None = None) -> Response:
        invoice = self.get_object()
        data = s.MarkPaidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.invoice_mark_paid(
            instance=invoice,
            actor=request_user(request),
            amount=values.get("amount"),
            paid_on=values.get("paid_date"),
            payment_method=values["payment_method"],
            reference=values["reference"],
        )
        return self._fresh(invoice)

    @extend_schema(request=None, responses=s.InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._fresh(services.invoice_cancel(instance=self.get_object(), actor=request_user(request)))

    @extend_schema(request=None, responses={201: s.InvoiceSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str | None = None) -> Response:
        copy = services.invoice_duplicate(instance=self.get_object(), actor=request_user(request))
        return Response(
            self.get_serializer(self.get_queryset().get(pk=copy.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=s.InvoicePaymentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def payments(self, request: Request, pk: str | None = None) -> Response:
        rows = selectors.invoice_payments(invoice=self.get_object())
        return Response(s.InvoicePaymentSerializer(rows, many=True).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        invoice = self.get_object()
        response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{invoice.invoice_number}.pdf"'
        return response


class InvoiceItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, BusinessScopedGenericViewSet
):
    serializer_class = s.InvoiceItemSerializer
    queryset = InvoiceItem.objects.all()
    module = Module.INVOICES
    filterset_fields = ["invoice"]
    ordering_fields = ["position", "id"]

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.invoice_item_update(
            instance=serializer.instance, actor=request_user(self.request), data=serializer.validated_data
        )


class BudgetViewSet(BusinessScopedModelViewSet):
    module = Module.BUDGETS
    serializer_class = s.BudgetSerializer
    queryset = Budget.objects.all()
    filterset_class = BudgetFilter
    search_fields = ["category", "notes"]
    ordering_fields = ["start_date", "category", "amount"]
    required_roles = {"create": Role.ADMIN, "update": Role.ADMIN, "partial_update": Role.ADMIN}

    def refine_queryset(self, queryset: QuerySet) -> QuerySet:
        return selectors.budgets_with_usage(queryset)

    def _fresh(self, budget: Budget) -> Budget:
        return self.get_queryset().get(pk=budget.pk)

    def create_service(self, *, business: Any, actor: Any, data: dict[str, Any]) -> Budget:
        return self._fresh(services.budget_create(business=business, actor=actor, data=data))

    def update_service(self, *, instance: Any, actor: Any, data: dict[str, Any]) -> Budget:
        return self._fresh(services.budget_update(instance=instance, actor=actor, data=data))

    def delete_service(self, *, instance: Any, actor: Any) -> None:
        services.budget_delete(instance=instance, actor=actor)


class CashFlowViewSet(BusinessScopedGenericViewSet):
    module = Module.CASHFLOW
    queryset = Transaction.objects.all()
    pagination_class = None

    @extend_schema(parameters=[s.CashFlowQuerySerializer], responses=REPORT)
    def list(self, request: Request) -> Response:
        query = s.CashFlowQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data["period"]
        date_from, date_to = _default_range(self.business, query.validated_data, months=12)
        return Response(
            selectors.cash_flows(business=self.business, period=period, date_from=date_from, date_to=date_to)
        )


class AnalyticsViewSet(BusinessScopedGenericViewSet):
    queryset = Transaction.objects.all()
    pagination_class = None

    @extend_schema(responses=REPORT)
    def list(self, request: Request) -> Response:
        return Response(selectors.overview(business=self.business))


class DashboardViewSet(BusinessScopedGenericViewSet):
    """GET /users/dashboard/: the KPIs of the active business."""

    queryset = Transaction.objects.all()
    pagination_class = None

    @extend_schema(responses=REPORT)
    def list(self, request: Request) -> Response:
        return Response(selectors.dashboard(business=self.business))
