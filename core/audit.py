"""The audit trail: every write of business data and every sign-in leaves one ActivityLog row."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import models

from . import context
from .models import ActivityLog

# Fields never copied into the trail.
SECRET_FIELDS = {"password", "token_hash", "consumer_secret", "passkey", "initiator_password"}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def snapshot(instance: models.Model, *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The row's concrete fields as JSON-safe values (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS or any(s in field.name for s in ("secret", "passkey")):
            continue
        data[field.attname] = _json_value(getattr(instance, field.attname))
    if extra:
        data.update(_json_value(extra))
    return data


def audit_log(
    *,
    actor: Any,
    action: str,
    business: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ActivityLog:
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    return ActivityLog.objects.create(
        actor=user,
        actor_email=getattr(user, "email", "") or "",
        business_id=getattr(business, "pk", business),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        before=_json_value(before) if before is not None else None,
        after=_json_value(after) if after is not None else None,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
    )
