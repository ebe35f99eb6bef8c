"""No request body can make a write answer 500: every JSON property of every POST/PUT/PATCH in the
OpenAPI schema (detail routes with the id of a real row), one at a time, with hostile values, as
the owner of a business with books, and the anonymous writes (sign-in, register, ...) likewise.
Rows the values happen to be valid for are simply written. Bodies go as ASCII JSON, so a lone
surrogate travels as the escape a client would send. One test per operation, marked fuzz."""

import json
from typing import Any

import pytest

from tests.hostile import HOSTILE_JSON, concrete, operations, owner_with_books, schema_operations


def _send(api, method, url, body):
    return api.generic(method.upper(), url, json.dumps(body), content_type="application/json")


def _writes() -> list[tuple[str, str, list[str]]]:
    """(method, path, writable property names) of every signed-in write that has any."""
    out = []
    for method, path, _, component in operations(("post", "put", "patch")):
        names = [n for n, spec in component.get("properties", {}).items() if not spec.get("readOnly")]
        if names:
            out.append((method, path, names))
    return out


def _anonymous_writes() -> list[tuple[str, str, list[str | None]]]:
    """(method, path, [None (the whole body), *property names]) of every anonymous POST."""
    return [
        (method, path, [None, *component.get("properties", {})])
        for method, path, operation, component in schema_operations(("post",))
        # Not an anonymous operation, or one that needs a token in the path.
        if operation.get("security") in (None, [], [{}]) and "{" not in path
    ]


WRITES = _writes()
ANONYMOUS_WRITES = _anonymous_writes()


def _ids(cases: list[tuple[Any, ...]]) -> list[str]:
    return [f"{method.upper()} {path}" for method, path, _ in cases]


@pytest.mark.django_db
def test_the_fuzz_reaches_the_write_endpoints(make_api, settings, hostile_books):
    api = owner_with_books(make_api, settings, hostile_books)
    urls = {(method, path): concrete(api, path) for method, path, _ in WRITES}
    checked = sum(len(names) * len(HOSTILE_JSON) for method, path, names in WRITES if urls[method, path])
    assert checked > 1000  # the schema walk found the write endpoints
    details = {path for (_, path), url in urls.items() if url is not None and url != path}
    assert len(details) >= 8, details  # detail routes are reached with real ids
    assert {"/api/v1/auth/token/", "/api/v1/users/register/"} <= {p for _, p, _ in ANONYMOUS_WRITES}


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "names"), WRITES, ids=_ids(WRITES))
def test_hostile_bodies_never_answer_500(make_api, settings, hostile_books, method, path, names):
    api = owner_with_books(make_api, settings, hostile_books)
    url = concrete(api, path)
    if url is None:
        pytest.skip("the collection lists no row to address")
    failures = []
    for name in names:
        for value in HOSTILE_JSON:
            response = _send(api, method, url, {name: value})
            assert response.status_code != 429
            # 502/503 with an error code are documented answers (no speech provider, Daraja down).
            documented = response.status_code in (502, 503) and "code" in (response.json() or {})
            if response.status_code >= 500 and not documented:
                failures.append((method, path, name, repr(value)[:30], response.status_code))
    assert failures == [], "\n".join(map(repr, failures))


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "names"), ANONYMOUS_WRITES, ids=_ids(ANONYMOUS_WRITES))
def test_hostile_anonymous_bodies_never_answer_500(make_api, settings, hostile_books, method, path, names):
    owner_with_books(make_api, settings, hostile_books)  # books to find, and a member whose e-mail exists
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/hour", "user": "1000000/hour", "kavi": "1000000/minute"},
    }
    settings.LOGIN_LOCKOUT_THRESHOLD = 1_000_000
    anonymous = make_api()
    anonymous.raise_request_exception = False
    failures = []
    for name in names:
        for value in HOSTILE_JSON:
            # The value as the whole body first, then as each property.
            response = _send(anonymous, method, path, value if name is None else {name: value})
            if response.status_code >= 500:
                failures.append((path, name, repr(value)[:30], response.status_code))
    assert failures == [], "\n".join(map(repr, failures))
