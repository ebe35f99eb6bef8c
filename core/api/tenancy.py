"""Tenancy for requests: the active business of a request, and the base viewsets that scope every
queryset to it. Views never filter by business themselves; membership is read through users'
selectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.db import models
from django.http import HttpRequest
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request

from users import selectors as user_selectors

from ..exceptions import ApplicationError
from ..permissions import HasBusinessRole, Role, module_enabled
from ..services import business_object_create, business_object_delete, business_object_update
from ..tenancy import BusinessQuerySet

if TYPE_CHECKING:
    from users.models import Business, User

BUSINESS_HEADER = "X-Business-ID"


@dataclass(frozen=True)
class ActiveBusiness:
    # None only for a super admin reading across all businesses (see `superuser_sees_all`).
    business: Business | None
    role: Role
    # The caller's membership; None for a super admin acting on a business they don't belong to.
    membership_id: int | None = None


def request_user(request: Request | HttpRequest) -> User:
    """The signed-in user of a request that passed IsAuthenticated."""
    return cast("User", request.user)


def resolve_active_business(request: Request) -> ActiveBusiness:
    """The business a request acts on, by the rules of API.md (header, else the only membership)."""
    user = request_user(request)
    raw = request.headers.get(BUSINESS_HEADER)
    if raw is not None:  # sent empty is not the same as not sent
        business_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0
        if not business_id:
            raise ApplicationError("business_invalid", f"{BUSINESS_HEADER} must be a business id.")
        membership = user_selectors.membership_for(user=user, business_id=business_id)
        if membership is not None:
            return ActiveBusiness(membership.business, Role(membership.role), membership.pk)
        if user.is_superuser:
            business = user_selectors.business_get(pk=business_id)
            if business is None:
                raise exceptions.NotFound("No such business.")
            return ActiveBusiness(business, Role.OWNER)
        raise exceptions.PermissionDenied("You are not a member of this business.")
    memberships = user_selectors.memberships_of(user=user, limit=2)
    if len(memberships) == 1:
        return ActiveBusiness(memberships[0].business, Role(memberships[0].role), memberships[0].pk)
    raise ApplicationError("business_required", f"Choose a business with the {BUSINESS_HEADER} header.")


def active_business(request: Request | HttpRequest) -> Business:
    """The active business a scoped view already resolved for this request."""
    cached = getattr(request, "_active_business", None)
    if cached is None or cached.business is None:
        cached = resolve_active_business(request)  # type: ignore[arg-type]
        request._active_business = cached  # type: ignore[union-attr]
    return cast("Business", cached.business)


class BusinessScopedGenericViewSet(viewsets.GenericViewSet):
    """Resolves the active business once and scopes every queryset to it.

    Subclasses set `queryset` (unscoped, a BusinessQuerySet) and may refine it in
    `refine_queryset`; they cannot override `get_queryset`, so the scope can't be forgotten.
    Roles per action come from `required_roles` (see core.permissions).
    """

    business_scoped: ClassVar[bool] = True
    # A super admin who sends no X-Business-ID reads every business's rows (audit log, say).
    superuser_sees_all: ClassVar[bool] = False
    permission_classes = [IsAuthenticated, HasBusinessRole]
    required_roles: ClassVar[dict[str, Role]] = {}
    # The feature module (core.models.Module) the endpoints belong to; None: always available.
    module: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; override refine_queryset instead so the "
                "business scope stays in place."
            )

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if self.module is None or request.method == "OPTIONS" or getattr(self, "swagger_fake_view", False):
            return
        active = self.active
        if active.business is not None and not module_enabled(
            business=active.business, membership_id=active.membership_id, module=self.module
        ):
            raise ApplicationError(
                "module_disabled",
                f"The {self.module} module is switched off for you in this business.",
                status_code=403,
                extra={"module": self.module},
            )

    @property
    def active(self) -> ActiveBusiness:
        cached = getattr(self.request, "_active_business", None)
        if cached is None:
            if self._global_superuser_read():
                cached = ActiveBusiness(None, Role.OWNER)
            else:
                cached = resolve_active_business(self.request)
            self.request._active_business = cached  # type: ignore[attr-defined]
        return cached

    def _global_superuser_read(self) -> bool:
        return (
            self.superuser_sees_all
            and self.request.user.is_superuser
            and not self.request.headers.get(BUSINESS_HEADER)
        )

    @property
    def business(self) -> Business:
        business = self.active.business
        if business is None:
            raise ApplicationError(
                "business_required", f"Choose a business with the {BUSINESS_HEADER} header."
            )
        return business

    @property
    def business_role(self) -> Role:
        return self.active.role

    def refine_queryset(self, queryset: BusinessQuerySet) -> models.QuerySet:
        return queryset

    def get_queryset(self) -> models.QuerySet:
        queryset: Any = getattr(self, "queryset", None)
        if not isinstance(queryset, BusinessQuerySet):
            raise TypeError(f"{type(self).__name__}.queryset must be a BusinessQuerySet")
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        if self.active.business is None:
            return self.refine_queryset(queryset.all())
        return self.refine_queryset(queryset.all().for_business(self.business))

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        request = getattr(self, "request", None)
        if (
            request is not None
            and request.user.is_authenticated
            and not getattr(self, "swagger_fake_view", False)
        ):
            context["business"] = self.active.business
        return context


class BusinessScopedReadOnlyViewSet(
    mixins.RetrieveModelMixin, mixins.ListModelMixin, BusinessScopedGenericViewSet
):
    pass


class BusinessRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts rows of the request's active business."""

    def get_queryset(self) -> models.QuerySet:
        queryset: Any = super().get_queryset()
        business = self.context.get("business")
        if business is None:
            return queryset.none()
        return queryset.for_business(business)


class BusinessScopedModelViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    BusinessScopedGenericViewSet,
):
    """CRUD over a business-owned model; writes go through audited services.

    Override `create_service`, `update_service` and `delete_service` with an entity's own
    services when it has rules; the defaults are the generic audited ones in core.services.
    """

    def create_service(self, *, business: Business, actor: Any, data: dict[str, Any]) -> models.Model:
        model = self.get_queryset().model
        return business_object_create(model=model, business=business, actor=actor, data=data)

    def update_service(self, *, instance: models.Model, actor: Any, data: dict[str, Any]) -> models.Model:
        return business_object_update(instance=instance, actor=actor, data=data)

    def delete_service(self, *, instance: models.Model, actor: Any) -> None:
        business_object_delete(instance=instance, actor=actor)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = self.create_service(
            business=self.business, actor=request_user(self.request), data=serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = self.update_service(
            instance=serializer.instance, actor=request_user(self.request), data=serializer.validated_data
        )

    def perform_destroy(self, instance: models.Model) -> None:
        self.delete_service(instance=instance, actor=request_user(self.request))
