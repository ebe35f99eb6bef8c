"""Periods in English and Kiswahili, resolved against a fixed local date (no database)."""

import datetime as dt

import pytest

from kavi.periods import find_periods
from kavi.text import detect_language, normalise

TODAY = dt.date(2026, 11, 22)
D = dt.date


def first(text: str, today: dt.date = TODAY):
    periods = find_periods(normalise(text), today)
    assert periods, f"no period in {text!r}"
    return periods[0].start, periods[0].end


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("income in March 2026", D(2026, 3, 1), D(2026, 3, 31)),
        ("spend in march", D(2026, 3, 1), D(2026, 3, 31)),  # no year: the latest March not in the future
        ("spend in December", D(2025, 12, 1), D(2025, 12, 31)),  # December 2026 is still ahead
        ("this November", D(2026, 11, 1), D(2026, 11, 30)),
        ("mwezi Machi 2026", D(2026, 3, 1), D(2026, 3, 31)),
        ("Desemba", D(2025, 12, 1), D(2025, 12, 31)),
        ("mwezi wa tatu", D(2026, 3, 1), D(2026, 3, 31)),
        ("mwezi wa kumi na mbili 2025", D(2025, 12, 1), D(2025, 12, 31)),
        ("mwezi wa 7 mwaka 2025", D(2025, 7, 1), D(2025, 7, 31)),
        ("in May 2025", D(2025, 5, 1), D(2025, 5, 31)),
        ("Sept 2025", D(2025, 9, 1), D(2025, 9, 30)),
        ("july '26", D(2026, 7, 1), D(2026, 7, 31)),
        ("Febuary 2026", D(2026, 2, 1), D(2026, 2, 28)),
        ("March of last year", D(2025, 3, 1), D(2025, 3, 31)),
        ("Machi mwaka jana", D(2025, 3, 1), D(2025, 3, 31)),
        ("Q2 2026", D(2026, 4, 1), D(2026, 6, 30)),
        ("q3 of 2025", D(2025, 7, 1), D(2025, 9, 30)),
        ("the third quarter of 2025", D(2025, 7, 1), D(2025, 9, 30)),
        ("the 4th quarter", D(2026, 10, 1), D(2026, 12, 31)),
        ("robo ya pili ya mwaka 2026", D(2026, 4, 1), D(2026, 6, 30)),
        ("robo ya tatu 2025", D(2025, 7, 1), D(2025, 9, 30)),
        ("first half of 2025", D(2025, 1, 1), D(2025, 6, 30)),
        ("H2 2025", D(2025, 7, 1), D(2025, 12, 31)),
        ("nusu ya kwanza ya mwaka 2026", D(2026, 1, 1), D(2026, 6, 30)),
        ("the first three months of 2026", D(2026, 1, 1), D(2026, 3, 31)),
        ("in 2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("mwaka 2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("last month", D(2026, 10, 1), D(2026, 10, 31)),
        ("mwezi uliopita", D(2026, 10, 1), D(2026, 10, 31)),
        ("this month", D(2026, 11, 1), TODAY),
        ("mwezi huu", D(2026, 11, 1), TODAY),
        ("this year", D(2026, 1, 1), TODAY),
        ("so far", D(2026, 1, 1), TODAY),
        ("year to date", D(2026, 1, 1), TODAY),
        ("mwaka huu", D(2026, 1, 1), TODAY),
        ("last year", D(2025, 1, 1), D(2025, 12, 31)),
        ("mwaka jana", D(2025, 1, 1), D(2025, 12, 31)),
        ("mwaka juzi", D(2024, 1, 1), D(2024, 12, 31)),
        ("last quarter", D(2026, 7, 1), D(2026, 9, 30)),
        ("this week", D(2026, 11, 16), TODAY),
        ("wiki hii", D(2026, 11, 16), TODAY),
        ("last week", D(2026, 11, 9), D(2026, 11, 15)),
        ("today", TODAY, TODAY),
        ("leo", TODAY, TODAY),
        ("yesterday", D(2026, 11, 21), D(2026, 11, 21)),
        ("jana", D(2026, 11, 21), D(2026, 11, 21)),
        ("the last 30 days", D(2026, 10, 24), TODAY),
        ("siku 7 zilizopita", D(2026, 11, 16), TODAY),
        ("miezi mitatu iliyopita", D(2026, 8, 23), TODAY),
        ("from 1 March to 15 April 2026", D(2026, 3, 1), D(2026, 4, 15)),
        ("between 2026-01-01 and 2026-03-31", D(2026, 1, 1), D(2026, 3, 31)),
        ("kati ya 1 Machi na 15 Aprili 2026", D(2026, 3, 1), D(2026, 4, 15)),
        ("tarehe 1 hadi 15 Oktoba 2026", D(2026, 10, 1), D(2026, 10, 15)),
        ("Januari hadi Machi 2026", D(2026, 1, 1), D(2026, 3, 31)),
        ("from November 2025 to February 2026", D(2025, 11, 1), D(2026, 2, 28)),
        ("March 1st to March 10th, 2026", D(2026, 3, 1), D(2026, 3, 10)),
        ("05/03/2026", D(2026, 3, 5), D(2026, 3, 5)),
        ("since September", D(2026, 9, 1), TODAY),
        ("tangu Agosti 2026", D(2026, 8, 1), TODAY),
    ],
)
def test_periods(text, start, end):
    assert first(text) == (start, end)


def test_may_is_a_month_only_where_a_period_is_expected():
    assert find_periods(normalise("May I see the totals?"), TODAY) == []
    assert first("income in may") == (D(2026, 5, 1), D(2026, 5, 31))


def test_amounts_are_not_years_and_comparisons_keep_two_periods():
    assert find_periods(normalise("transactions above 500 shillings"), TODAY) == []
    periods = find_periods(normalise("Q3 2026 compared with Q3 2025"), TODAY, join=False)
    assert [(p.start, p.end) for p in periods] == [
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2025, 7, 1), D(2025, 9, 30)),
    ]


def test_labels_in_both_languages():
    (period,) = find_periods(normalise("Q3 2025"), TODAY)
    assert period.label("en") == "Q3 2025" and period.label("sw") == "robo ya tatu ya 2025"
    (period,) = find_periods(normalise("March 2026"), TODAY)
    assert period.label("sw") == "Machi 2026"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How much did we spend on transport in March?", "en"),
        ("Tulitumia pesa ngapi kwa usafiri mwezi Machi?", "sw"),
        ("Wateja wanatudai pesa ngapi?", "sw"),
        ("What was our income in 2025?", "en"),
        ("Mapato yetu yote mwaka 2025 yalikuwa kiasi gani?", "sw"),
    ],
)
def test_language_detection(text, language):
    assert detect_language(text) == language
