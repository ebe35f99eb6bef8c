"""Sign-in protections under concurrency and outages: the lockout (API and admin), revoked
sessions without the cache, and plain-text token errors."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from core.models import ActivityLog, FailedLoginAttempt, UserSession
from core.selectors import session_is_revoked
from tests.conftest import _clear_cache
from tests.factories import PASSWORD, UserFactory

THREADS = 20
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every cache call fails at once


class CountingMD5Hasher(MD5PasswordHasher):
    """The test hasher, counting how many passwords were actually checked."""

    checks = 0
    _lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        with self._lock:
            type(self).checks += 1
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.users.test_lockout.CountingMD5Hasher"]
    CountingMD5Hasher.checks = 0
    return CountingMD5Hasher


needs_postgres = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="concurrent sign-ins need PostgreSQL (SQLite lets one writer in at a time)",
)


def _at_once(send, n=THREADS):
    """Runs send(i) in n threads released together; returns the responses."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = send(i)
        except Exception as exc:  # surfaced by the assertions below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _api_login(email, password, ip="10.0.0.1"):
    return APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json", REMOTE_ADDR=ip
    )


def _admin_login(email, password, ip="10.0.0.1"):
    return Client().post(
        "/admin/login/", {"username": email, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def _reasons(**filters):
    return Counter(FailedLoginAttempt.objects.filter(**filters).values_list("reason", flat=True))


# --- The lockout holds under concurrency --------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_wrong_passwords_check_at_most_five(counting_hasher):
    UserFactory(email="wanjiku@example.co.ke")
    counting_hasher.checks = 0
    # A different address per request: only the account's limit applies.
    responses = _at_once(lambda i: _api_login("wanjiku@example.co.ke", "wrong", ip=f"10.1.0.{i + 1}"))

    statuses = Counter(r.status_code for r in responses)
    assert counting_hasher.checks == settings.LOGIN_LOCKOUT_THRESHOLD == 5
    assert statuses == {401: 5, 429: 15}, statuses
    assert _reasons(email="wanjiku@example.co.ke") == {"bad_credentials": 5, "locked": 15}
    assert FailedLoginAttempt.objects.filter(triggered_lockout=True).count() == 1
    # Locked now, even with the right password, and it is not checked.
    locked = _api_login("wanjiku@example.co.ke", PASSWORD, ip="10.1.1.1")
    assert locked.status_code == 429 and locked.json()["code"] == "login_locked"
    assert counting_hasher.checks == 5


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_wrong_passwords_from_one_address_check_at_most_five(counting_hasher):
    emails = [UserFactory().email for _ in range(THREADS)]
    counting_hasher.checks = 0
    responses = _at_once(lambda i: _api_login(emails[i], "wrong", ip="10.2.0.9"))

    assert counting_hasher.checks == 5
    assert Counter(r.status_code for r in responses) == {401: 5, 429: 15}
    assert _reasons(ip="10.2.0.9") == {"bad_credentials": 5, "locked": 15}


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_right_passwords_all_sign_in_and_leave_no_failure(counting_hasher):
    emails = [UserFactory().email for _ in range(8)]
    responses = _at_once(lambda i: _api_login(emails[i], PASSWORD, ip=f"10.3.0.{i + 1}"), n=8)
    assert [r.status_code for r in responses] == [200] * 8
    assert FailedLoginAttempt.objects.count() == 0
    assert UserSession.objects.count() == 8


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_admin_login_locks_under_concurrency_and_records_failures(counting_hasher):
    UserFactory(email="root@example.co.ke", is_staff=True, is_superuser=True)
    counting_hasher.checks = 0
    responses = _at_once(lambda i: _admin_login("root@example.co.ke", "wrong", ip=f"10.4.0.{i + 1}"))

    assert all(r.status_code == 200 for r in responses), [getattr(r, "status_code", r) for r in responses]
    assert counting_hasher.checks == 5
    assert _reasons(email="root@example.co.ke") == {"bad_credentials": 5, "locked": 15}
    bodies = [r.content.decode() for r in responses]
    assert sum("Too many failed sign-in attempts" in body for body in bodies) == 15
    assert sum("Please enter the correct" in body for body in bodies) == 5

    # Locked: even the right password gets the lockout message, not a session.
    locked = _admin_login("root@example.co.ke", PASSWORD, ip="10.4.1.1")
    assert locked.status_code == 200
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session
    assert counting_hasher.checks == 5


# --- The lockout, one request at a time -----------------------------------------------------------


@pytest.mark.django_db
def test_admin_and_api_share_one_lockout(counting_hasher):
    UserFactory(email="staff@example.co.ke", is_staff=True)
    for _ in range(5):
        assert _api_login("STAFF@example.co.ke", "wrong").status_code == 401
    page = _admin_login("Staff@Example.co.ke", PASSWORD)
    assert "Too many failed sign-in attempts" in page.content.decode()
    assert counting_hasher.checks == 5
    assert _reasons(email="staff@example.co.ke") == {"bad_credentials": 5, "locked": 1}


@pytest.mark.django_db
def test_admin_login_still_works_and_is_audited():
    user = UserFactory(email="boss@example.co.ke", is_staff=True, is_superuser=True)
    wrong = _admin_login("boss@example.co.ke", "wrong")
    assert wrong.status_code == 200 and "Please enter the correct" in wrong.content.decode()

    client = Client()
    ok = client.post(
        "/admin/login/",
        {"username": "boss@example.co.ke", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert _reasons(email="boss@example.co.ke") == {"bad_credentials": 1}
    assert ActivityLog.objects.filter(actor=user, action="admin.login").count() == 1


@pytest.mark.django_db
def test_admin_login_refuses_a_non_staff_user_without_a_failure_or_a_500():
    UserFactory(email="plain@example.co.ke")
    page = _admin_login("plain@example.co.ke", PASSWORD)
    assert page.status_code == 200 and "Please enter the correct" in page.content.decode()
    assert FailedLoginAttempt.objects.count() == 0


@pytest.mark.django_db
def test_an_inactive_account_is_recorded_as_such():
    UserFactory(email="gone@example.co.ke", is_active=False)
    assert _api_login("gone@example.co.ke", PASSWORD).status_code == 401
    assert _reasons(email="gone@example.co.ke") == {"inactive": 1}


@pytest.mark.django_db
def test_the_lock_frees_when_the_window_passes():
    UserFactory(email="muthoni@example.co.ke")
    with time_machine.travel(datetime(2026, 3, 31, 20, 0, tzinfo=UTC), tick=False) as clock:
        for _ in range(5):
            assert _api_login("muthoni@example.co.ke", "wrong").status_code == 401
        locked = _api_login("muthoni@example.co.ke", PASSWORD)
        assert locked.status_code == 429 and locked.json()["retry_after"] == 15 * 60
        clock.shift(timedelta(minutes=14, seconds=59))
        assert _api_login("muthoni@example.co.ke", PASSWORD).json()["retry_after"] == 1
        clock.shift(timedelta(seconds=1))
        assert _api_login("muthoni@example.co.ke", PASSWORD).status_code == 200
        # The failures before the lock were punished by it: one more mistake doesn't re-lock.
        assert _api_login("muthoni@example.co.ke", "wrong").status_code == 401
        assert _api_login("muthoni@example.co.ke", PASSWORD).status_code == 200


# --- A revoked session stays revoked without the cache --------------------------------------------


def _signed_in(email):
    UserFactory(email=email)
    tokens = _api_login(email, PASSWORD).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client, tokens


def _session_queries(queries):
    return [q["sql"] for q in queries if '"core_usersession"' in q["sql"]]


@pytest.mark.django_db
def test_a_revoked_token_stays_refused_after_the_cache_is_emptied():
    client, tokens = _signed_in("nduta@example.co.ke")
    assert client.get("/api/v1/users/me/").status_code == 200
    assert (
        client.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json").status_code == 204
    )
    assert client.get("/api/v1/users/me/").status_code == 401

    _clear_cache()  # this suite's keys only, as a flushed Redis would look
    refused = client.get("/api/v1/users/me/")
    assert refused.status_code == 401
    assert refused.json() == {"code": "session_revoked", "detail": "This session was signed out."}


@pytest.mark.django_db
def test_the_session_check_is_one_lookup_on_a_miss_and_none_on_a_hit():
    client, _ = _signed_in("kamau@example.co.ke")
    _clear_cache()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/users/me/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/api/v1/users/me/").status_code == 200
    assert len(_session_queries(first.captured_queries)) == 1
    assert _session_queries(second.captured_queries) == []


@pytest.mark.django_db
def test_revoking_overrides_a_cached_still_signed_in_at_once():
    client, _ = _signed_in("atieno@example.co.ke")
    assert client.get("/api/v1/users/me/").status_code == 200  # caches "still signed in"
    session = UserSession.objects.get()
    assert client.post(f"/api/v1/core/sessions/{session.pk}/revoke/").status_code == 200
    assert client.get("/api/v1/users/me/").json()["code"] == "session_revoked"


@pytest.mark.django_db
def test_a_deleted_session_is_refused():
    client, _ = _signed_in("odhiambo@example.co.ke")
    UserSession.objects.all().delete()
    _clear_cache()
    assert client.get("/api/v1/users/me/").json()["code"] == "session_revoked"


@pytest.mark.django_db
def test_the_session_check_answers_from_postgres_when_the_cache_is_down(settings):
    user = UserFactory()
    active = UserSession.objects.create(user=user)
    revoked = UserSession.objects.create(user=user, revoked_at=datetime(2026, 1, 5, tzinfo=UTC))
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    assert session_is_revoked(str(revoked.pk)) is True
    assert session_is_revoked(str(active.pk)) is False


@pytest.mark.django_db
def test_a_revoked_token_stays_refused_while_redis_is_down(settings):
    client, tokens = _signed_in("chepkoech@example.co.ke")
    assert (
        client.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json").status_code == 204
    )
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    refused = client.get("/api/v1/users/me/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "session_revoked"


# --- Token errors are plain sentences --------------------------------------------------------------


def _refresh_for(user: Any) -> RefreshToken:
    return RefreshToken.for_user(user)


def _lifetime(name: str) -> timedelta:
    value: Any = settings.SIMPLE_JWT[name]
    return value


def _assert_plain_401(response, code="token_not_valid"):
    assert response.status_code == 401, response.content
    body = response.json()
    assert set(body) == {"code", "detail"}, body
    assert body["code"] == code, body
    detail = body["detail"]
    assert isinstance(detail, str) and detail.endswith("."), body
    assert not any(mark in detail for mark in ("{", "[", "ErrorDetail", "'")), body
    return detail


@pytest.mark.django_db
def test_token_errors_on_a_protected_endpoint_are_plain_text():
    user = UserFactory(email="plain-errors@example.co.ke")
    me = "/api/v1/users/me/"

    def get(token):
        return APIClient().get(me, HTTP_AUTHORIZATION=f"Bearer {token}")

    with time_machine.travel(datetime(2026, 12, 31, 23, 50, tzinfo=UTC), tick=False) as clock:
        refresh = _refresh_for(user)
        access = str(refresh.access_token)
        assert get(access).status_code == 200
        _assert_plain_401(get("not.a.token"))
        _assert_plain_401(get("garbage"))
        head, body, signature = access.split(".")
        forged = jwt.encode(
            jwt.decode(access, options={"verify_signature": False}), "another-key-" * 4, algorithm="HS256"
        )
        _assert_plain_401(get(forged))
        _assert_plain_401(get(f"{head}.{body}.{signature[::-1]}"))
        assert "wrong type" in _assert_plain_401(get(str(refresh)))
        two_parts = APIClient().get(me, HTTP_AUTHORIZATION=f"Bearer {access} extra")
        _assert_plain_401(two_parts, code="bad_authorization_header")
        clock.shift(_lifetime("ACCESS_TOKEN_LIFETIME") + timedelta(seconds=1))
        assert "expired" in _assert_plain_401(get(access))

        gone = UserFactory()
        gone_access = str(_refresh_for(gone).access_token)
        gone.delete()
        _assert_plain_401(get(gone_access), code="user_not_found")


@pytest.mark.django_db
def test_token_errors_on_refresh_are_plain_text():
    refresh_url = "/api/v1/auth/token/refresh/"

    def post(token):
        return APIClient().post(refresh_url, {"refresh": token}, format="json")

    with time_machine.travel(datetime(2026, 6, 30, 21, 0, tzinfo=UTC), tick=False) as clock:
        _, tokens = _signed_in("refresh-errors@example.co.ke")
        _assert_plain_401(post("garbage"))
        assert "wrong type" in _assert_plain_401(post(tokens["access"]))
        claims = jwt.decode(tokens["refresh"], options={"verify_signature": False})
        _assert_plain_401(post(jwt.encode(claims, "another-key-" * 4, algorithm="HS256")))
        rotated = post(tokens["refresh"])
        assert rotated.status_code == 200
        # The old token again: reuse signs the session out, then the session is the reason.
        _assert_plain_401(post(tokens["refresh"]), code="token_reused")
        _assert_plain_401(post(rotated.json()["refresh"]), code="session_revoked")

        # Blacklisted without a session (a token from outside the sign-in flow).
        bare = _refresh_for(UserFactory())
        bare.blacklist()
        assert "blacklisted" in _assert_plain_401(post(str(bare)))

        later = _refresh_for(UserFactory())
        clock.shift(_lifetime("REFRESH_TOKEN_LIFETIME") + timedelta(seconds=1))
        assert "expired" in _assert_plain_401(post(str(later)))


@pytest.mark.django_db
def test_refresh_for_a_deleted_or_inactive_account_is_401_not_500():
    gone = UserFactory()
    refresh = str(_refresh_for(gone))
    gone.delete()
    response = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    _assert_plain_401(response, code="no_active_account")

    idle = UserFactory(is_active=False)
    response = APIClient().post(
        "/api/v1/auth/token/refresh/", {"refresh": str(_refresh_for(idle))}, format="json"
    )
    _assert_plain_401(response, code="no_active_account")
