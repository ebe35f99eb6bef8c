"""KAVI fixtures: a small set of books made through the finance services (so rollups follow), and
local fake Gemini and ElevenLabs servers that the real SDK clients talk to."""

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from core.permissions import Role
from finance import services
from tests.factories import BusinessFactory, CustomerFactory, MembershipFactory
from tests.factories.finance import BudgetFactory, SupplierFactory
from tests.fakes.server import FakeServer, Reply

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")


@dataclass
class Row:
    day: dt.date
    kind: str
    category: str
    amount: Decimal
    supplier: str = ""
    customer: str = ""
    status: str = "completed"


@dataclass
class Books:
    """What the fixture wrote, as plain rows: tests sum these in Python to get expected figures."""

    business: Any
    owner: Any
    rows: list[Row] = field(default_factory=list)
    suppliers: dict[str, Any] = field(default_factory=dict)
    customers: dict[str, Any] = field(default_factory=dict)
    invoices: dict[str, Any] = field(default_factory=dict)

    def total(self, kind: str, start: dt.date, end: dt.date, **match: str) -> Decimal:
        out = Decimal("0")
        for row in self.rows:
            if row.status != "completed" or not start <= row.day <= end:
                continue
            if any(getattr(row, key) != value for key, value in match.items()):
                continue
            if kind == "net":
                out += row.amount if row.kind == "income" else -row.amount if row.kind == "expense" else 0
            elif row.kind == kind:
                out += row.amount
        return out


def kes(amount: Decimal | str) -> str:
    return f"KES {Decimal(amount):,.2f}"


TRANSACTIONS = [
    # day, type, category, amount, supplier, customer, status
    ("2025-03-05", "expense", "Transport", "1200.50", "Haraka Transporters", "", "completed"),
    ("2025-03-20", "expense", "Transport", "800.25", "", "", "completed"),
    ("2025-03-21", "expense", "Transport", "99999.00", "", "", "pending"),
    ("2025-04-02", "expense", "Transport", "650.00", "Haraka Transporters", "", "completed"),
    ("2025-07-10", "expense", "Transport", "2000.00", "", "", "completed"),
    ("2025-03-12", "expense", "Marketing", "5000.00", "", "", "completed"),
    ("2025-04-15", "expense", "Marketing", "3250.75", "", "", "completed"),
    ("2025-03-08", "expense", "Utilities", "4321.00", "Kenya Power (KPLC)", "", "completed"),
    ("2025-06-08", "expense", "Utilities", "3999.99", "Kenya Power (KPLC)", "", "completed"),
    ("2025-06-09", "expense", "Utilities", "1500.00", "", "", "completed"),
    ("2025-03-01", "expense", "Rent", "25000.00", "", "", "completed"),
    ("2025-04-01", "expense", "Rent", "25000.00", "", "", "completed"),
    ("2025-03-28", "expense", "Salaries", "60000.00", "", "", "completed"),
    ("2025-03-15", "expense", "Stock Purchases", "45678.90", "Bamburi Cement Distributors", "", "completed"),
    ("2025-08-15", "expense", "Stock Purchases", "12345.67", "", "", "completed"),
    ("2025-03-03", "income", "Counter Sales", "10000.00", "", "", "completed"),
    ("2025-03-17", "income", "Counter Sales", "15555.55", "", "", "completed"),
    ("2025-04-10", "income", "Counter Sales", "9000.00", "", "", "completed"),
    ("2025-07-01", "income", "Counter Sales", "20000.00", "", "", "completed"),
    ("2025-08-02", "income", "Counter Sales", "7777.77", "", "", "completed"),
    ("2025-03-20", "transfer", "Transfer", "50000.00", "", "", "completed"),
]


def _at(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10, 30), tzinfo=NAIROBI)


def _item(price: str, tax: str = "0") -> dict[str, Any]:
    return {
        "description": "Cement 50kg",
        "quantity": Decimal("1"),
        "unit_price": Decimal(price),
        "tax_rate": Decimal(tax),
    }


def make_books(business, owner) -> Books:
    books = Books(business=business, owner=owner)
    for name in ("Kenya Power (KPLC)", "Haraka Transporters", "Bamburi Cement Distributors"):
        books.suppliers[name] = SupplierFactory(business=business, name=name)
    for name in ("Greenpark Estates", "Rift Valley Farms"):
        books.customers[name] = CustomerFactory(business=business, name=name)
    for day, kind, category, amount, supplier, customer, status in TRANSACTIONS:
        data = {
            "transaction_type": kind,
            "category": category,
            "amount": Decimal(amount),
            "transaction_date": _at(day),
            "payment_method": "mpesa",
            "status": status,
            "supplier": books.suppliers.get(supplier),
        }
        services.transaction_create(business=business, actor=owner, data=data)
        books.rows.append(
            Row(dt.date.fromisoformat(day), kind, category, Decimal(amount), supplier, customer, status)
        )

    def invoice(number: str, customer: str, issued: str, due: str, items: list[dict[str, Any]]) -> Any:
        made = services.invoice_create(
            business=business,
            actor=owner,
            data={
                "invoice_number": number,
                "customer": books.customers[customer],
                "issue_date": dt.date.fromisoformat(issued),
                "due_date": dt.date.fromisoformat(due),
                "items": items,
            },
        )
        books.invoices[number] = made
        return made

    def pay(made: Any, amount: str, day: str, customer: str) -> None:
        services.invoice_mark_paid(
            instance=made, actor=owner, amount=Decimal(amount), paid_on=dt.date.fromisoformat(day)
        )
        books.rows.append(
            Row(dt.date.fromisoformat(day), "income", "Invoice Payments", Decimal(amount), "", customer)
        )

    paid = invoice("INV-1", "Greenpark Estates", "2025-02-10", "2025-03-12", [_item("30000.00")])
    services.invoice_send(instance=paid, actor=owner)
    pay(paid, "30000.00", "2025-03-25", "Greenpark Estates")
    overdue = invoice("INV-2", "Rift Valley Farms", "2025-05-01", "2025-05-31", [_item("10000.00", "16")])
    services.invoice_send(instance=overdue, actor=owner)
    partly = invoice("INV-3", "Greenpark Estates", "2025-06-01", "2025-07-01", [_item("5000.00")])
    services.invoice_send(instance=partly, actor=owner)
    pay(partly, "2000.00", "2025-06-20", "Greenpark Estates")
    invoice("INV-4", "Rift Valley Farms", "2025-06-05", "2025-07-05", [_item("700.00")])  # a draft
    cancelled = invoice("INV-5", "Rift Valley Farms", "2025-06-06", "2025-07-06", [_item("900.00")])
    services.invoice_send(instance=cancelled, actor=owner)
    services.invoice_cancel(instance=cancelled, actor=owner)
    BudgetFactory(
        business=business,
        category="Transport",
        amount=Decimal("1500.00"),
        period="monthly",
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 3, 31),
    )
    BudgetFactory(
        business=business,
        category="Marketing",
        amount=Decimal("5000.00"),
        period="monthly",
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2025, 4, 30),
    )
    return books


@pytest.fixture(scope="module")
def module_books(module_transaction, django_db_blocker) -> Books:
    """The books, made once per module: each test's writes (a conversation, a member) are rolled
    back at its end, so every test sees them as made."""
    with django_db_blocker.unblock():
        business = BusinessFactory()
        return make_books(business, MembershipFactory(business=business, role=Role.OWNER).user)


@pytest.fixture
def books(module_books, db) -> Books:
    return module_books


# A test with the books works in their business, as their owner.
@pytest.fixture
def business(request, db):
    if "books" in request.fixturenames:
        return request.getfixturevalue("module_books").business
    return BusinessFactory()


@pytest.fixture
def owner(request, business):
    if "books" in request.fixturenames:
        return request.getfixturevalue("module_books").owner
    return MembershipFactory(business=business, role=Role.OWNER).user


# --- Local fake servers (routes on the suite's one harness, tests/fakes/server.py) -------------------


@dataclass
class FakeProvider:
    """A provider faked on a FakeServer: `respond(target, headers, json body)` returns (status,
    content type, body bytes, delay seconds) for every POST; `requests` are the server's records."""

    server: FakeServer
    respond: Callable[[str, Any, Any], tuple[int, str, bytes, float]] | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.server.requests

    def _answer(self, request: dict[str, Any]) -> Reply:
        assert self.respond is not None
        status, content_type, payload, delay = self.respond(
            request["target"], request["headers"], request["json"]
        )
        return Reply(status, payload, content_type, delay)


def _provider(fake_server: Callable[[], FakeServer]) -> FakeProvider:
    provider = FakeProvider(fake_server())
    provider.server.route("POST", None, provider._answer)
    return provider


@pytest.fixture
def fake_gemini(settings, fake_server):
    provider = _provider(fake_server)
    settings.GEMINI_API_KEY = "test-gemini-key"
    settings.GEMINI_BASE_URL = provider.url
    settings.GEMINI_MODEL = "gemini-2.5-flash"
    settings.GEMINI_TIMEOUT_SECONDS = 2
    return provider


@pytest.fixture
def fake_elevenlabs(settings, fake_server):
    provider = _provider(fake_server)
    settings.ELEVENLABS_API_KEY = "test-eleven-key"
    settings.ELEVENLABS_BASE_URL = provider.url
    settings.ELEVENLABS_VOICE_ID = "voice-123"
    settings.ELEVENLABS_MODEL = "eleven_multilingual_v2"
    settings.ELEVENLABS_SWAHILI_MODEL = "eleven_v3"
    return provider


def gemini_json(parts: list[dict[str, Any]]) -> tuple[int, str, bytes, float]:
    body = {
        "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}]
    }
    return 200, "application/json", json.dumps(body).encode(), 0.0


@pytest.fixture
def chat(make_api, owner, business):
    """POST /kavi/chat/ as the owner; returns the JSON body (and asserts 200)."""
    api = make_api(owner, business)

    def ask(message: str, **extra: Any) -> dict[str, Any]:
        response = api.post("/api/v1/kavi/chat/", {"message": message, **extra}, format="json")
        assert response.status_code == 200, response.content
        return response.json()

    return ask
