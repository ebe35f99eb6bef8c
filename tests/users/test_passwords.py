"""Password reset by e-mail and password change, with the sessions they sign out."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.models import ActivityLog, UserSession
from tests.factories import PASSWORD, UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

NEW = "Mandazi-na-Chai-2027"


def login(api, email, password=PASSWORD):
    return api.post("/api/v1/auth/token/", {"email": email, "password": password})


def signed_in(make_api, user, password=PASSWORD):
    tokens = login(make_api(), user.email, password).json()
    client = make_api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client, tokens


def link_in(message):
    found = re.search(r"/reset-password\?uid=([\w-]+)&token=([\w-]+)", message.body)
    assert found, message.body
    return found.group(1), found.group(2)


def test_reset_request_mails_a_link_and_reveals_nothing(api, settings):
    settings.FRONTEND_URL = "https://app.kavi.example"
    user = UserFactory(email="wanjiru@example.co.ke")
    known = api.post("/api/v1/auth/password/reset/", {"email": "Wanjiru@Example.co.ke"})
    unknown = api.post("/api/v1/auth/password/reset/", {"email": "nobody@example.co.ke"})
    assert known.status_code == unknown.status_code == 204
    assert known.content == unknown.content == b""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wanjiru@example.co.ke"]
    assert "https://app.kavi.example/reset-password?uid=" in mail.outbox[0].body
    assert ActivityLog.objects.filter(action="user.password_reset_request", object_id=str(user.pk)).exists()
    assert api.post("/api/v1/auth/password/reset/", {"email": "not-an-email"}).status_code == 400


def test_inactive_accounts_get_no_mail(api):
    UserFactory(email="gone@example.co.ke", is_active=False)
    assert api.post("/api/v1/auth/password/reset/", {"email": "gone@example.co.ke"}).status_code == 204
    assert mail.outbox == []


def test_reset_request_is_throttled_per_email_and_per_ip(api):
    # An address and an IP of this test only: while Redis is down the counters live in the
    # process (core.cache.LocalWindowCounter), which the per-test cache clearing doesn't reach.
    UserFactory(email="throttled-kamau@example.co.ke")
    ip = {"REMOTE_ADDR": "198.51.100.77"}
    answers = [
        api.post("/api/v1/auth/password/reset/", {"email": "throttled-kamau@example.co.ke"}, **ip).status_code
        for _ in range(6)
    ]
    assert answers == [204] * 5 + [429]
    assert len(mail.outbox) == 5
    # Other addresses from the same IP still go through, up to the IP's own limit.
    others = [
        api.post("/api/v1/auth/password/reset/", {"email": f"x{n}@example.co.ke"}, **ip).status_code
        for n in range(20)
    ]
    assert others.count(204) == 14 and others[-1] == 429
    # Another IP isn't held back by this one.
    other_ip = api.post(
        "/api/v1/auth/password/reset/", {"email": "x99@example.co.ke"}, REMOTE_ADDR="198.51.100.78"
    )
    assert other_ip.status_code == 204


def test_reset_confirm_sets_the_password_and_signs_out_everywhere(api, make_api):
    user = UserFactory()
    client, _ = signed_in(make_api, user)
    signed_in(make_api, user)
    assert client.get("/api/v1/users/me/").status_code == 200
    api.post("/api/v1/auth/password/reset/", {"email": user.email})
    uid, token = link_in(mail.outbox[0])

    weak = api.post(
        "/api/v1/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": "123"}
    )
    assert weak.status_code == 400 and weak.json()["fields"]["new_password"]

    ok = api.post("/api/v1/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": NEW})
    assert ok.status_code == 204, ok.content
    assert not UserSession.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert client.get("/api/v1/users/me/").status_code == 401
    assert login(api, user.email).status_code == 401
    assert login(api, user.email, NEW).status_code == 200
    assert ActivityLog.objects.filter(action="user.password_reset", object_id=str(user.pk)).exists()

    again = api.post(
        "/api/v1/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": NEW + "x"}
    )
    assert again.status_code == 400 and again.json()["code"] == "invalid_token"


@pytest.mark.parametrize(
    "uid, token",
    [("bm9wZQ", "abc-def"), ("!!!", "x"), ("", "x"), ("OTk5OTk5", "abc-def"), (None, None)],
)
def test_reset_confirm_refuses_bad_links(api, uid, token):
    user: User = UserFactory.create()
    real_token = default_token_generator.make_token(user)
    real_uid = urlsafe_base64_encode(force_bytes(user.pk))
    body = {
        "uid": real_uid if uid is None else uid,
        "token": "1-wrong" if token is None else token,
        "new_password": NEW,
    }
    response = api.post("/api/v1/auth/password/reset/confirm/", body)
    assert response.status_code == 400
    if uid:
        assert response.json()["code"] == "invalid_token"
    user.refresh_from_db()
    assert default_token_generator.check_token(user, real_token)  # nothing changed


def test_change_password_keeps_this_session_and_signs_out_the_others(make_api):
    user = UserFactory()
    this, this_tokens = signed_in(make_api, user)
    other, other_tokens = signed_in(make_api, user)

    wrong = this.post("/api/v1/users/me/password/", {"old_password": "nope", "new_password": NEW})
    assert wrong.status_code == 400 and "old_password" in wrong.json()["fields"]
    weak = this.post("/api/v1/users/me/password/", {"old_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 400 and weak.json()["fields"]["new_password"]

    ok = this.post("/api/v1/users/me/password/", {"old_password": PASSWORD, "new_password": NEW})
    assert ok.status_code == 204, ok.content
    assert this.get("/api/v1/users/me/").status_code == 200
    assert other.get("/api/v1/users/me/").status_code == 401
    refreshed = make_api().post("/api/v1/auth/token/refresh/", {"refresh": other_tokens["refresh"]})
    assert refreshed.status_code == 401
    assert (
        make_api().post("/api/v1/auth/token/refresh/", {"refresh": this_tokens["refresh"]}).status_code == 200
    )
    assert login(make_api(), user.email, NEW).status_code == 200
    assert ActivityLog.objects.filter(action="user.password_change", object_id=str(user.pk)).exists()
    assert ActivityLog.objects.filter(action="session.revoke_password_change").count() == 1


def test_change_password_needs_a_session(api):
    assert (
        api.post("/api/v1/users/me/password/", {"old_password": "a", "new_password": "b"}).status_code == 401
    )
