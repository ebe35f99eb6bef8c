"""Gemini (google-genai) over KAVI's own tools, with an explicit function-calling loop: the model
asks for tools, we run them for the active business only, and send back their results. Its final
text is used only when every number in it came from those results; otherwise the caller falls back
to the built-in engine."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from google import genai
from google.genai import types

from users.models import Business

from . import grounding, tools
from .names import Entity, NameIndex
from .text import normalise, singular, words

logger = logging.getLogger(__name__)
MAX_ROUNDS = 4
MAX_CALLS_PER_ROUND = 6


class GeminiFailed(Exception):
    """The model could not give a usable, grounded answer; use the built-in engine."""


@dataclass
class GeminiAnswer:
    text: str
    results: list[tools.ToolResult]


# --- Declarations -------------------------------------------------------------------------------------

S = types.Schema
T = types.Type


def _date(description: str) -> types.Schema:
    return S(type=T.STRING, description=f"{description}, YYYY-MM-DD (local date of the business)")


_RANGE = {"date_from": _date("First day"), "date_to": _date("Last day")}
_NAME = {
    "category": S(type=T.STRING, description="A category name of this business, e.g. Transport"),
    "supplier": S(type=T.STRING, description="A supplier name of this business"),
    "customer": S(type=T.STRING, description="A customer name of this business"),
}
_TYPE = S(type=T.STRING, enum=["income", "expense"], description="income or expense")


def _declare(name: str, description: str, properties: dict[str, types.Schema], required: list[str]) -> Any:
    return types.FunctionDeclaration(
        name=name,
        description=description,
        parameters=S(type=T.OBJECT, properties=properties, required=required) if properties else None,
    )


DECLARATIONS = [
    _declare(
        "get_totals",
        "Income, expense, net and counts of completed transactions in a date range, optionally for "
        "one category, supplier or customer.",
        {**_RANGE, **_NAME},
        ["date_from", "date_to"],
    ),
    _declare(
        "get_top_categories",
        "Categories ranked by total for income or expense in a date range.",
        {**_RANGE, "transaction_type": _TYPE},
        ["date_from", "date_to", "transaction_type"],
    ),
    _declare(
        "get_largest_transactions",
        "The largest single transactions of a type in a date range.",
        {**_RANGE, "transaction_type": _TYPE, "category": _NAME["category"], "limit": S(type=T.INTEGER)},
        ["date_from", "date_to", "transaction_type"],
    ),
    _declare(
        "get_receivables",
        "What customers owe now on unpaid invoices: outstanding, overdue count and amount, top debtors "
        "and the overdue invoices; or for one customer.",
        {"customer": _NAME["customer"]},
        [],
    ),
    _declare(
        "get_customer_payments",
        "Money received from customers in a date range, by customer, largest first.",
        dict(_RANGE),
        ["date_from", "date_to"],
    ),
    _declare(
        "get_supplier_payments",
        "Money paid to suppliers in a date range, by supplier, largest first.",
        dict(_RANGE),
        ["date_from", "date_to"],
    ),
    _declare(
        "get_invoice_counts",
        "Invoices by issue date in a range: how many were issued, their value, and counts by status.",
        dict(_RANGE),
        [],
    ),
    _declare(
        "get_budget_status",
        "Budgets (optionally of one category) in a date range, or the current ones: spent, amount, "
        "remaining and whether each was exceeded.",
        {"category": _NAME["category"], **_RANGE},
        [],
    ),
    _declare(
        "get_balance", "The cash balance (income minus expenses) up to a date.", {"as_of": _date("Day")}, []
    ),
    _declare(
        "get_cash_flow",
        "Opening balance, inflow, outflow, net and closing balance for a date range.",
        dict(_RANGE),
        ["date_from", "date_to"],
    ),
    _declare(
        "compare_periods",
        "Income, expense and net in one date range against another, with percent changes.",
        {
            **_RANGE,
            "other_from": _date("First day of the period compared with"),
            "other_to": _date("Last day of the period compared with"),
            "measure": S(type=T.STRING, enum=["income", "expense", "net"]),
            **_NAME,
        },
        ["date_from", "date_to", "other_from", "other_to"],
    ),
    _declare("get_recent_transactions", "The latest transactions.", {"limit": S(type=T.INTEGER)}, []),
]


# --- Running a tool the model asked for -----------------------------------------------------------------


class BadArguments(Exception):
    pass


def _day(args: dict[str, Any], key: str, default: dt.date | None = None) -> dt.date:
    raw = args.get(key)
    if raw in (None, ""):
        if default is None:
            raise BadArguments(f"{key} is required (YYYY-MM-DD)")
        return default
    try:
        day = dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise BadArguments(f"{key} must be YYYY-MM-DD") from None
    if not 1990 <= day.year <= 2100:
        raise BadArguments(f"{key} is out of range")
    return day


def _range(args: dict[str, Any], today: dt.date) -> tuple[dt.date, dt.date]:
    start, end = _day(args, "date_from", today.replace(day=1)), _day(args, "date_to", today)
    if start > end:
        raise BadArguments("date_from is after date_to")
    return start, end


def _entity(names: NameIndex, kind: str, raw: Any) -> Entity | None:
    if raw in (None, ""):
        return None
    wanted = normalise(str(raw))
    for entity in names.entities:
        if entity.kind == kind and normalise(entity.name) == wanted:
            return entity
    for match in names.find([singular(w) for w in words(wanted)]):
        if match.entity.kind == kind and match.via != "missing":
            return match.entity
    known = [e.name for e in names.entities if e.kind == kind][:30]
    raise BadArguments(f"No {kind} called {raw!r} in these books. Known: {', '.join(known)}")


def _limit(args: dict[str, Any], default: int) -> int:
    try:
        return max(1, min(20, int(args.get("limit") or default)))
    except (TypeError, ValueError):
        return default


def _kind(args: dict[str, Any]) -> str:
    kind = str(args.get("transaction_type") or "expense")
    if kind not in ("income", "expense"):
        raise BadArguments("transaction_type must be income or expense")
    return kind


def run_tool(
    name: str, args: dict[str, Any], *, business: Business, names: NameIndex, today: dt.date
) -> tools.ToolResult:
    """One tool call from the model, for this business only. Names are resolved against this
    business's own categories, suppliers and customers."""
    args = dict(args or {})
    category = _entity(names, "category", args.get("category"))
    category_name = category.name if category else None

    def ranged() -> tuple[dt.date, dt.date]:
        return _range(args, today)

    calls: dict[str, Callable[[], tools.ToolResult]] = {
        "get_totals": lambda: tools.totals(
            business=business,
            date_from=ranged()[0],
            date_to=ranged()[1],
            category=category_name,
            supplier=_entity(names, "supplier", args.get("supplier")),
            customer=_entity(names, "customer", args.get("customer")),
        ),
        "get_top_categories": lambda: tools.top_categories(
            business=business, date_from=ranged()[0], date_to=ranged()[1], transaction_type=_kind(args)
        ),
        "get_largest_transactions": lambda: tools.largest_transactions(
            business=business,
            date_from=ranged()[0],
            date_to=ranged()[1],
            transaction_type=_kind(args),
            category=category_name,
            limit=_limit(args, 3),
        ),
        "get_receivables": lambda: tools.receivables(
            business=business, customer=_entity(names, "customer", args.get("customer"))
        ),
        "get_customer_payments": lambda: tools.customer_payments(
            business=business, date_from=ranged()[0], date_to=ranged()[1]
        ),
        "get_supplier_payments": lambda: tools.supplier_payments(
            business=business, date_from=ranged()[0], date_to=ranged()[1]
        ),
        "get_invoice_counts": lambda: tools.invoice_counts(
            business=business,
            date_from=_day(args, "date_from", dt.date(2000, 1, 1)),
            date_to=_day(args, "date_to", today),
        ),
        "get_budget_status": lambda: tools.budget_status(
            business=business,
            category=category_name,
            date_from=_day(args, "date_from") if args.get("date_from") else None,
            date_to=_day(args, "date_to") if args.get("date_to") else None,
        ),
        "get_balance": lambda: tools.balance(business=business, as_of=min(_day(args, "as_of", today), today)),
        "get_cash_flow": lambda: tools.cash_flow(
            business=business, date_from=ranged()[0], date_to=ranged()[1]
        ),
        "compare_periods": lambda: tools.compare_periods(
            business=business,
            measure=str(args.get("measure") or "net"),
            date_from=ranged()[0],
            date_to=ranged()[1],
            other_from=_day(args, "other_from"),
            other_to=_day(args, "other_to"),
            category=category_name,
            supplier=_entity(names, "supplier", args.get("supplier")),
            customer=_entity(names, "customer", args.get("customer")),
        ),
        "get_recent_transactions": lambda: tools.recent_transactions(
            business=business, limit=_limit(args, 5)
        ),
    }
    call = calls.get(name)
    if call is None:
        raise BadArguments(f"There is no tool called {name}")
    return call()


# --- The loop ---------------------------------------------------------------------------------------------


def _instruction(business: Business, names: NameIndex, today: dt.date, language: str) -> str:
    listed = {
        kind: ", ".join(e.name for e in names.entities if e.kind == kind)[:1500] or "none"
        for kind in ("category", "supplier", "customer")
    }
    reply_in = "Kiswahili" if language == "sw" else "English"
    return (
        "You are KAVI, the finance assistant of a Kenyan small business. Answer only from the tools, "
        "which read this business's own books. Never estimate, round or invent a figure: every number "
        f"you write must appear in a tool result. Write money as {business.currency} 1,234.50. "
        f"Reply in {reply_in}, in one to three short sentences that can be read aloud. "
        f"Today is {today.isoformat()} in the business's time zone. A month without a year means the "
        "most recent such month that is not in the future. "
        f"Categories: {listed['category']}. Suppliers: {listed['supplier']}. Customers: {listed['customer']}."
    )


def client() -> genai.Client:
    return genai.Client(
        api_key=settings.GEMINI_API_KEY,
        http_options=types.HttpOptions(
            base_url=settings.GEMINI_BASE_URL or None, timeout=int(settings.GEMINI_TIMEOUT_SECONDS * 1000)
        ),
    )


def ask(
    *,
    business: Business,
    question: str,
    language: str,
    history: list[dict[str, str]],
    names: NameIndex,
    today: dt.date,
) -> GeminiAnswer:
    """Raises GeminiFailed on any error, timeout, a loop that doesn't end, or an ungrounded number."""
    contents: list[Any] = [
        types.Content(
            role="model" if h["role"] == "assistant" else "user",
            parts=[types.Part.from_text(text=h["content"])],
        )
        for h in history
        if h.get("content")
    ]
    contents.append(types.Content(role="user", parts=[types.Part.from_text(text=question)]))
    config = types.GenerateContentConfig(
        system_instruction=_instruction(business, names, today, language),
        tools=[types.Tool(function_declarations=DECLARATIONS)],
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        temperature=0,
    )
    results: list[tools.ToolResult] = []
    text = ""
    try:
        model = client()
        for _ in range(MAX_ROUNDS):
            response = model.models.generate_content(
                model=settings.GEMINI_MODEL, contents=contents, config=config
            )
            candidate = response.candidates[0] if response.candidates else None
            content = candidate.content if candidate is not None else None
            parts = list(content.parts or []) if content is not None else []
            calls = [p.function_call for p in parts if p.function_call is not None]
            if not calls:
                text = "".join(p.text for p in parts if p.text and not p.thought).strip()
                break
            if content is None:
                raise GeminiFailed("function calls without content")
            contents.append(content)
            replies = []
            for call in calls[:MAX_CALLS_PER_ROUND]:
                name = call.name or ""
                try:
                    result = run_tool(
                        name, dict(call.args or {}), business=business, names=names, today=today
                    )
                    results.append(result)
                    payload: dict[str, Any] = {"params": result.params, "result": result.data}
                except BadArguments as exc:
                    payload = {"error": str(exc)}
                replies.append(types.Part.from_function_response(name=name, response=payload))
            contents.append(types.Content(role="user", parts=replies))
        else:
            raise GeminiFailed("the model kept calling tools")
    except GeminiFailed:
        raise
    except Exception as exc:  # any SDK, network or timeout error: the built-in engine answers instead
        logger.warning("Gemini failed, using the built-in engine: %s", exc)
        raise GeminiFailed(str(exc)) from exc
    if not text:
        raise GeminiFailed("empty reply")
    bad = grounding.check(
        text,
        [r.data for r in results] + [r.params for r in results],
        [question, *(h["content"] for h in history), today.isoformat()],
    )
    if bad:
        logger.warning("Gemini reply rejected: numbers not in the tool results: %s", bad[:5])
        raise GeminiFailed(f"ungrounded numbers {bad[:5]}")
    return GeminiAnswer(text=text, results=results)
