"""A database outage is a clean, fast 503 `database_unavailable` with Retry-After on every kind of
endpoint (anonymous, signed in, the admin), through the DRF handler, the middleware and the breaker.
The server here has a database that accepts TCP and never answers: the case that used to hang."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

from core import dbguard

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, time, django
django.setup()
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken
from core import dbguard

token = AccessToken()
token["user_id"] = 1
bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
requests = [
    ("get", "/api/v1/users/me/", {}, bearer),
    ("get", "/api/v1/finance/transactions/", {}, bearer),
    ("post", "/api/v1/finance/invoices/", {"customer": 1}, bearer),
    ("post", "/api/v1/auth/token/", {"email": "a@example.com", "password": "x"}, {}),
    ("post", "/api/v1/users/register/", {"email": "a@example.com", "password": "x"}, {}),
    ("get", "/admin/", {}, {"HTTP_COOKIE": "sessionid=" + "a" * 32}),
]
# One client, warmed up: loading the URL map, the views and the middleware (WhiteNoise scans the
# web app's files) is a server's start-up, not the outage being timed.
client = Client()
client.get("/api/v1/no-such-path/")
out = []
for breaker_open in (False, True):
    for method, path, data, extra in requests:
        if not breaker_open:
            dbguard.breaker.reset()  # each request goes all the way to the database
        started = time.monotonic()
        if method == "post":
            r = client.post(path, json.dumps(data), content_type="application/json", **extra)
        else:
            r = client.get(path, **extra)
        elapsed = time.monotonic() - started
        body = json.loads(r.content) if r["Content-Type"].startswith("application/json") else {}
        out.append([path, breaker_open, r.status_code, body.get("code"), r.get("Retry-After"), elapsed])
print("RESULT " + json.dumps(out))
"""


@pytest.fixture
def silent_database():
    """A port that completes the TCP handshake and then says nothing, like a hung server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def test_every_kind_of_endpoint_answers_503_within_2_seconds(silent_database):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fg_copilot.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{silent_database}/nothing",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("DB_POOL_TIMEOUT", None)  # the shipped default is what is measured
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, run.stderr[-3000:]
    results = json.loads(lines[-1].removeprefix("RESULT "))
    assert len(results) == 12
    for path, breaker_open, code, error_code, retry_after, elapsed in results:
        assert (code, error_code) == (503, "database_unavailable"), (path, breaker_open, code, error_code)
        assert retry_after and int(retry_after) > 0, path
        assert elapsed < 2.0, (path, breaker_open, elapsed)
        if breaker_open:
            assert elapsed < 0.2, (path, elapsed)  # the breaker answers without waiting


def test_only_connection_failures_trip_the_breaker():
    import psycopg
    from django.db import OperationalError
    from psycopg_pool import PoolTimeout

    class Deadlock(psycopg.OperationalError):
        sqlstate = "40P01"

    def wrapped(inner):
        try:
            raise OperationalError(str(inner)) from inner
        except OperationalError as exc:
            return exc

    assert dbguard.is_outage(wrapped(PoolTimeout("couldn't get a connection after 1.00 sec")))
    assert dbguard.is_outage(wrapped(psycopg.OperationalError("connection refused")))
    deadlock = wrapped(Deadlock("deadlock detected"))
    assert dbguard.is_unavailable(deadlock) and not dbguard.is_outage(deadlock)
    assert not dbguard.is_unavailable(ValueError("not the database"))


@pytest.fixture
def closed_breaker():
    dbguard.breaker.reset()
    yield dbguard.breaker
    dbguard.breaker.reset()


def test_an_outage_raised_outside_drf_is_a_503_too(rf, closed_breaker):
    """A 500 that Django made from a database outage anywhere inside (a middleware, a plain view)."""
    from django.core.handlers.exception import convert_exception_to_response
    from django.db import OperationalError

    def inner(request):
        raise OperationalError("server closed the connection unexpectedly")

    response = dbguard.DatabaseGuardMiddleware(cast(Any, convert_exception_to_response(inner)))(
        rf.get("/admin/")
    )
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert json.loads(response.content)["code"] == "database_unavailable"

    def broken(request):
        raise ValueError("not the database")

    response = dbguard.DatabaseGuardMiddleware(cast(Any, convert_exception_to_response(broken)))(
        rf.get("/admin/")
    )
    assert response.status_code == 500  # other faults stay what they are


@pytest.mark.django_db
def test_while_the_breaker_is_open_the_api_answers_at_once_but_health_still_probes(api, closed_breaker):
    closed_breaker.trip(RuntimeError("pretend the database just failed"))
    refused = api.post("/api/v1/auth/token/", {"email": "a@example.com", "password": "x"}, format="json")
    assert refused.status_code == 503 and refused.json()["code"] == "database_unavailable"
    assert refused["Retry-After"]
    # Health checks ask the database themselves: it is up here, so they say so.
    assert api.get("/api/health/live/").status_code == 200
    closed_breaker.reset()
    answered = api.post("/api/v1/auth/token/", {"email": "a@example.com", "password": "x"}, format="json")
    assert answered.status_code == 401 and answered.json()["code"] == "invalid_credentials"
