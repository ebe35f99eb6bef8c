"""Replies about the state of the books: receivables, payments by party, budgets, invoices,
balance and cash flow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .. import tools
from ..periods import Period
from ..understand import Frame
from .base import (
    Context,
    Handled,
    _are,
    _date,
    _default_period,
    _n,
    _previous_suggestion,
    _shown,
    when,
)
from .totals import _slim


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
