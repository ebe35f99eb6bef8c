"""Classes of input that once answered 500, each sent to every endpoint it applies to (read from the
URL conf or the OpenAPI schema, not a hand-kept list), anonymous and signed in: JSON nested too
deep or with a lone surrogate (400), bodies over the limit (413, unread), OPTIONS on every route,
and out-of-range dates in every date field (400 naming the field)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from rest_framework import exceptions

from core.parsers import MAX_JSON_DEPTH, JSONParser, has_lone_surrogate, json_too_deep
from core.renderers import JSONRenderer
from tests.factories.finance import MpesaSettingsFactory
from tests.hostile import concrete, owner_with_books, route_urls, schema_operations

DEEP = "[" * 1000 + "]" * 1000
# Valid JSON for half a UTF-16 pair: no text, so neither PostgreSQL nor a response can carry it.
LONE_SURROGATE = '{"name": "\\ud800", "email": "a\\udfff@b.co", "\\udc00": 1}'


def _write_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, request-body component) of every JSON write, sign-in and register included."""
    return [
        (method, path, component)
        for method, path, operation, component in schema_operations(("post", "put", "patch"))
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def _callers(make_api: Any, settings: Any, books: tuple[Any, Any]) -> tuple[Any, Any]:
    owner = owner_with_books(make_api, settings, books)
    anonymous = make_api()
    anonymous.raise_request_exception = False
    return anonymous, owner


def _url(api: Any, path: str) -> str:
    # A path with an id gets a real row's; one with a token (Daraja callbacks) a made-up one.
    url = concrete(api, path) if "{id}" in path else path
    return (url or path.replace("{id}", "1")).replace("{token}", "no-such-token")


def test_depth_is_counted_exactly_outside_strings():
    assert not json_too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert json_too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert json_too_deep(b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1))
    # Brackets inside strings, escaped quotes included, are text.
    text = json.dumps({"note": "[" * 5000 + '\\" {{{', "list": [1, [2, ['\\"[']]]}).encode()
    assert not json_too_deep(text)
    # Siblings don't add up: 1,000 arrays side by side are one level deep.
    assert not json_too_deep(b"[" + b",".join([b"[]"] * 1000) + b"]")


def test_a_lone_surrogate_is_refused_and_a_pair_is_text():
    assert has_lone_surrogate(LONE_SURROGATE.encode())
    assert not has_lone_surrogate(json.dumps({"note": "😀 \\ud800 as text"}).encode())  # a pair; a backslash


def test_an_error_echoing_a_lone_surrogate_still_renders():
    body = JSONRenderer().render({"detail": '"\ud800" is not a valid choice.'})
    assert json.loads(body) == {"detail": '"\ud800" is not a valid choice.'}


def test_the_parser_refuses_deep_json_without_the_middleware(settings):
    for body in (DEEP, LONE_SURROGATE):
        with pytest.raises(exceptions.ParseError):
            JSONParser().parse(io.BytesIO(body.encode()), "application/json", {})
    assert JSONParser().parse(io.BytesIO(b'{"a": [[1]]}'), "application/json", {}) == {"a": [[1]]}
    settings.API_MAX_JSON_BYTES = 10
    with pytest.raises(exceptions.APIException) as raised:
        JSONParser().parse(io.BytesIO(b'{"a": "' + b"x" * 20 + b'"}'), "application/json", {})
    assert raised.value.status_code == 413


@pytest.mark.django_db
def test_deep_json_and_lone_surrogates_are_a_400_on_every_json_endpoint(make_api, settings, hostile_books):
    anonymous, owner = _callers(make_api, settings, hostile_books)
    operations = _write_operations()
    paths = {path for _, path, _ in operations}
    assert {"/api/v1/auth/token/", "/api/v1/users/register/", "/api/v1/finance/transactions/"} <= paths
    assert len(operations) >= 30, len(operations)
    failures = []
    for method, path, _ in operations:
        url = _url(owner, path)
        for who, api in (("anonymous", anonymous), ("owner", owner)):
            for body in (DEEP, '{"a": ' * 1000 + "1" + "}" * 1000, LONE_SURROGATE):
                response = api.generic(method.upper(), url, body, content_type="application/json")
                if response.status_code != 400 or response.json()["code"] != "parse_error":
                    failures.append((who, method, path, response.status_code))
    assert failures == [], failures


@pytest.mark.django_db
def test_deep_json_is_a_400_on_the_daraja_callbacks_too(make_api, business):
    token = MpesaSettingsFactory(business=business).callback_token
    anonymous = make_api()
    anonymous.raise_request_exception = False
    for kind in ("callback", "validation", "confirmation"):
        url = f"/api/v1/finance/mpesa/{kind}/{token}/"
        for content_type in ("application/json", "text/plain"):
            response = anonymous.generic("POST", url, DEEP, content_type=content_type)
            assert response.status_code == 400, (kind, content_type, response.content[:200])
            assert response.json()["code"] == "parse_error"
        big = json.dumps({"Body": {"stkCallback": {"ResultDesc": "x" * (10 * 2**20)}}})
        response = anonymous.generic("POST", url, big, content_type="application/json")
        assert response.status_code == 413 and response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_nesting_within_the_limit_reaches_the_serializer(make_api, settings, hostile_books):
    _, owner = _callers(make_api, settings, hostile_books)
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    body = '{"amount": "1.00", "transaction_type": "income", "transaction_date": "2026-01-01", '
    response = owner.generic(
        "POST", "/api/v1/finance/transactions/", body + f'"description": {nested}}}', "application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "description" in response.json()["fields"]


@pytest.mark.django_db
def test_an_oversized_body_is_a_413_everywhere_before_it_is_read(make_api, settings, hostile_books):
    anonymous, owner = _callers(make_api, settings, hostile_books)
    settings.API_MAX_JSON_BYTES = 4096
    failures = []
    for method, path, _ in _write_operations():
        url = _url(owner, path)
        for who, api in (("anonymous", anonymous), ("owner", owner)):
            body = json.dumps({"description": "x" * 5000})
            response = api.generic(method.upper(), url, body, content_type="application/json")
            if response.status_code != 413 or response.json()["code"] != "too_large":
                failures.append((who, method, path, response.status_code))
    assert failures == [], failures
    # The length header decides: a body claiming 10 MB is refused without a byte of it being read
    # (the test client's payload raises if anything reads past the 2 bytes it holds).
    for api in (anonymous, owner):
        response = api.generic(
            "POST", "/api/v1/auth/token/", "{}", "application/json", CONTENT_LENGTH=str(10 * 2**20)
        )
        assert response.status_code == 413


@pytest.mark.django_db
def test_a_10_mb_json_body_is_a_413_at_the_real_limit(make_api, settings, hostile_books):
    anonymous, owner = _callers(make_api, settings, hostile_books)
    body = json.dumps({"email": "a@b.co", "password": "x" * (10 * 2**20)})
    for api, path in ((anonymous, "/api/v1/auth/token/"), (anonymous, "/api/v1/users/register/")):
        response = api.generic("POST", path, body, content_type="application/json")
        assert response.status_code == 413 and response.json()["code"] == "too_large", path
    response = owner.generic("POST", "/api/v1/finance/transactions/", body, content_type="application/json")
    assert response.status_code == 413
    # A multipart upload has its own, larger limit; far beyond it is a 413 as well.
    response = owner.generic(
        "POST",
        "/api/v1/finance/transactions/import/",
        b"--x--",
        "multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.IMPORT_MAX_BYTES + 2 * 2**20),
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_an_oversized_form_field_is_a_413(make_api, settings, hostile_books):
    # Django caps the non-file fields of a multipart body (DATA_UPLOAD_MAX_MEMORY_SIZE); that
    # surfaced as a 400 "bad request", now as what it is.
    _, owner = _callers(make_api, settings, hostile_books)
    field = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = owner.post("/api/v1/finance/transactions/", {"description": field}, format="multipart")
    assert response.status_code == 413 and response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_options_never_answers_500_on_any_route(make_api, settings, hostile_books):
    anonymous, owner = _callers(make_api, settings, hostile_books)
    urls = route_urls(owner)
    assert "/api/v1/users/profile/" in urls and len(urls) >= 40, len(urls)
    failures = []
    for url in urls:
        for who, api in (("anonymous", anonymous), ("owner", owner)):
            response = api.options(url)
            if response.status_code >= 500:
                failures.append((who, url, response.status_code))
    assert failures == [], failures
    profile = owner.options("/api/v1/users/profile/")
    assert profile.status_code == 200 and "date_of_birth" in profile.json()["actions"]["PUT"]


# Out of range for every date the API stores; a birth date may be older than the books.
BAD_DATES = ["0001-01-01", "1969-12-31", "2100-01-01", "9999-12-31"]
BIRTH_DATES = ["0001-01-01", "1899-12-31", "9999-12-31"]


@pytest.mark.django_db
def test_out_of_range_dates_are_a_400_naming_the_field_in_every_body(make_api, settings, hostile_books):
    _, owner = _callers(make_api, settings, hostile_books)
    checked, failures = 0, []
    for method, path, component in _write_operations():
        url = _url(owner, path)
        for name, spec in component.get("properties", {}).items():
            if spec.get("readOnly") or spec.get("format") not in ("date", "date-time"):
                continue
            for value in BIRTH_DATES if name == "date_of_birth" else BAD_DATES:
                response = getattr(owner, method)(url, {name: value}, format="json")
                checked += 1
                fields = (response.json() or {}).get("fields", {}) if response.status_code == 400 else {}
                if name not in fields:
                    failures.append((method, path, name, value, response.status_code))
    assert checked >= 30, checked  # transactions, invoices, budgets, mark_paid, profile, ...
    assert failures == [], failures


@pytest.mark.django_db
def test_query_dates_out_of_range_are_a_400(make_api, settings, hostile_books):
    _, owner = _callers(make_api, settings, hostile_books)
    for path in ("/api/v1/finance/transactions/summary/", "/api/v1/finance/transactions/analytics/"):
        for value in ("0001-01-01", "9999-12-31"):
            response = owner.get(path, {"date_from": value})
            assert response.status_code == 400 and "date_from" in response.json()["fields"], path
