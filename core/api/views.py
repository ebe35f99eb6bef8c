"""Thin views for the platform endpoints."""

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import dbguard, selectors, services
from ..cache import RedisCache
from ..models import ActivityLog, ModuleAssignment, UserSession
from ..permissions import IsSuperAdmin, Role
from . import serializers as s
from .tenancy import (
    BusinessScopedGenericViewSet,
    BusinessScopedModelViewSet,
    BusinessScopedReadOnlyViewSet,
    request_user,
)


class ActivityLogViewSet(BusinessScopedReadOnlyViewSet):
    """The audit trail of the active business (admins), or of every business (super admins)."""

    serializer_class = s.ActivityLogSerializer
    queryset = ActivityLog.objects.all()
    required_roles = {"list": Role.ADMIN, "retrieve": Role.ADMIN}
    superuser_sees_all = True
    filterset_fields = ["action", "object_type", "object_id", "actor", "business"]
    search_fields = ["actor_email", "action", "object_type"]
    ordering_fields = ["at"]


class UserSessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Signed-in devices: your own, or everyone's for a super admin. DELETE or revoke signs one out."""

    serializer_class = s.UserSessionSerializer
    queryset = UserSession.objects.none()
    filterset_fields = ["user"]
    ordering_fields = ["last_seen_at", "created_at"]

    def get_queryset(self) -> QuerySet[UserSession]:
        if getattr(self, "swagger_fake_view", False):
            return UserSession.objects.none()
        return selectors.sessions_visible_to(user=request_user(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        auth = getattr(self.request, "auth", None)
        context["session_id"] = auth.get("sid") if auth is not None else None
        return context

    def perform_destroy(self, instance: UserSession) -> None:
        services.session_revoke(session=instance, actor=request_user(self.request))

    @extend_schema(request=None, responses=s.UserSessionSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        session = services.session_revoke(session=self.get_object(), actor=request_user(request))
        return Response(self.get_serializer(session).data)


class FailedLoginViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.FailedLoginSerializer
    permission_classes = [IsAuthenticated, IsSuperAdmin]
    queryset = selectors.failed_logins()
    filterset_fields = ["email", "ip", "reason", "triggered_lockout"]
    search_fields = ["email"]
    ordering_fields = ["at"]


class ModuleAssignmentViewSet(BusinessScopedModelViewSet):
    serializer_class = s.ModuleAssignmentSerializer
    queryset = ModuleAssignment.objects.all()
    required_roles = {"create": Role.ADMIN, "update": Role.ADMIN, "partial_update": Role.ADMIN}
    filterset_fields = ["module", "membership", "enabled"]
    ordering_fields = ["module"]

    def create_service(self, *, business: Any, actor: Any, data: dict[str, Any]) -> ModuleAssignment:
        return services.module_assignment_create(business=business, actor=actor, data=data)

    def update_service(self, *, instance: Any, actor: Any, data: dict[str, Any]) -> ModuleAssignment:
        return services.module_assignment_update(instance=instance, actor=actor, data=data)

    def delete_service(self, *, instance: Any, actor: Any) -> None:
        services.module_assignment_delete(instance=instance, actor=actor)


class PingViewSet(BusinessScopedGenericViewSet):
    """A constant answer behind the same auth and tenancy as the books: lets a client check its
    token and business access, and is the floor that `make bench` measures endpoints against."""

    queryset = ModuleAssignment.objects.all()
    pagination_class = None
    filter_backends: list[Any] = []
    single_object = True  # one object, not a list (core.api.schema)

    @extend_schema(responses=s.PingSerializer)
    def list(self, request: Request) -> Response:
        return Response({"ok": True, "business": self.business.pk, "role": self.business_role})


class AdminAnalyticsView(APIView):
    permission_classes = [IsAuthenticated, IsSuperAdmin]

    @extend_schema(responses=s.AdminAnalyticsSerializer)
    def get(self, request: Request) -> Response:
        return Response(selectors.admin_analytics())


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means the database can't serve
        dbguard.note(exc)
        return "unavailable"
    return "ok"


def _cache_state() -> str:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return "ok" if backend.ping() else "unavailable"
    backend.set("health-probe", "1", timeout=5)
    return "ok" if backend.get("health-probe") == "1" else "unavailable"


class HealthView(APIView):
    """Everything this task depends on: 200 `ok`; 503 `degraded` while only the cache (Redis) is
    unreachable (the API still serves: this is for monitors); 503 `down` without the database.
    Not the load balancer's check, which is LiveView: a Redis outage must not drain every task."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []

    @extend_schema(responses={200: s.HealthSerializer, 503: s.HealthSerializer}, auth=[])
    def get(self, request: Request) -> Response:
        database, cache_state = _database_state(), _cache_state()
        state = "ok" if cache_state == "ok" else "degraded"
        if database != "ok":
            state = "down"
        body = {"status": state, "database": database, "cache": cache_state, "version": settings.VERSION}
        code = status.HTTP_200_OK if state == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
        return Response(body, status=code)


class LiveView(APIView):
    """The load balancer's (and the container's) check: 200 while this process can serve, which
    needs its database but not Redis; 503 `down` without the database."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []

    @extend_schema(responses={200: s.LiveSerializer, 503: s.LiveSerializer}, auth=[])
    def get(self, request: Request) -> Response:
        database = _database_state()
        healthy = database == "ok"
        body = {"status": "ok" if healthy else "down", "database": database, "version": settings.VERSION}
        return Response(body, status=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE)
