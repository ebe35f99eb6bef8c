"""Schemathesis over the whole OpenAPI schema, as the owner of a business with books, with every
check: no 5xx; status code, content type, headers and body as documented; invalid input refused
and valid input not. Bounded: a fixed seed and a few examples per operation, each against the
books as made (made once, each operation's writes rolled back), so a run is reproducible and
takes about four minutes. Skip it with -m 'not fuzz'."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from tests.hostile import owner_with_books
from tests.kavi.conftest import fake_elevenlabs  # noqa: F401 (a fixture)

MAX_EXAMPLES = 10

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261202,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "mode": "all",
            # Unknown query parameters are ignored, as HTTP APIs do so that old clients keep
            # working; every documented parameter is still sent invalid values.
            "allow-extra-parameters": False,
        },
        "checks": {
            "enabled": True,
            # A schema can't say which ids exist, that date_from comes before date_to, or which
            # passwords are strong: those answer 400 with field errors (API.md), and are valid.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", 400, 401, 403, 404, 409, 429]},
        },
    }
)
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=CONFIG
)
schema.app = get_wsgi_application()
# Nothing is excluded: logout and revoke get random tokens and ids, never the run's own.


@pytest.fixture
def signed_in(request, make_api, settings, hostile_books) -> Iterator[dict[str, str]]:
    """The owner's bearer token. No X-Business-ID: the owner has one business, so the header is
    optional, and the values schemathesis generates for it are sent as they are."""
    api = owner_with_books(make_api, settings, hostile_books)
    # Speech through the real ElevenLabs client, pointed at a local fake.
    speech = request.getfixturevalue("fake_elevenlabs")
    speech.respond = lambda path, headers, body: (200, "audio/mpeg", b"ID3fake-mp3", 0.0)
    # As Django's test client does: the app runs inside the test's transaction, so a request must
    # not close the connection it shares with the test.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": api._credentials["HTTP_AUTHORIZATION"]}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, signed_in: dict[str, str]) -> None:
    case.call_and_validate(headers=signed_in)
