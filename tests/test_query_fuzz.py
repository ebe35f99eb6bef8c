"""No query string can make a GET answer 500: every query parameter of every GET operation in the
OpenAPI schema (detail routes, if they take any, with the id of a real row), with hostile values, as the owner of a
business that has books."""

import pytest

from tests.hostile import HOSTILE_TEXT, concrete, operations, owner_with_books


@pytest.mark.django_db
def test_hostile_query_strings_never_answer_500(make_api, settings):
    api = owner_with_books(make_api, settings)
    checked, failures = 0, []
    for _, path, operation, _ in operations(("get",)):
        names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
        url = concrete(api, path) if names else None
        if url is None:
            continue
        for name in names:
            for value in HOSTILE_TEXT:
                response = api.get(url, {name: value})
                assert response.status_code != 429
                checked += 1
                if response.status_code >= 500:
                    failures.append((path, name, value[:20], response.status_code))
    assert checked > 1000  # the schema walk found the list and report endpoints
    assert failures == [], "\n".join(map(repr, failures))
