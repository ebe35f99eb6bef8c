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


def roles_by_business(*, user: User) -> dict[int, str]:
    """{business id: the user's role there}."""
    return dict(Membership.objects.filter(user=user).values_list("business_id", "role"))


def registrations_for_user(*, user: User) -> QuerySet[BusinessRegistration]:
    queryset = BusinessRegistration.objects.select_related("requested_by", "reviewed_by")
    return queryset if user.is_superuser else queryset.filter(requested_by=user)


def user_with_memberships(*, user_id: int) -> User:
    return User.objects.prefetch_related("memberships__business").select_related("profile").get(pk=user_id)


def profile_for(*, user: User) -> UserProfile:
    """The user's profile; accounts made outside registration (admin, shell) get one on first read."""
    profile, _ = UserProfile.objects.get_or_create(user=user)
    return profile


def membership_for(*, user: User, business_id: int) -> Membership | None:
    """The user's membership of one business, with the business, or None."""
    # Unordered: the model's default ordering would join users and sort to pick one row that the
    # (user, business) unique constraint already makes unique.
    found = list(
        Membership.objects.select_related("business")
        .filter(user=user, business_id=business_id)
        .order_by()[:1]
    )
    return found[0] if found else None


def memberships_of(*, user: User, limit: int) -> list[Membership]:
    """Up to `limit` of the user's memberships, with their businesses (in no particular order)."""
    return list(Membership.objects.select_related("business").filter(user=user).order_by()[:limit])


def business_get(*, pk: int) -> Business | None:
    return Business.objects.filter(pk=pk).first()
