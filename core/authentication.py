"""JWT authentication that also refuses access tokens of a revoked session, with plain-text errors."""

from typing import Any

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed

from .selectors import session_is_revoked


class TokenRefused(exceptions.AuthenticationFailed):
    default_detail = "The access token is not valid."
    default_code = "token_not_valid"


def _sentence(message: Any) -> str:
    text = str(message).strip()
    return text if text.endswith(".") else f"{text}."


def _plain(exc: JWTAuthenticationFailed) -> TokenRefused:
    """simplejwt's details are dicts (with every token class's complaint for a bad token): keep
    the code, and say the most specific reason as one sentence."""
    detail: Any = exc.detail
    if not isinstance(detail, dict):
        return TokenRefused(_sentence(detail))
    messages = detail.get("messages") or []
    reason = messages[0].get("message") if messages and isinstance(messages[0], dict) else None
    return TokenRefused(
        _sentence(reason or detail.get("detail") or TokenRefused.default_detail),
        code=str(detail.get("code") or TokenRefused.default_code),
    )


class JWTAuthentication(authentication.JWTAuthentication):
    def authenticate(self, request: Request) -> Any:
        try:
            return super().authenticate(request)
        except JWTAuthenticationFailed as exc:
            raise _plain(exc) from exc

    def get_validated_token(self, raw_token: bytes) -> Any:
        token = super().get_validated_token(raw_token)
        sid = token.get("sid")
        if sid and session_is_revoked(str(sid)):
            raise TokenRefused("This session was signed out.", code="session_revoked")
        return token
