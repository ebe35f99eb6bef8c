"""OpenAPI: the Bearer scheme, the X-Business-ID header on every business-scoped operation, and the
error responses every operation can really give, in the one error shape {code, detail, fields?}."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .idempotency import HEADER, MAX_KEY_LENGTH, applies_to
from .tenancy import BUSINESS_HEADER


class JWTScheme(OpenApiAuthenticationExtension):
    target_class = "core.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 (a scheme name, not a secret) bearer_format="JWT"
        )


class ErrorSerializer(serializers.Serializer):
    """What core.exceptions sends for every 4xx and 5xx."""

    code = serializers.CharField(help_text="A stable, machine-readable reason, such as `invalid`.")
    detail = serializers.CharField(help_text="A sentence for people.")
    fields = serializers.DictField(  # type: ignore[assignment]  # the error body's name for it
        required=False, help_text="Input errors: field name → messages (or nested errors)."
    )
    retry_after = serializers.IntegerField(required=False, help_text="Throttled: seconds to wait.")


RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}
}
# The load balancer's probes answer 503 with the health body, without Retry-After.
HEALTH_PATHS = ("/api/health/", "/api/health/live/", "/api/v1/health/")
ERRORS = {
    "400": "The input (body, query, path or X-Business-ID) is not valid.",
    "401": "No valid credentials.",
    "403": "The role, the business or a switched-off module does not allow this.",
    "404": "Not found, or not in the caller's businesses.",
    "409": "Conflicts with the current state (such as a paid invoice, or a record still in use).",
    "413": "The body or the upload is too large.",
    "429": "Throttled.",
    "503": "A service is unavailable (`database_unavailable`): retry after `Retry-After` seconds.",
}


class AutoSchema(BaseAutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        # A viewset's `list` that answers one object (such as /core/ping/) says so with this flag.
        if getattr(self.view, "single_object", False):
            return False
        return bool(super()._is_list_view(serializer))

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = dict(super()._get_response_bodies(direction))
        for code in self._error_codes():
            if code in responses:
                continue
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            response["description"] = ERRORS[code]
            if code in ("429", "503"):
                response["headers"] = dict(RETRY_AFTER)
            responses[code] = response
        for code in ("429", "503"):
            if code in responses and self.path not in HEALTH_PATHS:
                responses[code].setdefault("headers", dict(RETRY_AFTER))
        return responses

    def _error_codes(self) -> list[str]:
        view = self.view
        public = all(isinstance(p, AllowAny) for p in view.get_permissions())
        authenticates = bool(getattr(view, "authentication_classes", ()))
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        codes = ["400"]
        if authenticates or self.path.startswith("/api/v1/auth/"):
            # A bad or expired token is refused even where no sign-in is needed, and the token
            # endpoints refuse bad credentials.
            codes.append("401")
        if not public or getattr(view, "business_scoped", False):
            codes.append("403")
        if "{" in self.path or self._is_list_view() or not public:
            # Detail routes; list pages past the end; objects outside the caller's businesses.
            codes.append("404")
        if writes:
            codes.append("409")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("413")
        if getattr(view, "throttle_classes", ()):
            codes.append("429")
        codes.append("503")
        return codes

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_parameters()
        for parameter in parameters:
            # Query strings follow HTML forms (DRF, django-filter): `?date_to=` means not given.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "request":
            return schema
        properties = schema.get("properties", {})
        for name, field in serializer.fields.items():
            prop = properties.get(field.field_name or name)
            writable = not field.read_only and prop and not prop.get("readOnly")
            if type(field) is serializers.CharField and writable and prop.get("type") == "string":
                # DRF takes a number for text and keeps its digits ({"message": 12345} is "12345").
                outer = {k: prop.pop(k) for k in list(prop) if k in ("description", "nullable", "writeOnly")}
                properties[field.field_name or name] = {"anyOf": [prop, {"type": "number"}], **outer}
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        # drf-spectacular offers a blank string as a `oneOf` alternative; where the pattern also
        # matches "" (such as ^[A-Za-z0-9]{0,12}$), "" would match both and fail `oneOf`.
        alternatives = schema.get("oneOf")
        if alternatives and alternatives[-1] == {"type": "string", "maxLength": 0}:
            schema["anyOf"] = schema.pop("oneOf")

    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())
        if getattr(self.view, "business_scoped", False):
            params.append(
                OpenApiParameter(
                    BUSINESS_HEADER,
                    {"type": "integer", "minimum": 1, "maximum": 10**18 - 1},
                    OpenApiParameter.HEADER,
                    required=False,
                    description="The active business. Optional when you belong to exactly one.",
                )
            )
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
