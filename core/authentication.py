"""JWT authentication that also refuses access tokens of a revoked session."""

from typing import Any

from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken


class JWTAuthentication(authentication.JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Any:
        from .services import session_is_revoked

        token = super().get_validated_token(raw_token)
        sid = token.get("sid")
        if sid and session_is_revoked(str(sid)):
            raise InvalidToken({"detail": "This session was signed out.", "code": "session_revoked"})
        return token
