"""The words of periods, per language: month names and the spellings owners type, numbers and
ordinals in English and Kiswahili, and the regular-expression pieces built from them. The grammar
that reads them is kavi.periods."""

from __future__ import annotations

import re

from .text import edit_distance, wordlist

MONTH_NAMES_EN = wordlist(
    "January February March April May June July August September October November December"
)
MONTH_NAMES_SW = wordlist(
    "Januari Februari Machi Aprili Mei Juni Julai Agosti Septemba Oktoba Novemba Desemba"
)
SW_ORDINAL_NAMES = ["kwanza", "pili", "tatu", "nne"]
EN_ORDINAL_NAMES = ["first", "second", "third", "fourth"]

MONTHS: dict[str, int] = {}
for _number, (_en, _sw) in enumerate(zip(MONTH_NAMES_EN, MONTH_NAMES_SW, strict=True), 1):
    MONTHS[_en.lower()] = MONTHS[_sw.lower()] = MONTHS[_en.lower()[:3]] = _number
# Other spellings owners type.
MONTHS.update(
    (word, int(number))
    for word, number in (
        pair.split("=")
        for pair in wordlist(
            "sept=9 marchi=3 julei=7 augusti=8 disemba=12 febuari=2 febuary=2 feburary=2 febrary=2 "
            "agust=8 augst=8 septmber=9 setember=9 octber=10 novmber=11 decmber=12 apirl=4"
        )
    )
)
# Years a question can name; outside them a "period" is a typo or a test of the parser.
MIN_YEAR, MAX_YEAR = 1900, 2999

# "may" is a month only where a period is expected (see _MONTH_WORD below).
del MONTHS["may"]

SW_NUMBERS = {
    "kumi na moja": 11,
    "kumi na mbili": 12,
    "kwanza": 1,
    "moja": 1,
    "pili": 2,
    "mbili": 2,
    "tatu": 3,
    "nne": 4,
    "tano": 5,
    "sita": 6,
    "saba": 7,
    "nane": 8,
    "tisa": 9,
    "kumi": 10,
    "mmoja": 1,
    "miwili": 2,
    "mitatu": 3,
    "minne": 4,
    "mitano": 5,
}
EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
EN_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
    "last": 4,
}


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_MONTH = rf"(?:{_alternation(list(MONTHS))})"
# "may" counts when a day or year sits next to it, or a preposition announces a period.
_MAY_AFTER = "|".join(
    rf"(?<=\b{w} )may" for w in ("in", "of", "for", "during", "since", "from", "to", "and", "until")
)
_MONTH_WORD = rf"(?:{_MONTH}|{_MAY_AFTER}|may(?=\s+(?:\d|')))"
_YEAR = r"(?:(?:19|20)\d{2}\b|'\d{2}\b)"
_SW_NUM = rf"(?:{_alternation(list(SW_NUMBERS))})"
_EN_NUM = rf"(?:\d{{1,3}}|{_alternation(list(EN_NUMBERS))})"
_YEAR_LINK = r"(?:\s*,?\s*(?:of\s+|in\s+|ya\s+|wa\s+)?(?:the\s+year\s+|mwaka\s+(?:wa\s+)?)?)"


def fix_month_typos(tokens: list[str]) -> dict[str, str]:
    """Misspelt month names ("Febuary", "Septmber", "Agusti") mapped to a spelling we know."""
    fixes: dict[str, str] = {}
    for token in tokens:
        if len(token) < 5 or token in MONTHS or not token.isalpha():
            continue
        limit = 2 if len(token) >= 8 else 1
        for name in MONTHS:
            if len(name) >= 5 and edit_distance(token, name, limit) <= limit:
                fixes[token] = name
                break
    return fixes
