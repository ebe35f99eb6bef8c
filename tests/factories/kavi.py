"""Factories for KAVI's conversations."""

import factory

from kavi.models import Conversation, Message
from users.models import Membership


def _member_of(business):
    """The business's newest member (whose own conversations a scoped list shows), else a new one."""
    membership = Membership.objects.filter(business=business).order_by("-id").select_related("user").first()
    if membership is not None:
        return membership.user
    from tests.factories import MembershipFactory

    return MembershipFactory(business=business).user


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    business = factory.SubFactory("tests.factories.BusinessFactory")
    user = factory.LazyAttribute(lambda o: _member_of(o.business))
    title = "How much did we spend on transport in March?"
    language = "en"


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    business = factory.SelfAttribute("conversation.business")
    role = "user"
    content = "How much did we spend on transport in March?"
