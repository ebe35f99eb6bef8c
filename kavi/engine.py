"""The built-in engine: needs no keys. A question becomes a frame (kavi.understand), the frame one
or two tool calls (kavi.tools), and the tool results a short reply in English or Kiswahili.
Every figure in a reply is a tool result, written as "KES 1,234.50"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.money import format_money, quantize
from finance.selectors import business_today
from users.models import Business

from . import tools
from .names import Entity, NameIndex
from .periods import Period
from .text import detect_language
from .understand import Frame, merge, parse

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


# --- Handlers: each returns (message, data, suggestions) ------------------------------------------------


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


def _receivables(ctx: Context, frame: Frame) -> Handled:
    result = ctx.use(tools.receivables(business=ctx.business, customer=frame.customer))
    d = result.data
    frame.period = None
    suggestions = [
        ctx.t("Which invoices are overdue?", "Ni ankara zipi zimechelewa?"),
        ctx.t("Which customer owes us the most?", "Ni mteja gani anadaiwa zaidi?"),
        ctx.t("How many invoices did we issue this month?", "Tulitoa ankara ngapi mwezi huu?"),
    ]
    if frame.customer is not None:
        name = frame.customer.name
        message = ctx.t(
            f"{name} owes you {ctx.kes(d['outstanding'])} on {_n(d['open_count'], 'open invoice')}; "
            f"{ctx.kes(d['overdue_amount'])} of it is overdue ({_n(d['overdue_count'], 'invoice')}).",
            f"{name} anadaiwa {ctx.kes(d['outstanding'])} kwenye ankara {d['open_count']} ambazo "
            f"hazijalipwa; {ctx.kes(d['overdue_amount'])} kati ya hizo zimechelewa "
            f"(ankara {d['overdue_count']}).",
        )
        return message, {"detail": "customer", "result": d}, suggestions
    debtors = d["top_debtors"]
    top_line = ""
    if debtors:
        top = debtors[0]
        top_line = ctx.t(
            f" {top['customer']} owes the most: {ctx.kes(top['owed'])}.",
            f" {top['customer']} ndiye anadaiwa zaidi: {ctx.kes(top['owed'])}.",
        )
    oldest = d["oldest_overdue"]
    oldest_line = ""
    if oldest:
        oldest_line = ctx.t(
            f" The oldest is {oldest['invoice_number']} ({oldest['customer']}), "
            f"{oldest['days_overdue']} days past due.",
            f" Ya zamani zaidi ni {oldest['invoice_number']} ({oldest['customer']}), imepita siku "
            f"{oldest['days_overdue']} tangu tarehe ya mwisho.",
        )
    detail = frame.detail or "outstanding"
    late = f"{_n(d['overdue_count'], 'invoice')} {_are(d['overdue_count'])}"
    unpaid, overdue_n = _n(d["open_count"], "unpaid invoice"), _n(d["overdue_count"], "invoice")
    if detail == "top_debtor":
        if not debtors:
            message = ctx.t("No customer owes you anything right now.", "Hakuna mteja anayedaiwa kwa sasa.")
        else:
            top = debtors[0]
            rest = ", ".join(f"{x['customer']} {ctx.kes(x['owed'])}" for x in debtors[1:3])
            message = ctx.t(
                f"{top['customer']} owes you the most: {ctx.kes(top['owed'])} on "
                f"{_n(top['invoices'], 'open invoice')}." + (f" Next: {rest}." if rest else ""),
                f"{top['customer']} ndiye anadaiwa zaidi: {ctx.kes(top['owed'])} kwenye ankara "
                f"{top['invoices']} ambazo hazijalipwa." + (f" Wanaofuata: {rest}." if rest else ""),
            )
    elif detail in ("overdue_count", "overdue"):
        message = ctx.t(
            f"{late} overdue, worth {ctx.kes(d['overdue_amount'])} in total "
            f"(of {ctx.kes(d['outstanding'])} outstanding).{oldest_line}",
            f"Ankara {d['overdue_count']} zimechelewa kulipwa, jumla ya {ctx.kes(d['overdue_amount'])} "
            f"(kati ya {ctx.kes(d['outstanding'])} zinazodaiwa).{oldest_line}",
        )
    elif detail == "overdue_list":
        lines = "; ".join(
            f"{i['invoice_number']} {i['customer']} {ctx.kes(i['balance_due'])}" for i in d["overdue"][:5]
        )
        message = ctx.t(
            f"{late} overdue ({ctx.kes(d['overdue_amount'])})" + (f": {lines}." if lines else "."),
            f"Ankara {d['overdue_count']} zimechelewa ({ctx.kes(d['overdue_amount'])})"
            + (f": {lines}." if lines else "."),
        )
    elif detail == "debtor_count":
        n = d["debtor_count"]
        message = ctx.t(
            f"{_n(n, 'customer')} {'owes' if n == 1 else 'owe'} you money: {ctx.kes(d['outstanding'])} on "
            f"{unpaid}.{top_line}",
            f"Wateja {n} wanadaiwa: {ctx.kes(d['outstanding'])} kwenye ankara {d['open_count']} ambazo "
            f"hazijalipwa.{top_line}",
        )
    elif detail == "open_count":
        message = ctx.t(
            f"You have {_n(d['open_count'], 'unpaid invoice')} worth {ctx.kes(d['outstanding'])}; "
            f"{d['overdue_count']} of them are overdue ({ctx.kes(d['overdue_amount'])}).",
            f"Una ankara {d['open_count']} ambazo hazijalipwa, zenye thamani ya {ctx.kes(d['outstanding'])}; "
            f"{d['overdue_count']} kati yake zimechelewa ({ctx.kes(d['overdue_amount'])}).",
        )
    else:
        message = ctx.t(
            f"Customers owe you {ctx.kes(d['outstanding'])} in total on {unpaid}; "
            f"{ctx.kes(d['overdue_amount'])} of it is overdue ({overdue_n}).{top_line}",
            f"Wateja wanadaiwa jumla ya {ctx.kes(d['outstanding'])} kwenye ankara {d['open_count']} "
            f"ambazo hazijalipwa; {ctx.kes(d['overdue_amount'])} kati ya hizo zimechelewa "
            f"(ankara {d['overdue_count']}).{top_line}",
        )
    return message, {"detail": detail, "result": d}, suggestions


def _party_payments(ctx: Context, frame: Frame) -> Handled:
    period = _default_period(frame, ctx.today)
    frame.period = period
    customers = frame.intent == "customer_payments"
    tool = tools.customer_payments if customers else tools.supplier_payments
    result = ctx.use(
        tool(business=ctx.business, date_from=period.start, date_to=period.end, limit=max(5, _shown(frame)))
    )
    rows = result.data["customers" if customers else "suppliers"]
    w = when(period, ctx.language)
    total = ctx.kes(result.data["total"])
    if frame.detail == "total" and rows:
        top = rows[0]
        if customers:
            message = ctx.t(
                f"Customers paid you {total} {w}. {top['name']} paid the most: {ctx.kes(top['total'])}.",
                f"Wateja walikulipa {total} {w}. {top['name']} ndiye aliyelipa zaidi: "
                f"{ctx.kes(top['total'])}.",
            )
        else:
            message = ctx.t(
                f"You paid suppliers {total} {w}. The most went to {top['name']}: {ctx.kes(top['total'])}.",
                f"Uliwalipa wasambazaji {total} {w}. {top['name']} alilipwa zaidi: {ctx.kes(top['total'])}.",
            )
        return message, {"result": result.data}, [_previous_suggestion(ctx, period)]
    if not rows:
        message = ctx.t(
            f"I found no payments {'from customers' if customers else 'to suppliers'} {w}.",
            f"Sikupata malipo yoyote {'kutoka kwa wateja' if customers else 'kwa wasambazaji'} {w}.",
        )
    else:
        top = rows[0]
        rest = ", ".join(f"{r['name']} {ctx.kes(r['total'])}" for r in rows[1 : _shown(frame)])
        payments = _n(top["count"], "payment")
        if customers:
            message = ctx.t(
                f"{top['name']} paid you the most {w}: {ctx.kes(top['total'])} over {payments}."
                + (f" Next: {rest}." if rest else ""),
                f"{top['name']} ndiye aliyekulipa zaidi {w}: {ctx.kes(top['total'])} (malipo {top['count']})."
                + (f" Waliofuata: {rest}." if rest else ""),
            )
        else:
            message = ctx.t(
                f"You paid {top['name']} the most {w}: {ctx.kes(top['total'])} over {payments}."
                + (f" Next: {rest}." if rest else ""),
                f"Ulimlipa {top['name']} zaidi {w}: {ctx.kes(top['total'])} (malipo {top['count']})."
                + (f" Waliofuata: {rest}." if rest else ""),
            )
    suggestions = [_previous_suggestion(ctx, period)]
    if rows:
        name = rows[0]["name"]
        suggestions.append(
            ctx.t(f"How much does {name} owe us?", f"{name} anadaiwa kiasi gani?")
            if customers
            else ctx.t(f"How much did we pay {name} last year?", f"Tulimlipa {name} kiasi gani mwaka jana?")
        )
    return message, {"result": result.data}, suggestions


def _budget(ctx: Context, frame: Frame) -> Handled:
    period = frame.period
    category = frame.category.name if frame.category else None
    result = ctx.use(
        tools.budget_status(
            business=ctx.business,
            category=category,
            date_from=period.start if period else None,
            date_to=period.end if period else None,
        )
    )
    d = result.data
    rows = d["budgets"]
    w = when(period, ctx.language) if period else ctx.t("right now", "kwa sasa")
    name = f"{category} " if category else ""
    suggestions = [
        ctx.t("Which budgets are close to their limit?", "Ni bajeti zipi zinakaribia kikomo?"),
        ctx.t(
            "How much did we spend on transport last month?",
            "Tulitumia kiasi gani kwa usafiri mwezi uliopita?",
        ),
    ]
    if not rows:
        message = ctx.t(f"I found no {name}budget {w}.", f"Sikupata bajeti ya {name}{w}.".replace("  ", " "))
        return message, {"result": d}, suggestions
    if len(rows) == 1:
        b = rows[0]
        label = Period(
            dt.date.fromisoformat(b["start_date"]), dt.date.fromisoformat(b["end_date"]), _budget_kind(b)
        )
        bw = label.label(ctx.language)
        spent, amount = ctx.kes(b["spent"]), ctx.kes(b["amount"])
        if b["exceeded"]:
            excess = ctx.kes(Decimal(b["spent"]) - Decimal(b["amount"]))
            message = ctx.t(
                f"You went over the {b['category']} budget for {bw}: you spent {spent} against a "
                f"budget of {amount}, exceeding it by {excess} ({b['utilization']}% used).",
                f"Mlizidi bajeti ya {b['category']} ya {bw}: mlitumia {spent} dhidi ya bajeti ya "
                f"{amount}, zaidi kwa {excess} (asilimia {b['utilization']} imetumika).",
            )
        else:
            close = b["status"] == "warning"
            message = ctx.t(
                f"You stayed within the {b['category']} budget for {bw}: you spent {spent} of {amount}, "
                f"with {ctx.kes(b['remaining'])} remaining ({b['utilization']}% used"
                + ("; close to the limit" if close else "")
                + ").",
                f"Mlibaki chini ya bajeti ya {b['category']} ya {bw}: mlitumia {spent} kati ya "
                f"{amount}, imebaki {ctx.kes(b['remaining'])} (asilimia {b['utilization']} imetumika"
                + ("; inakaribia kikomo" if close else "")
                + ").",
            )
        return message, {"result": d}, suggestions
    over = [b for b in rows if b["exceeded"]]
    warn = [b for b in rows if b["status"] == "warning"]

    def names(items: list[dict[str, Any]]) -> str:
        return ", ".join(
            f"{b['category']} ({_budget_label(b, ctx.language)})" if category else b["category"]
            for b in items[:6]
        )

    if over:
        message = ctx.t(
            f"{len(over)} of {len(rows)} {name}budgets {w} went over: {names(over)}. In total you spent "
            f"{ctx.kes(d['spent'])} against {ctx.kes(d['amount'])} budgeted.",
            f"Bajeti {len(over)} kati ya {len(rows)} za {name}{w} zilizidiwa: {names(over)}. Kwa jumla "
            f"mlitumia {ctx.kes(d['spent'])} dhidi ya bajeti ya {ctx.kes(d['amount'])}.",
        )
    else:
        message = ctx.t(
            f"All {len(rows)} {name}budgets {w} stayed within their limits: you spent {ctx.kes(d['spent'])} "
            f"of {ctx.kes(d['amount'])}, with {ctx.kes(d['remaining'])} remaining.",
            f"Bajeti zote {len(rows)} za {name}{w} zilibaki chini ya kikomo: mlitumia {ctx.kes(d['spent'])} "
            f"kati ya {ctx.kes(d['amount'])}, imebaki {ctx.kes(d['remaining'])}.",
        )
    if warn:
        message += ctx.t(f" Close to the limit: {names(warn)}.", f" Zinakaribia kikomo: {names(warn)}.")
    return message, {"result": d}, suggestions


def _budget_label(row: dict[str, Any], language: str) -> str:
    start, end = dt.date.fromisoformat(row["start_date"]), dt.date.fromisoformat(row["end_date"])
    return Period(start, end, _budget_kind(row)).label(language)


def _budget_kind(row: dict[str, Any]) -> str:
    return {"monthly": "month", "quarterly": "quarter", "yearly": "year"}.get(row["period"], "range")


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


def _invoices(ctx: Context, frame: Frame) -> Handled:
    period = _default_period(frame, ctx.today)
    frame.period = period
    result = ctx.use(
        tools.invoice_counts(
            business=ctx.business, date_from=period.start, date_to=period.end, customer=frame.customer
        )
    )
    d = result.data
    w = when(period, ctx.language)
    if frame.customer is not None:
        w = ctx.t(f"to {frame.customer.name} {w}", f"kwa {frame.customer.name} {w}")
    by_status = d["by_status"]
    cancelled = by_status.get("cancelled", {}).get("count", 0)
    drafts = by_status.get("draft", {}).get("count", 0)
    status = frame.status
    if status:
        got = by_status.get(status, {"count": 0, "total": "0.00"})
        words_en = {
            "paid": "paid",
            "cancelled": "cancelled",
            "draft": "still drafts",
            "partially_paid": "partly paid",
        }[status]
        words_sw = {
            "paid": "zimelipwa",
            "cancelled": "zilifutwa",
            "draft": "bado ni rasimu",
            "partially_paid": "zimelipwa kwa sehemu",
        }[status]
        message = ctx.t(
            f"{_n(got['count'], 'invoice')} issued {w} {_are(got['count'])} {words_en}, "
            f"worth {ctx.kes(got['total'])}.",
            f"Ankara {got['count']} zilizotolewa {w} {words_sw}, zenye thamani ya {ctx.kes(got['total'])}.",
        )
    elif frame.detail == "amount":
        message = ctx.t(
            f"You invoiced {ctx.kes(d['issued_total'])} {w} across {_n(d['issued'], 'invoice')}.",
            f"Uliandika ankara za {ctx.kes(d['issued_total'])} {w} (ankara {d['issued']}).",
        )
    else:
        extra_en = []
        extra_sw = []
        if cancelled:
            extra_en.append(f"{cancelled} more {'was' if cancelled == 1 else 'were'} cancelled")
            extra_sw.append(f"{cancelled} zilifutwa")
        if drafts:
            extra_en.append(f"{_n(drafts, 'draft')} not yet sent")
            extra_sw.append(f"{drafts} bado ni rasimu")
        message = ctx.t(
            f"You issued {_n(d['issued'], 'invoice')} {w}, worth {ctx.kes(d['issued_total'])}"
            + (f" ({'; '.join(extra_en)})" if extra_en else "")
            + ".",
            f"Ulitoa ankara {d['issued']} {w}, zenye thamani ya {ctx.kes(d['issued_total'])}"
            + (f" ({'; '.join(extra_sw)})" if extra_sw else "")
            + ".",
        )
    suggestions = [
        ctx.t("How many invoices are overdue?", "Ankara ngapi zimechelewa?"),
        ctx.t("How much do customers owe us?", "Wateja wanadaiwa kiasi gani?"),
        _previous_suggestion(ctx, period),
    ]
    return message, {"status": status, "result": d}, suggestions


def _balance(ctx: Context, frame: Frame) -> Handled:
    period = frame.period
    as_of = min(period.end, ctx.today) if period is not None else ctx.today
    result = ctx.use(tools.balance(business=ctx.business, as_of=as_of))
    value = ctx.kes(result.data["balance"])
    if as_of == ctx.today:
        message = ctx.t(
            f"Your balance today is {value}: all income minus all expenses recorded up to today.",
            f"Salio lako leo ni {value}: mapato yote ukiondoa matumizi yote yaliyorekodiwa hadi leo.",
        )
    else:
        day = _date(as_of.isoformat(), ctx.language)
        message = ctx.t(
            f"Your balance at the end of {day} was {value}.", f"Salio lako mwisho wa {day} lilikuwa {value}."
        )
    suggestions = [
        ctx.t("What is our cash flow this month?", "Mtiririko wa pesa mwezi huu ukoje?"),
        ctx.t("How much do customers owe us?", "Wateja wanadaiwa kiasi gani?"),
    ]
    return message, {"result": result.data}, suggestions


def _cash_flow(ctx: Context, frame: Frame) -> Handled:
    period = _default_period(frame, ctx.today)
    frame.period = period
    result = ctx.use(tools.cash_flow(business=ctx.business, date_from=period.start, date_to=period.end))
    d = result.data
    w = when(period, ctx.language)
    message = ctx.t(
        f"Cash flow {w}: {ctx.kes(d['inflow'])} came in and {ctx.kes(d['outflow'])} went out, a net of "
        f"{ctx.kes(d['net'])}. Your balance went from {ctx.kes(d['opening_balance'])} to "
        f"{ctx.kes(d['closing_balance'])}.",
        f"Mtiririko wa pesa {w}: ziliingia {ctx.kes(d['inflow'])} na zilitoka {ctx.kes(d['outflow'])}, "
        f"tofauti ni {ctx.kes(d['net'])}. Salio lilianzia {ctx.kes(d['opening_balance'])} na kufika "
        f"{ctx.kes(d['closing_balance'])}.",
    )
    suggestions = [
        _previous_suggestion(ctx, period),
        ctx.t("What is our balance today?", "Salio letu leo ni kiasi gani?"),
    ]
    return message, {"result": _slim(d)}, suggestions


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


def _payables(ctx: Context, frame: Frame) -> Handled:
    frame.period = None
    message = ctx.t(
        "I don't keep track of what you owe suppliers yet, only what you have paid them. " + CAPABILITIES_EN,
        "Bado sifuatilii madeni unayodaiwa na wasambazaji, ila malipo uliyowalipa. " + CAPABILITIES_SW,
    )
    return message, {}, _capability_suggestions(ctx)


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


# --- Suggestions --------------------------------------------------------------------------------------------


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
