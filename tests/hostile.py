"""Shared by the hostile-input tests: values that break naive code, the API's operations read from
its OpenAPI schema, and a business with books whose owner sends them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from core.permissions import Role
from finance import services
from tests.factories import BusinessFactory, CustomerFactory, MembershipFactory, ModuleAssignmentFactory
from tests.factories.finance import BudgetFactory, InvoiceFactory, InvoiceItemFactory, SupplierFactory

HOSTILE_TEXT: list[Any] = [
    "\x00",
    "a\x00b",
    "9" * 400,
    "1e400",
    "NaN",
    "-1",
    "0",
    "0001-01-01",
    "9999-12-31T23:59:59",
    "2026-02-30",
    "' OR 1=1 --",
    "%",
    "\\",
    " ",
    "😀" * 300,
    "x" * 5000,
    "1969-12-31",
    "2100-01-01",
    "=1+1",
]


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


# Deep, but within core.parsers.MAX_JSON_DEPTH: it reaches the serializers, which must refuse it.
NESTED_WITHIN_LIMIT = _nested(60)
HOSTILE_JSON: list[Any] = [
    *HOSTILE_TEXT,
    None,
    "",
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
    "\ud800",  # a lone surrogate: valid JSON, not storable text
    {"\x00": "\ud800"},
    "x" * 140_000,  # past the csv module's field limit and any column
    NESTED_WITHIN_LIMIT,
]
# Routes these tests leave alone: sign-in has its own lockout tests, logout ends the session.
SKIP = ("/auth/", "/register", "logout")


def operations(methods: tuple[str, ...]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(method, path, operation, request-body component) for every operation of these methods whose
    path has at most an `{id}` in it, sign-in, register and logout aside."""
    for method, path, operation, component in schema_operations(methods):
        if any(part in path for part in SKIP) or path.replace("{id}", "").count("{"):
            continue
        yield method, path, operation, component


def schema_operations(
    methods: tuple[str, ...],
) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(method, path, operation, request-body component) for every operation of these methods."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path, item in sorted(schema["paths"].items()):
        for method in methods:
            operation = item.get(method)
            if not operation:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            yield method, path, operation, components.get(ref.rsplit("/", 1)[-1], {})


def _walk(patterns: Any, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def route_urls(api: Any) -> list[str]:
    """Every route of the URL conf as a URL: a detail route with the id of a row its collection
    lists (or 1), any other parameter with a made-up value."""
    urls = set()
    for route in _walk(get_resolver().url_patterns):
        if "(?P<format>" in route or "<path:" in route or route.startswith(("static", "media")):
            continue
        path = "/" + route.replace("^", "").replace("$", "").replace("\\.", ".")
        path = re.sub(r"\(\?![^)]*\)", "", path)  # the web app's catch-all: any other path
        path = re.sub(r"\(\?P<pk>[^)]*\)|<(?:\w+:)?pk>", "{id}", path)
        path = re.sub(r"\(\?P<\w+>[^)]*\)|<(?:\w+:)?\w+>", "x1", path)
        urls.add(concrete(api, path) or path.replace("{id}", "1"))
    return sorted(urls)


def concrete(api: Any, path: str) -> str | None:
    """The path with `{id}` replaced by the id of the first row its collection lists, if any."""
    if "{id}" not in path:
        return path
    listing = api.get(path.split("{id}")[0])
    if listing.status_code != 200:
        return None
    rows = listing.json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    if not rows or not isinstance(rows, list) or "id" not in rows[0]:
        return None
    return path.replace("{id}", str(rows[0]["id"]))


def make_books() -> tuple[Any, Any]:
    """(business, owner): a business with transactions, a supplier, a customer, a budget, an
    invoice with an item, a second member and a module assignment."""
    business: Any = BusinessFactory()
    owner = MembershipFactory(business=business, role=Role.OWNER).user
    MembershipFactory(business=business, role=Role.STAFF)
    supplier = SupplierFactory(business=business)
    customer = CustomerFactory(business=business)
    for day in range(1, 20):
        services.transaction_create(
            business=business,
            actor=owner,
            data={
                "transaction_type": "expense" if day % 2 else "income",
                "amount": Decimal(f"{day}00.50"),
                "transaction_date": timezone.now() - dt.timedelta(days=day * 7),
                "category": "Transport",
                "payment_method": "mpesa",
                "supplier": supplier if day % 2 else None,
                "customer": None if day % 2 else customer,
            },
        )
    BudgetFactory(business=business, category="Transport")
    InvoiceItemFactory(invoice=InvoiceFactory(business=business, customer=customer, status="sent"))
    ModuleAssignmentFactory(business=business)
    return business, owner


@pytest.fixture(scope="module")
def hostile_books(module_transaction: None, django_db_blocker: Any) -> tuple[Any, Any]:
    """make_books() once per module: each test's writes are rolled back, so every test sees them as made."""
    with django_db_blocker.unblock():
        return make_books()


def owner_with_books(make_api: Any, settings: Any, books: tuple[Any, Any] | None = None) -> Any:
    """An API client signed in as the owner of make_books()'s business (`books`, or a new one);
    rate limits off; a 500 comes back as a response instead of raising."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour", "user": "1000000/hour", "kavi": "1000000/minute"},
    }
    business, owner = books if books is not None else make_books()
    api = make_api(owner, business)
    api.raise_request_exception = False
    return api
