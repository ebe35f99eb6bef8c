"""The business's clock and calendar: today and date ranges in its time zone, and the periods
(day, week, month) the reports count in."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from users.models import Business

PERIODS = ("day", "week", "month")
TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def business_today(business: Business) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(business.timezone)).date()


def local_bounds(business: Business, date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes for local dates date_from..date_to inclusive."""
    tz = zoneinfo.ZoneInfo(business.timezone)
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) + relativedelta(months=1) - dt.timedelta(days=1)


def period_start(day: dt.date, period: str) -> dt.date:
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def next_period(day: dt.date, period: str) -> dt.date:
    if period == "month":
        return day + relativedelta(months=1)
    return day + dt.timedelta(days=7 if period == "week" else 1)


def period_label(start: dt.date, period: str) -> str:
    if period == "month":
        return start.strftime("%Y-%m")
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return start.isoformat()


def as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
