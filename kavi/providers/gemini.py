"""Gemini (google-genai) over KAVI's own tools, with an explicit function-calling loop: the model
asks for tools, we run them for the active business only, and send back their results. Its final
text is used only when every number in it came from those results; otherwise the caller falls back
to the built-in engine. The SDK is imported on first use: it takes over a second, which every
worker boot would otherwise pay."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from users.models import Business

from .. import tools
from ..names import NameIndex
from . import grounding
from .tool_calls import BadArguments, run_tool

if TYPE_CHECKING:
    from google import genai

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


@functools.cache
def declarations() -> list[Any]:
    """The tools the model may call, declared once per process."""
    from google.genai import types  # the SDK on first use (see the module docstring)

    S = types.Schema
    T = types.Type

    def date(description: str) -> Any:
        return S(type=T.STRING, description=f"{description}, YYYY-MM-DD (local date of the business)")

    dates = {"date_from": date("First day"), "date_to": date("Last day")}
    named = {
        "category": S(type=T.STRING, description="A category name of this business, e.g. Transport"),
        "supplier": S(type=T.STRING, description="A supplier name of this business"),
        "customer": S(type=T.STRING, description="A customer name of this business"),
    }
    income_or_expense = S(type=T.STRING, enum=["income", "expense"], description="income or expense")

    def declare(name: str, description: str, properties: dict[str, Any], required: list[str]) -> Any:
        return types.FunctionDeclaration(
            name=name,
            description=description,
            parameters=S(type=T.OBJECT, properties=properties, required=required) if properties else None,
        )

    return [
        declare(
            "get_totals",
            "Income, expense, net and counts of completed transactions in a date range, optionally for "
            "one category, supplier or customer.",
            {**dates, **named},
            ["date_from", "date_to"],
        ),
        declare(
            "get_top_categories",
            "Categories ranked by total for income or expense in a date range.",
            {**dates, "transaction_type": income_or_expense},
            ["date_from", "date_to", "transaction_type"],
        ),
        declare(
            "get_largest_transactions",
            "The largest single transactions of a type in a date range.",
            {
                **dates,
                "transaction_type": income_or_expense,
                "category": named["category"],
                "limit": S(type=T.INTEGER),
            },
            ["date_from", "date_to", "transaction_type"],
        ),
        declare(
            "get_receivables",
            "What customers owe now on unpaid invoices: outstanding, overdue count and amount, top debtors "
            "and the overdue invoices; or for one customer.",
            {"customer": named["customer"]},
            [],
        ),
        declare(
            "get_customer_payments",
            "Money received from customers in a date range, by customer, largest first.",
            dict(dates),
            ["date_from", "date_to"],
        ),
        declare(
            "get_supplier_payments",
            "Money paid to suppliers in a date range, by supplier, largest first.",
            dict(dates),
            ["date_from", "date_to"],
        ),
        declare(
            "get_invoice_counts",
            "Invoices by issue date in a range: how many were issued, their value, and counts by status.",
            dict(dates),
            [],
        ),
        declare(
            "get_budget_status",
            "Budgets (optionally of one category) in a date range, or the current ones: spent, amount, "
            "remaining and whether each was exceeded.",
            {"category": named["category"], **dates},
            [],
        ),
        declare(
            "get_balance",
            "The cash balance (income minus expenses) up to a date.",
            {"as_of": date("Day")},
            [],
        ),
        declare(
            "get_cash_flow",
            "Opening balance, inflow, outflow, net and closing balance for a date range.",
            dict(dates),
            ["date_from", "date_to"],
        ),
        declare(
            "compare_periods",
            "Income, expense and net in one date range against another, with percent changes.",
            {
                **dates,
                "other_from": date("First day of the period compared with"),
                "other_to": date("Last day of the period compared with"),
                "measure": S(type=T.STRING, enum=["income", "expense", "net"]),
                **named,
            },
            ["date_from", "date_to", "other_from", "other_to"],
        ),
        declare("get_recent_transactions", "The latest transactions.", {"limit": S(type=T.INTEGER)}, []),
    ]


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
    from google import genai
    from google.genai import types  # the SDK on first use (see the module docstring)

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
    from google.genai import types  # the SDK on first use (see the module docstring)

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
        tools=[types.Tool(function_declarations=declarations())],
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
