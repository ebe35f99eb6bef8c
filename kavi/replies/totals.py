"""Replies about sums: totals of a period, several categories or periods, and comparisons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.money import quantize

from .. import tools
from ..periods import Period
from ..understand import Frame
from .base import (
    MEASURE_WORDS,
    Context,
    Handled,
    _default_period,
    _measure_for,
    _n,
    _suggest_after_totals,
    when,
)


def _totals(ctx: Context, frame: Frame) -> Handled:
    period = _default_period(frame, ctx.today)
    frame.period = period
    category = frame.category.name if frame.category else None
    result = ctx.use(
        tools.totals(
            business=ctx.business,
            date_from=period.start,
            date_to=period.end,
            category=category,
            supplier=frame.supplier,
            customer=frame.customer,
        )
    )
    d = result.data
    measure = _measure_for(frame)
    w = when(period, ctx.language)
    count_of = {"income": d["income_count"], "expense": d["expense_count"]}
    if frame.detail in ("average_month", "average_day") and measure in ("income", "expense", "net"):
        message = _average_sentence(ctx, frame, d, period, measure)
    elif frame.detail == "margin" and measure == "net":
        message = _net_sentence(ctx, d, w, frame)
        income = Decimal(d["income"])
        if income:
            margin = tools.percent_of(Decimal(d["net"]), income)
            message += ctx.t(
                f" That is a profit margin of {margin}% of income.",
                f" Hiyo ni faida ya asilimia {margin}% ya mapato.",
            )
    elif frame.detail == "count" and measure in ("income", "expense"):
        n = count_of[measure]
        message = ctx.t(
            f"You recorded {_n(n, measure + ' transaction')} {w}, totalling {ctx.kes(d[measure])}.",
            f"Ulirekodi miamala {n} ya {'mapato' if measure == 'income' else 'matumizi'} {w}, "
            f"jumla ya {ctx.kes(d[measure])}.",
        )
    elif measure == "income":
        message = _income_sentence(ctx, frame, d, w)
    elif measure == "expense":
        message = _expense_sentence(ctx, frame, d, w)
    elif measure == "net":
        message = _net_sentence(ctx, d, w, frame)
    else:
        message = ctx.t(
            f"{w[0].upper()}{w[1:]}: income {ctx.kes(d['income'])}, expenses {ctx.kes(d['expense'])}, "
            f"net {ctx.kes(d['net'])} ({_n(d['count'], 'transaction')}).",
            f"{w[0].upper()}{w[1:]}: mapato {ctx.kes(d['income'])}, matumizi {ctx.kes(d['expense'])}, "
            f"jumla halisi {ctx.kes(d['net'])} (miamala {d['count']}).",
        )
    data = {"measure": measure, "filters": _filters(frame), "result": _slim(d)}
    return message, data, _suggest_after_totals(ctx, frame, measure)


def _average_sentence(ctx: Context, frame: Frame, d: dict[str, Any], period: Period, measure: str) -> str:
    total = Decimal(d[measure])
    end = min(period.end, ctx.today) if period.start <= ctx.today else period.end
    if frame.detail == "average_day":
        units = (end - period.start).days + 1
        unit_en, unit_sw = "day", "siku"
    else:
        units = (end.year - period.start.year) * 12 + end.month - period.start.month + 1
        unit_en, unit_sw = "month", "mwezi"
    units = max(units, 1)
    units_sw = "siku" if unit_sw == "siku" else "mwezi" if units == 1 else "miezi"
    average = quantize(total / units)
    scope = f" ({frame.category.name})" if frame.category else f" ({_who(frame)})" if _who(frame) else ""
    name_en = {"income": "income", "expense": "spending", "net": "net profit"}[measure] + scope
    name_sw = MEASURE_WORDS["sw"][measure] + scope
    w = when(period, ctx.language)
    return ctx.t(
        f"Your average {name_en} per {unit_en} {w} was {ctx.kes(average)}: {ctx.kes(total)} over {units} "
        f"{unit_en}s.",
        f"Wastani wa {name_sw if scope else name_sw.lower()} kwa {unit_sw} {w} ulikuwa "
        f"{ctx.kes(average)}: {ctx.kes(total)} kwa {units_sw} {units}.",
    )


def _several_categories(ctx: Context, frame: Frame) -> Handled:
    """ "transport and marketing": each category's total, and their sum where they share a type."""
    period = _default_period(frame, ctx.today)
    frame.period = period
    w = when(period, ctx.language)
    categories = [c for c in [frame.category, *frame.extras.get("more_categories", [])] if c is not None][:5]
    parts_en, parts_sw, figures = [], [], []
    sums: dict[str, Decimal] = {}
    for category in categories:
        d = ctx.use(
            tools.totals(
                business=ctx.business, date_from=period.start, date_to=period.end, category=category.name
            )
        ).data
        kind = category.transaction_type if category.transaction_type in ("income", "expense") else "expense"
        sums[kind] = sums.get(kind, Decimal("0")) + Decimal(d[kind])
        parts_en.append(
            f"{ctx.kes(d[kind])} on {category.name}"
            if kind == "expense"
            else f"{ctx.kes(d[kind])} from {category.name}"
        )
        parts_sw.append(f"{ctx.kes(d[kind])} kwa {category.name}")
        figures.append({"category": category.name, "transaction_type": kind, "total": d[kind]})
    totals_en = "; ".join(
        f"{ctx.kes(total)} of {'spending' if kind == 'expense' else 'income'} in total"
        for kind, total in sums.items()
    )
    totals_sw = "; ".join(
        f"jumla ya {'matumizi' if kind == 'expense' else 'mapato'} {ctx.kes(total)}"
        for kind, total in sums.items()
    )
    message = ctx.t(
        f"{w[0].upper()}{w[1:]}: {', '.join(parts_en)}. That is {totals_en}.",
        f"{w[0].upper()}{w[1:]}: {', '.join(parts_sw)}. Hiyo ni {totals_sw}.",
    )
    data = {"categories": figures, "totals": {k: str(v) for k, v in sums.items()}}
    return message, data, _suggest_after_totals(ctx, frame, None)


def _several_periods(ctx: Context, frame: Frame) -> Handled:
    """ "income in 2025 and 2026": each period's figure, and the total of them."""
    periods = [p for p in [frame.period, *frame.extras.get("more_periods", [])] if p is not None][:4]
    measure = _measure_for(frame) or "net"
    category = frame.category.name if frame.category else None
    figures, parts = [], []
    total = Decimal("0")
    for period in periods:
        d = ctx.use(
            tools.totals(
                business=ctx.business,
                date_from=period.start,
                date_to=period.end,
                category=category,
                supplier=frame.supplier,
                customer=frame.customer,
            )
        ).data
        total += Decimal(d[measure])
        parts.append(f"{period.label(ctx.language)}: {ctx.kes(d[measure])}")
        figures.append({**period.as_dict(), "label": period.label(ctx.language), measure: d[measure]})
    scope = f" ({category or _who(frame)})" if category or _who(frame) else ""
    name_en = {"income": "Income", "expense": "Spending", "net": "Net profit"}[measure] + scope
    name_sw = MEASURE_WORDS["sw"][measure] + scope
    message = ctx.t(
        f"{name_en}: {'; '.join(parts)}. Together: {ctx.kes(total)}.",
        f"{name_sw}: {'; '.join(parts)}. Kwa pamoja: {ctx.kes(total)}.",
    )
    data = {"measure": measure, "periods": figures, "total": str(total)}
    return message, data, _suggest_after_totals(ctx, frame, measure)


def _who(frame: Frame) -> str:
    return frame.customer.name if frame.customer else frame.supplier.name if frame.supplier else ""


def _income_sentence(ctx: Context, frame: Frame, d: dict[str, Any], w: str) -> str:
    n = d["income_count"]
    amount = ctx.kes(d["income"])
    if frame.customer is not None:
        return ctx.t(
            f"{frame.customer.name} paid you {amount} {w} ({_n(n, 'payment')}"
            + (f", in {frame.category.name}" if frame.category else "")
            + ").",
            f"{frame.customer.name} alikulipa {amount} {w} (malipo {n}).",
        )
    if frame.category is not None:
        return ctx.t(
            f"Income from {frame.category.name} {w} was {amount} ({_n(n, 'transaction')}).",
            f"Mapato ya {frame.category.name} {w} yalikuwa {amount} (miamala {n}).",
        )
    return ctx.t(
        f"Your total income {w} was {amount} ({_n(n, 'transaction')}).",
        f"Mapato yako yote {w} yalikuwa {amount} (miamala {n}).",
    )


def _expense_sentence(ctx: Context, frame: Frame, d: dict[str, Any], w: str) -> str:
    n = d["expense_count"]
    amount = ctx.kes(d["expense"])
    if frame.supplier is not None:
        on = f" for {frame.category.name}" if frame.category else ""
        on_sw = f" kwa {frame.category.name}" if frame.category else ""
        return ctx.t(
            f"You paid {frame.supplier.name} {amount}{on} {w} ({_n(n, 'payment')}).",
            f"Ulimlipa {frame.supplier.name} {amount}{on_sw} {w} (malipo {n}).",
        )
    if frame.category is not None:
        return ctx.t(
            f"You spent {amount} on {frame.category.name} {w} ({_n(n, 'transaction')}).",
            f"Ulitumia {amount} kwa {frame.category.name} {w} (miamala {n}).",
        )
    return ctx.t(
        f"You spent {amount} in total {w} ({_n(n, 'transaction')}).",
        f"Ulitumia jumla ya {amount} {w} (miamala {n}).",
    )


def _net_sentence(ctx: Context, d: dict[str, Any], w: str, frame: Frame) -> str:
    net = Decimal(d["net"])
    income, expense = ctx.kes(d["income"]), ctx.kes(d["expense"])
    scope = f" ({frame.category.name})" if frame.category else ""
    if net >= 0:
        return ctx.t(
            f"{w[0].upper()}{w[1:]} you made a net profit of {ctx.kes(net)}{scope}: "
            f"income {income} minus expenses {expense}.",
            f"Faida halisi {w} ilikuwa {ctx.kes(net)}{scope}: mapato {income} ukiondoa matumizi {expense}.",
        )
    return ctx.t(
        f"{w[0].upper()}{w[1:]} you made a net loss of {ctx.kes(-net)}{scope}: income {income} minus "
        f"expenses {expense} gives {ctx.kes(net)}.",
        f"Ulipata hasara ya {ctx.kes(-net)} {w}{scope}: mapato {income} ukiondoa matumizi {expense} "
        f"ni {ctx.kes(net)}.",
    )


def _filters(frame: Frame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if frame.category:
        out["category"] = frame.category.name
    if frame.supplier:
        out["supplier"] = {"id": frame.supplier.id, "name": frame.supplier.name}
    if frame.customer:
        out["customer"] = {"id": frame.customer.id, "name": frame.customer.name}
    return out


def _slim(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in ("by_category", "months")} | (
        {"by_category": d["by_category"][:12]} if "by_category" in d else {}
    )


def _compare(ctx: Context, frame: Frame) -> Handled:
    if frame.period is None:
        last = Period(ctx.today.replace(day=1), ctx.today, "mtd").previous()
        frame.period, frame.other = last, last.previous()
    period = frame.period
    other = frame.other or period.previous()
    frame.other = other
    measure = _measure_for(frame)
    result = ctx.use(
        tools.compare_periods(
            business=ctx.business,
            measure=measure or "all",
            date_from=period.start,
            date_to=period.end,
            other_from=other.start,
            other_to=other.end,
            category=frame.category.name if frame.category else None,
            supplier=frame.supplier,
            customer=frame.customer,
        )
    )
    d = result.data
    a, b = period.label(ctx.language), other.label(ctx.language)
    measures = [measure] if measure else ["income", "expense"]
    sentences = [_change_sentence(ctx, m, d[m], a, b, frame) for m in measures]
    whole = frame.extras.get("whole_year")
    if whole:
        year = Period(dt.date(whole, 1, 1), dt.date(whole, 12, 31), "year")
        full = ctx.use(
            tools.compare_periods(
                business=ctx.business,
                measure=measure or "all",
                date_from=period.start,
                date_to=period.end,
                other_from=year.start,
                other_to=year.end,
                category=frame.category.name if frame.category else None,
                supplier=frame.supplier,
                customer=frame.customer,
            )
        ).data
        for m in measures:
            change = full[m]["percent_change"]
            if change is not None:
                sentences.append(
                    ctx.t(
                        f"Against the whole of {whole} ({ctx.kes(full[m]['previous'])}), that is {change}%.",
                        f"Ukilinganisha na mwaka mzima wa {whole} ({ctx.kes(full[m]['previous'])}), "
                        f"ni asilimia {change}%.",
                    )
                )
    suggestions = [
        ctx.t(
            f"Which expense category was largest in {a}?",
            f"Ni aina gani ya matumizi ilikuwa kubwa zaidi {a}?",
        ),
        ctx.t(f"What was our net profit in {a}?", f"Faida halisi ya {a} ilikuwa kiasi gani?"),
    ]
    return (
        " ".join(sentences),
        {"measure": measure, "other": {**other.as_dict(), "label": b}, "result": d},
        suggestions,
    )


def _change_sentence(ctx: Context, measure: str, f: dict[str, Any], a: str, b: str, frame: Frame) -> str:
    scope = frame.category.name if frame.category else _who(frame)
    subject_en = {"income": "Income", "expense": "Spending", "net": "Net profit"}[measure]
    subject_sw = MEASURE_WORDS["sw"][measure]
    if scope:
        subject_en = f"{subject_en} ({scope})"
        subject_sw = f"{subject_sw} ({scope})"
    current, previous = ctx.kes(f["current"]), ctx.kes(f["previous"])
    change = f["percent_change"]
    if change is None:
        return ctx.t(
            f"{subject_en} was {current} in {a}; there was none in {b} to compare with.",
            f"{subject_sw} {a}: {current}; hakukuwa na kiasi chochote {b} cha kulinganisha.",
        )
    value = Decimal(change)
    diff = ctx.kes(abs(Decimal(f["difference"])))
    if value > 0:
        verb_en, verb_sw = "rose", ("iliongezeka" if measure == "net" else "yaliongezeka")
    elif value < 0:
        verb_en, verb_sw = "fell", ("ilipungua" if measure == "net" else "yalipungua")
    else:
        return ctx.t(
            f"{subject_en} was unchanged (0.0%): {current} in {a} and {previous} in {b}.",
            f"{subject_sw} hayakubadilika (asilimia 0.0%): {current} {a} na {previous} {b}.",
        )
    return ctx.t(
        f"{subject_en} {verb_en} {abs(value)}% in {a} compared with {b}: {current} against {previous} "
        f"({'up' if value > 0 else 'down'} {diff}).",
        f"{subject_sw} {verb_sw} kwa asilimia {abs(value)}% {a} ikilinganishwa na {b}: {current} dhidi ya "
        f"{previous} ({'ongezeko la' if value > 0 else 'upungufu wa'} {diff}).",
    )
