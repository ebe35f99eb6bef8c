"""No request body can make a write answer 500: every JSON property of every POST/PUT/PATCH operation
in the OpenAPI schema, one at a time, with hostile values, as the owner of a business with books.
(Rows the hostile values happen to be valid for are simply created; nothing here checks them.)"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from core.permissions import Role
from finance import services
from tests.factories import BusinessFactory, CustomerFactory, MembershipFactory
from tests.factories.finance import BudgetFactory, SupplierFactory

HOSTILE: list[Any] = [
    None,
    "",
    "\x00",
    "a\x00b",
    "9" * 400,
    "1e400",
    "NaN",
    "-Infinity",
    -1,
    0,
    2**70,
    -(2**70),
    1e308,
    True,
    [],
    {},
    [1, 2],
    {"a": {"b": ["\x00"]}},
    "0001-01-01",
    "9999-12-31T23:59:59",
    "2026-02-30",
    "😀" * 300,
    "x" * 5000,
]


def _write_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path, item in sorted(schema["paths"].items()):
        if "{" in path or "/auth/" in path or "/register" in path or "logout" in path:
            continue  # detail routes need ids; sign-in routes have their own lockout tests
        for method in ("post", "put", "patch"):
            operation = item.get(method)
            if not operation:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            ref = body["schema"].get("$ref", "")
            properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
            names = [name for name, spec in properties.items() if not spec.get("readOnly")]
            if names:
                yield method, path, names


@pytest.fixture
def owner_api(make_api, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour", "user": "1000000/hour", "kavi": "1000000/minute"},
    }
    business: Any = BusinessFactory()
    owner = MembershipFactory(business=business, role=Role.OWNER).user
    supplier = SupplierFactory(business=business)
    CustomerFactory(business=business)
    for day in range(1, 6):
        services.transaction_create(
            business=business,
            actor=owner,
            data={
                "transaction_type": "expense",
                "amount": Decimal(f"{day}00.50"),
                "transaction_date": timezone.now() - dt.timedelta(days=day),
                "category": "Transport",
                "supplier": supplier,
            },
        )
    BudgetFactory(business=business, category="Transport")
    api = make_api(owner, business)
    api.raise_request_exception = False  # a 500 is a response to record, not an exception here
    return api


def test_hostile_bodies_never_answer_500(owner_api):
    operations = list(_write_operations())
    assert len(operations) > 8  # the schema walk found the write endpoints
    failures = []
    for method, path, names in operations:
        for name in names:
            for value in HOSTILE:
                response = getattr(owner_api, method)(path, {name: value}, format="json")
                assert response.status_code != 429
                # 502/503 with an error code are documented answers (no speech provider, Daraja down).
                documented = response.status_code in (502, 503) and "code" in (response.json() or {})
                if response.status_code >= 500 and not documented:
                    failures.append((method, path, name, repr(value)[:30], response.status_code))
    assert failures == [], "\n".join(map(repr, failures))
