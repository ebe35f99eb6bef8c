"""No query string can make a GET answer 500: every query parameter of every GET operation in the
OpenAPI schema (detail routes, if they take any, with the id of a real row), with hostile values, as the owner of a
business that has books. One test per operation, marked fuzz."""

import pytest

from tests.hostile import HOSTILE_TEXT, concrete, operations, owner_with_books


def _reads() -> list[tuple[str, list[str]]]:
    """(path, query parameter names) of every GET that takes any."""
    out = []
    for _, path, operation, _ in operations(("get",)):
        names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
        if names:
            out.append((path, names))
    return out


READS = _reads()


@pytest.mark.django_db
def test_the_fuzz_reaches_the_list_and_report_endpoints(make_api, settings, hostile_books):
    api = owner_with_books(make_api, settings, hostile_books)
    checked = sum(len(names) * len(HOSTILE_TEXT) for path, names in READS if concrete(api, path))
    assert checked > 1000  # the schema walk found the list and report endpoints


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize(("path", "names"), READS, ids=[f"GET {path}" for path, _ in READS])
def test_hostile_query_strings_never_answer_500(make_api, settings, hostile_books, path, names):
    api = owner_with_books(make_api, settings, hostile_books)
    url = concrete(api, path)
    if url is None:
        pytest.skip("the collection lists no row to address")
    failures = []
    for name in names:
        for value in HOSTILE_TEXT:
            response = api.get(url, {name: value})
            assert response.status_code != 429
            if response.status_code >= 500:
                failures.append((path, name, value[:20], response.status_code))
    assert failures == [], "\n".join(map(repr, failures))
