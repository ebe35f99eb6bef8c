"""Platform records: the audit trail, sign-in sessions, failed sign-ins, feature modules and
idempotency keys."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from .tenancy import BusinessOwnedModel, BusinessQuerySet


class ImmutableRecordError(Exception):
    pass


class ActivityLogQuerySet(BusinessQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRecordError("The activity log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError("The activity log is append-only.")


class ActivityLog(models.Model):
    """Append-only. The business and actor are kept as plain ids (no FK constraint) so the trail
    outlives deleted businesses and users; PostgreSQL also refuses UPDATE and DELETE by trigger."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_email = models.EmailField(blank=True)
    business = models.ForeignKey(
        "users.Business",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ActivityLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["business", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An integrity guard, not business logic: rows are written once.
        if self.pk is not None:
            raise ImmutableRecordError("The activity log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError("The activity log is append-only.")


class UserSession(models.Model):
    """One per refresh-token family: created at sign-in, followed through rotations, revocable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    refresh_jti = models.CharField(max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.user} from {self.ip or '?'}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class FailedLoginAttempt(models.Model):
    """Every failed sign-in. `locked` rows were refused during a lockout and don't count toward one;
    `triggered_lockout` marks the failure that started one."""

    email = models.CharField(max_length=254, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    user_agent = models.CharField(max_length=512, blank=True)
    reason = models.CharField(
        max_length=32,
        choices=[
            ("bad_credentials", "Wrong e-mail or password"),
            ("inactive", "Inactive account"),
            ("locked", "Refused during a lockout"),
        ],
    )
    triggered_lockout = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["email", "-at"]), models.Index(fields=["ip", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.email} {self.reason}"


class Module(models.TextChoices):
    TRANSACTIONS = "transactions", "Transactions"
    INVOICES = "invoices", "Invoices"
    BUDGETS = "budgets", "Budgets"
    CASHFLOW = "cashflow", "Cash flow"
    FORECASTS = "forecasts", "Forecasts"
    CREDIT = "credit", "Credit score"
    SUPPLIERS = "suppliers", "Suppliers"
    KAVI = "kavi", "KAVI assistant"
    MPESA = "mpesa", "M-Pesa"


class ModuleAssignment(BusinessOwnedModel):
    """A feature module switched on or off for a whole business (membership empty) or one member."""

    membership = models.ForeignKey(
        "users.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="modules"
    )
    module = models.CharField(max_length=32, choices=Module.choices)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "membership", "module"],
                name="module_unique_per_member",
                condition=models.Q(membership__isnull=False),
                violation_error_message="This module is already assigned to that member.",
            ),
            models.UniqueConstraint(
                fields=["business", "module"],
                name="module_unique_per_business",
                condition=models.Q(membership__isnull=True),
                violation_error_message="This module is already assigned to the business.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} {'on' if self.enabled else 'off'}"


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` for one signed-in POST (see core.api.idempotency): claimed before
    the view runs, then holding the first 2xx response for replay until it expires."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Empty for a route outside any business (creating a business, say).
    business = models.ForeignKey(
        "users.Business", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.TextField()
    # sha256 of method, path, media type and body: the same key with another request is a conflict.
    request_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    response_body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "business", "key"],
                name="idempotency_key_unique_per_business",
                condition=models.Q(business__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "key"],
                name="idempotency_key_unique_without_business",
                condition=models.Q(business__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.method} {self.path} {self.status}"
