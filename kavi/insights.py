"""Proactive findings for the active business: overdue invoices, category spending spikes, budgets at
their warning line or over it, a cash shortfall projected over the next 30 days, and M-Pesa money
that no invoice took (customer credit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from core.money import ZERO, format_money
from finance import selectors
from finance.selectors import ledger
from users.models import Business

from . import tools
from .periods import Period

SPIKE_RATIO = Decimal("1.3")  # 30% above the trailing average
SPIKE_FLOOR = Decimal("1000.00")  # and at least this much more, so small categories don't cry wolf
TRAILING_MONTHS = 3
HORIZON_DAYS = 30


def _finding(kind: str, severity: str, title: str, message: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "severity": severity, "title": title, "message": message, "data": data}


def _pct(value: Decimal) -> str:
    return str(selectors.percent(value, places=tools.PERCENT_PLACES))


def _overdue(business: Business, sw: bool, kes: Any) -> list[dict[str, Any]]:
    d = tools.receivables(business=business).data
    if not d["overdue_count"]:
        return []
    oldest = d["oldest_overdue"]
    count, amount = d["overdue_count"], kes(d["overdue_amount"])
    if sw:
        title = f"Ankara {count} zimechelewa"
        message = f"Wateja wanadaiwa {amount} kwenye ankara {count} zilizopita tarehe ya kulipwa."
        if oldest:
            message += (
                f" Ya zamani zaidi ni {oldest['invoice_number']} ya {oldest['customer']} "
                f"(siku {oldest['days_overdue']})."
            )
    else:
        title = f"{count} overdue invoices"
        message = f"Customers owe {amount} on {count} invoices past their due date."
        if oldest:
            message += (
                f" The oldest is {oldest['invoice_number']} from {oldest['customer']}, "
                f"{oldest['days_overdue']} days overdue."
            )
    severity = "high" if oldest and oldest["days_overdue"] > 30 else "medium"
    data = {
        "count": count,
        "amount": d["overdue_amount"],
        "oldest_invoice": oldest["invoice_number"] if oldest else None,
        "oldest_customer": oldest["customer"] if oldest else None,
        "oldest_due_date": oldest["due_date"] if oldest else None,
        "oldest_days_overdue": oldest["days_overdue"] if oldest else None,
    }
    return [_finding("overdue_invoices", severity, title, message, data)]


def _spikes(business: Business, today: dt.date, sw: bool, kes: Any) -> list[dict[str, Any]]:
    """This month so far, and the last full month, against the average of the three months before."""
    this_month = today.replace(day=1)
    first = this_month - relativedelta(months=TRAILING_MONTHS + 1)
    sums = ledger.monthly_expense_by_category(business=business, date_from=first, date_to=today)
    findings = []
    for category, months in sorted(sums.items()):
        for current in (this_month, this_month - relativedelta(months=1)):
            trailing = [current - relativedelta(months=i) for i in range(1, TRAILING_MONTHS + 1)]
            average = sum((months.get(m, ZERO) for m in trailing), ZERO) / TRAILING_MONTHS
            spent = months.get(current, ZERO)
            if average <= 0 or spent <= average * SPIKE_RATIO or spent - average < SPIKE_FLOOR:
                continue
            so_far = current == this_month
            period = Period(
                current,
                today if so_far else current + relativedelta(months=1, days=-1),
                "month",
                to_date=so_far,
            )
            label = period.label("sw" if sw else "en")
            increase = _pct((spent - average) * 100 / average)
            if sw:
                title = f"Matumizi ya {category} yamepanda"
                message = (
                    f"{category}: {kes(spent)} {label}, asilimia {increase}% juu ya wastani wa miezi "
                    f"{TRAILING_MONTHS} iliyotangulia ({kes(average)})."
                )
            else:
                title = f"{category} spending is up"
                message = (
                    f"{category}: {kes(spent)} in {label}, {increase}% above the average of the previous "
                    f"{TRAILING_MONTHS} months ({kes(average)})."
                )
            findings.append(
                _finding(
                    "spending_spike",
                    "high" if spent >= 2 * average else "medium",
                    title,
                    message,
                    {
                        "category": category,
                        "date_from": period.start.isoformat(),
                        "date_to": period.end.isoformat(),
                        "amount": tools.money(spent),
                        "average": tools.money(average),
                        "increase_percent": increase,
                        "trailing_months": TRAILING_MONTHS,
                        "month_to_date": so_far,
                    },
                )
            )
            break  # this month's spike, else last month's: one finding per category
    return findings


def _budgets(business: Business, today: dt.date, sw: bool, kes: Any) -> list[dict[str, Any]]:
    findings = []
    for alert in selectors.budget_alerts(business=business, on=today):
        over = alert["status"] == "exceeded"
        category, spent, amount = alert["category"], kes(alert["spent"]), kes(alert["amount"])
        if sw:
            title = f"Bajeti ya {category} imezidiwa" if over else f"Bajeti ya {category} inakaribia kikomo"
            message = f"Mmetumia {spent} kati ya bajeti ya {amount} (asilimia {alert['utilization']}%)."
        else:
            title = f"{category} budget exceeded" if over else f"{category} budget nearly used"
            message = f"You have spent {spent} of the {amount} budget ({alert['utilization']}%)."
        findings.append(
            _finding(
                "budget_exceeded" if over else "budget_warning",
                "high" if over else "medium",
                title,
                message,
                {
                    k: alert[k]
                    for k in (
                        "category",
                        "amount",
                        "spent",
                        "remaining",
                        "utilization",
                        "status",
                        "start_date",
                        "end_date",
                    )
                },
            )
        )
    return findings


def _shortfall(business: Business, today: dt.date, sw: bool, kes: Any) -> list[dict[str, Any]]:
    """Balance now, plus what customers should pay in the next 30 days, minus 30 days of expenses at
    the trailing 3-month average."""
    balance = selectors.balance_before(business=business, day=today + dt.timedelta(days=1))
    expected, _, _ = tools.monthly_expense_average(business=business, months=TRAILING_MONTHS)
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    due = ledger.receivables_due(business=business, today=today, until=horizon)
    projected = balance + due - expected
    if projected >= 0:
        return []
    shortfall = -projected
    if sw:
        title = "Huenda pesa zikapungua ndani ya siku 30"
        message = (
            f"Salio ni {kes(balance)}, malipo ya wateja yanayotarajiwa ni {kes(due)}, na matumizi ya siku "
            f"{HORIZON_DAYS} yanakadiriwa kuwa {kes(expected)}: upungufu wa {kes(shortfall)}."
        )
    else:
        title = "Cash may run short in the next 30 days"
        message = (
            f"Your balance is {kes(balance)}, customers are due to pay {kes(due)}, and the next "
            f"{HORIZON_DAYS} days of expenses come to {kes(expected)} at the recent average: a shortfall of "
            f"{kes(shortfall)}."
        )
    data = {
        "balance": tools.money(balance),
        "receivables_due": tools.money(due),
        "expected_expenses": tools.money(expected),
        "projected_balance": tools.money(projected),
        "shortfall": tools.money(shortfall),
        "horizon_days": HORIZON_DAYS,
        "trailing_months": TRAILING_MONTHS,
    }
    return [_finding("cash_shortfall", "high", title, message, data)]


def _unapplied(business: Business, today: dt.date, sw: bool, kes: Any) -> list[dict[str, Any]]:
    """M-Pesa money of the last 30 days that no invoice took (finance.mpesa): the customers' credit."""
    since = today - dt.timedelta(days=HORIZON_DAYS)
    count, total = ledger.unapplied_payments(business=business, since=since)
    if not count:
        return []
    amount = kes(total)
    if sw:
        title = f"Malipo {count} ya M-Pesa hayajaingia kwenye ankara"
        message = (
            f"Wateja walilipa {amount} kwa ankara zilizokuwa zimeshalipwa au kuzidi salio lake, katika "
            f"siku {HORIZON_DAYS} zilizopita. Ni salio la mteja: lirudishe au litumie kwenye ankara ijayo."
        )
    else:
        title = f"{count} M-Pesa payments not applied to an invoice"
        message = (
            f"Customers paid {amount} in the last {HORIZON_DAYS} days for invoices that were already "
            "settled or owed less. It is their credit: refund it or use it on their next invoice."
        )
    data = {"count": count, "amount": f"{total:.2f}", "since": since.isoformat()}
    return [_finding("unapplied_payments", "medium", title, message, data)]


def insights(*, business: Business, language: str) -> dict[str, Any]:
    today = selectors.business_today(business)
    sw = language == "sw"

    def kes(value: Any) -> str:
        return format_money(Decimal(value), business.currency)

    findings = [
        *_overdue(business, sw, kes),
        *_budgets(business, today, sw, kes),
        *_spikes(business, today, sw, kes),
        *_shortfall(business, today, sw, kes),
        *_unapplied(business, today, sw, kes),
    ]
    order = {"high": 0, "medium": 1, "low": 2}
    findings.sort(key=lambda f: order.get(f["severity"], 3))
    return {
        "as_of": today.isoformat(),
        "currency": business.currency,
        "language": language,
        "findings": findings,
    }
