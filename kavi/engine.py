"""The built-in engine: needs no keys. A question becomes a frame (kavi.understand), the frame one
or two tool calls (kavi.tools), and the tool results a short reply in English or Kiswahili.
Every figure in a reply is a tool result, written as "KES 1,234.50"."""

from __future__ import annotations

import datetime as dt

from finance.selectors import business_today
from users.models import Business

from . import tools
from .category_words import in_swahili
from .names import Entity, NameIndex
from .replies.base import Context, Reply
from .replies.books import _balance, _budget, _cash_flow, _invoices, _party_payments, _receivables
from .replies.help import _capabilities, _missing_category, _payables
from .replies.rankings import _best_month, _largest, _recent, _top_categories
from .replies.totals import _compare, _several_categories, _several_periods, _totals
from .text import detect_language
from .understand import Frame, merge, parse

__all__ = ["Reply", "answer", "understand"]


# --- Entry point ----------------------------------------------------------------------------------------


def understand(
    *, business: Business, question: str, names: NameIndex, previous: Frame | None, today: dt.date
) -> Frame:
    parsed = parse(question, names=names, today=today)
    frame = parsed.frame
    usable = previous is not None and previous.intent not in ("help", "greeting", "unknown")
    leans_on_previous = (frame.follow_up or not frame.explicit) and parsed.has_content
    bare_follow_up = frame.follow_up and frame.intent in ("unknown", "totals")
    if usable and previous is not None and (leans_on_previous or bare_follow_up):
        frame = merge(previous, frame, today)
    # A remembered name must still be one of this business's names.
    known = {(e.kind, e.id, e.name) for e in names.entities}
    for attribute in ("category", "supplier", "customer"):
        entity: Entity | None = getattr(frame, attribute)
        if entity is not None and (entity.kind, entity.id, entity.name) not in known:
            setattr(frame, attribute, None)
    return frame


def answer(
    *,
    business: Business,
    question: str,
    language: str | None = None,
    previous: Frame | None = None,
    names: NameIndex | None = None,
) -> Reply:
    today = business_today(business)
    names = names or tools.business_names(business=business)
    language = language if language in ("en", "sw") else detect_language(question)
    frame = understand(business=business, question=question, names=names, previous=previous, today=today)
    ctx = Context(business, language, names, today)
    handler = HANDLERS.get(frame.intent, _capabilities)
    if (
        frame.missing
        and frame.intent in ("totals", "budget", "largest", "compare")
        and not (frame.category or frame.supplier or frame.customer)
    ):
        handler = _missing_category
    if (
        frame.intent == "totals"
        and frame.extras.get("more_categories")
        and not (frame.supplier or frame.customer)
    ):
        handler = _several_categories
    elif frame.intent == "totals" and frame.extras.get("more_periods"):
        handler = _several_periods
    message, data, suggestions = handler(ctx, frame)
    if language == "sw":
        message = in_swahili(message, names)
        suggestions = [in_swahili(s, names, keep_book_name=False) for s in suggestions]
    period = frame.period
    data = {
        "intent": frame.intent,
        "language": language,
        **({"period": {**period.as_dict(), "label": period.label(language)}} if period else {}),
        **data,
    }
    return Reply(
        message=message,
        suggestions=suggestions[:4],
        data=data,
        sources=ctx.sources,
        intent=frame.intent,
        language=language,
        frame=frame.as_dict(),
    )


HANDLERS = {
    "totals": _totals,
    "best_month": _best_month,
    "top_categories": _top_categories,
    "largest": _largest,
    "receivables": _receivables,
    "customer_payments": _party_payments,
    "supplier_payments": _party_payments,
    "budget": _budget,
    "compare": _compare,
    "invoices": _invoices,
    "balance": _balance,
    "cash_flow": _cash_flow,
    "recent": _recent,
    "help": _capabilities,
    "greeting": _capabilities,
    "payables": _payables,
}
