"""M-Pesa endpoints: the business's Daraja settings, STK push and its requests, and the public
callbacks Daraja calls (authenticated only by the secret token in their path)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.tenancy import (
    BusinessRelatedField,
    BusinessScopedGenericViewSet,
    BusinessScopedReadOnlyViewSet,
    request_user,
)
from core.exceptions import ApplicationError
from core.fields import StrictRegexField
from core.models import Module
from core.money import MoneyField
from core.permissions import Role

from ..models import Invoice, MpesaSettings, MpesaStkRequest, StkStatus, Transaction
from ..mpesa import callbacks
from ..mpesa import services as mpesa_services

# --- Serializers -------------------------------------------------------------------------------------


def _origin(request: Request) -> str:
    return request.build_absolute_uri("/")


class MpesaSettingsSerializer(serializers.ModelSerializer):
    shortcode = StrictRegexField(
        r"^\d{5,7}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "A paybill or till number: 5 to 7 digits."},
    )
    # Daraja shows it on the customer's phone and takes at most 12 letters and digits.
    account_reference = StrictRegexField(
        r"^[A-Za-z0-9]{0,12}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "At most 12 letters and digits."},
    )
    consumer_key = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    consumer_secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200, style={"input_type": "password"}
    )
    passkey = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200, style={"input_type": "password"}
    )
    has_credentials = serializers.SerializerMethodField()
    callback_url = serializers.SerializerMethodField()
    validation_url = serializers.SerializerMethodField()
    confirmation_url = serializers.SerializerMethodField()

    class Meta:
        model = MpesaSettings
        fields = [
            "shortcode",
            "environment",
            "account_reference",
            "consumer_key",
            "consumer_secret",
            "passkey",
            "has_credentials",
            "callback_url",
            "validation_url",
            "confirmation_url",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        # Null until the settings are first saved.
        extra_kwargs = {"updated_at": {"allow_null": True}}

    def _urls(self, instance: MpesaSettings) -> dict[str, str | None]:
        request = self.context.get("request")
        return mpesa_services.callback_urls(instance, origin=_origin(request) if request else "")

    def get_has_credentials(self, instance: MpesaSettings) -> bool:
        return mpesa_services.has_credentials(instance)

    def get_callback_url(self, instance: MpesaSettings) -> str | None:
        return self._urls(instance)["callback_url"]

    def get_validation_url(self, instance: MpesaSettings) -> str | None:
        return self._urls(instance)["validation_url"]

    def get_confirmation_url(self, instance: MpesaSettings) -> str | None:
        return self._urls(instance)["confirmation_url"]


class MpesaStkRequestSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)
    invoice_number = serializers.CharField(source="invoice.invoice_number", read_only=True, default=None)

    class Meta:
        model = MpesaStkRequest
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "phone",
            "amount",
            "merchant_request_id",
            "checkout_request_id",
            "status",
            "result_code",
            "result_desc",
            "mpesa_receipt",
            "transaction",
            "requested_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StkPushSerializer(serializers.Serializer):
    invoice = BusinessRelatedField(queryset=Invoice.objects.all(), required=False, allow_null=True)
    amount = MoneyField(min_value=Decimal("1"))
    phone = serializers.CharField(max_length=32)


class UnappliedPaymentSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)
    mpesa_receipt = serializers.CharField(source="reference_number", read_only=True)
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, allow_null=True, default=None
    )
    invoice: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        source="unapplied_invoice", read_only=True, allow_null=True
    )
    invoice_number = serializers.CharField(
        source="unapplied_invoice.invoice_number", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Transaction
        fields = [
            "id",
            "amount",
            "currency",
            "transaction_date",
            "mpesa_receipt",
            "customer",
            "customer_name",
            "invoice",
            "invoice_number",
            "category",
            "description",
            "created_at",
        ]
        read_only_fields = fields


class CallbackAckSerializer(serializers.Serializer):
    ResultCode = serializers.JSONField(help_text="0 accepts; a C2B000xx code rejects a C2B validation.")
    ResultDesc = serializers.CharField()


# --- Business-scoped views ---------------------------------------------------------------------------------


# Routed by hand (see `urlpatterns`): one settings object per business lives at /finance/mpesa/.
class MpesaSettingsViewSet(BusinessScopedGenericViewSet):
    """The business's Daraja app. Credentials are write-only; `has_credentials` says whether they
    are stored. The callback URLs are what to register with Safaricom."""

    module = Module.MPESA

    queryset = MpesaSettings.objects.all()
    serializer_class = MpesaSettingsSerializer
    pagination_class = None
    required_roles = {"retrieve": Role.ADMIN, "update": Role.ADMIN, "partial_update": Role.ADMIN}

    def _current(self) -> MpesaSettings:
        # A business that never saved settings reads the defaults; reading creates nothing.
        return self.get_queryset().first() or MpesaSettings(business=self.business)

    @extend_schema(responses=MpesaSettingsSerializer)
    def retrieve(self, request: Request) -> Response:
        return Response(self.get_serializer(self._current()).data)

    @extend_schema(request=MpesaSettingsSerializer, responses=MpesaSettingsSerializer)
    def update(self, request: Request, *, partial: bool = False) -> Response:
        data = self.get_serializer(self._current(), data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        instance = mpesa_services.mpesa_settings_update(
            business=self.business, actor=request_user(request), data=data.validated_data
        )
        return Response(self.get_serializer(instance).data)

    @extend_schema(request=MpesaSettingsSerializer, responses=MpesaSettingsSerializer)
    def partial_update(self, request: Request) -> Response:
        return self.update(request, partial=True)


class StkRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=StkStatus.choices)
    invoice = django_filters.NumberFilter(field_name="invoice_id")

    class Meta:
        model = MpesaStkRequest
        fields = ["status", "invoice"]


# `push` is routed by hand at /finance/mpesa/stk-push/ (see `urlpatterns`).
class MpesaStkRequestViewSet(BusinessScopedReadOnlyViewSet):
    """M-Pesa payment prompts (STK push) sent to customers' phones; poll one until it is paid or failed."""

    module = Module.MPESA

    queryset = MpesaStkRequest.objects.all()
    serializer_class = MpesaStkRequestSerializer
    filterset_class = StkRequestFilter
    search_fields = ["phone", "mpesa_receipt", "checkout_request_id"]
    ordering_fields = ["created_at", "amount"]
    required_roles = {"push": Role.STAFF}

    def refine_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("invoice")

    @extend_schema(request=StkPushSerializer, responses={201: MpesaStkRequestSerializer})
    def push(self, request: Request) -> Response:
        data = StkPushSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        stk = mpesa_services.mpesa_stk_push(
            business=self.business,
            actor=request_user(request),
            phone=data.validated_data["phone"],
            amount=data.validated_data["amount"],
            invoice=data.validated_data.get("invoice"),
            origin=_origin(request),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=stk.pk)).data, status=status.HTTP_201_CREATED
        )


# A list, routed by hand (see `urlpatterns`); each row is also at /finance/transactions/{id}/.
class UnappliedPaymentViewSet(mixins.ListModelMixin, BusinessScopedGenericViewSet):
    """M-Pesa money that arrived for an invoice that could not take it (already paid or cancelled,
    or more than its balance): held as the customer's credit for the owner to refund or apply.
    Each is also an income transaction (category Customer Credit or Unapplied Payments)."""

    module = Module.MPESA
    queryset = Transaction.objects.filter(unapplied=True)
    serializer_class = UnappliedPaymentSerializer
    filterset_fields = ["customer"]
    ordering_fields = ["transaction_date", "amount"]
    ordering = ["-transaction_date", "-id"]

    def refine_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("customer", "unapplied_invoice")


# --- Public callbacks --------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _without_nul(value: Any) -> Any:
    """The payload with U+0000 removed from every string: it means nothing in a callback, and
    PostgreSQL can store it neither in text nor in jsonb."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


class DarajaCallbackView(APIView):
    # Daraja calls without credentials; the unguessable token in the path names the business.
    # No throttle: Daraja's few source addresses would trip the anonymous limit on a busy till.
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []
    parser_classes = [JSONParser]

    def _settings(self, token: str) -> MpesaSettings:
        found = callbacks.settings_for_token(token)
        if found is None:
            raise exceptions.NotFound()
        return found

    def _payload(self, request: Request) -> Any:
        try:
            # Decimals, never floats: amounts in the body are money.
            payload = json.loads(request.body, parse_float=Decimal, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError("The body is not valid JSON.") from exc
        return _without_nul(payload)

    def _invalid(self, exc: callbacks.MalformedCallback) -> ApplicationError:
        return ApplicationError("invalid_callback", f"The callback is not valid: {exc}.")


class StkCallbackView(DarajaCallbackView):
    """Daraja's result for an STK push. Public; the token in the path is the secret."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: CallbackAckSerializer}, auth=[])
    def post(self, request: Request, token: str) -> Response:
        mpesa_settings = self._settings(token)
        payload = self._payload(request)
        try:
            callbacks.mpesa_stk_callback(mpesa_settings=mpesa_settings, payload=payload)
        except callbacks.MalformedCallback as exc:
            raise self._invalid(exc) from exc
        return Response(callbacks.ACCEPTED)


class C2BValidationView(DarajaCallbackView):
    """Daraja asks whether to accept a paybill or till payment. Public; the token is the secret."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: CallbackAckSerializer}, auth=[])
    def post(self, request: Request, token: str) -> Response:
        self._settings(token)
        return Response(callbacks.c2b_validate(payload=self._payload(request)))


class C2BConfirmationView(DarajaCallbackView):
    """Daraja reports a completed paybill or till payment. Public; the token is the secret."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: CallbackAckSerializer}, auth=[])
    def post(self, request: Request, token: str) -> Response:
        mpesa_settings = self._settings(token)
        payload = self._payload(request)
        try:
            callbacks.mpesa_c2b_confirm(mpesa_settings=mpesa_settings, payload=payload)
        except callbacks.MalformedCallback as exc:
            raise self._invalid(exc) from exc
        return Response(callbacks.ACCEPTED)


urlpatterns = [
    path(
        "mpesa/",
        MpesaSettingsViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}),
        name="mpesa-settings",
    ),
    path("mpesa/stk-push/", MpesaStkRequestViewSet.as_view({"post": "push"}), name="mpesa-stk-push"),
    path(
        "mpesa/unapplied-payments/",
        UnappliedPaymentViewSet.as_view({"get": "list"}),
        name="mpesa-unapplied-payment-list",
    ),
    path("mpesa/callback/<str:token>/", StkCallbackView.as_view(), name="mpesa-callback"),
    path("mpesa/validation/<str:token>/", C2BValidationView.as_view(), name="mpesa-validation"),
    path("mpesa/confirmation/<str:token>/", C2BConfirmationView.as_view(), name="mpesa-confirmation"),
]
