"""Kiswahili names for the standard categories, so a Swahili answer says "Usafiri" where the books
say "Transport". A business's own, non-standard category names are left as they are."""

from __future__ import annotations

import re

from .names import NameIndex
from .text import normalise

# Keys are normalised English names ("&" and "and" both accepted); values are what a Kenyan shop
# owner would call the category.
_STANDARD = {
    "sales": "Mauzo",
    "counter sales": "Mauzo ya kaunta",
    "services": "Huduma",
    "delivery fees": "Ada za usafirishaji",
    "stock purchases": "Ununuzi wa bidhaa",
    "purchases": "Manunuzi",
    "rent": "Kodi ya pango",
    "salaries": "Mishahara",
    "wages": "Mishahara",
    "utilities": "Umeme na maji",
    "transport": "Usafiri",
    "airtime and data": "Muda wa maongezi na data",
    "marketing": "Matangazo",
    "bank charges": "Ada za benki",
    "m-pesa charges": "Ada za M-Pesa",
    "mpesa charges": "Ada za M-Pesa",
    "licences and permits": "Leseni na vibali",
    "licenses and permits": "Leseni na vibali",
    "repairs and maintenance": "Ukarabati na matengenezo",
    "loan repayment": "Marejesho ya mkopo",
    "taxes": "Kodi na ushuru",
    "transfer": "Uhamisho",
    "transfers": "Uhamisho",
    "other": "Mengineyo",
    "other income": "Mapato mengineyo",
    "other expenses": "Matumizi mengineyo",
}


def _key(name: str) -> str:
    return " ".join(normalise(name.replace("&", " and ")).split())


def swahili_category(name: str) -> str | None:
    """The Kiswahili name of a standard category, or None for a business's own name."""
    return _STANDARD.get(_key(name))


def in_swahili(text: str, names: NameIndex, *, keep_book_name: bool = True) -> str:
    """Says the business's standard category names in Kiswahili: "Usafiri (Transport)", the name in
    the books kept beside it so the owner can find it there (or alone, for a suggested question). A
    customer's or supplier's name that contains a category's name ("Transport Ltd") is kept whole."""
    swaps = {
        c.name: f"{sw} ({c.name})" if keep_book_name else sw
        for c in names.categories
        if (sw := swahili_category(c.name))
    }
    if not swaps or not text:
        return text
    kept: list[str] = []
    others = sorted((e.name for e in names.entities if e.kind != "category"), key=len, reverse=True)
    for other in others:
        if any(name in other for name in swaps) and other in text:
            kept.append(other)
            text = text.replace(other, f"\x00{len(kept) - 1}\x00")
    for name in sorted(swaps, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", swaps[name], text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
