"""Replies when there is nothing to compute: help, greetings, payables and a missing name."""

from __future__ import annotations

from ..understand import Frame
from .base import (
    CAPABILITIES_EN,
    CAPABILITIES_SW,
    Context,
    Handled,
    _capability_suggestions,
)


def _payables(ctx: Context, frame: Frame) -> Handled:
    frame.period = None
    message = ctx.t(
        "I don't keep track of what you owe suppliers yet, only what you have paid them. " + CAPABILITIES_EN,
        "Bado sifuatilii madeni unayodaiwa na wasambazaji, ila malipo uliyowalipa. " + CAPABILITIES_SW,
    )
    return message, {}, _capability_suggestions(ctx)


def _capabilities(ctx: Context, frame: Frame) -> Handled:
    if frame.intent == "help":
        message = ctx.t(CAPABILITIES_EN, CAPABILITIES_SW)
    elif frame.intent == "greeting":
        message = ctx.t(f"Hello, I'm KAVI. {CAPABILITIES_EN}", f"Habari, mimi ni KAVI. {CAPABILITIES_SW}")
    else:
        frame.intent = "unknown"
        message = ctx.t(
            f"I can't answer that from your books. {CAPABILITIES_EN}",
            f"Siwezi kujibu hilo kutoka kwenye vitabu vyako. {CAPABILITIES_SW}",
        )
    frame.period = None
    return message, {}, _capability_suggestions(ctx)


def _missing_category(ctx: Context, frame: Frame) -> Handled:
    kinds = "income" if frame.measure == "income" else "expense"
    names = [e.name for e in ctx.names.categories if e.transaction_type == kinds][:10]
    listed = ", ".join(names) if names else ctx.t("none yet", "hakuna bado")
    message = ctx.t(
        f"I couldn't find \u201c{frame.missing}\u201d among your categories, suppliers or customers. Your "
        f"{kinds} categories are: {listed}.",
        f"Sikupata \u201c{frame.missing}\u201d kwenye aina, wasambazaji au wateja wako. Aina zako za "
        f"{'mapato' if kinds == 'income' else 'matumizi'} ni: {listed}.",
    )
    return message, {"missing": frame.missing}, _capability_suggestions(ctx)[:3]
