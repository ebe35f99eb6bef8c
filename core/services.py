"""Platform writes: generic audited CRUD for business-owned rows, sign-in sessions and lockout."""

import math
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .audit import audit_log, snapshot
from .models import FailedLoginAttempt, UserSession


def _assign(instance: models.Model, data: dict[str, Any]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)


@transaction.atomic
def business_object_create(
    *, model: type[models.Model], business: Any, actor: Any, data: dict[str, Any]
) -> Any:
    instance = model(business=business, **data)
    instance.full_clean()
    instance.save()
    audit_log(actor=actor, action="create", business=business, obj=instance, after=snapshot(instance))
    return instance


@transaction.atomic
def business_object_update(*, instance: Any, actor: Any, data: dict[str, Any]) -> Any:
    instance = type(instance).objects.select_for_update().get(pk=instance.pk)
    before = snapshot(instance)
    _assign(instance, data)
    instance.full_clean()
    instance.save()
    audit_log(
        actor=actor,
        action="update",
        business=instance.business_id,
        obj=instance,
        before=before,
        after=snapshot(instance),
    )
    return instance


@transaction.atomic
def business_object_delete(*, instance: Any, actor: Any) -> None:
    before = snapshot(instance)
    pk, business_id = instance.pk, instance.business_id
    instance.delete()
    audit_log(
        actor=actor,
        action="delete",
        business=business_id,
        object_type=instance._meta.label_lower,
        object_id=pk,
        before=before,
    )


# --- Sign-in sessions and lockout -------------------------------------------------------------

REVOKED_SESSION_KEY = "revoked-session:{}"


def _lock_trigger(key: Q) -> FailedLoginAttempt | None:
    return FailedLoginAttempt.objects.filter(key, triggered_lockout=True).order_by("-at").first()


def _keys(email: str, ip: str | None) -> list[Q]:
    keys = [Q(email=email)]
    if ip:
        keys.append(Q(ip=ip))
    return keys


def login_lockout_remaining(*, email: str, ip: str | None) -> int | None:
    """Seconds until sign-in is allowed again for this account or address, or None if it is."""
    now = timezone.now()
    until: datetime | None = None
    for key in _keys(email, ip):
        trigger = _lock_trigger(key)
        if trigger is not None and trigger.at + settings.LOGIN_LOCKOUT_WINDOW > now:
            ends = trigger.at + settings.LOGIN_LOCKOUT_WINDOW
            until = ends if until is None else max(until, ends)
    if until is None:
        return None
    return max(1, math.ceil((until - now).total_seconds()))


@transaction.atomic
def login_failure_record(
    *, email: str, ip: str | None, user_agent: str, user: Any = None, reason: str
) -> FailedLoginAttempt:
    attempt = FailedLoginAttempt.objects.create(
        email=email, ip=ip, user_agent=user_agent[:512], user=user, reason=reason
    )
    if reason == "locked":
        return attempt
    now = timezone.now()
    window = settings.LOGIN_LOCKOUT_WINDOW
    for key in _keys(email, ip):
        since = now - window
        trigger = _lock_trigger(key)
        if trigger is not None:
            # Failures from before the last lockout ended were already punished.
            since = max(since, trigger.at + window)
        counted = FailedLoginAttempt.objects.filter(key, at__gte=since).exclude(reason="locked").count()
        if counted >= settings.LOGIN_LOCKOUT_THRESHOLD:
            attempt.triggered_lockout = True
            attempt.save(update_fields=["triggered_lockout"])
            break
    return attempt


def session_start(*, user: Any, ip: str | None, user_agent: str) -> UserSession:
    return UserSession.objects.create(user=user, ip=ip, user_agent=user_agent[:512])


def session_is_revoked(session_id: str) -> bool:
    return bool(cache.get(REVOKED_SESSION_KEY.format(session_id)))


@transaction.atomic
def session_revoke(*, session: UserSession, actor: Any, action: str = "session.revoke") -> UserSession:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    session = UserSession.objects.select_for_update().get(pk=session.pk)
    if session.revoked_at is None:
        session.revoked_at = timezone.now()
        session.save(update_fields=["revoked_at"])
        for token in OutstandingToken.objects.filter(jti=session.refresh_jti):
            BlacklistedToken.objects.get_or_create(token=token)
        audit_log(actor=actor, action=action, obj=session)
    # Access tokens carry the session id; the cache tells authentication it is gone. Set at once
    # rather than on commit: a rolled-back revoke that still signs someone out errs on the safe side.
    lifetime: float = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()  # type: ignore[attr-defined]
    cache.set(REVOKED_SESSION_KEY.format(session.pk), 1, timeout=int(lifetime) + 60)
    return session
