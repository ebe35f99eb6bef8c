"""Reads for people and businesses."""

from django.db.models import QuerySet

from .models import Business, BusinessRegistration, Membership, User, UserProfile


def businesses_for_user(*, user: User) -> QuerySet[Business]:
    if user.is_superuser:
        return Business.objects.all()
    return Business.objects.filter(memberships__user=user)


def membership_role(*, user: User, business: Business) -> str | None:
    if user.is_superuser:
        return "owner"
    membership = Membership.objects.filter(user=user, business=business).only("role").first()
    return membership.role if membership else None


def registrations_for_user(*, user: User) -> QuerySet[BusinessRegistration]:
    queryset = BusinessRegistration.objects.select_related("requested_by", "reviewed_by")
    return queryset if user.is_superuser else queryset.filter(requested_by=user)


def user_with_memberships(*, user_id: int) -> User:
    return User.objects.prefetch_related("memberships__business").select_related("profile").get(pk=user_id)


def profile_for(*, user: User) -> UserProfile:
    """The user's profile; accounts made outside registration (admin, shell) get one on first read."""
    profile, _ = UserProfile.objects.get_or_create(user=user)
    return profile
