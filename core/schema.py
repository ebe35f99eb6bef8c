"""OpenAPI: the Bearer scheme and the X-Business-ID header on every business-scoped operation."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .tenancy import BUSINESS_HEADER


class JWTScheme(OpenApiAuthenticationExtension):
    target_class = "core.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 (a scheme name, not a secret) bearer_format="JWT"
        )


class AutoSchema(BaseAutoSchema):
    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())
        if getattr(self.view, "business_scoped", False):
            params.append(
                OpenApiParameter(
                    BUSINESS_HEADER,
                    OpenApiTypes.INT,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="The active business. Optional when you belong to exactly one.",
                )
            )
        from .idempotency import HEADER, MAX_KEY_LENGTH, applies_to

        if applies_to(type(self.view), self.method):
            params.append(
                OpenApiParameter(
                    HEADER,
                    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[ -~]+$"},
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "A client-chosen key (visible ASCII, at most 64 characters). A repeat with the "
                        "same key, user and business within 24 hours returns the first 2xx response "
                        "with `Idempotent-Replayed: true` and creates nothing; the same key with "
                        "another body is 409 `idempotency_conflict`, and while the first request runs "
                        "409 `idempotency_in_progress` with `Retry-After`. Error responses are not kept."
                    ),
                )
            )
        return params
