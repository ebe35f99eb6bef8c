"""Periods in questions, in English and Kiswahili: month names, quarters, halves, relative periods,
date ranges and bare years, resolved against the business's local date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from dateutil.relativedelta import relativedelta

from .period_words import (
    _EN_NUM,
    _MONTH_WORD,
    _SW_NUM,
    _YEAR,
    _YEAR_LINK,
    EN_NUMBERS,
    EN_ORDINAL_NAMES,
    EN_ORDINALS,
    MAX_YEAR,
    MIN_YEAR,
    MONTH_NAMES_EN,
    MONTH_NAMES_SW,
    MONTHS,
    SW_NUMBERS,
    SW_ORDINAL_NAMES,
    fix_month_typos,
)

__all__ = ["MONTHS", "Period", "find_periods", "fix_month_typos"]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    kind: str  # day, week, month, quarter, half, year, ytd, mtd, qtd, range, all
    to_date: bool = False  # a current period that ends today
    implicit_year: bool = False  # the question named no year; a follow-up may take the last one

    def as_dict(self) -> dict[str, str]:
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat(), "kind": self.kind}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Period:
        return cls(
            dt.date.fromisoformat(data["date_from"]),
            dt.date.fromisoformat(data["date_to"]),
            data.get("kind", "range"),
        )

    def shifted_years(self, years: int) -> Period:
        return replace(self, start=self.start + relativedelta(years=years), end=_shift_end(self, years))

    def in_year(self, year: int, today: dt.date) -> Period:
        """The same month, quarter, half or day in another year."""
        if self.kind in ("month", "mtd"):
            return month_period(year, self.start.month, today)
        if self.kind in ("quarter", "qtd"):
            return quarter_period(year, (self.start.month - 1) // 3 + 1, today)
        return self.shifted_years(year - self.start.year)

    def previous(self) -> Period:
        """The period of the same kind just before this one (the same number of days for ranges)."""
        if self.kind in ("month", "mtd"):
            start = self.start - relativedelta(months=1)
            return Period(start, _month_end(start), "month")
        if self.kind in ("quarter", "qtd"):
            start = self.start - relativedelta(months=3)
            return Period(start, _month_end(start + relativedelta(months=2)), "quarter")
        if self.kind == "half":
            start = self.start - relativedelta(months=6)
            return Period(start, _month_end(start + relativedelta(months=5)), "half")
        if self.kind in ("year", "ytd"):
            start = self.start - relativedelta(years=1)
            return Period(start, dt.date(start.year, 12, 31), "year")
        length = (self.end - self.start).days + 1
        return Period(self.start - dt.timedelta(days=length), self.start - dt.timedelta(days=1), self.kind)

    def label(self, language: str) -> str:
        sw = language == "sw"
        months = MONTH_NAMES_SW if sw else MONTH_NAMES_EN
        if self.kind in ("month", "mtd"):
            text = f"{months[self.start.month - 1]} {self.start.year}"
            if self.to_date:
                text += " hadi sasa" if sw else " so far"
            return text
        if self.kind in ("quarter", "qtd"):
            quarter = (self.start.month - 1) // 3 + 1
            text = (
                f"robo ya {SW_ORDINAL_NAMES[quarter - 1]} ya {self.start.year}"
                if sw
                else f"Q{quarter} {self.start.year}"
            )
            if self.to_date:
                text += " hadi sasa" if sw else " so far"
            return text
        if self.kind == "half":
            half = 1 if self.start.month == 1 else 2
            if sw:
                return f"nusu ya {SW_ORDINAL_NAMES[half - 1]} ya {self.start.year}"
            return f"the {EN_ORDINAL_NAMES[half - 1]} half of {self.start.year}"
        if self.kind in ("year", "ytd"):
            if self.to_date:
                return f"mwaka {self.start.year} hadi sasa" if sw else f"{self.start.year} so far"
            return f"mwaka {self.start.year}" if sw else str(self.start.year)
        if self.kind == "day":
            return _day(self.start, months)
        if self.kind == "all":
            return "tangu mwanzo" if sw else "all time"
        link = "hadi" if sw else "to"
        return f"{_day(self.start, months)} {link} {_day(self.end, months)}"


def _day(day: dt.date, months: list[str]) -> str:
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) + relativedelta(months=1) - dt.timedelta(days=1)


def _shift_end(period: Period, years: int) -> dt.date:
    end = period.end + relativedelta(years=years)
    if period.kind in ("month", "quarter", "half", "year") or period.end == _month_end(period.end):
        return _month_end(end)
    return end


def month_period(year: int, month: int, today: dt.date) -> Period:
    start = dt.date(year, month, 1)
    current = (year, month) == (today.year, today.month)
    return Period(start, _month_end(start), "month", to_date=current)


def quarter_period(year: int, quarter: int, today: dt.date) -> Period:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = _month_end(dt.date(year, 3 * quarter, 1))
    return Period(start, end, "quarter", to_date=start <= today <= end)


def year_period(year: int, today: dt.date) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", to_date=year == today.year)


# --- Atoms: the pieces of a question that name a time -----------------------------------------------


@dataclass
class Atom:
    start: int
    end: int
    kind: str  # date, month, quarter, half, year, relative
    year: int | None = None
    month: int | None = None
    day: int | None = None
    number: int | None = None  # the quarter or half
    period: Period | None = None  # resolved already (relative periods)
    relative_year: int | None = None  # "this year" = 0, "last year" = -1
    name: str = ""  # which relative period


def _year(text: str | None) -> int | None:
    if not text:
        return None
    text = text.strip()
    if text.startswith("'"):
        return 2000 + int(text[1:])
    return int(text)


def _sw_or_en_number(text: str) -> int:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return SW_NUMBERS.get(text) or EN_NUMBERS.get(text) or EN_ORDINALS.get(text) or 0


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    (
        "day_span",
        re.compile(
            rf"\b(?:tarehe\s+|the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|to|till|until|through|hadi|mpaka"
            rf"|and|na)\s*(?:tarehe\s+|the\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+|ya\s+)?"
            rf"(?:mwezi\s+)?(?P<mon>{_MONTH_WORD})\b(?:{_YEAR_LINK}(?P<y>{_YEAR}))?"
        ),
    ),
    (
        "month_span",
        re.compile(
            rf"\b(?P<mon>{_MONTH_WORD})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|to|till|until|through|hadi"
            rf"|mpaka|and|na)\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:%|\d))(?:\s*,?\s*(?P<y>{_YEAR}))?"
        ),
    ),
    ("dmy", re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b")),
    (
        "day_month",
        re.compile(
            rf"\b(?:tarehe\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+|ya\s+|mwezi\s+(?:wa\s+)?)?"
            rf"(?P<mon>{_MONTH_WORD})\b(?:{_YEAR_LINK}(?P<y>{_YEAR}))?"
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"\b(?P<mon>{_MONTH_WORD})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*%)"
            rf"(?:\s*,?\s*(?P<y>{_YEAR}))?"
        ),
    ),
    (
        "month",
        re.compile(rf"\b(?:mwezi\s+(?:wa\s+)?)?(?P<mon>{_MONTH_WORD})\b(?:{_YEAR_LINK}(?P<y>{_YEAR}))?"),
    ),
    (
        "sw_month",
        re.compile(
            rf"\bmwezi\s+(?:wa\s+)?(?P<n>{_SW_NUM}|\d{{1,2}})\b(?!\s+(?:iliyopita|zilizopita))"
            rf"(?:{_YEAR_LINK}(?P<y>{_YEAR}))?"
        ),
    ),
    ("month_numeric", re.compile(r"\b(?P<m>\d{1,2})/(?P<y>\d{4})\b|\b(?P<y2>\d{4})-(?P<m2>\d{2})\b(?!-)")),
    (
        "quarter",
        re.compile(
            rf"\b(?:q|quarter\s+|qtr\s+)(?P<q>[1-4])\b(?:\s*(?:of\s+|,\s*|in\s+|ya\s+|/\s*|-\s*)?"
            rf"(?:the\s+year\s+|mwaka\s+)?(?P<y>{_YEAR}))?"
        ),
    ),
    ("year_quarter", re.compile(rf"\b(?P<y>{_YEAR})\s*[-/ ]?\s*q(?P<q>[1-4])\b")),
    (
        "quarter_words",
        re.compile(
            rf"\b(?:the\s+)?(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th|final|last)\s+"
            rf"(?:quarter|qtr)\b(?:{_YEAR_LINK}(?P<y>{_YEAR}))?"
        ),
    ),
    (
        "sw_quarter",
        re.compile(
            rf"\brobo\s+(?:ya\s+)?(?:mwaka\s+)?(?:ya\s+)?(?P<qw>kwanza|pili|tatu|nne|mwisho|[1-4])\b"
            rf"(?:{_YEAR_LINK}(?P<y>{_YEAR}))?"
        ),
    ),
    (
        "first_months",
        re.compile(
            rf"\b(?:the\s+)?first\s+(?P<n>{_EN_NUM})\s+months\b(?:{_YEAR_LINK}(?P<y>{_YEAR}))?"
            rf"|\bmiezi\s+(?P<sn>{_SW_NUM}|\d{{1,2}})\s+ya\s+kwanza\b(?:{_YEAR_LINK}(?P<y2>{_YEAR}))?"
        ),
    ),
    (
        "half",
        re.compile(
            rf"\b(?:the\s+)?(?P<hw>first|second|1st|2nd)\s+half\b(?:{_YEAR_LINK}(?P<y>{_YEAR}))?"
            rf"|\bh(?P<h>[12])\b(?:\s*(?P<y2>{_YEAR}))?"
            rf"|\bnusu\s+ya\s+(?P<sw>kwanza|pili)\b(?:{_YEAR_LINK}(?P<y3>{_YEAR}))?"
        ),
    ),
]

_RELATIVE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), name)
    for p, name in [
        (
            r"\b(?:so far )?this year(?: so far| to date)?\b|\byear to date\b|\bytd\b|\bmwaka huu\b",
            "this_year",
        ),
        (
            r"\bsince the (?:start|beginning) of (?:the|this) year\b|\btangu mwanzo wa mwaka\b"
            r"|\btangu mwaka (?:huu )?uanze\b",
            "this_year",
        ),
        (r"\b(?:last|previous|past) year\b|\bmwaka (?:jana|uliopita|uliopo? kabla)\b", "last_year"),
        (r"\bmwaka juzi\b|\b(?:the )?year before last\b", "year_before_last"),
        (r"\bthis month(?: so far| to date)?\b|\bmonth to date\b|\bmtd\b|\bmwezi huu\b", "this_month"),
        (r"\b(?:last|previous|past) month\b|\bmwezi (?:uliopita|jana)\b", "last_month"),
        (r"\bthis quarter\b|\bquarter to date\b|\brobo (?:hii|ya sasa)\b", "this_quarter"),
        (r"\b(?:last|previous|past) quarter\b|\brobo (?:iliyopita|ya mwisho iliyopita)\b", "last_quarter"),
        (r"\bthis week\b|\bwiki hii\b", "this_week"),
        (r"\b(?:last|previous|past) week\b|\bwiki (?:iliyopita|jana)\b", "last_week"),
        (r"\bso far\b|\bhadi sasa\b|\bmpaka sasa\b|\bhadi leo\b|\bmpaka leo\b", "so_far"),
        (r"\btoday\b|\bleo\b", "today"),
        (r"\byesterday\b|(?<!mwaka )(?<!mwezi )(?<!wiki )\bjana\b", "yesterday"),
        (r"\bday before yesterday\b|(?<!mwaka )\bjuzi\b", "day_before_yesterday"),
        (
            r"\ball time\b|\bever\b|\bsince (?:we )?(?:started|the start|the beginning|inception)\b"
            r"|\btangu (?:mwanzo|tuanze|tulipoanza)\b|\bto date\b",
            "all",
        ),
    ]
]
_LAST_N = re.compile(
    rf"\b(?:last|past|previous|the last|the past)\s+(?P<n>{_EN_NUM})\s+"
    rf"(?P<unit>days?|weeks?|months?|years?)\b"
    rf"|\b(?P<sunit>siku|wiki|miezi|mwezi|miaka)\s+(?P<sn>{_SW_NUM}|\d{{1,3}})\s+"
    rf"(?:zilizopita|iliyopita|uliopita|ya mwisho)\b"
)
_BARE_YEAR = re.compile(rf"\b(?:fy\s*)?(?P<y>{_YEAR})")

_RANGE_OPEN = re.compile(
    r"(?:\bfrom|\bbetween|\bkati ya|\bkuanzia|\btangu|\bsince|\bstarting|\bbeginning)\s*$"
)
_RANGE_LINK = re.compile(
    r"^\s*(?:to|till|until|through|thru|-|hadi|mpaka|up to|upto)\s*(?:the\s+|tarehe\s+)?$"
)
_AND_LINK = re.compile(r"^\s*(?:and|na)\s*(?:the\s+|tarehe\s+)?$")
_YEAR_GLUE = re.compile(r"^\s*(?:,|of|in|of the year|ya|ya mwaka|wa|wa mwaka|mwaka|the year)?\s*$")
_SINCE = re.compile(r"(?:\bsince|\btangu|\bkuanzia|\bstarting)\s*$")


def _month_token(raw: str) -> int | None:
    raw = raw.strip()
    if raw == "may":
        return 5
    return MONTHS.get(raw)


def find_atoms(text: str, today: dt.date) -> list[Atom]:
    """Every time expression in a normalised question, left to right, without overlaps."""
    taken: list[tuple[int, int]] = []
    atoms: list[Atom] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(atom: Atom) -> None:
        taken.append((atom.start, atom.end))
        atoms.append(atom)

    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            g = m.groupdict()
            if name in ("day_span", "month_span"):
                month = _month_token(g["mon"])
                first, last = int(g["d"]), int(g["d2"])
                if month is None or not 1 <= first <= last <= 31:
                    continue
                add(Atom(m.start(), m.end(), "span", _year(g.get("y")), month, first, number=last))
            elif name in ("iso", "dmy"):
                add(Atom(m.start(), m.end(), "date", int(g["y"]), int(g["m"]), int(g["d"])))
            elif name in ("day_month", "month_day"):
                month = _month_token(g["mon"])
                if month is None or not 1 <= int(g["d"]) <= 31:
                    continue
                add(Atom(m.start(), m.end(), "date", _year(g.get("y")), month, int(g["d"])))
            elif name == "month":
                month = _month_token(g["mon"])
                if month is not None:
                    add(Atom(m.start(), m.end(), "month", _year(g.get("y")), month))
            elif name == "sw_month":
                number = _sw_or_en_number(g["n"])
                if 1 <= number <= 12:
                    add(Atom(m.start(), m.end(), "month", _year(g.get("y")), number))
            elif name == "month_numeric":
                month, year = int(g["m"] or g["m2"]), int(g["y"] or g["y2"])
                if 1 <= month <= 12:
                    add(Atom(m.start(), m.end(), "month", year, month))
            elif name in ("quarter", "year_quarter"):
                add(Atom(m.start(), m.end(), "quarter", _year(g.get("y")), number=int(g["q"])))
            elif name == "quarter_words":
                if g["qw"] == "last" and not g.get("y"):
                    continue  # "last quarter" is the previous quarter (a relative period)
                add(Atom(m.start(), m.end(), "quarter", _year(g.get("y")), number=EN_ORDINALS[g["qw"]]))
            elif name == "sw_quarter":
                word = g["qw"]
                number = 4 if word == "mwisho" else int(word) if word.isdigit() else SW_NUMBERS[word]
                add(Atom(m.start(), m.end(), "quarter", _year(g.get("y")), number=number))
            elif name == "first_months":
                count = _sw_or_en_number(g.get("n") or g.get("sn") or "")
                if 1 <= count <= 12:
                    add(
                        Atom(
                            m.start(), m.end(), "first_months", _year(g.get("y") or g.get("y2")), number=count
                        )
                    )
            elif name == "half":
                if g.get("hw"):
                    half, said = EN_ORDINALS[g["hw"]], g.get("y")
                elif g.get("h"):
                    half, said = int(g["h"]), g.get("y2")
                else:
                    half, said = SW_NUMBERS[g["sw"]], g.get("y3")
                add(Atom(m.start(), m.end(), "half", _year(said), number=half))

    for m in _LAST_N.finditer(text):
        if not free(m.start(), m.end()):
            continue
        g = m.groupdict()
        count = _sw_or_en_number(g["n"] or g["sn"])
        unit = (g["unit"] or g["sunit"] or "").rstrip("s")
        unit = {"siku": "day", "wiki": "week", "miezi": "month", "mwezi": "month", "miaka": "year"}.get(
            unit, unit
        )
        if not 1 <= count <= 3660:
            continue
        if unit == "day":
            start = today - dt.timedelta(days=count - 1)
        elif unit == "week":
            start = today - dt.timedelta(days=7 * count - 1)
        elif unit == "month":
            start = today - relativedelta(months=count) + dt.timedelta(days=1)
        elif count <= today.year - MIN_YEAR:
            start = today - relativedelta(years=count) + dt.timedelta(days=1)
        else:
            continue  # "the last 3000 years"
        add(Atom(m.start(), m.end(), "relative", period=Period(start, today, "range")))

    for pattern, name in _RELATIVE:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            atom = Atom(m.start(), m.end(), "relative", period=relative_period(name, today), name=name)
            if name == "this_year":
                atom.relative_year = 0
            elif name == "last_year":
                atom.relative_year = -1
            elif name == "year_before_last":
                atom.relative_year = -2
            add(atom)

    for m in _BARE_YEAR.finditer(text):
        if free(m.start(), m.end()):
            bare = _year(m.group("y"))
            if bare is not None and 1990 <= bare <= today.year + 5:
                add(Atom(m.start(), m.end(), "year", bare))

    if any(a.name != "so_far" for a in atoms):
        # "so far this month", "March so far": "so far" only says the period runs to today.
        atoms = [a for a in atoms if a.name != "so_far"]
    atoms.sort(key=lambda a: a.start)
    return _glue_years(text, atoms)


def _glue_years(text: str, atoms: list[Atom]) -> list[Atom]:
    """ "March of 2025", "Q3 last year", "Machi mwaka jana": a month, quarter or half without a year
    takes the year (or the relative year) that follows it."""
    out: list[Atom] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        following = atoms[i + 1] if i + 1 < len(atoms) else None
        if (
            following is not None
            and atom.kind in ("month", "quarter", "half", "date", "span")
            and atom.year is None
            and (following.kind == "year" or following.relative_year is not None)
            and _YEAR_GLUE.match(text[atom.end : following.start])
        ):
            if following.kind == "year":
                atom.year = following.year
            else:
                atom.relative_year = following.relative_year
            atom.end = following.end
            out.append(atom)
            i += 2
            continue
        out.append(atom)
        i += 1
    return out


def relative_period(name: str, today: dt.date) -> Period:
    month_start = today.replace(day=1)
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    week_start = today - dt.timedelta(days=today.weekday())
    if name in ("this_year", "so_far"):
        return Period(dt.date(today.year, 1, 1), today, "ytd", to_date=True)
    if name == "year_before_last":
        return Period(dt.date(today.year - 2, 1, 1), dt.date(today.year - 2, 12, 31), "year")
    if name == "last_year":
        return Period(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31), "year")
    if name == "this_month":
        return Period(month_start, today, "mtd", to_date=True)
    if name == "last_month":
        start = month_start - relativedelta(months=1)
        return Period(start, month_start - dt.timedelta(days=1), "month")
    if name == "this_quarter":
        return Period(quarter_start, today, "qtd", to_date=True)
    if name == "last_quarter":
        start = quarter_start - relativedelta(months=3)
        return Period(start, quarter_start - dt.timedelta(days=1), "quarter")
    if name == "this_week":
        return Period(week_start, today, "range")
    if name == "last_week":
        return Period(week_start - dt.timedelta(days=7), week_start - dt.timedelta(days=1), "range")
    if name == "today":
        return Period(today, today, "day")
    if name == "day_before_yesterday":
        day = today - dt.timedelta(days=2)
        return Period(day, day, "day")
    if name == "yesterday":
        day = today - dt.timedelta(days=1)
        return Period(day, day, "day")
    return Period(dt.date(1990, 1, 1), today, "all")


def _resolve_year(atom: Atom, today: dt.date, anchor: int | None = None) -> int:
    if atom.year is not None:
        return atom.year
    if atom.relative_year is not None:
        return today.year + atom.relative_year
    if anchor is not None:
        return anchor
    # No year: the most recent such month (or quarter, half, day) that is not in the future.
    if atom.kind == "month" and atom.month is not None:
        return today.year if atom.month <= today.month else today.year - 1
    if atom.kind == "quarter" and atom.number is not None:
        return today.year if 3 * atom.number - 2 <= today.month else today.year - 1
    if atom.kind == "half" and atom.number is not None:
        return today.year if 6 * atom.number - 5 <= today.month else today.year - 1
    if atom.kind in ("date", "span") and atom.month is not None and atom.day is not None:
        return today.year if (atom.month, atom.day) <= (today.month, today.day) else today.year - 1
    return today.year


def to_period(atom: Atom, today: dt.date, anchor: int | None = None) -> Period | None:
    period = _to_period(atom, today, anchor)
    if period is not None and atom.kind != "year" and atom.year is None and atom.relative_year is None:
        period = replace(period, implicit_year=anchor is None and atom.period is None)
    return period


def _to_period(atom: Atom, today: dt.date, anchor: int | None = None) -> Period | None:
    if atom.period is not None:
        return atom.period
    year = _resolve_year(atom, today, anchor)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None  # "0001-01-01", "9999": not a period of any business's books
    try:
        if atom.kind == "date" and atom.month and atom.day:
            day = dt.date(year, atom.month, atom.day)
            return Period(day, day, "day")
        if atom.kind == "span" and atom.month and atom.day and atom.number:
            last = min(atom.number, _month_end(dt.date(year, atom.month, 1)).day)
            return Period(dt.date(year, atom.month, atom.day), dt.date(year, atom.month, last), "range")
        if atom.kind == "month" and atom.month:
            return month_period(year, atom.month, today)
        if atom.kind == "quarter" and atom.number:
            return quarter_period(year, atom.number, today)
        if atom.kind == "first_months" and atom.number:
            start = dt.date(year, 1, 1)
            return Period(start, _month_end(dt.date(year, atom.number, 1)), "range")
        if atom.kind == "half" and atom.number:
            start = dt.date(year, 1 if atom.number == 1 else 7, 1)
            return Period(start, _month_end(start + relativedelta(months=5)), "half")
        if atom.kind == "year":
            return year_period(year, today)
    except ValueError:
        return None
    return None


def _range(first: Atom, second: Atom, today: dt.date) -> Period | None:
    """A range between two atoms; a missing year comes from the other end."""
    if first.year is None and first.relative_year is None and second.year is not None:
        end = to_period(second, today)
        start = to_period(first, today, anchor=second.year)
        if start and end and start.start > end.start:
            start = to_period(first, today, anchor=second.year - 1)
    else:
        start = to_period(first, today)
        anchor = start.end.year if start else None
        end = to_period(second, today, anchor=anchor if second.year is None else None)
        if start and end and end.end < start.start and second.year is None and anchor is not None:
            end = to_period(second, today, anchor=anchor + 1)
    if start is None or end is None or end.end < start.start:
        return None
    return Period(start.start, end.end, "range")


def find_periods(text: str, today: dt.date, *, join: bool = True) -> list[Period]:
    """The periods a normalised question names, in order. "from X to Y" and "between X and Y"
    become one range; with join=False they stay two periods (for comparisons)."""
    atoms = find_atoms(text, today)
    periods: list[Period] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        following = atoms[i + 1] if i + 1 < len(atoms) else None
        if following is not None:
            gap = text[atom.end : following.start]
            opened = bool(_RANGE_OPEN.search(text[: atom.start]))
            if join and (_RANGE_LINK.match(gap) or (opened and _AND_LINK.match(gap))):
                joined = _range(atom, following, today)
                if joined is not None:
                    periods.append(joined)
                    i += 2
                    continue
        period = to_period(atom, today)
        if period is not None:
            if _SINCE.search(text[: atom.start]) and atom.kind != "relative":
                period = Period(period.start, max(today, period.start), "range")
            periods.append(period)
        i += 1
    return periods
