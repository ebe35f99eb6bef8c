"""The business's own names (categories, suppliers, customers) and how a question refers to them:
exact or partial names, plurals, typos, and everyday words in English and Kiswahili."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .text import edit_distance, normalise, singular, typo_limit, wordlist, words

CORPORATE = frozenset({"ltd", "limited", "co", "op", "company", "plc", "inc", "llc", "ltd.", "the", "agent"})
# Words owners use in questions: on their own they never name a customer, supplier or category.
GENERIC = frozenset(
    wordlist(
        """
    and the of for in on at to na ya wa za la kwa & sale sales fee fees payment payments charge charges
    data power water bank purchase purchases income expense expenses cost costs total business service
    services general other misc miscellaneous office supply supplies customer client supplier invoice
    invoices transfer money cash road county project projects school schools store shop duka kenya
    nairobi east west north south central group enterprise enterprises works board estate estates
    international holdings trading traders solutions center centre home house new one two we our us
    how much many did what which who was were is are this last month year spend spent paid pay
    """
    )
)


@dataclass(frozen=True)
class Entity:
    kind: str  # category, supplier or customer
    name: str
    id: int | None = None
    transaction_type: str = ""  # a category's usual type

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "id": self.id,
            "transaction_type": self.transaction_type,
        }


@dataclass(frozen=True)
class Match:
    entity: Entity
    start: int  # token positions, end exclusive
    end: int
    strength: float
    via: str  # name, word, concept, typo

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Concept:
    key: str
    hints: tuple[str, ...]  # stems looked for in the business's category names, in order
    transaction_type: str
    phrases: tuple[str, ...]


def _concept(key: str, hints: str, transaction_type: str, phrases: str) -> Concept:
    return Concept(key, tuple(hints.split("|")), transaction_type, tuple(phrases.split("|")))


CONCEPTS = [
    _concept(
        "transport",
        "transport|travel|fuel|logistic",
        "expense",
        "transport|transportation|travel|travelling|traveling|fuel|petrol|diesel|usafiri|nauli|"
        "mafuta|boda|boda boda|matatu|taxi|fare|logistics|usafirishaji|transport costs|"
        "gharama za usafiri",
    ),
    _concept(
        "rent",
        "rent|lease|premises",
        "expense",
        "rent|rental|rents|lease|kodi ya nyumba|kodi ya duka|kodi ya jengo|kodi ya pango|pango|"
        "kodi ya ofisi|house rent|shop rent|landlord|caretaker|mwenye nyumba",
    ),
    _concept(
        "utilities",
        "utilit|electric|power|water",
        "expense",
        "utilities|utility|electricity|electric|power|power bill|umeme|stima|water|maji|"
        "water bill|bili ya umeme|bili ya maji|token|tokens",
    ),
    _concept(
        "salaries",
        "salar|wage|payroll|staff",
        "expense",
        "salaries|salary|wages|wage|payroll|mishahara|mshahara|staff pay|staff costs|"
        "malipo ya wafanyakazi|wafanyakazi|workers|employees|pay roll|staff|casuals|casual workers|"
        "vibarua|wages and salaries",
    ),
    _concept(
        "marketing",
        "marketing|advert|promotion",
        "expense",
        "marketing|advertising|advertisement|advertisements|adverts|advert|ads|promotion|"
        "promotions|matangazo|tangazo|kutangaza",
    ),
    _concept(
        "repairs",
        "repair|maintenance",
        "expense",
        "repairs|repair|maintenance|ukarabati|marekebisho|matengenezo|fixing|repairs and maintenance",
    ),
    _concept(
        "stock",
        "stock|inventory|purchase|goods",
        "expense",
        "stock|inventory|purchases|stock purchases|goods|bidhaa|restocking|manunuzi|buying stock|"
        "cost of goods|merchandise|stoo",
    ),
    _concept(
        "taxes",
        "tax",
        "expense",
        "tax|taxes|kra|vat|kodi|ushuru|paye",
    ),
    _concept(
        "bank",
        "bank",
        "expense",
        "bank charges|bank charge|bank fees|bank fee|ada za benki|makato ya benki|"
        "gharama za benki|charges za benki|bank commission|transaction fees",
    ),
    _concept(
        "airtime",
        "airtime|data|internet|phone|communication",
        "expense",
        "airtime|internet|bundles|data bundles|muda wa maongezi|vocha|mobile data|"
        "airtime and data|bando|phone bills|phone|calls|wifi",
    ),
    _concept(
        "counter",
        "counter|retail|walk|shop sales|cash sales",
        "income",
        "counter sales|walk in sales|walk-in sales|walk in|retail sales|mauzo ya dukani|"
        "mauzo ya kaunta|shop sales|counter|kaunta",
    ),
    _concept(
        "delivery",
        "delivery|deliveries",
        "income",
        "delivery fees|delivery fee|delivery charges|ada za usafirishaji|delivery income",
    ),
    _concept(
        "invoices",
        "invoice",
        "income",
        "invoice payments|malipo ya ankara|invoice income|invoice receipts",
    ),
    _concept(
        "transfer",
        "transfer",
        "transfer",
        "transfers|uhamisho",
    ),
]


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(singular(w) for w in words(normalise(text)) if w != "&")


def _aliases(name: str) -> set[tuple[str, ...]]:
    aliases: set[tuple[str, ...]] = set()
    aliases.add(_tokens(name))
    if "&" in name:
        aliases.add(_tokens(name.replace("&", " and ")))
    inner = re.findall(r"\(([^)]*)\)", name)
    outer = re.sub(r"\([^)]*\)", " ", name)
    for part in [*inner, outer]:
        if part.strip():
            aliases.add(_tokens(part))
    for alias in list(aliases):
        trimmed = tuple(t for t in alias if t not in CORPORATE)
        if trimmed:
            aliases.add(trimmed)
        without_and = tuple(t for t in alias if t not in ("and", "na"))
        if without_and:
            aliases.add(without_and)
        if len(trimmed) >= 3:
            aliases.add(trimmed[:2])  # "Rift Valley", "Mabati Rolling"
    return {a for a in aliases if a and not (len(a) == 1 and a[0] in GENERIC)}


@dataclass
class NameIndex:
    """Built once per request from the business's own names."""

    entities: list[Entity]
    phrases: dict[str, list[tuple[tuple[str, ...], Entity, float, str]]] = field(default_factory=dict)
    distinctive: dict[str, list[Entity]] = field(default_factory=dict)
    concepts: dict[str, list[tuple[tuple[str, ...], Concept]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        phrases: dict[str, list[tuple[tuple[str, ...], Entity, float, str]]] = defaultdict(list)
        owners: dict[str, set[Entity]] = defaultdict(set)
        for entity in self.entities:
            for alias in _aliases(entity.name):
                phrases[alias[0]].append((alias, entity, 3.0 + len(alias) * 0.1, "name"))
            for token in _tokens(entity.name):
                if len(token) >= 4 and token not in GENERIC and token not in CORPORATE:
                    owners[token].add(entity)
        for token, entities in owners.items():
            if len(entities) == 1:
                entity = next(iter(entities))
                phrases[token].append(((token,), entity, 2.0, "word"))
        self.phrases = dict(phrases)
        self.distinctive = {t: list(e) for t, e in owners.items() if len(e) == 1 and len(t) >= 5}
        concepts: dict[str, list[tuple[tuple[str, ...], Concept]]] = defaultdict(list)
        for concept in CONCEPTS:
            for phrase in concept.phrases:
                tokens = _tokens(phrase)
                concepts[tokens[0]].append((tokens, concept))
        self.concepts = dict(concepts)

    @property
    def categories(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "category"]

    def category_for(self, concept: Concept, prefer_type: str | None = None) -> Entity | None:
        """The business's own category for an everyday word ("usafiri" -> its "Transport")."""
        candidates = self.categories
        wanted = prefer_type or concept.transaction_type
        for hint in concept.hints:
            found = [c for c in candidates if hint in normalise(c.name)]
            if found:
                found.sort(key=lambda c: (c.transaction_type != wanted, len(c.name)))
                return found[0]
        return None

    def find(self, tokens: list[str], skip: frozenset[str] = frozenset()) -> list[Match]:
        """Every name or everyday word found in the question's tokens (already singular), the
        strongest first and without overlaps."""
        found: list[Match] = []
        for i, token in enumerate(tokens):
            for alias, entity, strength, via in self.phrases.get(token, ()):
                if tuple(tokens[i : i + len(alias)]) == alias:
                    found.append(Match(entity, i, i + len(alias), strength, via))
            for phrase, concept in self.concepts.get(token, ()):
                if tuple(tokens[i : i + len(phrase)]) == phrase:
                    category = self.category_for(concept)
                    if category is not None:
                        found.append(Match(category, i, i + len(phrase), 2.5 + len(phrase) * 0.1, "concept"))
                    else:
                        missing = Entity("category", concept.key, None, concept.transaction_type)
                        found.append(Match(missing, i, i + len(phrase), 1.5, "missing"))
        # Typos: a long word one or two edits away from a distinctive name word.
        for i, token in enumerate(tokens):
            limit = typo_limit(token)
            if not limit or token in skip or token in self.phrases or token in self.concepts:
                continue
            for word, entities in self.distinctive.items():
                if word[0] == token[0] and edit_distance(token, word, limit) <= limit:
                    found.append(Match(entities[0], i, i + 1, 1.0, "typo"))
                    break
            else:
                for key, entries in self.concepts.items():
                    if len(key) >= 6 and key[0] == token[0] and edit_distance(token, key, limit) <= limit:
                        for phrase, concept in entries:
                            category = self.category_for(concept)
                            if len(phrase) == 1 and category is not None:
                                found.append(Match(category, i, i + 1, 1.0, "typo"))
                                break
                        break
        found.sort(key=lambda m: (-m.strength, -m.size, m.start))
        chosen: list[Match] = []
        for match in found:
            if all(match.end <= c.start or match.start >= c.end for c in chosen):
                chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)


def build_index(
    *, categories: list[tuple[str, str]], suppliers: list[tuple[int, str]], customers: list[tuple[int, str]]
) -> NameIndex:
    """categories: (transaction_type, name) pairs; a name used for several types keeps the most common."""
    by_name: dict[str, str] = {}
    for kind, name in categories:
        if name and (name not in by_name or kind != "transfer"):
            by_name.setdefault(name, kind)
    entities = [Entity("category", name, None, kind) for name, kind in by_name.items()]
    entities += [Entity("supplier", name, pk) for pk, name in suppliers if name]
    entities += [Entity("customer", name, pk) for pk, name in customers if name]
    return NameIndex(entities)
