"""A tool call from the model, checked and run for the active business only: its arguments are
validated and its names resolved against the same business's categories, suppliers and customers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from users.models import Business

from .. import tools
from ..names import Entity, NameIndex
from ..text import normalise, singular, words


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
