"""A member of business A never sees a figure or a name of business B through KAVI."""

import datetime as dt
import json
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest

from core.permissions import Role
from finance import services
from tests.factories import BusinessFactory, CustomerFactory, MembershipFactory
from tests.factories.finance import BudgetFactory, SupplierFactory

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
# The books are built around today; a fixed day gives the same result on every day of the year.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 6, 15, 10, 0, tzinfo=NAIROBI), tick=False),
]
SECRET_AMOUNTS = ("987,654.32", "987654.32", "876,543.21", "876543.21", "765,432.10", "765432.1")
SECRET_NAMES = ("Siri Traders", "Zebra Secret Holdings", "Mystery Fuel Ltd")


def _secret_business():
    other: Any = BusinessFactory(legal_name="Siri Traders Ltd")
    owner = MembershipFactory(business=other, role=Role.OWNER).user
    supplier = SupplierFactory(business=other, name="Mystery Fuel Ltd")
    customer = CustomerFactory(business=other, name="Zebra Secret Holdings")
    today = dt.datetime.now(NAIROBI).date()
    for kind, category, amount in (
        ("expense", "Transport", "987654.32"),
        ("income", "Counter Sales", "876543.21"),
    ):
        services.transaction_create(
            business=other,
            actor=owner,
            data={
                "transaction_type": kind,
                "category": category,
                "amount": Decimal(amount),
                "payment_method": "cash",
                "transaction_date": dt.datetime(2025, 3, 10, 12, tzinfo=NAIROBI),
                "supplier": supplier if kind == "expense" else None,
            },
        )
    invoice = services.invoice_create(
        business=other,
        actor=owner,
        data={
            "customer": customer,
            "issue_date": today - dt.timedelta(days=50),
            "due_date": today - dt.timedelta(days=20),
            "items": [
                {
                    "description": "x",
                    "quantity": Decimal("1"),
                    "unit_price": Decimal("765432.10"),
                    "tax_rate": Decimal("0"),
                }
            ],
        },
    )
    services.invoice_send(instance=invoice, actor=owner)
    BudgetFactory(
        business=other,
        category="Transport",
        amount=Decimal("10.00"),
        start_date=today.replace(day=1),
        end_date=today,
    )
    return other, owner


QUESTIONS = [
    "How much did we spend on transport in March 2025?",
    "What was our total income in March 2025?",
    "How much did we pay Mystery Fuel in 2025?",
    "How much does Zebra Secret Holdings owe us?",
    "How much do customers owe us?",
    "Which customer owes us the most?",
    "Which customer paid us the most in 2025?",
    "Which supplier did we pay the most in 2025?",
    "What was our single largest expense in March 2025?",
    "Did we go over our transport budget this month?",
    "What is our balance?",
    "Wateja wanatudai pesa ngapi?",
    "Show me recent transactions",
    "How many invoices are overdue?",
]


def test_chat_insights_and_conversations_never_show_another_business(books, make_api, business, owner):
    other, other_owner = _secret_business()
    # B's owner has a conversation too.
    make_api(other_owner, other).post("/api/v1/kavi/chat/", {"message": "Salio ni ngapi?"}, format="json")
    api = make_api(owner, business)
    answers = []
    conversation = None
    for question in QUESTIONS:
        body = {"message": question, **({"conversation_id": conversation} if conversation else {})}
        response = api.post("/api/v1/kavi/chat/", body, format="json")
        assert response.status_code == 200
        conversation = response.json()["conversation_id"]
        reply = response.json()
        answers.append(json.dumps([reply["message"], reply["data"], reply["sources"], reply["suggestions"]]))
    answers.append(api.get("/api/v1/kavi/insights/").content.decode())
    history = api.get(f"/api/v1/kavi/conversations/{conversation}/").json()["messages"]
    answers += [json.dumps(m) for m in history if m["role"] == "assistant"]
    listing = api.get("/api/v1/kavi/conversations/").content.decode()
    everything = "\n".join([*answers, listing])
    for secret in SECRET_AMOUNTS:
        assert secret not in everything, secret
    # Questions may name B's customers (that is the user's own text), but no answer does.
    for secret in SECRET_NAMES:
        assert secret not in "\n".join(answers), secret
    # B's conversation is not A's to read.
    from kavi.models import Conversation

    theirs = Conversation.objects.get(business=other)
    assert api.get(f"/api/v1/kavi/conversations/{theirs.pk}/").status_code == 404
    # Naming B in the header is refused outright.
    assert (
        make_api(owner, other).post("/api/v1/kavi/chat/", {"message": "hi"}, format="json").status_code == 403
    )
