"""An explainable credit score (300 to 850) from the books: eight factors, each scored 0 to 1 and
weighted, with the figure behind each one stated in plain words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, F, Q

from core.audit import audit_log, snapshot
from core.money import ZERO, format_money, quantize
from users.models import Business

from .forecasting import MonthlyBooks, monthly_books
from .models import Budget, CreditScore, Invoice, InvoiceStatus
from .selectors import OPEN_STATUSES, balance_before, budgets_with_usage, money, receivables

MODEL_VERSION = "1"
FLOOR, SPAN = 300, 550
# Grade = the first row whose score the business reaches.
GRADES = ((750, "A"), (670, "B"), (580, "C"), (500, "D"), (300, "E"))
WEIGHTS = {
    "history": Decimal("0.10"),
    "income_stability": Decimal("0.15"),
    "profit_margin": Decimal("0.20"),
    "cash_buffer": Decimal("0.15"),
    "receivables_health": Decimal("0.10"),
    "payment_behaviour": Decimal("0.10"),
    "budget_discipline": Decimal("0.05"),
    "revenue_growth": Decimal("0.15"),
}
LABELS = {
    "history": "Months of history",
    "income_stability": "Income stability",
    "profit_margin": "Profit margin",
    "cash_buffer": "Cash buffer",
    "receivables_health": "Receivables health",
    "payment_behaviour": "Invoice payment behaviour",
    "budget_discipline": "Budget discipline",
    "revenue_growth": "Revenue growth",
}
# Where a factor's score reaches 0 and 1 (linear in between). A factor with nothing to measure that
# a business may rightly lack (invoices, budgets, a second year) scores NEUTRAL instead.
FULL_HISTORY_MONTHS = 24
MARGIN_ZERO, MARGIN_FULL = Decimal("-0.10"), Decimal("0.25")
BUFFER_FULL_MONTHS = Decimal(3)
GROWTH_ZERO, GROWTH_FULL = Decimal("-0.20"), Decimal("0.20")
NEUTRAL = Decimal("0.5")
ONE = Decimal(1)
POSITIVE_FROM, NEGATIVE_BELOW = Decimal("0.6"), Decimal("0.4")


def grade_for(score: int) -> str:
    return next(grade for floor, grade in GRADES if score >= floor)


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, ZERO), ONE)


def _between(value: Decimal, zero: Decimal, full: Decimal) -> Decimal:
    return _clamp((value - zero) / (full - zero))


def _pct(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _one_place(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _months(n: int) -> str:
    return f"{n} month{'' if n == 1 else 's'}"


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO) / Decimal(len(values)) if values else ZERO


@dataclass(frozen=True)
class Factor:
    name: str
    score: Decimal
    value: Decimal | None
    unit: str
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        score = _clamp(self.score)
        if score >= POSITIVE_FROM:
            impact = "positive"
        elif score < NEGATIVE_BELOW:
            impact = "negative"
        else:
            impact = "neutral"
        return {
            "name": self.name,
            "label": LABELS[self.name],
            "value": None if self.value is None else str(quantize(self.value)),
            "unit": self.unit,
            "score": str(score.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)),
            "weight": str(WEIGHTS[self.name]),
            "impact": impact,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Inputs:
    """The figures the factors read, gathered in a fixed number of queries."""

    books: MonthlyBooks
    currency: str
    balance: Decimal
    receivables: dict[str, Any]
    invoices: dict[str, int]
    budgets: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        books = self.books
        return {
            "model_version": MODEL_VERSION,
            "as_of": books.today.isoformat(),
            "currency": self.currency,
            "months": [m.strftime("%Y-%m") for m in books.months[-12:]],
            "monthly_income": [money(v) for v in books.income[-12:]],
            "monthly_expense": [money(v) for v in books.expense[-12:]],
            "history_months": len(books.months),
            "balance": money(self.balance),
            "receivables": {
                k: self.receivables[k]
                for k in ("outstanding", "overdue_amount", "open_count", "overdue_count")
            },
            "invoices": self.invoices,
            "budgets": self.budgets,
        }


def _inputs(business: Business) -> Inputs:
    books = monthly_books(business=business)
    today = books.today
    # A calendar year back (365 days drops a day whenever the year holds a 29 February).
    year_ago = today - relativedelta(years=1)
    paid_lately = Q(status=InvoiceStatus.PAID, paid_date__gt=year_ago, paid_date__lte=today)
    invoices = Invoice.objects.filter(business=business).aggregate(
        issued=Count(
            "id", filter=Q(status__in=(InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID))
        ),
        paid=Count("id", filter=paid_lately),
        paid_on_time=Count("id", filter=paid_lately & Q(paid_date__lte=F("due_date"))),
        open_overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
    )
    budgets = budgets_with_usage(
        Budget.objects.filter(business=business, start_date__lte=today, end_date__gt=year_ago)
    ).aggregate(count=Count("id"), exceeded=Count("id", filter=Q(spent__gt=F("amount"))))
    return Inputs(
        books=books,
        currency=business.currency,
        balance=balance_before(business=business, day=None),
        receivables=receivables(business=business),
        invoices=invoices,
        budgets=budgets,
    )


# --- The factors -----------------------------------------------------------------------------------


def _history(i: Inputs) -> Factor:
    n = len(i.books.months)
    if n == 0:
        text = "There is no complete month of books yet, so there is no history to judge."
    else:
        text = f"The books cover {_months(n)}; {FULL_HISTORY_MONTHS} months or more counts in full."
    return Factor(
        "history", Decimal(min(n, FULL_HISTORY_MONTHS)) / FULL_HISTORY_MONTHS, Decimal(n), "months", text
    )


def _income_stability(i: Inputs) -> Factor:
    income = i.books.income[-12:]
    if len(income) < 3:
        return Factor(
            "income_stability",
            ZERO,
            None,
            "percent",
            f"Stability needs 3 complete months of income and the books have {len(income)}, "
            "so there is no history to judge it by.",
        )
    mean = _mean(income)
    if mean == 0:
        return Factor(
            "income_stability",
            ZERO,
            None,
            "percent",
            f"No income was recorded in the last {_months(len(income))}.",
        )
    sd = (sum(((v - mean) ** 2 for v in income), ZERO) / Decimal(len(income) - 1)).sqrt()
    cv = sd / mean
    return Factor(
        "income_stability",
        ONE - cv,
        cv * 100,
        "percent",
        f"Monthly income varied by {_pct(cv)} around its average of {format_money(mean, i.currency)} "
        f"over {_months(len(income))}.",
    )


def _profit_margin(i: Inputs) -> Factor:
    n = len(i.books.income[-12:])
    income, expense = sum(i.books.income[-12:], ZERO), sum(i.books.expense[-12:], ZERO)
    if income == 0:
        text = (
            "There is no complete month of books yet, so there is no margin to measure."
            if n == 0
            else f"No income was recorded in the last {_months(n)}, so there is no margin."
        )
        return Factor("profit_margin", ZERO, None, "percent", text)
    margin = (income - expense) / income
    return Factor(
        "profit_margin",
        _between(margin, MARGIN_ZERO, MARGIN_FULL),
        margin * 100,
        "percent",
        f"The profit margin was {_pct(margin)} over the last {_months(n)}: income of "
        f"{format_money(income, i.currency)} against expenses of {format_money(expense, i.currency)}.",
    )


def _cash_buffer(i: Inputs) -> Factor:
    recent = i.books.expense[-6:]
    spend = _mean(recent)
    balance = format_money(i.balance, i.currency)
    if not recent and i.balance == 0:
        return Factor(
            "cash_buffer",
            ZERO,
            None,
            "months",
            "There is no history of balances or expenses to measure a buffer.",
        )
    if spend == 0:
        return Factor(
            "cash_buffer",
            ONE if i.balance > 0 else ZERO,
            None,
            "months",
            f"The balance is {balance} and no expenses were recorded in the last {_months(len(recent))}.",
        )
    cover = i.balance / spend
    if i.balance <= 0:
        return Factor(
            "cash_buffer",
            ZERO,
            cover,
            "months",
            f"The balance in the books is {balance}, so there is no buffer against average expenses of "
            f"{format_money(spend, i.currency)} a month.",
        )
    return Factor(
        "cash_buffer",
        _clamp(cover / BUFFER_FULL_MONTHS),
        cover,
        "months",
        f"The balance of {balance} covers {_one_place(cover)} months"
        f" of average expenses ({format_money(spend, i.currency)} a month over the last "
        f"{_months(len(recent))}); {BUFFER_FULL_MONTHS} months or more counts in full.",
    )


def _receivables_health(i: Inputs) -> Factor:
    outstanding = Decimal(i.receivables["outstanding"])
    overdue = Decimal(i.receivables["overdue_amount"])
    if outstanding == 0:
        if i.invoices["issued"]:
            return Factor("receivables_health", ONE, ZERO, "percent", "No invoice is waiting to be paid.")
        return Factor(
            "receivables_health",
            NEUTRAL,
            None,
            "percent",
            "No invoices have been issued, so this counts as neutral.",
        )
    share = overdue / outstanding
    return Factor(
        "receivables_health",
        ONE - share,
        share * 100,
        "percent",
        f"{_pct(share)} of the {format_money(outstanding, i.currency)} owed on open invoices is overdue "
        f"({i.receivables['overdue_count']} of {i.receivables['open_count']} invoices).",
    )


def _payment_behaviour(i: Inputs) -> Factor:
    on_time, paid, late_open = i.invoices["paid_on_time"], i.invoices["paid"], i.invoices["open_overdue"]
    due = paid + late_open
    if due == 0:
        return Factor(
            "payment_behaviour",
            NEUTRAL,
            None,
            "percent",
            "No invoices were paid or fell due in the last 12 months, so this counts as neutral.",
        )
    share = Decimal(on_time) / Decimal(due)
    return Factor(
        "payment_behaviour",
        share,
        share * 100,
        "percent",
        f"Customers paid {on_time} of {due} invoices ({_pct(share)}) on or before the due date in the last "
        f"12 months, counting those still unpaid past it as late.",
    )


def _budget_discipline(i: Inputs) -> Factor:
    count, exceeded = i.budgets["count"], i.budgets["exceeded"]
    if count == 0:
        return Factor(
            "budget_discipline",
            NEUTRAL,
            None,
            "percent",
            "No budgets ran in the last 12 months, so this counts as neutral.",
        )
    kept = Decimal(count - exceeded) / Decimal(count)
    return Factor(
        "budget_discipline",
        kept,
        kept * 100,
        "percent",
        f"{count - exceeded} of {count} budgets in the last 12 months stayed within their amount "
        f"({_pct(kept)}).",
    )


def _revenue_growth(i: Inputs) -> Factor:
    income = i.books.income
    if len(income) < 12:
        return Factor(
            "revenue_growth",
            NEUTRAL,
            None,
            "percent",
            "Growth compares the last 6 months with the 6 before, and the books have "
            f"{_months(len(income))}, so this counts as neutral.",
        )
    last, prior = sum(income[-6:], ZERO), sum(income[-12:-6], ZERO)
    amounts = f"{format_money(last, i.currency)} against {format_money(prior, i.currency)}"
    if prior == 0:
        return Factor(
            "revenue_growth",
            ONE if last > 0 else ZERO,
            None,
            "percent",
            f"Income in the last 6 months compared with the 6 before: {amounts}.",
        )
    growth = (last - prior) / prior
    direction = "higher" if growth >= 0 else "lower"
    return Factor(
        "revenue_growth",
        _between(growth, GROWTH_ZERO, GROWTH_FULL),
        growth * 100,
        "percent",
        f"Income in the last 6 months was {_pct(abs(growth))} {direction} than in the 6 before ({amounts}).",
    )


FACTORS: tuple[Callable[[Inputs], Factor], ...] = (
    _history,
    _income_stability,
    _profit_margin,
    _cash_buffer,
    _receivables_health,
    _payment_behaviour,
    _budget_discipline,
    _revenue_growth,
)


def credit_score_compute(*, business: Business) -> dict[str, Any]:
    """score = 300 + 550 * sum(weight * factor score), rounded half up; the same books, the same score."""
    inputs = _inputs(business)
    factors = [factor(inputs) for factor in FACTORS]
    weighted = sum((WEIGHTS[f.name] * _clamp(f.score) for f in factors), ZERO)
    score = int((FLOOR + SPAN * weighted).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return {
        "score": score,
        "grade": grade_for(score),
        "factors": [f.as_dict() for f in factors],
        "inputs": inputs.as_dict(),
    }


@transaction.atomic
def credit_score_create(*, business: Business, actor: Any) -> CreditScore:
    result = credit_score_compute(business=business)
    score = CreditScore.objects.create(
        business=business, created_by=actor if getattr(actor, "pk", None) else None, **result
    )
    audit_log(actor=actor, action="create", business=business, obj=score, after=snapshot(score))
    return score
