"""What every reply handler shares: the reply, the question being answered, periods and counts in
words, and the follow-up suggestions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.money import format_money
from users.models import Business

from .. import tools
from ..names import NameIndex
from ..periods import Period
from ..understand import Frame

ALL_TIME_START = dt.date(2000, 1, 1)
MEASURE_WORDS = {
    "en": {"income": "income", "expense": "spending", "net": "net profit"},
    "sw": {"income": "Mapato", "expense": "Matumizi", "net": "Faida halisi"},
}


@dataclass
class Reply:
    message: str
    suggestions: list[str]
    data: dict[str, Any]
    sources: list[dict[str, Any]]
    intent: str
    language: str
    frame: dict[str, Any] = field(default_factory=dict)
    provider: str = "builtin"


class Context:
    """One question being answered: the business, its names, the language and what was used."""

    def __init__(self, business: Business, language: str, names: NameIndex, today: dt.date) -> None:
        self.business = business
        self.language = language
        self.names = names
        self.today = today
        self.sources: list[dict[str, Any]] = []
        self.results: list[tools.ToolResult] = []

    @property
    def sw(self) -> bool:
        return self.language == "sw"

    def use(self, result: tools.ToolResult) -> tools.ToolResult:
        self.results.append(result)
        self.sources.append(result.source())
        return result

    def kes(self, value: str | Decimal) -> str:
        return format_money(Decimal(value), self.business.currency)

    def t(self, en: str, sw: str) -> str:
        return sw if self.sw else en


# --- Periods in words ---------------------------------------------------------------------------------


def when(period: Period, language: str) -> str:
    label = period.label(language)
    if language == "sw":
        if period.kind == "day":
            return f"tarehe {label}"
        if period.kind == "all":
            return "tangu uanze kurekodi"
        if period.kind == "range":
            return f"kuanzia {label}"
        if period.kind in ("month", "mtd"):
            return f"mwezi {label}"
        return f"katika {label}"
    if period.kind == "day":
        return f"on {label}"
    if period.kind == "all":
        return "since you started recording"
    if period.kind == "range":
        return f"from {label}"
    return f"in {label}"


def _default_period(frame: Frame, today: dt.date) -> Period:
    if frame.period is not None:
        return frame.period
    if (
        frame.intent in ("customer_payments", "supplier_payments", "invoices")
        or frame.supplier
        or frame.customer
    ):
        return Period(ALL_TIME_START, today, "all")
    return Period(today.replace(day=1), today, "mtd", to_date=True)


def _date(value: str, language: str) -> str:
    return Period(dt.date.fromisoformat(value), dt.date.fromisoformat(value), "day").label(language)


def _shown(frame: Frame) -> int:
    """How many rows a ranking answer reads out: the top three unless the question asks for more."""
    return max(3, min(frame.limit or 3, 10))


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


Handled = tuple[str, dict[str, Any], list[str]]


def _measure_for(frame: Frame) -> str | None:
    measure = frame.measure
    category = frame.category
    if category is not None and category.transaction_type in ("income", "expense") and measure != "net":
        return category.transaction_type
    # Money paid to a supplier is spending and money from a customer is income, whatever the verb.
    if frame.supplier is not None and frame.customer is None:
        return "expense"
    if frame.customer is not None and frame.supplier is None:
        return "income"
    return measure


CAPABILITIES_EN = (
    "I answer from your own books: income, spending and profit for any period (\u201cHow much did we spend "
    "on transport in March?\u201d), the largest categories and transactions, what customers owe and which "
    "invoices are overdue, payments by customer or to a supplier, budgets, your balance and cash flow, "
    "invoice counts, and comparisons between periods."
)
CAPABILITIES_SW = (
    "Ninajibu kutoka kwenye vitabu vyako: mapato, matumizi na faida kwa kipindi chochote (\u201cTulitumia "
    "kiasi gani kwa usafiri mwezi Machi?\u201d), aina na miamala mikubwa zaidi, madeni ya wateja na ankara "
    "zilizochelewa, malipo ya wateja na kwa wasambazaji, bajeti, salio na mtiririko wa pesa, idadi ya "
    "ankara, na ulinganisho wa vipindi."
)


def _capability_suggestions(ctx: Context) -> list[str]:
    return [
        ctx.t("How much did we spend this month?", "Tumetumia kiasi gani mwezi huu?"),
        ctx.t("How much do customers owe us?", "Wateja wanadaiwa kiasi gani?"),
        ctx.t(
            "Which expense category was largest last month?",
            "Ni aina gani ya matumizi ilikuwa kubwa mwezi uliopita?",
        ),
        ctx.t("Did we go over any budget this month?", "Je, tulizidi bajeti yoyote mwezi huu?"),
    ]


def _previous_suggestion(ctx: Context, period: Period) -> str:
    previous = period.previous()
    if period.kind in ("mtd", "qtd", "ytd", "all"):
        return ctx.t("And last month?", "Na mwezi uliopita je?")
    label = previous.label(ctx.language)
    return ctx.t(f"And in {label}?", f"Na {label} je?")


def _suggest_after_totals(ctx: Context, frame: Frame, measure: str | None) -> list[str]:
    period = frame.period or Period(ctx.today, ctx.today, "day")
    label = period.label(ctx.language)
    out = [_previous_suggestion(ctx, period)]
    if measure == "expense" and frame.category is None and frame.supplier is None:
        out.append(
            ctx.t(
                f"Which expense category was largest in {label}?",
                f"Ni aina gani ya matumizi ilikuwa kubwa zaidi {label}?",
            )
        )
    if measure != "net":
        out.append(
            ctx.t(f"What was our net profit in {label}?", f"Faida halisi ya {label} ilikuwa kiasi gani?")
        )
    if frame.category is not None and measure == "expense":
        out.append(
            ctx.t(
                f"Did we go over our {frame.category.name} budget?",
                f"Je, tulizidi bajeti ya {frame.category.name}?",
            )
        )
    if measure == "income" and frame.customer is None:
        out.append(
            ctx.t(f"Which customer paid us the most in {label}?", f"Mteja gani alitulipa zaidi {label}?")
        )
    out.append(ctx.t("How much do customers owe us?", "Wateja wanadaiwa kiasi gani?"))
    return out[:4]
