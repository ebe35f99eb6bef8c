"""Writes for people, businesses, memberships, invitations and registrations. Each is atomic and audited."""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework import status
from rest_framework_simplejwt.tokens import RefreshToken

from core import services as core_services
from core.audit import audit_log, snapshot
from core.context import current as request_context
from core.exceptions import ApplicationError, ConflictError
from core.models import UserSession
from core.permissions import RANK, Role
from finance.services import business_timezone_changed  # the books count days in its time zone

from .models import (
    Business,
    BusinessInvitation,
    BusinessRegistration,
    Membership,
    RegistrationStatus,
    User,
    UserProfile,
)

logger = logging.getLogger(__name__)

# --- Accounts -----------------------------------------------------------------------------------


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ConflictError(
            "email_taken",
            "An account with this e-mail already exists.",
            fields={"email": ["An account with this e-mail already exists."]},
        )
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise ApplicationError(
            "invalid", "The password is too weak.", fields={"password": exc.messages}
        ) from exc
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    UserProfile.objects.create(user=user)
    audit_log(actor=user, action="user.register", obj=user, after=snapshot(user))
    return user


def _issue_tokens(*, user: User) -> tuple[RefreshToken, UserSession]:
    ctx = request_context()
    session = core_services.session_start(user=user, ip=ctx.ip, user_agent=ctx.user_agent)
    refresh = RefreshToken.for_user(user)
    refresh["sid"] = str(session.pk)
    session.refresh_jti = str(refresh["jti"])
    session.save(update_fields=["refresh_jti"])
    return refresh, session


def user_login(*, login: str, password: str) -> tuple[User, RefreshToken]:
    """Checks the lockout, the password, records the attempt, and opens a session."""
    email = login.strip().lower()
    ctx = request_context()
    try:
        user = core_services.login_authenticate(
            email=email, password=password, ip=ctx.ip, user_agent=ctx.user_agent
        )
    except core_services.LoginLocked as exc:
        raise ApplicationError(
            "login_locked",
            core_services.login_locked_message(exc.retry_after),
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            extra={"retry_after": exc.retry_after},
        ) from exc
    if user is None:
        raise ApplicationError(
            "invalid_credentials",
            "The e-mail or password is wrong.",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    with transaction.atomic():
        refresh, session = _issue_tokens(user=user)
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        audit_log(actor=user, action="login", obj=session)
    return user, refresh


@transaction.atomic
def user_logout(*, user: User, refresh: str) -> None:
    from rest_framework_simplejwt.exceptions import TokenError

    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]
    except TokenError as exc:
        raise ApplicationError("token_not_valid", "The refresh token is not valid.") from exc
    if str(token.get("user_id")) != str(user.pk):
        raise ApplicationError("token_not_valid", "The refresh token is not yours.")
    token.blacklist()
    session = UserSession.objects.filter(pk=token.get("sid"), user=user).first()
    if session is not None:
        core_services.session_revoke(session=session, actor=user, action="logout")
    else:
        audit_log(actor=user, action="logout", obj=user)


# --- Passwords ----------------------------------------------------------------------------------


def _checked_password(password: str, *, user: User, field: str) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ApplicationError("invalid", "The password is too weak.", fields={field: exc.messages}) from exc


def _revoke_sessions(*, user: User, actor: User, keep: str | None = None, action: str) -> int:
    sessions = UserSession.objects.filter(user=user, revoked_at__isnull=True)
    if keep:
        sessions = sessions.exclude(pk=keep)
    revoked = 0
    for session in sessions:
        core_services.session_revoke(session=session, actor=actor, action=action)
        revoked += 1
    return revoked


def password_reset_link(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.FRONTEND_URL}/reset-password?uid={uid}&token={token}"


def user_password_reset_request(*, email: str) -> None:
    """E-mails a reset link when an active account has this address; says nothing either way.
    Both paths look the address up and mint a token, so the answer takes about as long."""
    address = email.strip().lower()
    user = User.objects.filter(email=address, is_active=True).first()
    if user is None:
        unusable = User(email=address)
        unusable.set_unusable_password()
        default_token_generator.make_token(unusable)
        return
    link = password_reset_link(user=user)
    audit_log(actor=user, action="user.password_reset_request", obj=user)
    body = render_to_string(
        "users/email/password_reset.txt",
        {
            "name": user.get_short_name(),
            "email": user.email,
            "link": link,
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )
    # Not inside a transaction: the SMTP call happens here, after the audit row is committed.
    send_mail("Reset your KAVI password", body, None, [user.email], fail_silently=True)


def _user_from_uid(uid: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


@transaction.atomic
def user_password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    user = _user_from_uid(uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise ApplicationError(
            "invalid_token", "This reset link is not valid or has expired. Ask for a new one."
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    # A second use of the same link finds the password (and so the token) changed.
    if not default_token_generator.check_token(user, token):
        raise ApplicationError(
            "invalid_token", "This reset link is not valid or has expired. Ask for a new one."
        )
    _checked_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_log(actor=user, action="user.password_reset", obj=user)
    _revoke_sessions(user=user, actor=user, action="session.revoke_password_reset")
    return user


@transaction.atomic
def user_password_change(
    *, user: User, old_password: str, new_password: str, current_session_id: str | None
) -> User:
    """Changes the password and signs out every other session; the one asking stays signed in."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise ApplicationError(
            "wrong_password",
            "The current password is wrong.",
            fields={"old_password": ["The current password is wrong."]},
        )
    if old_password == new_password:
        raise ApplicationError(
            "invalid",
            "Choose a password different from the current one.",
            fields={"new_password": ["Choose a password different from the current one."]},
        )
    _checked_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_log(actor=user, action="user.password_change", obj=user)
    _revoke_sessions(user=user, actor=user, keep=current_session_id, action="session.revoke_password_change")
    return user


@transaction.atomic
def profile_update(*, user: User, data: dict[str, Any]) -> UserProfile:
    profile, _ = UserProfile.objects.select_for_update().get_or_create(user=user)
    before = snapshot(profile)
    user_fields: dict[str, Any] = {k: data.pop(k) for k in ("first_name", "last_name") if k in data}
    for name, value in data.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    if user_fields:
        for name, value in user_fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(user_fields))
    audit_log(
        actor=user, action="update", obj=profile, before=before, after=snapshot(profile, extra=user_fields)
    )
    return profile


# --- Businesses ---------------------------------------------------------------------------------


def _business_insert(*, owner: User, data: dict[str, Any]) -> Business:
    business = Business(**data)
    business.full_clean()
    business.save()
    Membership.objects.create(user=owner, business=business, role=Role.OWNER)
    return business


@transaction.atomic
def business_create(*, owner: User, data: dict[str, Any]) -> Business:
    business = _business_insert(owner=owner, data=data)
    audit_log(actor=owner, action="create", business=business, obj=business, after=snapshot(business))
    return business


def business_update(*, business: Business, actor: User, data: dict[str, Any]) -> Business:
    """Updates the business's details and settings. A new logo goes to storage before the
    transaction (S3 is a network call) and a replaced one is deleted after it commits."""
    data = dict(data)
    logo_sent = "logo" in data
    upload = data.pop("logo", None)
    stored_name: str | None = None
    if upload is not None:
        field = Business._meta.get_field("logo")
        filename = field.generate_filename(business, f"business-{business.pk}-{upload.name}")
        stored_name = field.storage.save(filename, upload)
    try:
        with transaction.atomic():
            locked = Business.objects.select_for_update().get(pk=business.pk)
            before = snapshot(locked)
            old_logo = locked.logo.name or None
            for name, value in data.items():
                setattr(locked, name, value)
            if logo_sent:
                locked.logo.name = stored_name or ""
            locked.full_clean()
            locked.save()
            if before["timezone"] != locked.timezone:
                business_timezone_changed(business=locked)
            audit_log(
                actor=actor,
                action="update",
                business=locked,
                obj=locked,
                before=before,
                after=snapshot(locked),
            )
            if logo_sent and old_logo and old_logo != stored_name:
                transaction.on_commit(lambda: _delete_stored_file(old_logo))
    except Exception:
        if stored_name:
            _delete_stored_file(stored_name)
        raise
    return locked


def _delete_stored_file(name: str) -> None:
    try:
        Business._meta.get_field("logo").storage.delete(name)
    except Exception:  # a file left behind is harmless; the row no longer points at it
        logger.warning("Could not delete the stored file %s", name, exc_info=True)


@transaction.atomic
def business_delete(*, business: Business, actor: User) -> None:
    before = snapshot(business)
    pk = business.pk
    business.delete()
    audit_log(
        actor=actor, action="delete", business=pk, object_type="users.business", object_id=pk, before=before
    )


@transaction.atomic
def business_transfer_ownership(*, business: Business, actor: User, new_owner: User) -> Membership:
    memberships = Membership.objects.select_for_update().filter(business=business)
    target = memberships.filter(user=new_owner).first()
    if target is None:
        raise ApplicationError(
            "not_a_member",
            "The new owner must already be a member of the business.",
            fields={"user": ["Not a member of this business."]},
        )
    before = snapshot(target)
    target.role = Role.OWNER
    target.save(update_fields=["role"])
    # The previous owner stays on as an admin.
    memberships.filter(user=actor, role=Role.OWNER).update(role=Role.ADMIN)
    audit_log(
        actor=actor,
        action="business.transfer_ownership",
        business=business,
        obj=target,
        before=before,
        after=snapshot(target),
    )
    return target


# --- Memberships --------------------------------------------------------------------------------


def _owners_left(business: Business, excluding: Membership) -> int:
    return Membership.objects.filter(business=business, role=Role.OWNER).exclude(pk=excluding.pk).count()


@transaction.atomic
def membership_change_role(*, membership: Membership, actor_role: str, actor: User, role: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if actor_role != Role.OWNER and (role == Role.OWNER or membership.role == Role.OWNER):
        raise ApplicationError(
            "owner_only",
            "Only an owner can grant or change the owner role.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and _owners_left(membership.business, membership) == 0
    ):
        raise ConflictError("last_owner", "A business needs at least one owner. Transfer ownership first.")
    before = snapshot(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_log(
        actor=actor,
        action="update",
        business=membership.business_id,
        obj=membership,
        before=before,
        after=snapshot(membership),
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor_role: str, actor: User) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER:
        if actor_role != Role.OWNER:
            raise ApplicationError(
                "owner_only", "Only an owner can remove an owner.", status_code=status.HTTP_403_FORBIDDEN
            )
        if _owners_left(membership.business, membership) == 0:
            raise ConflictError("last_owner", "A business needs at least one owner.")
    before = snapshot(membership)
    pk, business_id = membership.pk, membership.business_id
    membership.delete()
    audit_log(
        actor=actor,
        action="delete",
        business=business_id,
        object_type="users.membership",
        object_id=pk,
        before=before,
    )


# --- Invitations --------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, business: Business, actor: User, actor_role: str, email: str, role: str
) -> tuple[BusinessInvitation, str]:
    email = email.strip().lower()
    if RANK[Role(role)] > RANK[Role(actor_role)]:
        raise ApplicationError(
            "role_too_high",
            "You can't invite someone to a role above your own.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if Membership.objects.filter(business=business, user__email=email).exists():
        raise ConflictError("already_member", "This person is already a member of the business.")
    token = secrets.token_urlsafe(32)
    invitation = BusinessInvitation.objects.create(
        business=business,
        email=email,
        role=role,
        token_hash=_hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + settings.INVITATION_TTL,
    )
    audit_log(actor=actor, action="create", business=business, obj=invitation, after=snapshot(invitation))
    link = f"{settings.FRONTEND_URL}/invitations/accept?token={token}"
    subject = f"You're invited to {business.legal_name} on KAVI"
    body = (
        f"{actor.get_full_name()} invited you to join {business.legal_name} on Finance Co-Pilot KAVI "
        f"as {invitation.get_role_display()}.\n\nAccept the invitation: {link}\n\n"
        f"The link expires on {invitation.expires_at:%d %B %Y}."
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))
    return invitation, token


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = (
        BusinessInvitation.objects.select_for_update()
        .select_related("business")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if invitation is None:
        raise ApplicationError(
            "invitation_invalid", "This invitation link is not valid.", status_code=status.HTTP_404_NOT_FOUND
        )
    if invitation.accepted_at is not None:
        raise ConflictError("invitation_used", "This invitation was already accepted.")
    if invitation.expires_at <= timezone.now():
        raise ApplicationError("invitation_expired", "This invitation has expired. Ask for a new one.")
    if invitation.email != user.email.lower():
        raise ApplicationError(
            "invitation_wrong_user",
            "This invitation was sent to another e-mail address.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if Membership.objects.filter(business=invitation.business, user=user).exists():
        raise ConflictError("already_member", "You are already a member of this business.")
    before = snapshot(invitation)
    membership = Membership.objects.create(business=invitation.business, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_log(
        actor=user,
        action="invitation.accept",
        business=invitation.business,
        obj=invitation,
        before=before,
        after=snapshot(invitation, extra={"membership_id": membership.pk}),
    )
    return membership


# --- Registrations ------------------------------------------------------------------------------


@transaction.atomic
def registration_submit(*, user: User, data: dict[str, Any]) -> BusinessRegistration:
    registration = BusinessRegistration(requested_by=user, **data)
    registration.full_clean()
    registration.save()
    audit_log(actor=user, action="create", obj=registration, after=snapshot(registration))
    return registration


@transaction.atomic
def registration_review(
    *, registration: BusinessRegistration, reviewer: User, approve: bool, notes: str = ""
) -> BusinessRegistration:
    registration = BusinessRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        raise ConflictError("already_reviewed", f"This registration was already {registration.status}.")
    before = snapshot(registration)
    if approve:
        fields = (
            "legal_name",
            "dba_name",
            "registration_number",
            "tax_id",
            "email",
            "phone",
            "address",
            "country",
            "industry",
        )
        registration.business = _business_insert(
            owner=registration.requested_by, data={f: getattr(registration, f) for f in fields}
        )
    registration.status = RegistrationStatus.APPROVED if approve else RegistrationStatus.REJECTED
    registration.reviewed_by = reviewer
    registration.reviewed_at = timezone.now()
    registration.review_notes = notes
    registration.save()
    audit_log(
        actor=reviewer,
        action=f"registration.{registration.status}",
        business=registration.business,
        obj=registration,
        before=before,
        after=snapshot(registration),
    )
    return registration
