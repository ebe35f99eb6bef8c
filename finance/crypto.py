"""Encryption of secrets at rest (Fernet), keyed by FIELD_ENCRYPTION_KEY or, failing that, SECRET_KEY."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Changing this string makes every stored secret unreadable; it separates these keys from any
# other use of the same SECRET_KEY.
_KDF_INFO = b"fg-copilot:field-encryption:v1"


class DecryptionError(Exception):
    """A stored secret can't be read: the key changed or the value was tampered with."""


def _derive(material: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_INFO).derive(material.encode())
    return base64.urlsafe_b64encode(raw)


def _fernet_for(material: str) -> Fernet:
    try:
        # A proper Fernet key is used as given, so it can be generated and rotated on its own.
        return Fernet(material)
    except ValueError:
        return Fernet(_derive(material))


def _fernet() -> MultiFernet:
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", None)
    if configured:
        return MultiFernet([_fernet_for(str(configured))])
    # After a SECRET_KEY rotation the old keys in SECRET_KEY_FALLBACKS still decrypt.
    fallbacks = [str(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", []) or []]
    return MultiFernet([Fernet(_derive(settings.SECRET_KEY)), *(Fernet(_derive(k)) for k in fallbacks)])


def encrypt_text(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("The stored secret can't be decrypted with the current key.") from exc


def encrypt_json(data: dict[str, Any]) -> str:
    return encrypt_text(json.dumps(data, sort_keys=True))


def decrypt_json(token: str) -> dict[str, Any]:
    value = json.loads(decrypt_text(token))
    if not isinstance(value, dict):
        raise DecryptionError("The stored secret is not an object.")
    return value
