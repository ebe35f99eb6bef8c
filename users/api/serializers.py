"""Translation between JSON and the users app; rules live in services."""

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers

from core.fields import BoundedDateField
from core.permissions import Role, modules_for

from ..models import (
    Business,
    BusinessInvitation,
    BusinessRegistration,
    Customer,
    Membership,
    User,
    UserProfile,
)


class BusinessRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Business
        fields = ["id", "legal_name", "dba_name", "currency", "timezone"]


class ModulesSerializer(serializers.Serializer):
    """Which feature modules are on for the member (core.models.Module); the app hides the rest."""

    transactions = serializers.BooleanField()
    invoices = serializers.BooleanField()
    budgets = serializers.BooleanField()
    cashflow = serializers.BooleanField()
    forecasts = serializers.BooleanField()
    credit = serializers.BooleanField()
    suppliers = serializers.BooleanField()
    kavi = serializers.BooleanField()
    mpesa = serializers.BooleanField()


class MembershipRefSerializer(serializers.ModelSerializer):
    business = BusinessRefSerializer(read_only=True)
    modules = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "business", "role", "modules"]

    @extend_schema_field(ModulesSerializer)
    def get_modules(self, membership: Membership) -> dict[str, bool]:
        return modules_for(business=membership.business, membership_id=membership.pk)


class UserSerializer(serializers.ModelSerializer):
    memberships = MembershipRefSerializer(many=True, read_only=True)
    language_preference = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "is_superuser",
            "date_joined",
            "language_preference",
            "memberships",
        ]
        read_only_fields = fields

    def get_language_preference(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return profile.language_preference if profile else "en"


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class TokenObtainSerializer(serializers.Serializer):
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    username = serializers.CharField(
        required=False, allow_blank=True, max_length=254, help_text="Accepted as the e-mail address."
    )
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        login = (attrs.get("email") or attrs.get("username") or "").strip()
        if not login:
            raise serializers.ValidationError({"email": ["Enter your e-mail address."]})
        attrs["login"] = login
        return attrs


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserSerializer()


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    """Rotates within a session; a reused (already rotated) refresh token revokes the whole session."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Translation only: the view rotates the token (core.services.session_refresh); simplejwt's
        # own validate would rotate it outside the session.
        return attrs


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class ProfileSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.CharField(
        source="user.first_name", max_length=150, required=False, allow_blank=True
    )
    last_name = serializers.CharField(
        source="user.last_name", max_length=150, required=False, allow_blank=True
    )
    # Birth dates reach further back than the books (1970); none is in the future.
    date_of_birth = BoundedDateField(
        low=dt.date(1900, 1, 1), high=timezone.localdate, required=False, allow_null=True
    )

    class Meta:
        model = UserProfile
        fields = [
            "email",
            "first_name",
            "last_name",
            "phone",
            "bio",
            "avatar_url",
            "date_of_birth",
            "job_title",
            "company",
            "country",
            "city",
            "timezone",
            "language_preference",
            "currency_preference",
            "notification_preferences",
            "risk_tolerance",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def validate_timezone(self, value: str) -> str:
        return _valid_timezone(value)

    def validate_notification_preferences(self, value: Any) -> Any:
        def plain(text: Any, limit: int) -> bool:
            return isinstance(text, str) and len(text) <= limit and "\x00" not in text

        if (
            not isinstance(value, dict)
            or len(value) > 50
            or not all(
                plain(name, 50) and (isinstance(setting, bool | int) or plain(setting, 100))
                for name, setting in value.items()
            )
        ):
            raise serializers.ValidationError(
                "Send an object of up to 50 preference names, each to true, false, a number or a short text."
            )
        return value

    def validate_currency_preference(self, value: str) -> str:
        return _valid_currency(value)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        values = super().to_internal_value(data)
        user = values.pop("user", {})
        values.update(user)
        return values


def _valid_timezone(value: str) -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise serializers.ValidationError("Use an IANA time zone such as Africa/Nairobi.") from exc
    return value


def _valid_currency(value: str) -> str:
    value = value.upper()
    if len(value) != 3 or not value.isalpha():
        raise serializers.ValidationError("Use an ISO 4217 code such as KES.")
    return value


class BusinessSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Business
        fields = [
            "id",
            "legal_name",
            "dba_name",
            "registration_number",
            "tax_id",
            "email",
            "phone",
            "website",
            "address",
            "country",
            "founding_year",
            "employee_count",
            "industry",
            "business_model",
            "revenue_band",
            "currency",
            "timezone",
            "is_active",
            "role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "is_active", "role", "created_at", "updated_at"]

    def get_role(self, business: Business) -> str | None:
        roles: dict[int, str] = self.context.get("roles", {})
        return roles.get(business.pk)

    def validate_timezone(self, value: str) -> str:
        return _valid_timezone(value)

    def validate_currency(self, value: str) -> str:
        return _valid_currency(value)


class TransferOwnershipSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class MemberUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name"]


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = ["id", "user", "created_at"]


class InvitationSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(
        choices=[c for c in Role.choices if c[0] != Role.OWNER], default=Role.STAFF
    )
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, default=None)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = BusinessInvitation
        fields = ["id", "email", "role", "status", "invited_by", "expires_at", "accepted_at", "created_at"]
        read_only_fields = ["id", "status", "invited_by", "expires_at", "accepted_at", "created_at"]


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class RegistrationSerializer(serializers.ModelSerializer):
    requested_by = serializers.EmailField(source="requested_by.email", read_only=True)

    class Meta:
        model = BusinessRegistration
        fields = [
            "id",
            "legal_name",
            "dba_name",
            "registration_number",
            "tax_id",
            "email",
            "phone",
            "address",
            "country",
            "industry",
            "notes",
            "status",
            "requested_by",
            "reviewed_at",
            "review_notes",
            "business",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "requested_by",
            "reviewed_at",
            "review_notes",
            "business",
            "created_at",
        ]


class RegistrationReviewSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "email", "phone", "address", "tax_id", "notes", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
