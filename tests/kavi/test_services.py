"""KAVI answers before it writes: no Gemini call runs inside a database transaction, and the exchange
is recorded afterwards in one short transaction."""

import pytest
from django.db import connections

from kavi.models import Conversation, Message
from tests.kavi.conftest import gemini_json

pytestmark = pytest.mark.django_db


def test_gemini_is_called_outside_any_transaction(books, chat, fake_gemini):
    conn = connections["default"]  # the test's thread serves the request: the same connection
    outer = len(conn.atomic_blocks)  # pytest-django's own transaction around the test
    depths: list[int] = []

    def respond(path, headers, body):
        depths.append(len(conn.atomic_blocks))
        return gemini_json([{"text": "Karibu."}])

    fake_gemini.respond = respond
    reply = chat("Hello")
    assert reply["provider"] == "gemini"
    assert depths == [outer]
    conversation = Conversation.objects.get(pk=reply["conversation_id"])
    assert list(Message.objects.filter(conversation=conversation).values_list("role", "content")) == [
        ("user", "Hello"),
        ("assistant", "Karibu."),
    ]


def test_the_exchange_is_written_in_one_transaction(books, chat, fake_gemini):
    conn = connections["default"]
    outer = len(conn.atomic_blocks)
    writes: list[int] = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")) and "kavi_" in sql:
            writes.append(len(conn.atomic_blocks))
        return execute(sql, params, many, context)

    fake_gemini.respond = lambda path, headers, body: gemini_json([{"text": "Karibu."}])
    with conn.execute_wrapper(record):
        first = chat("Hello")
        chat("Hello again", conversation_id=first["conversation_id"])
    # The conversation and its messages: each write inside the exchange's transaction (bulk_create
    # adds a savepoint of its own).
    assert len(writes) == 4 and all(depth > outer for depth in writes)
