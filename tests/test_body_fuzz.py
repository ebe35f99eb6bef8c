"""No request body can make a write answer 500: every JSON property of every POST/PUT/PATCH in the
OpenAPI schema (detail routes with the id of a real row), one at a time, with hostile values, as
the owner of a business with books, and the anonymous writes (sign-in, register, ...) likewise.
Rows the values happen to be valid for are simply written. Bodies go as ASCII JSON, so a lone
surrogate travels as the escape a client would send."""

import json

import pytest

from tests.hostile import HOSTILE_JSON, concrete, operations, owner_with_books, schema_operations


def _send(api, method, url, body):
    return api.generic(method.upper(), url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_hostile_bodies_never_answer_500(make_api, settings):
    api = owner_with_books(make_api, settings)
    checked, failures, details = 0, [], set()
    for method, path, _, component in operations(("post", "put", "patch")):
        names = [n for n, spec in component.get("properties", {}).items() if not spec.get("readOnly")]
        url = concrete(api, path) if names else None
        if url is None:
            continue
        if url != path:
            details.add(path)
        for name in names:
            for value in HOSTILE_JSON:
                response = _send(api, method, url, {name: value})
                assert response.status_code != 429
                checked += 1
                # 502/503 with an error code are documented answers (no speech provider, Daraja down).
                documented = response.status_code in (502, 503) and "code" in (response.json() or {})
                if response.status_code >= 500 and not documented:
                    failures.append((method, path, name, repr(value)[:30], response.status_code))
    assert checked > 1000  # the schema walk found the write endpoints
    assert len(details) >= 8, details  # detail routes were reached with real ids
    assert failures == [], "\n".join(map(repr, failures))


@pytest.mark.django_db
def test_hostile_anonymous_bodies_never_answer_500(make_api, settings):
    owner_with_books(make_api, settings)  # books to find, and a member whose e-mail exists
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/hour", "user": "1000000/hour", "kavi": "1000000/minute"},
    }
    settings.LOGIN_LOCKOUT_THRESHOLD = 1_000_000
    anonymous = make_api()
    anonymous.raise_request_exception = False
    checked, failures, paths = 0, [], set()
    for method, path, operation, component in schema_operations(("post",)):
        if operation.get("security") not in (None, [], [{}]) or "{" in path:
            continue  # not an anonymous operation (or one that needs a token in the path)
        paths.add(path)
        for name in [None, *component.get("properties", {})]:
            for value in HOSTILE_JSON:
                # The value as the whole body first, then as each property.
                response = _send(anonymous, method, path, value if name is None else {name: value})
                checked += 1
                if response.status_code >= 500:
                    failures.append((path, name, repr(value)[:30], response.status_code))
    assert {"/api/v1/auth/token/", "/api/v1/users/register/"} <= paths, paths
    assert failures == [], "\n".join(map(repr, failures))
