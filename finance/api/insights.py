"""Cash-flow forecasts and credit scores: computed by finance.forecasting and finance.credit on POST,
kept as history, and read back as stored."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.tenancy import BusinessScopedGenericViewSet, request_user
from core.models import Module
from core.money import MoneyField

from ..credit import credit_score_create
from ..forecasting import MAX_HORIZON, MIN_HORIZON, forecast_create
from ..models import CreditScore, Forecast

# Stored JSON is read back through read-only fields: a key an older row lacks is left out, not a 500.


def _amount(**kwargs: Any) -> MoneyField:
    # No digit cap: a projected balance may outgrow a column's 15 digits, and reading it must not fail.
    return MoneyField(read_only=True, max_digits=None, **kwargs)


class ForecastCreateSerializer(serializers.Serializer):
    horizon_months = serializers.IntegerField(min_value=MIN_HORIZON, max_value=MAX_HORIZON)


class ForecastPeriodSerializer(serializers.Serializer):
    period = serializers.CharField(read_only=True, help_text="YYYY-MM, starting with the current month.")
    income = _amount()
    expense = _amount()
    net = _amount()
    balance = _amount(help_text="Projected balance at the end of the month.")
    balance_low = _amount(help_text="Lower end of the 80% band.")
    balance_high = _amount(help_text="Upper end of the 80% band.")
    recorded_income = _amount(help_text="Already recorded this month (the current month only).")
    recorded_expense = _amount()


class BacktestErrorSerializer(serializers.Serializer):
    mae = _amount(help_text="Mean absolute error, in the business currency.")
    mape = serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Mean absolute percentage error; null when every held-out month was zero.",
    )


class ForecastBandSerializer(serializers.Serializer):
    level = serializers.IntegerField(read_only=True)
    z = serializers.CharField(read_only=True)
    sigma_net = _amount(help_text="Spread (sigma) of one month's net.")
    errors_used = serializers.IntegerField(read_only=True)
    basis = serializers.CharField(read_only=True)


class BacktestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "insufficient history"], read_only=True)
    detail = serializers.CharField(read_only=True)
    method = serializers.CharField(read_only=True, allow_null=True)
    history_months = serializers.IntegerField(read_only=True)
    history_from = serializers.CharField(read_only=True, allow_null=True)
    history_to = serializers.CharField(read_only=True, allow_null=True)
    training_months = serializers.IntegerField(read_only=True)
    holdout_months = serializers.IntegerField(read_only=True)
    months = serializers.ListField(child=serializers.CharField(), read_only=True)
    income = BacktestErrorSerializer(read_only=True, allow_null=True)
    expense = BacktestErrorSerializer(read_only=True, allow_null=True)
    net = BacktestErrorSerializer(read_only=True, allow_null=True)
    band = ForecastBandSerializer(read_only=True)


class ForecastSerializer(serializers.ModelSerializer):
    opening_balance = _amount()
    periods = ForecastPeriodSerializer(many=True, read_only=True)
    backtest = BacktestSerializer(read_only=True)

    class Meta:
        model = Forecast
        fields = [
            "id",
            "horizon_months",
            "method",
            "currency",
            "opening_balance",
            "periods",
            "backtest",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class CreditFactorSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    # DRF takes declared fields off the class, so this "label" never shadows Field.label.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    value = serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="The figure measured, in `unit`; null when there was nothing to measure.",
    )
    unit = serializers.ChoiceField(choices=["months", "percent"], read_only=True)
    score = serializers.DecimalField(max_digits=4, decimal_places=3, read_only=True, help_text="0 to 1.")
    weight = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True)
    impact = serializers.ChoiceField(choices=["positive", "neutral", "negative"], read_only=True)
    explanation = serializers.CharField(read_only=True)


class CreditScoreSerializer(serializers.ModelSerializer):
    factors = CreditFactorSerializer(many=True, read_only=True)
    inputs = serializers.JSONField(read_only=True)

    class Meta:
        model = CreditScore
        fields = ["id", "score", "grade", "factors", "inputs", "created_by", "created_at"]
        read_only_fields = fields


class _HistoryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, BusinessScopedGenericViewSet
):
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]


class ForecastViewSet(_HistoryViewSet):
    module = Module.FORECASTS
    serializer_class = ForecastSerializer
    queryset = Forecast.objects.all()

    @extend_schema(request=ForecastCreateSerializer, responses={201: ForecastSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ForecastCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forecast = forecast_create(
            business=self.business,
            actor=request_user(request),
            horizon_months=data.validated_data["horizon_months"],
        )
        return Response(self.get_serializer(forecast).data, status=status.HTTP_201_CREATED)


class CreditScoreViewSet(_HistoryViewSet):
    module = Module.CREDIT
    serializer_class = CreditScoreSerializer
    queryset = CreditScore.objects.all()

    @extend_schema(request=None, responses={201: CreditScoreSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        score = credit_score_create(business=self.business, actor=request_user(request))
        return Response(self.get_serializer(score).data, status=status.HTTP_201_CREATED)
