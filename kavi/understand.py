"""From a question to a frame: what is asked (intent), which measure, period and names. English and
Kiswahili, word order free; follow-ups ("and in April?", "na Aprili je?") reuse the last frame."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from .names import Entity, Match, NameIndex
from .periods import MONTHS, Period, find_periods, fix_month_typos
from .text import ENGLISH_WORDS, SWAHILI_WORDS, normalise, singular, wordlist, words


def _re(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


HELP = _re(
    r"help|what can you do|what do you do|how do you work|capabilities|what can i ask|"
    r"what (?:kind of )?questions|unaweza kufanya nini|unaweza kunisaidia(?: na)? nini|msaada|nisaidie|"
    r"unafanya nini|naweza kuuliza nini|unajua nini|who are you|wewe ni nani"
)
GREETING = re.compile(
    r"^(?:hi|hello|hey|habari|jambo|hujambo|mambo|salaam|salamu|niaje|good (?:morning|afternoon|evening)"
    r"|sasa|vipi|shikamoo|thanks|thank you|asante|asante sana)(?: kavi| yako| za asubuhi| za leo)?$"
)
NET = _re(
    r"profits?|net|loss(?:es)?|lose|lost|losing|faida|hasara|bottom line|surplus|deficit|margin|"
    r"make money|lose money|kupata faida|tulipata hasara"
)
PAID_US = _re(
    r"paid us|pay us|pays us|paying us|paid to us|received from|receive from|collected from|alitulipa|"
    r"walitulipa|ametulipa|wametulipa|tulilipwa|tumelipwa|tulipokea|tumepokea|anatulipa|wanatulipa|"
    r"tulipwa|collect|collected|collections"
)
# Payments the business made: "made" here is not income.
PAID_OUT = _re(
    r"payments? (?:that )?we made|payments? made|made (?:a |the |any )?payments?|we paid|did we pay|"
    r"paid to|payments? to"
)
INCOME = _re(
    r"income|incomes|revenues?|earn|earned|earning|earnings|made|make|makes|making|sales?|sold|sell|"
    r"selling|takings|receipts|received|receive|inflows?|came in|come in|brought in|bring in|brings in|"
    r"money in|turnover|mapato|pato|kipato|mauzo|tuliuza|tumeuza|tunauza|tuliingiza|tumeingiza|"
    r"tulipata|tumepata|tunapata|mapokezi|ziliingia|zilizoingia|iliingia|tulizopata|tuliyopata|"
    r"imeingia"
)
EXPENSE = _re(
    r"expenses?|expenditures?|spend|spends|spent|spending|costs?|costing|outflows?|outgoings|money out|"
    r"paid out|pay out|paid|pay|paying|bought|buy|buying|purchased|went to|go to|goes to|went out|"
    r"goes out|go out|outgoing|matumizi|gharama|tulitumia|tumetumia|tunatumia|kutumia|walitumia|"
    r"ilitumika|zilitumika|yalitumika|tulilipa|tumelipa|tunalipa|kulipa|tulinunua|tumenunua|kununua|"
    r"zilizotoka|zilitoka|iliyotoka|tuligharamika|tulizotumia"
)
BUDGET = _re(r"budgets?", r"budgeted", r"bajeti")
COMPARE = _re(
    r"compare|compared|comparing|comparison|versus|vs|against|change|changed|changes|growth|grow|grew|"
    r"grown|growing|increased?|decreased?|increasing|decreasing|rise|rose|risen|fall|fell|fallen|drop|"
    r"dropped|up or down|higher|lower|more than|less than|percent|percentage|linganisha|ikilinganishwa|"
    r"ukilinganisha|kulinganisha|tukilinganisha|dhidi ya|kuliko|asilimia|ongezeko|kuongezeka|"
    r"iliongezeka|yaliongezeka|ziliongezeka|ilipungua|yalipungua|zilipungua|kupungua|upungufu|"
    r"ilibadilika|yalibadilika|zilibadilika|mabadiliko|badiliko|tofauti|ilipanda|yalipanda|zilipanda|"
    r"kupanda|ilishuka|yalishuka|zilishuka|kushuka|went up|gone up|went down|gone down"
)
PERCENT_SIGN = re.compile(r"%")
MARGIN = _re(r"margins?", r"profitability", r"asilimia ya faida", r"kiwango cha faida")
AVERAGE = _re(r"average", r"averages", r"avg", r"on average", r"mean", r"wastani", r"kwa wastani")
PER_DAY = _re(r"per day", r"a day", r"daily", r"each day", r"kwa siku", r"kila siku")
PAYABLE = _re(
    r"we owe|do we owe|owe (?:to )?(?:our )?suppliers?|payables?|tunadaiwa|tunawadai wasambazaji|"
    r"bills? to pay|madeni yetu"
)
RECEIVABLE = _re(
    r"owe|owes|owed|owing|outstanding|receivables?|unpaid|not paid|not yet paid|debts?|debtors?|due|"
    r"dai|wanatudai|anatudai|tunadai|tunawadai|wanadaiwa|anadaiwa|wanaodaiwa|anayedaiwa|wadeni|mdeni|"
    r"deni|madeni|ha(?:wa|ja|zi|i)\w*lip\w*|balance due|yet to pay|haven'?t paid|"
    r"have not paid|open invoices|madai|owing us"
)
OVERDUE = re.compile(
    r"\b(?:overdue|late payments?|paying late|past due|past their due|"
    r"\w*chelewa\w*|\w*pitiliza\w*|\w*pitwa\w*|muda(?:\s+\w+){0,4}\s+(?:ume|ime|zime|u|i|zi)pita|"
    r"(?:ume|ime|zime)pita\s+muda|tarehe ya (?:mwisho|kulipa) (?:ime|ume|i|u)pita)\b"
)
INVOICE = _re(r"invoices?", r"invoiced", r"invoicing", r"ankara", r"bills? (?:we )?sent")
COUNT = re.compile(
    r"\b(?:how many|number of|count of|count|idadi|how much invoices)\b"
    r"|\b(?:ankara|invoices?|miamala|muamala|transactions?|mauzo|sales|wateja)\s+(?:(?!pesa\b|kiasi\b)\w+\s+){0,2}ngapi\b"
    r"|\bngapi\s+(?:za\s+|ya\s+)?(?:ankara|miamala|mauzo)\b"
    r"|\b(?:ankara|miamala|muamala|wateja|wadeni)\b(?!.*\b(?:pesa|kiasi)\s+(?:ngapi|gani)\b).*\bw?\w*ngapi\b"
)
ISSUED = _re(
    r"issue|issued|issuing|sent|send|raised?|created?|wrote|write|billed|tulitoa|tumetoa|tulituma|"
    r"tumetuma|zilitolewa|tuliandika|tumeandika|zilizotolewa|tulizotoa|tulizotuma|zilizotumwa|"
    r"zimetolewa"
)
TOP = _re(
    r"most|biggest|largest|highest|top|best|leading|main|greatest|zaidi|kubwa|mkubwa|wakubwa|nyingi|"
    r"wengi|kuu|bora"
)
CUSTOMER_WORDS = _re(
    r"customers?", r"clients?", r"buyers?", r"mteja", r"wateja", r"debtors?", r"mdeni", r"wadeni"
)
SUPPLIER_WORDS = _re(
    r"suppliers?|vendors?|payees?|msambazaji|wasambazaji|mgavi|wagavi|wauzaji|muuzaji|wasambazaji"
)
BEST_MONTH = _re(
    r"which month|what month|which months|mwezi gani|mwezi upi|mwezi ambao|miezi gani|best month|worst month|"
    r"busiest month|quietest month|slowest month|strongest month|weakest month|month with the"
)
LOWEST = _re(r"lowest|least|worst|smallest|weakest|slowest|quietest|fewest|ndogo|chini|kidogo")
HOW_MUCH = _re(r"kiasi gani", r"ni kiasi gani", r"pesa ngapi", r"how much", r"what amount")
WHO = _re(r"who", r"whom", r"which", r"nani", r"yupi", r"gani", r"wepi", r"wapi")
CATEGORY_WORDS = _re(
    r"categor(?:y|ies)|aina|kundi|makundi|kitengo|vitengo|breakdown|mchanganuo|where did|where does|"
    r"where do|spend (?:the )?most on|spent (?:the )?most on|spending (?:the )?most on|"
    r"tulitumia zaidi kwa|tumetumia zaidi kwa|spend(?:ing)? most of|most of our (?:money|spending)|"
    r"kwa nini zaidi|kwenye nini|kwa vitu gani|top expenses|main expenses|biggest costs|top costs|"
    r"what made (?:us )?the most|main source|sources? of income"
)
LARGEST = _re(
    r"largest|biggest|highest|most expensive|single|costliest|priciest|kubwa zaidi|kubwa kabisa|"
    r"m?kubwa|mi?kubwa|makubwa|ghali zaidi|ghali|smallest|lowest|least expensive|ndogo zaidi|"
    r"ndogo kabisa|dogo zaidi"
)
TRANSACTION_WORDS = _re(
    r"transactions?|payments?|purchases?|entry|entries|muamala|miamala|malipo|receipts?|bills?|"
    r"expenses?|sales?|gharama|matumizi|mauzo"
)
BALANCE = _re(
    r"balance|balances|salio|cash position|cash on hand|cash at hand|cash in hand|"
    r"how much (?:money|cash) do we have|how much do we have|money do we have|cash do we have|"
    r"tuna pesa ngapi|tuna kiasi gani|pesa tuliyonayo|pesa tulizonazo|akiba|tunayo pesa|in the bank|"
    r"kwenye akaunti|benki tuna|tuna pesa|pesa iliyopo|pesa zilizopo|how much cash|available cash|"
    r"cash available|benki|bank account"
)
CASHFLOW = _re(
    r"cash ?flows?|mtiririko|mzunguko wa pesa|inflows? and outflows?|money in and out|in and out|"
    r"pesa (?:iliyo|zilizo)?ingia na (?:iliyo|zilizo)?toka|opening balance|closing balance|"
    r"zilizoingia na kutoka|kuingia na kutoka"
)
RECENT = _re(
    r"recent|latest|newest|last \d+ transactions?|last few|karibuni|hivi karibuni|ya mwisho|mpya|"
    r"just recorded|last transactions?|last entries"
)
MONEY = _re(
    r"how much|total|totals|sum|amount|kiasi gani|kiasi|pesa ngapi|ngapi|jumla|shillings?|kes|ksh|"
    r"money|pesa|figures?|numbers?|summary|muhtasari|overview|how did we do|how are we doing|"
    r"performance|report|ripoti|hali ya biashara|tulifanyaje|how is business|how was business|"
    r"business doing|how did (?:the )?business|ilikuwaje|yalikuwaje"
)
FOLLOW_UP = re.compile(
    r"^(?:and|what about|how about|what of|same for|also|then|ok(?:ay)? and|now|and what about"
    r"|and for|and in|na|je|vipi|na je|vipi kuhusu|kuhusu|na kwa|na vipi|halafu|pia|sasa)\b"
)
SAME_PERIOD_LAST_YEAR = _re(
    r"last year|previous year|year on year|year over year|yoy|same period last year|"
    r"same time last year|mwaka jana|mwaka uliopita"
)
INVOICE_STATUS = {
    "paid": _re(r"fully paid", r"paid", r"zilizolipwa", r"zimelipwa", r"imelipwa", r"zililipwa"),
    "cancelled": _re(r"cancell?ed", r"voided", r"zilizofutwa", r"zimefutwa", r"zilifutwa", r"imefutwa"),
    "draft": _re(r"drafts?", r"rasimu"),
    "partially_paid": _re(r"partially paid", r"part paid", r"partly paid", r"nusu", r"sehemu"),
}
LIST_WORDS = _re(
    r"list", r"show", r"which invoices", r"what invoices", r"zipi", r"nionyeshe", r"orodha", r"ni zipi"
)
LIMIT = re.compile(
    r"\b(?:top|last|largest|biggest|first)\s+(\d{1,2})\b|\b(\d{1,2})\s+(?:largest|biggest|latest|recent|last)\b"
)

# Intents that read a period; the others (balance now, receivables) don't need one.
PERIOD_INTENTS = frozenset(
    {
        "best_month",
        "totals",
        "top_categories",
        "largest",
        "customer_payments",
        "supplier_payments",
        "compare",
        "invoices",
        "cash_flow",
        "budget",
        "balance",
    }
)
# Words the typo matcher must leave alone: they are the question's own vocabulary.
VOCABULARY = frozenset(SWAHILI_WORDS | ENGLISH_WORDS) | frozenset(
    wordlist(
        """
    spending expenses expense income revenue earnings profit largest biggest highest overdue invoices
    invoice customers customer suppliers supplier balance compared between quarter quarters category
    categories budget budgets percentage percent transactions transaction payments payment received
    average where which month months years weeks yesterday today tulitumia matumizi mapato gharama
    ankara wateja bajeti salio faida hasara robo nusu mwaka mwezi wiki siku tangu kuanzia hadi mpaka
    karibuni zaidi kubwa mkubwa linganisha ikilinganishwa asilimia iliyopita uliopita zilizopita
    wanatudai anatudai anadaiwa wanadaiwa madeni zimechelewa kimepitiliza tulipata tulilipa
    tumetumia tumelipa tulipokea alitulipa walitulipa tulitoa ngapi kiasi please tafadhali least
    lowest highest biggest largest smallest worst best most month weeks total totals earned spend spent
    sales income profit profits expenses expense owed owe paid payment payments issued invoice
    """
    )
)


@dataclass
class Frame:
    intent: str = "unknown"
    measure: str | None = None  # income, expense, net; None for a summary of all three
    period: Period | None = None
    other: Period | None = None  # the period a comparison is against
    category: Entity | None = None
    supplier: Entity | None = None
    customer: Entity | None = None
    missing: str | None = None  # an everyday word for a category this business doesn't have
    detail: str | None = None
    status: str | None = None  # invoice status asked about
    limit: int | None = None
    explicit: bool = False  # the intent came from the question's own words
    follow_up: bool = False
    period_given: bool = False
    extras: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "measure": self.measure,
            "period": self.period.as_dict() if self.period else None,
            "other": self.other.as_dict() if self.other else None,
            "category": self.category.as_dict() if self.category else None,
            "supplier": self.supplier.as_dict() if self.supplier else None,
            "customer": self.customer.as_dict() if self.customer else None,
            "detail": self.detail,
            "status": self.status,
            "limit": self.limit,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Frame:
        def entity(value: Any) -> Entity | None:
            if not isinstance(value, dict) or not value.get("name"):
                return None
            return Entity(
                str(value.get("kind", "category")),
                str(value["name"]),
                value.get("id"),
                str(value.get("transaction_type") or ""),
            )

        def period(value: Any) -> Period | None:
            try:
                return Period.from_dict(value) if isinstance(value, dict) else None
            except (KeyError, ValueError, TypeError):
                return None

        return cls(
            intent=str(data.get("intent") or "unknown"),
            measure=data.get("measure"),
            period=period(data.get("period")),
            other=period(data.get("other")),
            category=entity(data.get("category")),
            supplier=entity(data.get("supplier")),
            customer=entity(data.get("customer")),
            detail=data.get("detail"),
            status=data.get("status"),
            limit=data.get("limit"),
        )


@dataclass
class Parsed:
    text: str
    frame: Frame
    has_content: bool


def _strip_spans(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(" ", text)


def _measure(text: str) -> str | None:
    if NET.search(text):
        return "net"
    paid_us = bool(PAID_US.search(text))
    paid_out = bool(PAID_OUT.search(text))
    rest = _strip_spans(_strip_spans(text, PAID_US), PAID_OUT)
    income = paid_us or bool(INCOME.search(rest))
    expense = paid_out or bool(EXPENSE.search(rest))
    if income and expense:
        # "How much did we make from sales and spend on stock?" asks for both.
        return None
    if income:
        return "income"
    if expense:
        return "expense"
    return None


def _limit(text: str) -> int | None:
    m = LIMIT.search(text)
    if not m:
        return None
    value = int(m.group(1) or m.group(2))
    return value if 1 <= value <= 20 else None


def _entities(frame: Frame, matches: list[Match]) -> None:
    for match in matches:
        entity = match.entity
        if match.via == "missing":
            frame.missing = frame.missing or entity.name
        elif entity.kind == "category" and frame.category is None:
            frame.category = entity
        elif entity.kind == "category" and entity != frame.category:
            # "transport and marketing": more than one category, summed.
            frame.extras.setdefault("more_categories", []).append(entity)
        elif entity.kind == "supplier" and frame.supplier is None:
            frame.supplier = entity
        elif entity.kind == "customer" and frame.customer is None:
            frame.customer = entity


VERSUS_ONLY = re.compile(r"(?:\s*\b(?:vs|versus|against|compared|compare|dhidi ya|and)\b\s*)+")
OBJECT = re.compile(
    r"\b(?:spend|spent|spending|pay|paid|paying|cost|costs|expenses?|buy|bought|purchases?|income|earn|"
    r"earned|made|make|revenue|sales|budget)\s+(?:\w+\s+){0,2}?(?:on|for|from)\s+(?P<en>[a-z][a-z'&-]*"
    r"(?:\s+[a-z][a-z'&-]*){0,2})"
    r"|\b(?:did we pay|have we paid|we paid|payments? to)\s+(?P<payee>[a-z][a-z'&-]*)"
    r"|\b(?:matumizi|gharama|tulitumia|tumetumia|tulilipa|tumelipa|mapato|mauzo|bajeti)\s+(?:\w+\s+){0,3}?"
    r"(?:kwa|kwenye|ya|za|katika)\s+(?P<sw>[a-z]+)"
)
ARTICLES = frozenset(wordlist("the a an our my your their its this that these those each every all any"))
OBJECT_STOP = frozenset(
    wordlist(
        """
    the a an our my us it its this that these those each every all any everything anything average
    total business company shop store month year week day period quarter time date them first second
    third fourth last next per in to and of we you me what which whom how much many money cash things
    stuff items everything jumla ujumla mwezi mwaka wiki siku robo sasa pesa kiasi ajili nini wastani
    asilimia biashara duka mimi sisi leo jana nusu kipindi tarehe kila mambo vitu hiyo hii huu wote yote
    zote mwanzo gani ngapi yetu letu wetu zetu yangu vyote kitu hicho hizo mwisho kwanza pili tatu
    nne tano sita saba nane tisa kumi hadi mpaka tangu kuanzia kati whole entire full overall
    altogether together combined including general main various different other others during over
    past previous recent latest far date dates months years days weeks both same rest ourselves out back
    off up operating operations running overheads overhead uendeshaji shughuli matumizi mapato sales
    """
    )
)


def _compare_words(text: str) -> str:
    return " ".join(m.group(0) for m in COMPARE.finditer(text))


def _unknown_object(text: str, names: NameIndex) -> str | None:
    """The word after "spend on" or "pay" when it names nothing in the books ("stationery"), so the
    answer can say so instead of giving a different total."""
    m = OBJECT.search(text)
    if not m:
        return None
    said = [w for w in words(m.group("en") or m.group("payee") or m.group("sw") or "") if w not in ARTICLES]
    if not said:
        return None
    word = said[0]
    if (
        len(word) < 3
        or word in OBJECT_STOP
        or word in VOCABULARY
        or word in MONTHS
        or singular(word) in names.phrases
        or word.isdigit()
    ):
        return None
    return word


def parse(question: str, *, names: NameIndex, today: dt.date) -> Parsed:
    text = normalise(question)[:1000]
    tokens = words(text)
    fixes = fix_month_typos([t for t in tokens if t not in VOCABULARY])
    if fixes:
        text = " ".join(fixes.get(t, t) for t in text.split(" "))
        tokens = words(text)
    frame = Frame()
    frame.measure = _measure(text)
    frame.limit = _limit(text)
    singular_tokens = [singular(t) for t in tokens]
    matches = names.find(singular_tokens, skip=VOCABULARY)
    _entities(frame, matches)

    compare = bool(COMPARE.search(text) or PERCENT_SIGN.search(text))
    periods = find_periods(text, today, join=not compare)
    if compare and len(periods) >= 2:
        # "Q3 2026 compared with Q3 2025", "from 2025 to 2026": the later period is measured
        # against the earlier one.
        first, second = periods[0], periods[1]
        periods = [second, first, *periods[2:]] if second.start > first.start else periods
    if periods:
        frame.period = periods[0]
        frame.period_given = True

    receivable = bool(RECEIVABLE.search(text))
    overdue = bool(OVERDUE.search(text))
    count = bool(COUNT.search(text))
    top = bool(TOP.search(text))
    who = bool(WHO.search(HOW_MUCH.sub(" ", text)))
    customer_words = bool(CUSTOMER_WORDS.search(text))
    supplier_words = bool(SUPPLIER_WORDS.search(text))
    invoice = bool(INVOICE.search(text))
    named = frame.category or frame.supplier or frame.customer or frame.missing

    intent: str | None = None
    if PAYABLE.search(text) and not customer_words:
        intent = "payables"
    elif BUDGET.search(text):
        intent = "budget"
    elif (receivable or overdue) and not (
        invoice and count and ISSUED.search(text) and not overdue and not receivable
    ):
        intent = "receivables"
        if count and customer_words and not frame.customer:
            frame.detail = "debtor_count"
        elif count:
            frame.detail = "overdue_count" if overdue else "open_count"
        elif (top or who) and (customer_words or re.search(r"\bwho\b|\bnani\b", text)) and not frame.customer:
            frame.detail = "top_debtor"
        elif overdue and LIST_WORDS.search(text):
            frame.detail = "overdue_list"
        elif overdue:
            frame.detail = "overdue"
        else:
            frame.detail = "outstanding"
    elif (
        compare
        and not MARGIN.search(text)
        and (len(periods) >= 2 or COMPARE.search(_strip_spans(text, _re("percent", "percentage"))))
        # "income vs expenses in March" sets two measures side by side: a summary, not a change.
        and not (len(periods) < 2 and frame.measure is None and VERSUS_ONLY.fullmatch(_compare_words(text)))
    ):
        intent = "compare"
        if len(periods) >= 2:
            frame.other = periods[1]
            period = frame.period
            if (
                period is not None
                and frame.other.kind == "year"
                and frame.other.start.year != period.start.year
            ):
                if period.kind == "ytd":
                    # This year so far against last year: like for like, the same dates.
                    frame.other = period.shifted_years(frame.other.start.year - period.start.year)
                    frame.extras["whole_year"] = frame.other.start.year
                elif period.kind != "year":
                    # "Q3 2026 compared with last year" means Q3 of that year.
                    frame.other = period.in_year(frame.other.start.year, today)
        elif frame.period is not None:
            frame.other = (
                frame.period.shifted_years(-1)
                if SAME_PERIOD_LAST_YEAR.search(text) and frame.period.kind not in ("year", "ytd")
                else frame.period.previous()
            )
    elif invoice and (count or ISSUED.search(text) or MONEY.search(text)):
        intent = "invoices"
        for status, pattern in INVOICE_STATUS.items():
            if pattern.search(text) and not (status == "paid" and receivable):
                frame.status = status
                break
        frame.detail = "count" if count else "amount"
    elif BEST_MONTH.search(text):
        intent = "best_month"
        frame.detail = "lowest" if LOWEST.search(text) else "highest"
    elif CATEGORY_WORDS.search(text) and not named:
        intent = "top_categories"
        frame.detail = "smallest" if LOWEST.search(text) else None
    elif (top or who) and customer_words and not frame.customer:
        intent = "customer_payments"
    elif (top or who) and supplier_words and not frame.supplier:
        intent = "supplier_payments"
    elif (
        customer_words
        and not frame.customer
        and frame.measure in ("income", None)
        and (PAID_US.search(text) or INCOME.search(text) or re.search(r"\bpa(?:id|y)\b|\blipa|\blipwa", text))
    ):
        intent, frame.detail = "customer_payments", "total"
    elif supplier_words and not frame.supplier and frame.measure in ("expense", None):
        intent, frame.detail = "supplier_payments", "total"
    elif LARGEST.search(text) and (TRANSACTION_WORDS.search(text) or frame.measure) and not count:
        intent = "largest"
        frame.detail = "smallest" if LOWEST.search(text) else None
    elif CASHFLOW.search(text):
        intent = "cash_flow"
    elif BALANCE.search(text) and not named:
        intent = "balance"
    elif RECENT.search(text) and (TRANSACTION_WORDS.search(text) or not named):
        intent = "recent"
    elif count and (TRANSACTION_WORDS.search(text) or frame.measure or named):
        intent = "totals"
        frame.detail = "count"
    elif (
        named
        or frame.measure
        or (INCOME.search(text) and EXPENSE.search(text))
        or (MONEY.search(text) and (frame.period or re.search(r"\bsales?\b", text)))
    ):
        intent = "totals"
    if intent == "totals" and frame.detail is None:
        if AVERAGE.search(text) or PER_DAY.search(text):
            frame.detail = "average_day" if PER_DAY.search(text) else "average_month"
        elif frame.measure == "net" and (MARGIN.search(text) or PERCENT_SIGN.search(text)):
            frame.detail = "margin"

    if intent == "totals" and len(periods) >= 2 and not compare and re.search(r"\b(?:and|na)\b|&|,", text):
        # "income in 2025 and 2026": each period, and together.
        frame.extras["more_periods"] = periods[1:4]
    if intent in ("totals", "budget", "largest", "compare") and not named:
        frame.missing = _unknown_object(text, names)
    if intent is not None:
        frame.intent, frame.explicit = intent, True
    elif HELP.search(text):
        frame.intent, frame.explicit = "help", True
    elif GREETING.match(text):
        frame.intent, frame.explicit = "greeting", True
    elif frame.period is not None and MONEY.search(text):
        frame.intent = "totals"

    frame.follow_up = bool(FOLLOW_UP.match(text)) or (len(tokens) <= 4 and not frame.explicit)
    has_content = bool(frame.explicit or frame.period or named or frame.measure)
    return Parsed(text=text, frame=frame, has_content=has_content)


def merge(previous: Frame, new: Frame, today: dt.date) -> Frame:
    """A follow-up: the previous question with what the new one says put in its place."""
    if new.explicit and new.intent not in ("totals",) and new.intent != previous.intent:
        merged = replace(new)
        if merged.period is None and merged.intent in PERIOD_INTENTS and previous.period is not None:
            merged.period = previous.period
        return merged
    merged = replace(previous, follow_up=True, explicit=True, missing=new.missing)
    if new.intent == "totals" and previous.intent not in (
        "totals",
        "compare",
        "budget",
        "largest",
        "top_categories",
    ):
        merged.intent = "totals"
    if (
        new.period is not None
        and new.period.implicit_year
        and previous.period is not None
        and previous.period.kind in ("month", "mtd", "quarter", "qtd", "half", "day")
    ):
        new.period = new.period.in_year(previous.period.start.year, today)
    if new.period is not None:
        if previous.intent == "compare" and previous.period is not None and previous.other is not None:
            gap_years = previous.period.start.year - previous.other.start.year
            merged.period = new.period
            merged.other = new.period.shifted_years(-gap_years) if gap_years else new.period.previous()
        else:
            merged.period = new.period
    if new.measure is not None:
        merged.measure = new.measure
        if merged.category and merged.category.transaction_type not in ("", new.measure):
            merged.category = None
    if new.category or new.supplier or new.customer or new.missing:
        merged.category, merged.supplier, merged.customer = new.category, new.supplier, new.customer
        if new.category and not new.measure and new.category.transaction_type in ("income", "expense"):
            merged.measure = new.category.transaction_type
    if new.status:
        merged.status = new.status
    if new.limit:
        merged.limit = new.limit
    return merged
