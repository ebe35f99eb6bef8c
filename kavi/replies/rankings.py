"""Replies that rank or list: top categories, largest transactions, the best month, recent ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .. import tools
from ..periods import Period
from ..understand import Frame
from .base import (
    MEASURE_WORDS,
    Context,
    Handled,
    _date,
    _default_period,
    _measure_for,
    _previous_suggestion,
    _shown,
    when,
)


def _top_categories(ctx: Context, frame: Frame) -> Handled:
    period = _default_period(frame, ctx.today)
    frame.period = period
    kind = "income" if frame.measure == "income" else "expense"
    result = ctx.use(
        tools.top_categories(
            business=ctx.business,
            date_from=period.start,
            date_to=period.end,
            transaction_type=kind,
            limit=max(5, _shown(frame)),
            smallest=frame.detail == "smallest",
        )
    )
    rows = result.data["categories"]
    w = when(period, ctx.language)
    size_en, size_sw = ("smallest", "ndogo") if frame.detail == "smallest" else ("largest", "kubwa")
    if not rows:
        message = ctx.t(
            f"I found no {kind} recorded {w}.",
            f"Sikupata {'mapato' if kind == 'income' else 'matumizi'} yoyote yaliyorekodiwa {w}.",
        )
    else:
        top = rows[0]
        rest = ", ".join(f"{r['category']} {ctx.kes(r['total'])}" for r in rows[1 : _shown(frame)])
        message = ctx.t(
            f"Your {size_en} {kind} category {w} was {top['category']} at {ctx.kes(top['total'])} "
            f"({top['share']}% of {ctx.kes(result.data['total'])})." + (f" Next: {rest}." if rest else ""),
            f"Aina {size_sw} zaidi ya {'mapato' if kind == 'income' else 'matumizi'} {w} ilikuwa "
            f"{top['category']}: {ctx.kes(top['total'])} (asilimia {top['share']} ya "
            f"{ctx.kes(result.data['total'])})." + (f" Zilizofuata: {rest}." if rest else ""),
        )
    suggestions = [
        ctx.t(
            f"What was our single largest {kind} {w}?",
            f"Ni {'mapato' if kind == 'income' else 'gharama'} gani moja kubwa zaidi {w}?",
        ),
    ]
    if rows:
        suggestions.append(
            ctx.t(
                f"How much did we spend on {rows[0]['category']} last year?",
                f"Tulitumia kiasi gani kwa {rows[0]['category']} mwaka jana?",
            )
            if kind == "expense"
            else ctx.t(
                f"How much did {rows[0]['category']} bring in last year?",
                f"Mapato ya {rows[0]['category']} mwaka jana yalikuwa kiasi gani?",
            )
        )
    suggestions.append(_previous_suggestion(ctx, period))
    return message, {"measure": kind, "result": result.data}, suggestions


def _largest(ctx: Context, frame: Frame) -> Handled:
    period = _default_period(frame, ctx.today)
    frame.period = period
    kind = "income" if _measure_for(frame) == "income" else "expense"
    category = frame.category.name if frame.category else None
    result = ctx.use(
        tools.largest_transactions(
            business=ctx.business,
            date_from=period.start,
            date_to=period.end,
            transaction_type=kind,
            category=category,
            limit=_shown(frame),
            smallest=frame.detail == "smallest",
        )
    )
    rows = result.data["transactions"]
    small = frame.detail == "smallest"
    size_en, size_sw = ("smallest", "mdogo") if small else ("largest", "mkubwa")
    w = when(period, ctx.language)
    kind_en = "expense" if kind == "expense" else "income transaction"
    kind_sw = "gharama" if kind == "expense" else "mapato"
    if not rows:
        message = ctx.t(f"I found no {kind_en} {w}.", f"Sikupata {kind_sw} yoyote {w}.")
        return message, {"measure": kind, "result": result.data}, [_previous_suggestion(ctx, period)]
    top = rows[0]
    detail = ", ".join(x for x in (top["category"], top["counterparty"], top["description"]) if x)
    rest = ", ".join(f"{ctx.kes(r['amount'])} ({r['category'] or '-'})" for r in rows[1 : _shown(frame)])
    message = ctx.t(
        f"Your single {size_en} {kind_en} {w} was {ctx.kes(top['amount'])}: {detail}, on "
        f"{_date(top['date'], 'en')}." + (f" Next {size_en}: {rest}." if rest else ""),
        f"Muamala mmoja {size_sw} zaidi wa {'matumizi' if kind == 'expense' else 'mapato'} {w} ulikuwa "
        f"{ctx.kes(top['amount'])}: {detail}, tarehe "
        f"{_date(top['date'], 'sw')}." + (f" Zilizofuata: {rest}." if rest else ""),
    )
    if category is None and not small:
        leaders = ctx.use(
            tools.top_categories(
                business=ctx.business,
                date_from=period.start,
                date_to=period.end,
                transaction_type=kind,
                limit=1,
            )
        ).data["categories"]
        if leaders:
            lead = leaders[0]
            message += ctx.t(
                f" By category, {lead['category']} was the largest at {ctx.kes(lead['total'])}.",
                f" Kwa aina, {lead['category']} ilikuwa kubwa zaidi: {ctx.kes(lead['total'])}.",
            )
    suggestions = [
        ctx.t(
            f"Which {kind} category was largest {w}?", f"Ni aina gani ya {kind_sw} ilikuwa kubwa zaidi {w}?"
        ),
        _previous_suggestion(ctx, period),
    ]
    return message, {"measure": kind, "result": result.data}, suggestions


def _best_month(ctx: Context, frame: Frame) -> Handled:
    period = frame.period
    if period is None or period.kind in ("month", "mtd", "day"):
        year = period.start.year if period else ctx.today.year
        period = Period(
            dt.date(year, 1, 1),
            min(dt.date(year, 12, 31), ctx.today),
            "ytd" if year == ctx.today.year else "year",
            to_date=year == ctx.today.year,
        )
    frame.period = period
    measure = _measure_for(frame) or "income"
    category = frame.category.name if frame.category else None
    result = ctx.use(
        tools.monthly_totals(
            business=ctx.business,
            date_from=period.start,
            date_to=min(period.end, ctx.today),
            category=category,
        )
    )
    started = [m for m in result.data["months"] if dt.date.fromisoformat(m["start"]) <= ctx.today]
    # The month under way is not yet comparable with whole months.
    months = [m for m in started if m["start"] != ctx.today.replace(day=1).isoformat()] or started
    w = when(period, ctx.language)
    if not months:
        return ctx.t(f"I found nothing recorded {w}.", f"Sikupata chochote {w}."), {"result": result.data}, []
    ranked = sorted(months, key=lambda m: (Decimal(m[measure]), m["start"]))
    low, high = ranked[0], ranked[-1]
    lowest_first = frame.detail == "lowest"

    def label(month: dict[str, Any]) -> str:
        start = dt.date.fromisoformat(month["start"])
        return Period(start, start, "month").label(ctx.language)

    scope = f" ({category})" if category else ""
    word_en = {"income": "income", "expense": "spending", "net": "net profit"}[measure] + scope
    word_sw = MEASURE_WORDS["sw"][measure].lower() + scope
    first, second = (low, high) if lowest_first else (high, low)
    first_en, second_en = ("lowest", "highest") if lowest_first else ("highest", "lowest")
    first_sw, second_sw = ("chini zaidi", "juu zaidi") if lowest_first else ("juu zaidi", "chini zaidi")
    message = ctx.t(
        f"Your {first_en} month for {word_en} {w} was {label(first)}, at {ctx.kes(first[measure])}. "
        f"The {second_en} was {label(second)}, at {ctx.kes(second[measure])}.",
        f"Mwezi wenye {word_sw} ya {first_sw} {w} ulikuwa {label(first)}: {ctx.kes(first[measure])}. "
        f"Wa {second_sw} ulikuwa {label(second)}: {ctx.kes(second[measure])}.",
    )
    suggestions = [
        ctx.t(
            f"Which expense category was largest in {label(first)}?",
            f"Ni aina gani ya matumizi ilikuwa kubwa zaidi {label(first)}?",
        ),
        ctx.t(
            f"What was our net profit in {label(first)}?",
            f"Faida halisi ya {label(first)} ilikuwa kiasi gani?",
        ),
    ]
    return message, {"measure": measure, "result": result.data}, suggestions


def _recent(ctx: Context, frame: Frame) -> Handled:
    result = ctx.use(tools.recent_transactions(business=ctx.business, limit=frame.limit or 5))
    rows = result.data["transactions"]
    frame.period = None
    if not rows:
        return ctx.t("You have no transactions yet.", "Bado huna miamala."), {"result": result.data}, []
    kinds = {
        "income": ctx.t("income", "mapato"),
        "expense": ctx.t("expense", "matumizi"),
        "transfer": ctx.t("transfer", "uhamisho"),
    }
    lines = "; ".join(
        f"{_date(r['date'], ctx.language)} {kinds.get(r['transaction_type'], '')} {ctx.kes(r['amount'])}"
        f" ({', '.join(x for x in (r['category'], r['counterparty']) if x) or '-'})"
        for r in rows
    )
    message = ctx.t(f"Your latest transactions: {lines}.", f"Miamala yako ya karibuni: {lines}.")
    suggestions = [
        ctx.t("How much did we spend this month?", "Tumetumia kiasi gani mwezi huu?"),
        ctx.t("What is our balance today?", "Salio letu leo ni kiasi gani?"),
    ]
    return message, {"result": result.data}, suggestions
