"""factory_boy factories, and a registry from model to factory for tests that walk every route."""

from datetime import timedelta

import factory
from django.utils import timezone

from core.models import ActivityLog, ModuleAssignment, UserSession
from core.permissions import Role
from users.models import (
    Business,
    BusinessInvitation,
    BusinessRegistration,
    Customer,
    Membership,
    User,
    UserProfile,
)

PASSWORD = "Correct-Horse-42!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.co.ke")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    profile = factory.RelatedFactory("tests.factories.UserProfileFactory", factory_related_name="user")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UserProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserProfile

    user = factory.SubFactory(UserFactory, profile=None)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    legal_name = factory.Sequence(lambda n: f"Biashara {n} Ltd")
    dba_name = factory.Sequence(lambda n: f"Biashara {n}")
    country = "Kenya"
    currency = "KES"
    timezone = "Africa/Nairobi"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    business = factory.SubFactory(BusinessFactory)
    role = Role.STAFF


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    business = factory.SubFactory(BusinessFactory)
    name = factory.Faker("company")
    email = factory.Sequence(lambda n: f"customer{n}@example.co.ke")
    phone = "0722000000"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessInvitation

    business = factory.SubFactory(BusinessFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.co.ke")
    role = Role.STAFF
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessRegistration

    requested_by = factory.SubFactory(UserFactory)
    legal_name = factory.Sequence(lambda n: f"New Venture {n} Ltd")


class ModuleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModuleAssignment

    business = factory.SubFactory(BusinessFactory)
    module = "kavi"
    enabled = True


class ActivityLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityLog

    business = factory.SubFactory(BusinessFactory)
    action = "create"
    object_type = "users.customer"
    object_id = "1"


class UserSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserSession

    user = factory.SubFactory(UserFactory)
    ip = "127.0.0.1"


from tests.factories import finance as _finance  # noqa: E402
from tests.factories import kavi as _kavi  # noqa: E402

# Every model a business-scoped view serves must be here: the tenancy walk fails otherwise.
MODEL_FACTORIES: dict[type, type[factory.django.DjangoModelFactory]] = {
    Customer: CustomerFactory,
    Membership: MembershipFactory,
    BusinessInvitation: InvitationFactory,
    ModuleAssignment: ModuleAssignmentFactory,
    ActivityLog: ActivityLogFactory,
    **{
        factory_class._meta.model: factory_class
        for factory_class in (
            _finance.SupplierFactory,
            _finance.TransactionFactory,
            _finance.InvoiceFactory,
            _finance.InvoiceItemFactory,
            _finance.BudgetFactory,
            _finance.DailyRollupFactory,
            _finance.MpesaSettingsFactory,
            _finance.MpesaStkRequestFactory,
            _finance.ForecastFactory,
            _finance.CreditScoreFactory,
            _kavi.ConversationFactory,
            _kavi.MessageFactory,
        )
    },
}
