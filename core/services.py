"""Platform writes: generic audited CRUD for business-owned rows, sign-in sessions and lockout."""

import hashlib
import logging
import math
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import status

from .audit import audit_log, snapshot
from .exceptions import ApplicationError
from .models import FailedLoginAttempt, ModuleAssignment, UserSession
from .permissions import module_assignments_changed
from .selectors import REVOKED_SESSION_KEY, cache_quietly, revoked_cache_seconds

logger = logging.getLogger(__name__)


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


# --- Feature modules: each change also moves the business's version, which the module check is
# cached by (core.permissions).


@transaction.atomic
def module_assignment_create(*, business: Any, actor: Any, data: dict[str, Any]) -> ModuleAssignment:
    instance = business_object_create(model=ModuleAssignment, business=business, actor=actor, data=data)
    module_assignments_changed(business_id=business.pk)
    return cast(ModuleAssignment, instance)


@transaction.atomic
def module_assignment_update(
    *, instance: ModuleAssignment, actor: Any, data: dict[str, Any]
) -> ModuleAssignment:
    instance = business_object_update(instance=instance, actor=actor, data=data)
    module_assignments_changed(business_id=instance.business_id)
    return instance


@transaction.atomic
def module_assignment_delete(*, instance: ModuleAssignment, actor: Any) -> None:
    business_object_delete(instance=instance, actor=actor)
    module_assignments_changed(business_id=instance.business_id)


# --- Sign-in sessions and lockout -------------------------------------------------------------
#
# Lockout: at most LOGIN_LOCKOUT_THRESHOLD password checks per account and per address inside
# LOGIN_LOCKOUT_WINDOW, however many requests arrive at once. A request takes a slot before its
# password is checked (`login_attempt_reserve`): under a PostgreSQL advisory lock per account and
# per address it counts the attempts in the window and records its own, as a failure until it is
# proven otherwise, in one short transaction. So the count and the check are one step, concurrent
# requests see each other's slots, and nothing depends on the cache. A success gives its slot back.


class LoginLocked(Exception):
    """Sign-in is refused for this account or address for `retry_after` more seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _keys(email: str, ip: str | None) -> list[tuple[str, Q]]:
    keys = [(f"email:{email}", Q(email=email))]
    if ip:
        keys.append((f"ip:{ip}", Q(ip=ip)))
    return keys


def _lock_keys(keys: list[tuple[str, Q]]) -> None:
    """Serialises lockout bookkeeping per account and per address until the transaction ends. The
    locks are taken in one order, so two requests sharing both keys can't deadlock."""
    if connection.vendor != "postgresql":
        return  # SQLite (development only) lets one writer in at a time by itself.
    ids = sorted(
        {
            int.from_bytes(
                hashlib.blake2b(f"login:{name}".encode(), digest_size=8).digest(), "big", signed=True
            )
            for name, _ in keys
        }
    )
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _lock_trigger(key: Q) -> FailedLoginAttempt | None:
    return FailedLoginAttempt.objects.filter(key, triggered_lockout=True).order_by("-at").first()


def _counted_since(key: Q, now: datetime) -> tuple[datetime | None, datetime]:
    """The end of a lockout still running for this key (or None), and the start of the window in
    which failures count: failures from before the last lockout ended were already punished."""
    window = settings.LOGIN_LOCKOUT_WINDOW
    trigger = _lock_trigger(key)
    if trigger is not None and trigger.at + window > now:
        return trigger.at + window, now
    since = now - window
    if trigger is not None:
        since = max(since, trigger.at + window)
    return None, since


def _locked_until(keys: list[tuple[str, Q]], now: datetime) -> datetime | None:
    threshold = settings.LOGIN_LOCKOUT_THRESHOLD
    until: datetime | None = None
    for _, key in keys:
        ends, since = _counted_since(key, now)
        if ends is None:
            # Every slot of the window is taken (by failures or by checks still running): the next
            # one frees when the oldest of the newest `threshold` attempts leaves the window.
            recent = list(
                FailedLoginAttempt.objects.filter(key, at__gte=since)
                .exclude(reason="locked")
                .order_by("-at")
                .values_list("at", flat=True)[:threshold]
            )
            if len(recent) >= threshold:
                ends = recent[-1] + settings.LOGIN_LOCKOUT_WINDOW
        if ends is not None:
            until = ends if until is None else max(until, ends)
    return until


def login_attempt_reserve(*, email: str, ip: str | None, user_agent: str) -> FailedLoginAttempt:
    """Takes a slot for one password check, before the check. Raises LoginLocked, after recording
    a `locked` attempt, when the account or the address has none left. Call it outside any
    transaction, so the slot is visible to other requests at once."""
    keys = _keys(email, ip)
    with transaction.atomic():
        _lock_keys(keys)
        now = timezone.now()
        until = _locked_until(keys, now)
        if until is None:
            return FailedLoginAttempt.objects.create(
                email=email, ip=ip, user_agent=user_agent[:512], reason="bad_credentials"
            )
        FailedLoginAttempt.objects.create(email=email, ip=ip, user_agent=user_agent[:512], reason="locked")
    raise LoginLocked(max(1, math.ceil((until - now).total_seconds())))


def login_attempt_failed(*, attempt: FailedLoginAttempt, user: Any = None, reason: str) -> None:
    """The password check failed: the slot stays a failure, and the failure that fills the window
    starts a lockout."""
    keys = _keys(attempt.email, attempt.ip)
    with transaction.atomic():
        _lock_keys(keys)
        FailedLoginAttempt.objects.filter(pk=attempt.pk).update(user=user, reason=reason)
        now = timezone.now()
        for _, key in keys:
            ends, since = _counted_since(key, now)
            if ends is not None:
                continue  # already locked
            counted = FailedLoginAttempt.objects.filter(key, at__gte=since).exclude(reason="locked").count()
            if counted >= settings.LOGIN_LOCKOUT_THRESHOLD:
                FailedLoginAttempt.objects.filter(pk=attempt.pk).update(triggered_lockout=True)
                break


def login_attempt_succeeded(*, attempt: FailedLoginAttempt) -> None:
    """The password was right: the slot is given back (the sign-in itself is audited)."""
    FailedLoginAttempt.objects.filter(pk=attempt.pk).delete()


def login_authenticate(
    *, email: str, password: str, ip: str | None, user_agent: str, request: Any = None
) -> Any | None:
    """The password check behind the lockout, for the API and the admin alike. Raises LoginLocked;
    returns the user, or None after recording the failure."""
    from django.contrib.auth import authenticate, get_user_model

    attempt = login_attempt_reserve(email=email, ip=ip, user_agent=user_agent)
    # If the check itself blows up, the slot stays a failure: that errs on the safe side.
    user = authenticate(request, username=email, password=password)
    if user is None:
        model = get_user_model()
        known = model._default_manager.filter(**{model.USERNAME_FIELD: email}).first()
        reason = "inactive" if known is not None and not known.is_active else "bad_credentials"
        login_attempt_failed(attempt=attempt, user=known, reason=reason)
        return None
    login_attempt_succeeded(attempt=attempt)
    return user


def login_locked_message(retry_after: int) -> str:
    minutes = max(1, -(-retry_after // 60))
    return f"Too many failed sign-in attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def session_start(*, user: Any, ip: str | None, user_agent: str) -> UserSession:
    return UserSession.objects.create(user=user, ip=ip, user_agent=user_agent[:512])


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
    # The row decides; the cache entry makes authentication see it at once rather than after a
    # cached "still signed in" expires. Set now rather than on commit: a rolled-back revoke that
    # still signs someone out errs on the safe side.
    cache_quietly(
        lambda: cache.set(REVOKED_SESSION_KEY.format(session.pk), 1, timeout=revoked_cache_seconds())
    )
    return session


def _token_refused(code: str, detail: Any) -> ApplicationError:
    text = str(detail).strip()
    return ApplicationError(
        code, text if text.endswith(".") else f"{text}.", status_code=status.HTTP_401_UNAUTHORIZED
    )


def session_refresh(*, refresh: str) -> dict[str, str]:
    """Rotates a refresh token within its session. A rotated token that comes back has leaked, so
    the whole session is signed out."""
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

    try:
        sid = UntypedToken(refresh).get("sid")  # type: ignore[arg-type]
    except TokenError as exc:
        raise _token_refused("token_not_valid", exc.args[0]) from exc
    reused: UserSession | None = None
    with transaction.atomic():
        session = UserSession.objects.select_for_update().filter(pk=sid).first() if sid else None
        if session is not None and session.revoked_at is not None:
            raise _token_refused("session_revoked", "This session was signed out.")
        try:
            token = RefreshToken(refresh)  # type: ignore[arg-type]
        except TokenError as exc:
            if session is None or "blacklisted" not in str(exc.args[0]).lower():
                raise _token_refused("token_not_valid", exc.args[0]) from exc
            reused = session
        else:
            user = (
                get_user_model()
                ._default_manager.filter(
                    **{api_settings.USER_ID_FIELD: token.get(api_settings.USER_ID_CLAIM)}
                )
                .first()
            )
            if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
                raise _token_refused("no_active_account", "No active account found for the given token.")
            data = {"access": str(token.access_token)}
            token.blacklist()
            token.set_jti()
            token.set_exp()
            token.set_iat()
            token.outstand()
            data["refresh"] = str(token)
            if session is not None:
                session.refresh_jti = str(token["jti"])
                session.last_seen_at = timezone.now()
                session.save(update_fields=["refresh_jti", "last_seen_at"])
    if reused is not None:
        session_revoke(session=reused, actor=reused.user, action="session.reuse_detected")
        raise _token_refused("token_reused", "This refresh token was already used.")
    return data
