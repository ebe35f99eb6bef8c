"""Writes for KAVI: a chat exchange (the question, the answer and how it was made). Messages are
usage data, counted in the admin analytics; they are not books, so they leave no audit row."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from finance.selectors import business_today
from users.models import Business

from . import engine, tools
from .engine import Reply
from .models import Conversation, Message, MessageRole, Provider
from .providers import gemini
from .selectors import conversation_context

logger = logging.getLogger(__name__)
TITLE_CHARS = 80


def assistant_reply(
    *, business: Business, question: str, language: str | None, conversation: Conversation | None
) -> Reply:
    """The built-in engine's answer, or Gemini's when a key is set and its answer is grounded."""
    previous, history = conversation_context(conversation=conversation)
    names = tools.business_names(business=business)
    reply = engine.answer(
        business=business, question=question, language=language, previous=previous, names=names
    )
    if not settings.GEMINI_API_KEY:
        return reply
    try:
        found = gemini.ask(
            business=business,
            question=question,
            language=reply.language,
            history=history,
            names=names,
            today=business_today(business),
        )
    except gemini.GeminiFailed:
        return reply
    reply.message = found.text
    reply.sources = [r.source() for r in found.results]
    reply.data = {**reply.data, "provider": "gemini", "results": [r.data for r in found.results]}
    reply.provider = Provider.GEMINI
    return reply


def chat_exchange(
    *,
    business: Business,
    user: Any,
    question: str,
    language: str | None = None,
    conversation: Conversation | None = None,
) -> tuple[Conversation, Reply]:
    """Answers a question and records it, with the answer, in the user's conversation (a new one
    when none is given). The answer comes first, outside any transaction: Gemini may take up to four
    calls of 15 s each, and no network call runs while a transaction holds a connection and locks."""
    started = time.perf_counter()
    reply = assistant_reply(
        business=business, question=question, language=language, conversation=conversation
    )
    latency = int((time.perf_counter() - started) * 1000)
    conversation = exchange_record(
        business=business,
        user=user,
        question=question,
        reply=reply,
        conversation=conversation,
        latency_ms=latency,
    )
    return conversation, reply


@transaction.atomic
def exchange_record(
    *,
    business: Business,
    user: Any,
    question: str,
    reply: Reply,
    conversation: Conversation | None,
    latency_ms: int,
) -> Conversation:
    """Writes the question and its answer in one short transaction."""
    if conversation is None:
        conversation = Conversation.objects.create(
            business=business,
            user=user,
            title=" ".join(question.split())[:TITLE_CHARS],
            language=reply.language,
        )
    else:
        Conversation.objects.filter(pk=conversation.pk).update(
            updated_at=timezone.now(), language=reply.language
        )
    Message.objects.bulk_create(
        [
            Message(
                business=business,
                conversation=conversation,
                role=MessageRole.USER,
                content=question,
                language=reply.language,
            ),
            Message(
                business=business,
                conversation=conversation,
                role=MessageRole.ASSISTANT,
                content=reply.message,
                language=reply.language,
                intent=reply.intent,
                data=reply.data,
                sources=reply.sources,
                suggestions=reply.suggestions,
                frame=reply.frame,
                provider=reply.provider,
                latency_ms=latency_ms,
            ),
        ]
    )
    return conversation
