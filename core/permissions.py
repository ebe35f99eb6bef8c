"""Roles and what each may do. Views declare the role an action needs; nothing else checks roles."""

from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.db.models import F
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import Module, ModuleAssignment


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    STAFF = "staff", "Staff"
    VIEWER = "viewer", "Viewer"


RANK = {Role.VIEWER: 0, Role.STAFF: 1, Role.ADMIN: 2, Role.OWNER: 3}


def role_at_least(role: str | None, required: str) -> bool:
    if role is None:
        return False
    return RANK[Role(role)] >= RANK[Role(required)]


# The default role for the standard viewset actions. Custom actions must be named in a view's
# `required_roles`; an action nobody declared is refused (deny by default).
DEFAULT_REQUIRED_ROLES: dict[str, Role] = {
    "list": Role.VIEWER,
    "retrieve": Role.VIEWER,
    "create": Role.STAFF,
    "update": Role.STAFF,
    "partial_update": Role.STAFF,
    "destroy": Role.ADMIN,
}


def required_role_for(view: Any) -> Role | None:
    action = getattr(view, "action", None)
    declared: dict[str, Role] = {**DEFAULT_REQUIRED_ROLES, **getattr(view, "required_roles", {})}
    if action is None and getattr(view, "action_map", None) is not None:
        # A method the route doesn't serve: membership is enough, the view then answers 405.
        return Role.VIEWER
    if action is None:
        # An APIView without actions: by method.
        method = view.request.method.upper() if getattr(view, "request", None) else "GET"
        return declared.get("read" if method in ("GET", "HEAD", "OPTIONS") else "write")
    return declared.get(action)


class HasBusinessRole(BasePermission):
    """The caller's role in the active business meets what the action requires."""

    message = "Your role in this business does not allow this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method == "OPTIONS":
            return True
        required = required_role_for(view)
        if required is None:
            return False
        return role_at_least(view.business_role, required)


class IsSuperAdmin(BasePermission):
    message = "Only a super admin can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)


# --- Feature modules ----------------------------------------------------------------------------------
# A business (an assignment without a membership) or one member (with it) can have a module switched
# off through /core/module-assignments/; a member's own assignment wins over the business's, and a
# module nobody assigned is on. Business-scoped viewsets name their module (`module = Module.X`) and
# the tenancy base viewset refuses the whole module with 403 `module_disabled`.

MODULES_CACHE_SECONDS = 300  # a bound on staleness for writes that bypass the API (the Django admin)


def _module_states(*, business_id: int, version: int) -> dict[str, Any]:
    """{"business": {module: enabled}, "members": {membership_id: {module: enabled}}}, read once
    per business and version of its books (an assignment change moves the version); with the cache
    down it is one small query."""
    key = f"modules:{business_id}:{version}"
    states = cache.get(key)
    if states is None:
        states = {"business": {}, "members": {}}
        rows = (
            ModuleAssignment.objects.filter(business_id=business_id)
            .order_by()
            .values_list("membership_id", "module", "enabled")
        )
        for membership_id, module, enabled in rows:
            if membership_id is None:
                states["business"][module] = enabled
            else:
                states["members"].setdefault(membership_id, {})[module] = enabled
        cache.set(key, states, timeout=MODULES_CACHE_SECONDS)
    return states


def modules_for(*, business: Any, membership_id: int | None) -> dict[str, bool]:
    """Every module and whether it is on for this member of `business` (a super admin who is not a
    member gets the business's own switches)."""
    states = _module_states(business_id=business.pk, version=business.books_version)
    member: dict[str, bool] = states["members"].get(membership_id, {}) if membership_id else {}
    return {
        module: bool(member.get(module, states["business"].get(module, True))) for module in Module.values
    }


def module_enabled(*, business: Any, membership_id: int | None, module: str) -> bool:
    return modules_for(business=business, membership_id=membership_id)[module]


def module_assignments_changed(*, business_id: int) -> None:
    """Moves the business's version so every worker reads the new switches on its next request
    (called in the same database transaction as the change)."""
    # By the app registry: core sits below the users app and names its models only as FK targets.
    business_model = apps.get_model("users", "Business")
    business_model.objects.filter(pk=business_id).update(books_version=F("books_version") + 1)
