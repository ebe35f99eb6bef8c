"""Thin views over the users services and selectors."""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenRefreshView as BaseTokenRefreshView

from core import services as core_services
from core.api.tenancy import BusinessScopedGenericViewSet, BusinessScopedModelViewSet, request_user
from core.exceptions import ApplicationError
from core.parsers import JSONParser
from core.permissions import IsSuperAdmin, Role, role_at_least

from .. import selectors, services
from ..models import Business, BusinessInvitation, BusinessRegistration, Customer, Membership
from . import serializers as s
from . import throttles


class RegisterView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.RegisterSerializer, responses={201: s.UserSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = s.RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        return Response(
            s.UserSerializer(selectors.user_with_memberships(user_id=user.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class TokenObtainView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(request=s.TokenObtainSerializer, responses={200: s.TokenPairSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = s.TokenObtainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, refresh = services.user_login(
            login=data.validated_data["login"], password=data.validated_data["password"]
        )
        return Response(
            {
                "access": str(refresh.access_token),
                "refresh": str(refresh),
                "user": s.UserSerializer(selectors.user_with_memberships(user_id=user.pk)).data,
            }
        )


class TokenRefreshView(BaseTokenRefreshView):
    authentication_classes = ()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(core_services.session_refresh(refresh=data.validated_data["refresh"]))


class LogoutView(APIView):
    @extend_schema(request=s.LogoutSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = s.LogoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_logout(user=request_user(request), refresh=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(APIView):
    """E-mails a reset link when an account has this address. Always 204, so it tells no one
    whether an address has an account."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [throttles.PasswordResetIPThrottle, throttles.PasswordResetEmailThrottle]

    @extend_schema(request=s.PasswordResetRequestSerializer, responses={204: None}, auth=[])
    def post(self, request: Request) -> Response:
        data = s.PasswordResetRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_password_reset_request(email=data.validated_data["email"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [throttles.PasswordResetConfirmThrottle]

    @extend_schema(request=s.PasswordResetConfirmSerializer, responses={204: None}, auth=[])
    def post(self, request: Request) -> Response:
        data = s.PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_password_reset_confirm(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    """Changes the caller's password; every other signed-in session is signed out."""

    @extend_schema(request=s.PasswordChangeSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = s.PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        auth = getattr(request, "auth", None)
        sid = auth.get("sid") if auth is not None else None
        services.user_password_change(
            user=request_user(request),
            old_password=data.validated_data["old_password"],
            new_password=data.validated_data["new_password"],
            current_session_id=str(sid) if sid else None,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=s.UserSerializer)
    def get(self, request: Request) -> Response:
        return Response(
            s.UserSerializer(selectors.user_with_memberships(user_id=request_user(request).pk)).data
        )


class ProfileView(generics.GenericAPIView):
    serializer_class = s.ProfileSerializer

    def get(self, request: Request) -> Response:
        profile = selectors.profile_for(user=request_user(request))
        return Response(self.get_serializer(profile).data)

    def patch(self, request: Request) -> Response:
        profile = selectors.profile_for(user=request_user(request))
        data = self.get_serializer(profile, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        profile = services.profile_update(user=request_user(request), data=dict(data.validated_data))
        return Response(self.get_serializer(profile).data)

    def put(self, request: Request) -> Response:
        return self.patch(request)


class BusinessViewSet(viewsets.ModelViewSet):
    """The caller's businesses. Roles are checked against the business in the URL."""

    serializer_class = s.BusinessSerializer
    queryset = Business.objects.none()
    # Multipart for the logo upload.
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["is_active"]
    search_fields = ["legal_name", "dba_name"]
    ordering_fields = ["legal_name", "created_at"]
    required_roles = {
        "update": Role.ADMIN,
        "partial_update": Role.ADMIN,
        "destroy": Role.OWNER,
        "transfer_ownership": Role.OWNER,
    }

    def get_queryset(self) -> QuerySet[Business]:
        if getattr(self, "swagger_fake_view", False):
            return Business.objects.none()
        return selectors.businesses_for_user(user=request_user(self.request)).order_by("legal_name")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.request.user.is_authenticated:
            # Fetched when the serializer is built, so a business created in this request is included.
            context["roles"] = selectors.roles_by_business(user=request_user(self.request))
        return context

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        business = services.business_create(owner=request_user(request), data=data.validated_data)
        return Response(self.get_serializer(business).data, status=status.HTTP_201_CREATED)

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        required = self.required_roles.get(self.action or "")
        if required is not None:
            role = selectors.membership_role(user=request_user(request), business=obj)
            if not role_at_least(role, required):
                self.permission_denied(
                    request, message="Your role in this business does not allow this action."
                )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.business_update(
            business=serializer.instance, actor=request_user(self.request), data=serializer.validated_data
        )

    def perform_destroy(self, instance: Business) -> None:
        services.business_delete(business=instance, actor=request_user(self.request))

    @extend_schema(request=s.TransferOwnershipSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def transfer_ownership(self, request: Request, pk: str | None = None) -> Response:
        business = self.get_object()
        data = s.TransferOwnershipSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.business_transfer_ownership(
            business=business, actor=request_user(request), new_owner=data.validated_data["user"]
        )
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(
        responses={(200, "image/png"): OpenApiTypes.BINARY, (200, "image/jpeg"): OpenApiTypes.BINARY}
    )
    @action(detail=True, methods=["get"])
    def logo(self, request: Request, pk: str | None = None) -> FileResponse:
        """The business's logo, for its members (storage URLs are private)."""
        business = self.get_object()
        if not business.logo:
            raise ApplicationError("not_found", "This business has no logo.", status_code=404)
        try:
            handle = business.logo.open("rb")
        except OSError as exc:
            raise ApplicationError("not_found", "The logo can't be found.", status_code=404) from exc
        png = handle.read(8).startswith(b"\x89PNG")
        handle.seek(0)
        response = FileResponse(handle, content_type="image/png" if png else "image/jpeg")
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    BusinessScopedGenericViewSet,
):
    serializer_class = s.MembershipSerializer
    queryset = Membership.objects.all()
    required_roles = {"update": Role.ADMIN, "partial_update": Role.ADMIN, "destroy": Role.ADMIN}
    filterset_fields = ["role"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    ordering_fields = ["created_at", "role"]

    def refine_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("user").order_by("user__email")

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.membership_change_role(
            membership=serializer.instance,
            actor=request_user(self.request),
            actor_role=self.business_role,
            role=serializer.validated_data.get("role", serializer.instance.role),
        )

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_remove(
            membership=instance, actor=request_user(self.request), actor_role=self.business_role
        )


class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    BusinessScopedGenericViewSet,
):
    serializer_class = s.InvitationSerializer
    queryset = BusinessInvitation.objects.all()
    required_roles = {"list": Role.ADMIN, "retrieve": Role.ADMIN, "create": Role.ADMIN, "destroy": Role.ADMIN}
    ordering_fields = ["created_at", "email"]
    search_fields = ["email"]

    def refine_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("invited_by")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance, _token = services.invitation_create(
            business=self.business,
            actor=request_user(self.request),
            actor_role=self.business_role,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
        )

    def perform_destroy(self, instance: BusinessInvitation) -> None:
        core_services.business_object_delete(instance=instance, actor=request_user(self.request))


class InvitationAcceptView(APIView):
    @extend_schema(request=s.InvitationAcceptSerializer, responses={201: s.MembershipRefSerializer})
    def post(self, request: Request) -> Response:
        data = s.InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.invitation_accept(
            token=data.validated_data["token"], user=request_user(request)
        )
        return Response(s.MembershipRefSerializer(membership).data, status=status.HTTP_201_CREATED)


class RegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Anyone signed in may ask; a super admin approves or rejects."""

    serializer_class = s.RegistrationSerializer
    queryset = BusinessRegistration.objects.none()
    filterset_fields = ["status"]
    search_fields = ["legal_name", "requested_by__email"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[BusinessRegistration]:
        if getattr(self, "swagger_fake_view", False):
            return BusinessRegistration.objects.none()
        return selectors.registrations_for_user(user=request_user(self.request))

    def get_permissions(self) -> list[Any]:
        if self.action in ("approve", "reject"):
            return [IsAuthenticated(), IsSuperAdmin()]
        return list(super().get_permissions())

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.registration_submit(
            user=request_user(self.request), data=serializer.validated_data
        )

    def _review(self, request: Request, approve: bool) -> Response:
        registration = self.get_object()
        data = s.RegistrationReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_review(
            registration=registration,
            reviewer=request_user(request),
            approve=approve,
            notes=data.validated_data["notes"],
        )
        return Response(s.RegistrationSerializer(registration).data)

    @extend_schema(request=s.RegistrationReviewSerializer, responses=s.RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._review(request, approve=True)

    @extend_schema(request=s.RegistrationReviewSerializer, responses=s.RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._review(request, approve=False)


class CustomerViewSet(BusinessScopedModelViewSet):
    serializer_class = s.CustomerSerializer
    queryset = Customer.objects.all()
    search_fields = ["name", "email", "phone", "tax_id"]
    ordering_fields = ["name", "created_at"]
    filterset_fields = ["email", "phone"]
