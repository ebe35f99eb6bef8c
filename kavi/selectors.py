"""Reads for KAVI: a user's own conversations in a business, and what a follow-up needs to know."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Substr

from users.models import Business

from .models import Conversation, Message, MessageRole
from .understand import Frame

PREVIEW_CHARS = 160
HISTORY_MESSAGES = 6


def conversations_of(*, queryset: QuerySet[Conversation], user: Any) -> QuerySet[Conversation]:
    """The caller's own conversations (the queryset is already scoped to the active business), newest
    first, each with its message count and a preview of its last message."""
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        queryset.filter(user=user)
        .annotate(
            message_count=Count("messages"),
            last_message=Subquery(
                last.annotate(preview=Substr("content", 1, PREVIEW_CHARS)).values("preview")[:1]
            ),
            last_message_at=Subquery(last.values("created_at")[:1]),
        )
        .order_by("-updated_at", "-id")
    )


def conversation_with_messages(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return queryset.prefetch_related(
        Prefetch("messages", queryset=Message.objects.order_by("created_at", "id"))
    )


def conversation_get(*, business: Business, user: Any, pk: int) -> Conversation | None:
    return Conversation.objects.filter(business=business, user=user, pk=pk).first()


def conversation_context(*, conversation: Conversation | None) -> tuple[Frame | None, list[dict[str, str]]]:
    """The last answer's frame (for follow-ups) and the last few messages (for Gemini)."""
    if conversation is None:
        return None, []
    rows = list(
        Message.objects.filter(business=conversation.business_id, conversation=conversation)
        .order_by("-created_at", "-id")
        .values("role", "content", "frame")[:HISTORY_MESSAGES]
    )
    rows.reverse()
    frame = None
    for row in reversed(rows):
        if row["role"] == MessageRole.ASSISTANT and row["frame"]:
            frame = Frame.from_dict(row["frame"])
            break
    history = [{"role": r["role"], "content": r["content"]} for r in rows]
    return frame, history
