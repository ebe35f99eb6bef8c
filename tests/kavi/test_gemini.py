"""Gemini through the real google-genai client, pointed at a local fake server: the function-call
loop, grounding, and falling back to the built-in engine on errors, timeouts and invented numbers."""

import json
import time

import pytest

from core.permissions import Role
from tests.factories import BusinessFactory, MembershipFactory
from tests.kavi.conftest import gemini_json, kes, make_books
from users.models import Customer

pytestmark = pytest.mark.django_db
QUESTION = "How much did we spend on transport in March 2025?"
CALL = {
    "functionCall": {
        "name": "get_totals",
        "args": {"date_from": "2025-03-01", "date_to": "2025-03-31", "category": "transport"},
    }
}


def _function_responses(body):
    return [
        part["functionResponse"]
        for content in body["contents"]
        for part in content.get("parts", [])
        if "functionResponse" in part
    ]


def test_a_function_call_round_trip_ends_in_a_grounded_answer(books, chat, fake_gemini):
    def respond(path, headers, body):
        if not _function_responses(body):
            return gemini_json([CALL])
        result = _function_responses(body)[0]["response"]["result"]
        return gemini_json(
            [{"text": f"You spent KES {float(result['expense']):,.2f} on transport in March 2025."}]
        )

    fake_gemini.respond = respond
    reply = chat(QUESTION)
    assert reply["provider"] == "gemini"
    assert reply["message"] == "You spent KES 2,000.75 on transport in March 2025."
    assert reply["sources"] == [
        {
            "tool": "totals",
            "params": {"date_from": "2025-03-01", "date_to": "2025-03-31", "category": "Transport"},
        }
    ]
    first, second = fake_gemini.requests
    assert first["path"] == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert first["headers"]["x-goog-api-key"] == "test-gemini-key"
    declared = {d["name"] for d in first["json"]["tools"][0]["functionDeclarations"]}
    assert {"get_totals", "get_receivables", "get_budget_status", "compare_periods"} <= declared
    assert first["json"]["contents"][-1]["parts"][0]["text"] == QUESTION
    (response,) = _function_responses(second["json"])
    assert response["name"] == "get_totals" and response["response"]["result"]["expense"] == "2000.75"
    assert 2 <= len(reply["suggestions"]) <= 4


def test_history_goes_with_a_follow_up(books, chat, fake_gemini):
    fake_gemini.respond = lambda path, headers, body: gemini_json([{"text": "Karibu."}])
    first = chat("Habari")
    chat("And what can you do?", conversation_id=first["conversation_id"])
    roles = [c["role"] for c in fake_gemini.requests[-1]["json"]["contents"]]
    assert roles == ["user", "model", "user"]


def test_a_timeout_falls_back_to_the_built_in_engine(books, chat, fake_gemini, settings):
    settings.GEMINI_TIMEOUT_SECONDS = 1
    fake_gemini.respond = lambda path, headers, body: (*gemini_json([{"text": "Too late."}])[:3], 3.0)
    started = time.monotonic()
    reply = chat(QUESTION)
    assert time.monotonic() - started < 2.8
    assert reply["provider"] == "builtin" and kes("2000.75") in reply["message"]


def test_a_server_error_falls_back(books, chat, fake_gemini):
    fake_gemini.respond = lambda path, headers, body: (
        500,
        "application/json",
        b'{"error": {"code": 500}}',
        0.0,
    )
    reply = chat(QUESTION)
    assert reply["provider"] == "builtin" and kes("2000.75") in reply["message"]
    assert len(fake_gemini.requests) == 1  # no retries


def test_an_ungrounded_number_gets_the_reply_rejected(books, chat, fake_gemini):
    def respond(path, headers, body):
        if not _function_responses(body):
            return gemini_json([CALL])
        return gemini_json([{"text": "You spent KES 9,999,999.00 on transport in March 2025."}])

    fake_gemini.respond = respond
    reply = chat(QUESTION)
    assert reply["provider"] == "builtin"
    assert "9,999,999" not in reply["message"] and kes("2000.75") in reply["message"]


def test_numbers_from_the_question_and_years_are_allowed(books, chat, fake_gemini):
    def respond(path, headers, body):
        if not _function_responses(body):
            return gemini_json([CALL])
        return gemini_json(
            [{"text": "In March 2025 you spent 2000.75 shillings on transport across 2 trips."}]
        )

    fake_gemini.respond = respond
    assert chat(QUESTION)["provider"] == "gemini"


def test_the_loop_is_capped(books, chat, fake_gemini):
    fake_gemini.respond = lambda path, headers, body: gemini_json([CALL])
    reply = chat(QUESTION)
    assert reply["provider"] == "builtin" and len(fake_gemini.requests) == 4


def test_unknown_tools_and_foreign_names_get_an_error_not_data(books, chat, fake_gemini):
    calls = [
        {"functionCall": {"name": "drop_tables", "args": {}}},
        {
            "functionCall": {
                "name": "get_totals",
                "args": {"date_from": "2025-03-01", "date_to": "2025-03-31", "supplier": "Someone Else Ltd"},
            }
        },
        {"functionCall": {"name": "get_totals", "args": {"date_from": "not a date"}}},
    ]

    def respond(path, headers, body):
        if not _function_responses(body):
            return gemini_json(calls)
        return gemini_json([{"text": "I could not find that."}])

    fake_gemini.respond = respond
    reply = chat(QUESTION)
    responses = _function_responses(fake_gemini.requests[1]["json"])
    assert all("error" in r["response"] for r in responses)
    assert reply["provider"] == "gemini" and reply["sources"] == []


def test_no_other_business_reaches_the_model(business, owner, books, chat, fake_gemini):
    other = BusinessFactory(legal_name="Siri Kubwa Ltd")
    other_owner = MembershipFactory(business=other, role=Role.OWNER).user
    other_books = make_books(other, other_owner)
    Customer.objects.filter(pk=other_books.customers["Greenpark Estates"].pk).update(
        name="Zebra Secret Holdings"
    )

    def respond(path, headers, body):
        if not _function_responses(body):
            return gemini_json(
                [
                    {"functionCall": {"name": "get_receivables", "args": {}}},
                    {
                        "functionCall": {
                            "name": "get_customer_payments",
                            "args": {"date_from": "2025-01-01", "date_to": "2025-12-31"},
                        }
                    },
                ]
            )
        return gemini_json([{"text": "Customers owe you KES 14,600.00."}])

    fake_gemini.respond = respond
    reply = chat("How much do customers owe us?")
    assert reply["provider"] == "gemini"
    sent = json.dumps([r["json"] for r in fake_gemini.requests])
    assert "Zebra Secret Holdings" not in sent and "Siri Kubwa" not in sent
    assert "29200.00" not in sent and "64000.00" not in sent  # the two businesses' sums
