"""Roles and what each may do. Views declare the role an action needs; nothing else checks roles."""

from typing import Any

from django.db import models
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


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
