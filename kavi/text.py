"""Text helpers for the built-in engine: normalising questions, guessing their language and cheap
typo tolerance. Everything here is pure and precompiled; nothing touches the database."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCT = re.compile(r"[^\w\s'%&/.\-]")
_SPACES = re.compile(r"\s+")
_DOT_NOT_DECIMAL = re.compile(r"(?<!\d)\.|\.(?!\d)")
# Curly quotes, acute accents and dashes as typed on phones.
_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        "\u00b4": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u201c": " ",
        "\u201d": " ",
    }
)
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def wordlist(text: str) -> list[str]:
    """The words of a long literal, one list kept readable in the source."""
    return text.split()


def normalise(text: str) -> str:
    """Lower case, accents and most punctuation removed, single spaces. Keeps what periods and
    amounts need: digits, '-', '/', '.', '%', '&' and the apostrophe of '25."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _PUNCT.sub(" ", text)
    text = _DOT_NOT_DECIMAL.sub(" ", text)
    text = text.replace("&", " & ")
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return WORD.findall(text)


def singular(word: str) -> str:
    """A rough English singular, enough to match "salaries" with "salary" and "fees" with "fee"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def typo_limit(word: str) -> int:
    """How many edits a word of this length may carry and still count as the same word."""
    if len(word) >= 8:
        return 2
    if len(word) >= 5:
        return 1
    return 0


# --- Language -------------------------------------------------------------------------------------

SWAHILI_WORDS = frozenset(
    wordlist(
        """
    ya wa la za kwa na ni je gani ngapi nini nani lini wapi vipi kiasi pesa jumla yote yetu letu
    langu wangu zetu wetu hii huu hiyo hizo ile hapa sasa leo jana kesho mwezi mwaka miezi wiki siku
    robo nusu tarehe hadi mpaka kati tangu kuanzia mapato mauzo matumizi gharama faida hasara salio
    deni madeni wateja mteja wadeni ankara bajeti tulitumia tumetumia tunatumia tulipata tumepata
    tulilipa tumelipa tulilipwa alitulipa walitulipa wanatudai anatudai wanadaiwa anadaiwa
    usafiri umeme stima maji mishahara mshahara matangazo ukarabati bidhaa kodi nyumba ushuru
    ilikuwa yalikuwa zilikuwa lilikuwa kulikuwa zaidi kubwa mkubwa ndogo chini juu sana je habari
    tafadhali asante nionyeshe niambie eleza onyesha linganisha ikilinganishwa asilimia ongezeko
    iliyopita uliopita zilizopita huu hii jumla kwa ujumla miamala muamala msambazaji wasambazaji
    zimechelewa zilizochelewa hazijalipwa imebaki tuna tunayo biashara yangu yetu mambo
    januari februari machi aprili mei juni julai agosti septemba oktoba novemba desemba
    kwanza pili tatu nne tano sita saba nane tisa kumi moja mbili zipi ipi upi kipi yupi wepi
    """
    )
)
ENGLISH_WORDS = frozenset(
    wordlist(
        """
    the what how much many did we our us was were is are in on of for to from and which who much
    spend spent spending income revenue expense expenses profit total month year last this did have
    has been show tell give customer customers invoice invoices budget compared with between by
    """
    )
)


def detect_language(text: str) -> str:
    tokens = words(normalise(text))
    sw = sum(1 for t in tokens if t in SWAHILI_WORDS or t.startswith(("tuli", "tume", "wali", "ali")))
    en = sum(1 for t in tokens if t in ENGLISH_WORDS)
    return "sw" if sw > en else "en"
