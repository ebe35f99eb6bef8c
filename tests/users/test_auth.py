"""Register, tokens, rotation with blacklist, logout, lockout."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import ActivityLog, FailedLoginAttempt, UserSession
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(api, email, password=PASSWORD, **extra):
    return api.post("/api/v1/auth/token/", {"email": email, "password": password}, **extra)


def test_register_validates_the_password(api):
    weak = api.post("/api/v1/users/register/", {"email": "wanjiru@example.co.ke", "password": "123"})
    assert weak.status_code == 400
    assert "password" in weak.json()["fields"]

    ok = api.post(
        "/api/v1/users/register/",
        {
            "email": "Wanjiru@Example.co.ke",
            "password": "Nyama-Choma-2026",
            "first_name": "Wanjiru",
            "last_name": "Kamau",
        },
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["email"] == "wanjiru@example.co.ke"
    assert ok.json()["memberships"] == []

    again = api.post(
        "/api/v1/users/register/", {"email": "wanjiru@example.co.ke", "password": "Nyama-Choma-2026"}
    )
    assert again.status_code == 409


def test_register_rejects_bad_input_without_500(api):
    for body in ({}, {"email": "not-an-email", "password": "x"}, {"email": ["a"], "password": {"x": 1}}):
        assert api.post("/api/v1/users/register/", body).status_code == 400


def test_token_by_email_or_username(api):
    user = UserFactory(email="otieno@example.co.ke")
    by_email = login(api, "OTIENO@example.co.ke")
    assert by_email.status_code == 200
    body = by_email.json()
    assert {"access", "refresh", "user"} <= body.keys()
    assert body["user"]["email"] == user.email
    by_username = api.post("/api/v1/auth/token/", {"username": "otieno@example.co.ke", "password": PASSWORD})
    assert by_username.status_code == 200
    assert UserSession.objects.filter(user=user).count() == 2
    assert ActivityLog.objects.filter(actor=user, action="login").count() == 2


def test_wrong_password_is_401_and_recorded(api):
    UserFactory(email="akinyi@example.co.ke")
    response = login(api, "akinyi@example.co.ke", "wrong-password")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert FailedLoginAttempt.objects.filter(email="akinyi@example.co.ke").count() == 1


def test_refresh_rotates_and_a_used_refresh_token_is_refused(api):
    UserFactory(email="kip@example.co.ke")
    first = login(api, "kip@example.co.ke").json()["refresh"]
    rotated = api.post("/api/v1/auth/token/refresh/", {"refresh": first})
    assert rotated.status_code == 200
    second = rotated.json()["refresh"]
    assert second != first and rotated.json()["access"]

    reused = api.post("/api/v1/auth/token/refresh/", {"refresh": first})
    assert reused.status_code == 401

    # Reuse of a rotated token means it leaked: the whole session is signed out.
    assert api.post("/api/v1/auth/token/refresh/", {"refresh": second}).status_code == 401
    assert UserSession.objects.get().revoked_at is not None


def test_refresh_rejects_garbage(api):
    assert api.post("/api/v1/auth/token/refresh/", {"refresh": "nonsense"}).status_code == 401
    assert api.post("/api/v1/auth/token/refresh/", {}).status_code == 400


def test_logout_blacklists_the_refresh_token(api):
    UserFactory(email="njeri@example.co.ke")
    tokens = login(api, "njeri@example.co.ke").json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}).status_code == 204
    api.credentials()
    assert api.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}).status_code == 401
    # The access token of the signed-out session stops working at once.
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get("/api/v1/users/me/").status_code == 401
    assert ActivityLog.objects.filter(action="logout").count() == 1


def test_logout_requires_auth_and_a_valid_token(api):
    assert api.post("/api/v1/auth/logout/", {"refresh": "x"}).status_code == 401
    UserFactory(email="moraa@example.co.ke")
    tokens = login(api, "moraa@example.co.ke").json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.post("/api/v1/auth/logout/", {"refresh": "garbage"}).status_code == 400


def test_lockout_after_five_failures_and_release_after_the_window(api):
    UserFactory(email="wafula@example.co.ke")
    for _ in range(5):
        assert login(api, "wafula@example.co.ke", "bad").status_code == 401

    locked = login(api, "wafula@example.co.ke")  # even the right password
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"
    assert 0 < locked.json()["retry_after"] <= 15 * 60
    assert "minute" in locked.json()["detail"]
    assert FailedLoginAttempt.objects.filter(email="wafula@example.co.ke").count() == 6

    # Fifteen minutes and a moment later the lock is gone.
    FailedLoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=5))
    assert login(api, "wafula@example.co.ke").status_code == 200


def test_lockout_by_ip_across_accounts(api):
    for n in range(5):
        login(api, f"nobody{n}@example.co.ke", "bad", REMOTE_ADDR="10.9.8.7")
    UserFactory(email="halima@example.co.ke")
    assert login(api, "halima@example.co.ke", REMOTE_ADDR="10.9.8.7").status_code == 429
    assert login(api, "halima@example.co.ke", REMOTE_ADDR="10.9.8.8").status_code == 200


def test_four_failures_do_not_lock(api):
    UserFactory(email="chebet@example.co.ke")
    for _ in range(4):
        login(api, "chebet@example.co.ke", "bad")
    assert login(api, "chebet@example.co.ke").status_code == 200


def test_sessions_can_be_listed_and_revoked(api, make_api):
    user = UserFactory(email="baraka@example.co.ke")
    tokens = login(api, "baraka@example.co.ke").json()
    other = UserFactory()
    login(api, other.email)
    client = make_api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    sessions = client.get("/api/v1/core/sessions/").json()["results"]
    assert [s["user"] for s in sessions] == [user.email]
    assert sessions[0]["current"] is True
    revoked = client.post(f"/api/v1/core/sessions/{sessions[0]['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert api.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}).status_code == 401
    # Someone else's session is not found.
    other_session = UserSession.objects.get(user=other)
    client2 = make_api(user)
    assert client2.delete(f"/api/v1/core/sessions/{other_session.pk}/").status_code == 404


def test_everything_else_needs_a_token(api):
    for path in (
        "/api/v1/users/me/",
        "/api/v1/users/profile/",
        "/api/v1/users/businesses/",
        "/api/v1/core/sessions/",
    ):
        assert api.get(path).status_code == 401
