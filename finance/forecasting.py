"""Cash-flow forecasts from the monthly rollups: a small, explainable model per history length,
checked against held-out months, in Decimal throughout."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Min

from core.audit import audit_log, snapshot
from core.exceptions import ApplicationError
from core.money import MONEY_DIGITS, MONEY_PLACES, ZERO, quantize
from users.models import Business

from .models import Forecast, TransactionType
from .selectors import balance_before, business_today, daily_rollups, money, period_series

MIN_HORIZON, MAX_HORIZON = 1, 12
# Older books say little about next month, and this bounds the work per forecast.
MAX_HISTORY_MONTHS = 48
# A first month whose books begin after this day is partial, and would drag a trend or mean down.
PARTIAL_FIRST_MONTH_AFTER_DAY = 7
TREND_MIN_MONTHS = 6
SEASONAL_MIN_MONTHS = 24
# The trend is damped (Gardner and McKenzie) so a year ahead doesn't run away with a short spurt.
PHI = Decimal("0.95")
BACKFIT_ROUNDS = 10
HOLDOUT_MONTHS = 3
MIN_FIT_MONTHS = 3
ROLLING_ORIGINS = 12
MIN_ERRORS_FOR_SPREAD = 3
Z_80 = Decimal("1.28")
# Share of a typical month's turnover (income + expense) used as the spread when the errors can't
# be measured, and the least spread ever claimed: no small business is perfectly predictable.
WIDE_SHARE = Decimal("0.25")
FLOOR_SHARE = Decimal("0.05")

AVERAGE = "average (insufficient history)"
TREND = "damped trend blended with mean"
SEASONAL = "seasonal + damped trend blended with mean"
INSUFFICIENT = "insufficient history"
# opening_balance is a 15-digit column; a bigger balance is refused rather than failing the insert.
STORABLE = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)
ONE = Decimal(1)


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, ZERO) / Decimal(len(values)) if values else ZERO


def _rms(values: Sequence[Decimal]) -> Decimal:
    return _mean([v * v for v in values]).sqrt() if values else ZERO


def _sample_sd(values: Sequence[Decimal]) -> Decimal:
    if len(values) < 2:
        return ZERO
    centre = _mean(values)
    return (sum(((v - centre) ** 2 for v in values), ZERO) / Decimal(len(values) - 1)).sqrt()


def _label(month: dt.date) -> str:
    return month.strftime("%Y-%m")


# --- The books, month by month ---------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyBooks:
    """Complete months of completed income and expense in the business currency, oldest first,
    plus what the current (partial) month has recorded so far."""

    today: dt.date
    months: list[dt.date] = field(default_factory=list)
    income: list[Decimal] = field(default_factory=list)
    expense: list[Decimal] = field(default_factory=list)
    current_income: Decimal = ZERO
    current_expense: Decimal = ZERO

    @property
    def calendar_months(self) -> list[int]:
        return [m.month for m in self.months]

    @property
    def this_month(self) -> dt.date:
        return self.today.replace(day=1)


def monthly_books(*, business: Business, max_months: int = MAX_HISTORY_MONTHS) -> MonthlyBooks:
    today = business_today(business)
    this_month = today.replace(day=1)
    first = (
        daily_rollups(business)
        .exclude(transaction_type=TransactionType.TRANSFER)
        .aggregate(first=Min("day"))["first"]
    )
    if first is None:
        return MonthlyBooks(today=today)
    start = first.replace(day=1)
    if first.day > PARTIAL_FIRST_MONTH_AFTER_DAY:
        start += relativedelta(months=1)
    start = max(start, this_month - relativedelta(months=max_months))
    month_end = this_month + relativedelta(months=1) - dt.timedelta(days=1)
    series, _ = period_series(business, "month", min(start, this_month), month_end)
    complete = [p for p in series if start.isoformat() <= p["start"] < this_month.isoformat()]
    current = series[-1]
    return MonthlyBooks(
        today=today,
        months=[dt.date.fromisoformat(p["start"]) for p in complete],
        income=[p["income"] for p in complete],
        expense=[p["expense"] for p in complete],
        current_income=current["income"],
        current_expense=current["expense"],
    )


# --- The model ---------------------------------------------------------------------------------------


def _line(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """Least-squares intercept and slope over t = 0..n-1, and the share of variance the line explains."""
    n = len(values)
    if n < 2:
        return (values[0] if values else ZERO), ZERO, ZERO
    t_mean = Decimal(n - 1) / 2
    y_mean = _mean(values)
    sxx = sum(((Decimal(t) - t_mean) ** 2 for t in range(n)), ZERO)
    sxy = sum(((Decimal(t) - t_mean) * (y - y_mean) for t, y in enumerate(values)), ZERO)
    slope = sxy / sxx
    intercept = y_mean - slope * t_mean
    sst = sum(((y - y_mean) ** 2 for y in values), ZERO)
    if sst == 0:
        return intercept, slope, ZERO
    sse = sum(((y - intercept - slope * t) ** 2 for t, y in enumerate(values)), ZERO)
    return intercept, slope, min(max(ONE - sse / sst, ZERO), ONE)


def _month_effects(values: Sequence[Decimal], months: Sequence[int]) -> dict[int, Decimal]:
    """Additive month-of-year effects fitted together with a linear trend by backfitting, which
    converges to the joint least-squares fit without solving a 13-variable system."""
    effects = dict.fromkeys(range(1, 13), ZERO)
    for _ in range(BACKFIT_ROUNDS):
        intercept, slope, _ = _line([y - effects[m] for y, m in zip(values, months, strict=True)])
        residuals: dict[int, list[Decimal]] = defaultdict(list)
        for t, (y, m) in enumerate(zip(values, months, strict=True)):
            residuals[m].append(y - intercept - slope * t)
        raw = {m: _mean(residuals[m]) for m in range(1, 13)}
        centre = _mean(list(raw.values()))
        effects = {m: raw[m] - centre for m in range(1, 13)}
    return _shrunk(values, months, effects)


def _shrunk(
    values: Sequence[Decimal], months: Sequence[int], effects: dict[int, Decimal]
) -> dict[int, Decimal]:
    """Month effects pulled toward zero by how little they stand out from the noise: each is a mean
    of n/12 months, so pure noise alone gives effects of variance noise/(n/12). A real season keeps
    nearly all of its size; two years of noise mostly vanish (a James-Stein style shrink)."""
    n = len(values)
    intercept, slope, _ = _line([y - effects[m] for y, m in zip(values, months, strict=True)])
    # 2 trend parameters and 11 free month effects.
    noise = sum(
        (
            (y - intercept - slope * t - effects[m]) ** 2
            for t, (y, m) in enumerate(zip(values, months, strict=True))
        ),
        ZERO,
    ) / Decimal(n - 13)
    spread = sum((e * e for e in effects.values()), ZERO) / Decimal(11)
    if spread == 0:
        return effects
    keep = max(ONE - noise / (Decimal(n) / 12) / spread, ZERO)
    return {m: e * keep for m, e in effects.items()}


def _damped_steps(steps: int) -> Decimal:
    """phi + phi^2 + ... + phi^steps: how far a damped trend moves in `steps` months."""
    return PHI * (ONE - PHI**steps) / (ONE - PHI)


@dataclass(frozen=True)
class Fit:
    """One series' fitted model; `at(steps, month)` projects `steps` months past the last fitted one.

    The projection is a damped trend and the recent mean, weighted by how much of the variance the
    trend explains (R²): a clean line is followed, noise falls back to the average."""

    method: str
    level: Decimal
    slope: Decimal
    trend_weight: Decimal
    mean: Decimal
    effects: dict[int, Decimal]

    def at(self, steps: int, month: int) -> Decimal:
        trend = self.level + self.slope * _damped_steps(steps)
        value = self.trend_weight * trend + (ONE - self.trend_weight) * self.mean
        # Income and expense are amounts; a falling trend stops at nothing rather than going negative.
        return max(value + self.effects.get(month, ZERO), ZERO)


def fit(values: Sequence[Decimal], months: Sequence[int]) -> Fit:
    n = len(values)
    if n < TREND_MIN_MONTHS:
        average = _mean(values)
        return Fit(AVERAGE, average, ZERO, ZERO, average, {})
    effects = _month_effects(values, months) if n >= SEASONAL_MIN_MONTHS else {}
    adjusted = [y - effects.get(m, ZERO) for y, m in zip(values, months, strict=True)]
    intercept, slope, r_squared = _line(adjusted)
    return Fit(
        SEASONAL if effects else TREND,
        level=intercept + slope * (n - 1),
        slope=slope,
        trend_weight=r_squared,
        mean=_mean(adjusted[-12:]),
        effects=effects,
    )


# --- Checking the model on the books ------------------------------------------------------------


def _errors(actual: Sequence[Decimal], predicted: Sequence[Decimal]) -> dict[str, str | None]:
    misses = [a - p for a, p in zip(actual, predicted, strict=True)]
    shares = [abs(e) / abs(a) for e, a in zip(misses, actual, strict=True) if a != 0]
    return {
        "mae": money(_mean([abs(e) for e in misses])),
        # Months with nothing recorded have no percentage error; MAPE skips them.
        "mape": str(quantize(_mean(shares) * 100)) if shares else None,
    }


def _holdout(books: MonthlyBooks) -> dict[str, Any]:
    """Refits on all but the last k months and measures the misses on those k."""
    n = len(books.months)
    k = min(HOLDOUT_MONTHS, n - MIN_FIT_MONTHS)
    if k < 1:
        return {
            "status": INSUFFICIENT,
            "detail": (
                f"A backtest needs at least {MIN_FIT_MONTHS + 1} complete months of books; "
                f"there {'is' if n == 1 else 'are'} {n}."
            ),
            "method": None,
            "training_months": 0,
            "holdout_months": 0,
            "months": [],
            "income": None,
            "expense": None,
            "net": None,
        }
    train, cal = n - k, books.calendar_months
    fit_income = fit(books.income[:train], cal[:train])
    fit_expense = fit(books.expense[:train], cal[:train])
    income = [fit_income.at(j + 1, cal[train + j]) for j in range(k)]
    expense = [fit_expense.at(j + 1, cal[train + j]) for j in range(k)]
    held = books.months[train:]
    return {
        "status": "ok",
        "detail": (
            f"Refitted on {train} months and compared with the {k} months that followed "
            f"({_label(held[0])} to {_label(held[-1])})."
        ),
        "method": fit_income.method,
        "training_months": train,
        "holdout_months": k,
        "months": [_label(m) for m in held],
        "income": _errors(books.income[train:], income),
        "expense": _errors(books.expense[train:], expense),
        "net": _errors(
            [i - e for i, e in zip(books.income[train:], books.expense[train:], strict=True)],
            [i - e for i, e in zip(income, expense, strict=True)],
        ),
    }


def _refit_misses(books: MonthlyBooks, first_origin: int) -> list[list[Decimal]]:
    """Rolling origin: refit at each of the last months, then add up the net's misses month by month
    over the books that followed. path[0] is the one-month-ahead miss, path[h-1] the miss of the
    balance h months on."""
    n, cal = len(books.months), books.calendar_months
    paths = []
    for origin in range(max(first_origin, n - ROLLING_ORIGINS), n):
        fit_income = fit(books.income[:origin], cal[:origin])
        fit_expense = fit(books.expense[:origin], cal[:origin])
        miss, path = ZERO, []
        for step, t in enumerate(range(origin, n), start=1):
            predicted = fit_income.at(step, cal[t]) - fit_expense.at(step, cal[t])
            miss += books.income[t] - books.expense[t] - predicted
            path.append(miss)
        paths.append(path)
    return paths


@dataclass(frozen=True)
class Band:
    """The 80% band of the balance. `sigma` is the spread of one month's net; `paths` the refits'
    cumulative misses, which widen the band wherever they were larger than the formula."""

    sigma: Decimal
    paths: list[list[Decimal]]
    summary: dict[str, Any]


def _band(books: MonthlyBooks, method: str) -> Band:
    # Misses of the model in use, when enough origins have the history it needs; a simpler model's
    # otherwise, which overstate the spread rather than understate it.
    needs = {SEASONAL: SEASONAL_MIN_MONTHS, TREND: TREND_MIN_MONTHS}.get(method, MIN_FIT_MONTHS)
    paths = _refit_misses(books, needs)
    simpler = len(paths) < MIN_ERRORS_FOR_SPREAD and needs > MIN_FIT_MONTHS
    if simpler:
        paths = _refit_misses(books, MIN_FIT_MONTHS)
    errors = [path[0] for path in paths]
    recent_income, recent_expense = books.income[-12:], books.expense[-12:]
    turnover = _mean(recent_income) + _mean(recent_expense)
    if method != AVERAGE and len(errors) >= MIN_ERRORS_FOR_SPREAD:
        sigma = _rms(errors)
        basis = f"root mean square of {len(errors)} one-month-ahead net errors" + (
            " (some from simpler fits on shorter history)" if simpler else ""
        )
    else:
        nets = [i - e for i, e in zip(recent_income, recent_expense, strict=True)]
        sigma = max(_rms(errors), _sample_sd(nets), turnover * WIDE_SHARE)
        basis = "wide: too little history to measure errors, so at least a quarter of monthly turnover"
    floor = turnover * FLOOR_SHARE
    if sigma < floor:
        sigma, basis = floor, "floor: 5% of monthly turnover (the measured errors were smaller)"
    summary = {
        "level": 80,
        "z": str(Z_80),
        "sigma_net": money(sigma),
        "errors_used": len(errors),
        "basis": basis,
        "widening": (
            "month-to-month noise plus the uncertainty of the fitted level, trend and month effects; "
            "never narrower than the refits' cumulative misses"
        ),
    }
    return Band(sigma, paths, summary)


def _half_widths(
    band: Band, *, n: int, trend_weight: Decimal, seasonal: bool, left: Decimal, horizon: int
) -> list[Decimal]:
    """Half-widths of the band at the end of each period, the first being the `left` share of the
    current month still to come. In units of sigma squared, the balance's miss after h months has

        h                          each month's own noise
        + h^2 * L                  a fitted level that is off moves every month the same way
        + (drift * w)^2 * 12 / (n^3 - n)   so does a fitted slope, and its drift accumulates
        + h * 12 / n               each month effect is the mean of n/12 months

    with L the variance of the blended level (w of the trend line's end, 1 - w of a 12-month mean).
    Month noise alone (sqrt(h)) covered well under 80% a year out when tried on simulated SME books."""
    if n >= TREND_MIN_MONTHS:
        level = trend_weight * Decimal(4 * n - 2) / Decimal(n * (n + 1)) + (ONE - trend_weight) / Decimal(
            min(n, 12)
        )
        slope = trend_weight * trend_weight * 12 / Decimal(n**3 - n)
    else:
        level, slope = ONE / Decimal(max(n, 1)), ZERO
    season = Decimal(12) / Decimal(n) if seasonal else ZERO

    def growth(h: Decimal, drift: Decimal) -> Decimal:
        return (h + h * h * level + drift * drift * slope + h * season).sqrt()

    widths, ratio, drift, whole_months_drift = [], ONE, ZERO, ZERO
    for i in range(horizon):
        drift += (left if i == 0 else ONE) * _damped_steps(i + 1)
        whole_months_drift += _damped_steps(i + 1)
        # The refits' misses are over whole months, so they are compared with i + 1 whole months.
        seen = [path[i] for path in band.paths if len(path) > i]
        if len(seen) >= MIN_ERRORS_FOR_SPREAD and band.sigma > 0:
            ratio = max(ratio, _rms(seen) / (band.sigma * growth(Decimal(i + 1), whole_months_drift)))
        widths.append(quantize(Z_80 * band.sigma * growth(left + i, drift) * ratio))
    return widths


# --- Forecast ------------------------------------------------------------------------------------


def _check_horizon(horizon_months: Any) -> int:
    if (
        isinstance(horizon_months, bool)
        or not isinstance(horizon_months, int)
        or not MIN_HORIZON <= horizon_months <= MAX_HORIZON
    ):
        raise ApplicationError(
            "invalid",
            f"The horizon must be {MIN_HORIZON} to {MAX_HORIZON} months.",
            fields={"horizon_months": [f"A whole number from {MIN_HORIZON} to {MAX_HORIZON}."]},
        )
    return horizon_months


def forecast_compute(*, business: Business, horizon_months: int) -> dict[str, Any]:
    """The forecast as data, without storing it (KAVI's insights can read it too).

    Periods run from the current month. Its income and expense are whole-month projections (never
    less than what is already recorded), and the balance adds only the part still to come."""
    horizon_months = _check_horizon(horizon_months)
    books = monthly_books(business=business)
    cal = books.calendar_months
    fit_income, fit_expense = fit(books.income, cal), fit(books.expense, cal)
    band = _band(books, fit_income.method)
    opening = quantize(balance_before(business=business, day=None))
    days = calendar.monthrange(books.today.year, books.today.month)[1]
    # The current month's band covers only the days left in it.
    left = Decimal(days - books.today.day + 1) / Decimal(days)
    half_widths = _half_widths(
        band,
        n=len(books.months),
        trend_weight=max(fit_income.trend_weight, fit_expense.trend_weight),
        seasonal=fit_income.method == SEASONAL,
        left=left,
        horizon=horizon_months,
    )

    periods = []
    balance = opening
    for i in range(horizon_months):
        month = books.this_month + relativedelta(months=i)
        income = quantize(fit_income.at(i + 1, month.month))
        expense = quantize(fit_expense.at(i + 1, month.month))
        recorded_income = recorded_expense = ZERO
        if i == 0:
            recorded_income, recorded_expense = (
                quantize(books.current_income),
                quantize(books.current_expense),
            )
            income, expense = max(income, recorded_income), max(expense, recorded_expense)
        balance += (income - recorded_income) - (expense - recorded_expense)
        half = half_widths[i]
        periods.append(
            {
                "period": _label(month),
                "income": money(income),
                "expense": money(expense),
                "net": money(income - expense),
                "balance": money(balance),
                "balance_low": money(balance - half),
                "balance_high": money(balance + half),
                "recorded_income": money(recorded_income),
                "recorded_expense": money(recorded_expense),
            }
        )
    backtest = {
        **_holdout(books),
        "history_months": len(books.months),
        "history_from": _label(books.months[0]) if books.months else None,
        "history_to": _label(books.months[-1]) if books.months else None,
        "band": band.summary,
    }
    return {
        "horizon_months": horizon_months,
        "method": fit_income.method,
        "currency": business.currency,
        "opening_balance": opening,
        "periods": periods,
        "backtest": backtest,
    }


@transaction.atomic
def forecast_create(*, business: Business, actor: Any, horizon_months: int) -> Forecast:
    result = forecast_compute(business=business, horizon_months=horizon_months)
    if abs(result["opening_balance"]) >= STORABLE:
        raise ApplicationError("out_of_range", "The balance is too large to store a forecast for.")
    forecast = Forecast.objects.create(
        business=business, created_by=actor if getattr(actor, "pk", None) else None, **result
    )
    audit_log(actor=actor, action="create", business=business, obj=forecast, after=snapshot(forecast))
    return forecast
