"""Django admin for super admins: the audit trail is read-only."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .audit import audit_log
from .context import current
from .models import ActivityLog, FailedLoginAttempt, ModuleAssignment, UserSession
from .services import LoginLocked, login_authenticate, login_locked_message, session_revoke


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_email", "business_id", "action", "object_type", "object_id", "ip"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_email", "object_type", "object_id", "ip"]
    date_hierarchy = "at"
    list_select_related = False


@admin.register(FailedLoginAttempt)
class FailedLoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "email", "ip", "reason", "triggered_lockout"]
    list_filter = ["reason", "triggered_lockout", ("at", admin.DateFieldListFilter)]
    search_fields = ["email", "ip"]
    date_hierarchy = "at"


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "ip", "user_agent", "created_at", "last_seen_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["user__email", "ip", "user_agent"]
    readonly_fields = [
        "id",
        "user",
        "refresh_jti",
        "ip",
        "user_agent",
        "created_at",
        "last_seen_at",
        "revoked_at",
    ]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Sign out the selected sessions")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for session in queryset.filter(revoked_at__isnull=True):
            session_revoke(session=session, actor=request.user)


@admin.register(ModuleAssignment)
class ModuleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["business", "module", "membership", "enabled", "updated_at"]
    list_filter = ["module", "enabled"]
    search_fields = ["business__legal_name", "membership__user__email"]
    list_select_related = ["business", "membership__user"]
    autocomplete_fields = ["business"]
    raw_id_fields = ["membership"]


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in goes through the API's lockout and records its failures the same way."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            ctx = current()
            try:
                self.user_cache = login_authenticate(
                    email=username.strip().lower(),
                    password=password,
                    ip=ctx.ip,
                    user_agent=ctx.user_agent,
                    request=self.request,
                )
            except LoginLocked as exc:
                raise ValidationError(login_locked_message(exc.retry_after), code="login_locked") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            audit_log(actor=self.user_cache, action="admin.login", obj=self.user_cache)
        return self.cleaned_data


admin.site.login_form = LockoutAdminAuthenticationForm
