"""POST /kavi/chat/, the conversations, roles, bad input and the KAVI rate limit."""

import json

import pytest

from core.permissions import Role
from kavi.models import Conversation, Message
from tests.factories import MembershipFactory, UserFactory
from tests.kavi.conftest import kes

pytestmark = pytest.mark.django_db
CHAT = "/api/v1/kavi/chat/"
CONVERSATIONS = "/api/v1/kavi/conversations/"


def test_chat_answers_with_sources_data_and_suggestions(books, chat):
    body = chat("How much did we spend on transport in March 2025?")
    assert set(body) >= {"conversation_id", "message", "suggestions", "data", "sources"}
    assert kes("2000.75") in body["message"]
    assert body["sources"] == [
        {
            "tool": "totals",
            "params": {"date_from": "2025-03-01", "date_to": "2025-03-31", "category": "Transport"},
        }
    ]
    assert body["data"]["result"]["expense"] == "2000.75"  # figures as strings
    assert body["data"]["period"]["label"] == "March 2025"
    assert 2 <= len(body["suggestions"]) <= 4 and body["provider"] == "builtin"


def test_a_conversation_keeps_its_messages_and_follow_ups(books, chat, make_api, owner, business):
    first = chat("How much did we spend on transport in March 2025?")
    second = chat("na Aprili je?", conversation_id=first["conversation_id"])
    assert second["conversation_id"] == first["conversation_id"]
    assert kes("650.00") in second["message"] and second["language"] == "sw"
    api = make_api(owner, business)
    listed = api.get(CONVERSATIONS).json()["results"]
    assert len(listed) == 1 and listed[0]["message_count"] == 4
    assert listed[0]["last_message"] == second["message"][:160]
    detail = api.get(f"{CONVERSATIONS}{first['conversation_id']}/").json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "user", "assistant"]
    assert detail["messages"][1]["sources"][0]["tool"] == "totals"
    assert detail["messages"][1]["provider"] == "builtin" and detail["messages"][1]["latency_ms"] is not None
    assert Message.objects.filter(business=business).count() == 4


def test_conversations_are_the_callers_own_newest_first(books, chat, make_api, business):
    colleague = MembershipFactory(business=business, role=Role.STAFF).user
    theirs = make_api(colleague, business).post(CHAT, {"message": "Salio ni ngapi?"}, format="json").json()
    older = chat("What was our income in March 2025?")
    newer = chat("How much do customers owe us?")
    mine = make_api(books.owner, business).get(CONVERSATIONS).json()["results"]
    assert [c["id"] for c in mine] == [newer["conversation_id"], older["conversation_id"]]
    # Another member's conversation is a 404, to read or to continue.
    api = make_api(books.owner, business)
    assert api.get(f"{CONVERSATIONS}{theirs['conversation_id']}/").status_code == 404
    response = api.post(
        CHAT, {"message": "and in April?", "conversation_id": theirs["conversation_id"]}, format="json"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "x" * 10_000}, "message"),
        ({"message": ["a", "list"]}, "message"),
        ({"message": {"a": "dict"}}, "message"),
        ({"message": None}, "message"),
        ({"message": "hi\x00there"}, "message"),
        ({"message": "hi", "language": "fr"}, "language"),
        ({"message": "hi", "conversation_id": "abc"}, "conversation_id"),
        ({"message": "hi", "conversation_id": -1}, "conversation_id"),
        ({"message": "hi", "conversation_id": 10**30}, "conversation_id"),
    ],
)
def test_bad_input_is_a_400(make_api, owner, business, body, field):
    response = make_api(owner, business).post(CHAT, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]


def test_odd_input_never_causes_a_500(make_api, owner, business):
    api = make_api(owner, business)
    for pk in ("99999999999999999999", "abc", "-1", "0"):
        assert api.get(f"{CONVERSATIONS}{pk}/").status_code == 404
    assert api.post(CHAT, {"message": "hi", "conversation_id": 999999}, format="json").status_code == 404
    lone_surrogate = '{"message": "\\ud800 income"}'
    response = api.generic("POST", CHAT, lone_surrogate, content_type="application/json")
    assert response.status_code == 400
    assert api.generic("POST", CHAT, "{not json", content_type="application/json").status_code == 400
    assert api.post(CHAT, {"message": 12345}, format="json").status_code == 200  # a number is text here
    weird = api.post(CHAT, {"message": "💸💸 %%% ' OR 1=1 -- 2025-13-45 Q9 99/99/9999"}, format="json")
    assert weird.status_code == 200


def test_roles_staff_chats_and_viewers_read(books, make_api, business):
    viewer = MembershipFactory(business=business, role=Role.VIEWER).user
    staff = MembershipFactory(business=business, role=Role.STAFF).user
    assert make_api(viewer, business).post(CHAT, {"message": "hi"}, format="json").status_code == 403
    assert make_api(viewer, business).get("/api/v1/kavi/insights/").status_code == 200
    assert make_api(viewer, business).get(CONVERSATIONS).status_code == 200
    assert make_api(staff, business).post(CHAT, {"message": "hi"}, format="json").status_code == 200
    assert make_api().post(CHAT, {"message": "hi"}, format="json").status_code == 401


def test_kavi_rate_limit(make_api, owner, business, settings):
    # A day-long window, so the four requests never straddle two fixed windows.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour", "user": "1000/hour", "kavi": "3/day"},
    }
    api = make_api(owner, business)
    codes = [api.post(CHAT, {"message": "Salio ni ngapi?"}, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    throttled = api.post("/api/v1/kavi/tts/", {"text": "Habari"}, format="json")
    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"
    # Another user has their own allowance; reads are not KAVI-limited.
    other = MembershipFactory(business=business, role=Role.STAFF).user
    assert make_api(other, business).post(CHAT, {"message": "hi"}, format="json").status_code == 200
    assert api.get(CONVERSATIONS).status_code == 200


def test_the_default_kavi_rate_is_sixty_a_minute(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["kavi"] == "60/minute"


def test_messages_count_in_the_admin_analytics(books, chat, make_api):
    chat("What was our income in March 2025?")
    chat("How much do customers owe us?")
    admin = UserFactory(is_superuser=True, is_staff=True)
    analytics = make_api(admin).get("/api/v1/core/admin-analytics/").json()
    assert analytics["totals"]["kavi_messages"] == 4
    assert sum(point["count"] for point in analytics["series"]["kavi_messages"]) == 4


def test_conversation_list_is_json_safe_and_paginated(books, chat, make_api, owner, business):
    chat("What was our income in March 2025?")
    body = make_api(owner, business).get(CONVERSATIONS, {"page_size": 1}).json()
    assert set(body) >= {"next", "previous", "results"}
    json.dumps(body)
    assert Conversation.objects.get().title == "What was our income in March 2025?"
