"""People, businesses, who belongs where, and the business's customers."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.permissions import Role
from core.tenancy import BusinessOwnedModel, BusinessQuerySet


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Signs in with an e-mail address (stored in lower case)."""

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SWAHILI = "sw", "Kiswahili"


class RiskTolerance(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class UserProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    phone = models.CharField(max_length=32, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    avatar_url = models.URLField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    company = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True, default="Kenya")
    city = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, default="Africa/Nairobi")
    language_preference = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    currency_preference = models.CharField(max_length=3, default="KES")
    notification_preferences = models.JSONField(default=dict, blank=True)
    risk_tolerance = models.CharField(
        max_length=10, choices=RiskTolerance.choices, default=RiskTolerance.MEDIUM
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


def default_reminders() -> dict[str, list[Any]]:
    """When invoice reminders go out, relative to the due date, and by which channels."""
    return {"days_before_due": [3], "days_after_due": [1, 7, 14], "channels": ["email"]}


class Business(models.Model):
    legal_name = models.CharField(max_length=200)
    dba_name = models.CharField("trading name", max_length=200, blank=True)
    registration_number = models.CharField(max_length=64, blank=True)
    tax_id = models.CharField("KRA PIN", max_length=32, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    website = models.URLField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=100, default="Kenya")
    founding_year = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    business_model = models.CharField(max_length=120, blank=True)
    revenue_band = models.CharField(max_length=64, blank=True)
    currency = models.CharField(max_length=3, default="KES")
    timezone = models.CharField(max_length=64, default="Africa/Nairobi")
    is_active = models.BooleanField(default=True)
    # How customers pay: {mpesa_paybill?, mpesa_till?, account_hint?, bank?}; shape checked by the API.
    payment_instructions = models.JSONField(default=dict, blank=True)
    logo = models.ImageField(upload_to="business-logos/", blank=True, max_length=255)
    reminders = models.JSONField(default=default_reminders, blank=True)
    # Bumped in the same transaction as every write to the books; cached reports key on it.
    books_version = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_name"]
        verbose_name_plural = "businesses"

    def __str__(self) -> str:
        return self.legal_name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BusinessQuerySet.as_manager()

    class Meta:
        ordering = ["business", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "business"], name="membership_unique_user_business")
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.business}"


class BusinessInvitation(BusinessOwnedModel):
    """An e-mailed invitation. Only a hash of the token is stored."""

    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["business", "email"])]

    def __str__(self) -> str:
        return f"{self.email} to {self.business} as {self.role}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class BusinessRegistration(models.Model):
    """A request to register a business, approved or rejected by a super admin."""

    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="business_registrations")
    legal_name = models.CharField(max_length=200)
    dba_name = models.CharField(max_length=200, blank=True)
    registration_number = models.CharField(max_length=64, blank=True)
    tax_id = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=100, default="Kenya")
    industry = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True, max_length=2000)
    business = models.OneToOneField(
        Business, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.status})"


class Customer(BusinessOwnedModel):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300, blank=True)
    tax_id = models.CharField(max_length=32, blank=True)
    notes = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["business", "name"])]

    def __str__(self) -> str:
        return self.name
