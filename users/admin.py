"""Django admin for super admins: people, businesses, members, invitations and registrations."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from core.exceptions import ApplicationError

from .models import (
    Business,
    BusinessInvitation,
    BusinessRegistration,
    Customer,
    Membership,
    User,
    UserProfile,
)
from .services import registration_review


class ProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["business", "user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [ProfileInline, MembershipInline]


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = [
        "legal_name",
        "dba_name",
        "industry",
        "country",
        "currency",
        "employee_count",
        "is_active",
        "created_at",
    ]
    list_filter = ["is_active", "country", "currency", "industry", "revenue_band"]
    search_fields = ["legal_name", "dba_name", "registration_number", "tax_id", "email", "phone"]
    date_hierarchy = "created_at"
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "business", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "business__legal_name"]
    list_select_related = ["user", "business"]
    autocomplete_fields = ["user", "business"]


@admin.register(BusinessInvitation)
class BusinessInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "business", "role", "invited_by", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "business__legal_name"]
    list_select_related = ["business", "invited_by"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_by", "created_at"]
    autocomplete_fields = ["business"]
    raw_id_fields = ["invited_by"]


@admin.register(BusinessRegistration)
class BusinessRegistrationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "requested_by", "status", "created_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["legal_name", "registration_number", "tax_id", "requested_by__email"]
    list_select_related = ["requested_by", "reviewed_by"]
    readonly_fields = ["status", "reviewed_by", "reviewed_at", "business", "created_at"]
    raw_id_fields = ["requested_by"]
    actions = ["approve", "reject"]

    def _review(self, request: HttpRequest, queryset: Any, approve: bool) -> None:
        done = 0
        for registration in queryset:
            try:
                registration_review(registration=registration, reviewer=request.user, approve=approve)  # type: ignore[arg-type]
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{registration}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} registration(s) {'approved' if approve else 'rejected'}.")

    @admin.action(description="Approve the selected registrations")
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        self._review(request, queryset, approve=True)

    @admin.action(description="Reject the selected registrations")
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._review(request, queryset, approve=False)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "email", "phone", "created_at"]
    search_fields = ["name", "email", "phone", "tax_id", "business__legal_name"]
    list_select_related = ["business"]
    autocomplete_fields = ["business"]
