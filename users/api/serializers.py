"""Translation between JSON and the users app; rules live in services."""

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from PIL import Image, UnidentifiedImageError
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
    default_reminders,
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


class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    new_password = serializers.CharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


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


KRA_PIN = re.compile(r"^[A-Z][0-9]{9}[A-Z]$")
SHORT_CODE = re.compile(r"^[0-9]{5,7}$")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG"}
REMINDER_CHANNELS = ("email", "sms", "whatsapp")


def _valid_kra_pin(value: str) -> str:
    value = value.strip().upper()
    if value and not KRA_PIN.match(value):
        raise serializers.ValidationError(
            "Enter a KRA PIN: a letter, 9 digits and a letter, such as A123456789B."
        )
    return value


def _plain_text(value: Any, *, limit: int, name: str) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise serializers.ValidationError({name: [f"Send text of up to {limit} characters."]})
    value = value.strip()
    if len(value) > limit:
        raise serializers.ValidationError({name: [f"Keep this to {limit} characters or fewer."]})
    return value


class BankDetailsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    branch = serializers.CharField(max_length=100, required=False, allow_blank=True)
    account_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    account_number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class PaymentInstructionsSerializer(serializers.Serializer):
    """How a customer pays. `bank` is free text (up to 300 characters) or a BankDetails object."""

    mpesa_paybill = serializers.RegexField(
        SHORT_CODE.pattern, required=False, allow_blank=True, help_text="5 to 7 digits"
    )
    mpesa_till = serializers.RegexField(
        SHORT_CODE.pattern, required=False, allow_blank=True, help_text="5 to 7 digits"
    )
    account_hint = serializers.CharField(required=False, allow_blank=True, max_length=40)
    bank = serializers.JSONField(
        required=False,
        help_text="Free text of up to 300 characters, or {name, branch, account_name, account_number}",
    )


class WholeNumberField(serializers.IntegerField):
    """A JSON number without a fraction: "7" (a string) and true are refused, not coerced."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class RemindersSerializer(serializers.Serializer):
    """Each list is optional on write (a missing one keeps the default shown)."""

    days_before_due = serializers.ListField(
        child=WholeNumberField(min_value=0, max_value=60), max_length=10, required=False
    )
    days_after_due = serializers.ListField(
        child=WholeNumberField(min_value=1, max_value=365), max_length=10, required=False
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=REMINDER_CHANNELS), max_length=3, required=False
    )


@extend_schema_field(PaymentInstructionsSerializer)
class PaymentInstructionsField(serializers.JSONField):
    pass


@extend_schema_field(RemindersSerializer)
class RemindersField(serializers.JSONField):
    pass


def _valid_payment_instructions(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise serializers.ValidationError(
            "Send an object with mpesa_paybill, mpesa_till, account_hint or bank."
        )
    allowed = {"mpesa_paybill", "mpesa_till", "account_hint", "bank"}
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise serializers.ValidationError({name: ["Not a known field."] for name in unknown})
    clean: dict[str, Any] = {}
    for name in ("mpesa_paybill", "mpesa_till"):
        if value.get(name) in (None, ""):
            continue
        code = _plain_text(value[name], limit=7, name=name)
        if not SHORT_CODE.match(code):
            raise serializers.ValidationError({name: ["Enter 5 to 7 digits."]})
        clean[name] = code
    if value.get("account_hint") not in (None, ""):
        clean["account_hint"] = _plain_text(value["account_hint"], limit=40, name="account_hint")
    bank = value.get("bank")
    if isinstance(bank, dict):
        details = BankDetailsSerializer(data=bank)
        extra = sorted(str(k) for k in bank if k not in details.fields)
        if extra:
            raise serializers.ValidationError({"bank": {name: ["Not a known field."] for name in extra}})
        if not details.is_valid():
            raise serializers.ValidationError({"bank": details.errors})
        filled = {k: v.strip() for k, v in details.validated_data.items() if v.strip()}
        if filled:
            clean["bank"] = filled
    elif bank not in (None, ""):
        clean["bank"] = _plain_text(bank, limit=300, name="bank")
    return clean


def _valid_reminders(value: Any) -> dict[str, list[Any]]:
    if not isinstance(value, dict):
        raise serializers.ValidationError("Send {days_before_due, days_after_due, channels}.")
    allowed = set(RemindersSerializer().fields)
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise serializers.ValidationError({name: ["Not a known field."] for name in unknown})
    data = {**default_reminders(), **value}
    for name in ("days_before_due", "days_after_due", "channels"):
        if not isinstance(data[name], list) or len(data[name]) > 10:
            raise serializers.ValidationError({name: ["Send a list of up to 10 values."]})
    checked = RemindersSerializer(data=data)
    if not checked.is_valid():
        raise serializers.ValidationError(checked.errors)
    clean = checked.validated_data
    return {
        "days_before_due": sorted(set(clean["days_before_due"]), reverse=True),
        "days_after_due": sorted(set(clean["days_after_due"])),
        "channels": [c for c in REMINDER_CHANNELS if c in clean["channels"]],
    }


class BusinessSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    kra_pin = serializers.CharField(
        source="tax_id", max_length=32, required=False, allow_blank=True, help_text="Same as tax_id"
    )
    payment_instructions = PaymentInstructionsField(required=False)
    reminders = RemindersField(required=False)
    logo = serializers.ImageField(
        required=False,
        allow_null=True,
        help_text=(
            "PNG or JPEG up to 1 MB, sent as multipart; null clears it. "
            "Read back as the API path that serves it."
        ),
    )

    class Meta:
        model = Business
        fields = [
            "id",
            "legal_name",
            "dba_name",
            "registration_number",
            "tax_id",
            "kra_pin",
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
            "payment_instructions",
            "logo",
            "reminders",
            "is_active",
            "role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "is_active", "role", "created_at", "updated_at"]
        # An explicit bound: left to the model field, the limit (and so the schema) would follow the
        # database backend (int64 on SQLite, int32 on PostgreSQL).
        extra_kwargs = {"employee_count": {"max_value": 1_000_000}}

    def get_role(self, business: Business) -> str | None:
        roles: dict[int, str] = self.context.get("roles", {})
        return roles.get(business.pk)

    def to_representation(self, instance: Business) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Storage URLs are private (local /media/ isn't served, S3 objects are private): the API serves it.
        data["logo"] = f"/api/v1/users/businesses/{instance.pk}/logo/" if instance.logo else None
        return data

    def validate_payment_instructions(self, value: Any) -> dict[str, Any]:
        return _valid_payment_instructions(value)

    def validate_reminders(self, value: Any) -> dict[str, list[Any]]:
        return _valid_reminders(value)

    def validate_tax_id(self, value: str) -> str:
        return _valid_kra_pin(value)

    def validate_kra_pin(self, value: str) -> str:
        return _valid_kra_pin(value)

    def validate_logo(self, value: Any) -> Any:
        if value is None:
            return None
        if value.size > LOGO_MAX_BYTES:
            raise serializers.ValidationError("The logo must be 1 MB or smaller.")
        try:
            value.seek(0)
            with Image.open(value) as image:
                kind = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise serializers.ValidationError("Upload a PNG or JPEG image.") from exc
        if kind not in LOGO_FORMATS:
            raise serializers.ValidationError("Upload a PNG or JPEG image.")
        value.seek(0)
        value.name = f"logo.{'png' if kind == 'PNG' else 'jpg'}"
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sent = self.initial_data if hasattr(self.initial_data, "get") else {}
        pins = {str(sent.get(k)).strip().upper() for k in ("tax_id", "kra_pin") if k in sent}
        if len(pins) > 1:
            raise serializers.ValidationError({"kra_pin": ["kra_pin and tax_id differ; send one of them."]})
        return attrs

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
