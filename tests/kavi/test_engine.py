"""The built-in engine on many phrasings in English and Kiswahili, over books made by the services.
Expected figures are summed in Python from the rows the fixture wrote, not read back from the app."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from kavi import engine
from kavi.understand import Frame
from tests.kavi.conftest import kes

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = (D(2025, 3, 1), D(2025, 3, 31))
APRIL = (D(2025, 4, 1), D(2025, 4, 30))
Y2025 = (D(2025, 1, 1), D(2025, 12, 31))
Q1 = (D(2025, 1, 1), D(2025, 3, 31))


def ask(books, question, language=None, previous=None):
    return engine.answer(business=books.business, question=question, language=language, previous=previous)


@pytest.mark.parametrize(
    ("question", "kind", "period", "match"),
    [
        ("What was our total income in March 2025?", "income", MARCH, {}),
        ("How much did we make in march 2025", "income", MARCH, {}),
        ("revenue for March 2025?", "income", MARCH, {}),
        ("Mapato yetu yote Machi 2025 yalikuwa kiasi gani?", "income", MARCH, {}),
        ("Tulipata pesa ngapi mwezi wa tatu 2025?", "income", MARCH, {}),
        ("How much did we spend in total in March 2025?", "expense", MARCH, {}),
        ("total expenses march 2025", "expense", MARCH, {}),
        ("Matumizi yetu ya Machi 2025 yalikuwa kiasi gani?", "expense", MARCH, {}),
        ("Tulitumia pesa ngapi mwezi Machi 2025?", "expense", MARCH, {}),
        ("How much did we spend on transport in March 2025?", "expense", MARCH, {"category": "Transport"}),
        ("what did fuel cost us in march 2025", "expense", MARCH, {"category": "Transport"}),
        ("Tulitumia pesa ngapi kwa usafiri mwezi Machi 2025?", "expense", MARCH, {"category": "Transport"}),
        ("Transprt spending in Q1 2025", "expense", Q1, {"category": "Transport"}),
        ("How much went on advertising in April 2025?", "expense", APRIL, {"category": "Marketing"}),
        ("Matangazo yaligharimu kiasi gani Aprili 2025?", "expense", APRIL, {"category": "Marketing"}),
        ("What did we pay for electricity in 2025?", "expense", Y2025, {"category": "Utilities"}),
        ("Tulilipa kiasi gani kwa umeme mwaka 2025?", "expense", Y2025, {"category": "Utilities"}),
        ("Tulilipa kodi ya nyumba kiasi gani mwaka 2025?", "expense", Y2025, {"category": "Rent"}),
        ("How much were salaries in 2025?", "expense", Y2025, {"category": "Salaries"}),
        ("Mishahara ya mwaka 2025 ilikuwa kiasi gani?", "expense", Y2025, {"category": "Salaries"}),
        ("How much stock did we buy in 2025?", "expense", Y2025, {"category": "Stock Purchases"}),
        ("Tulinunua bidhaa za kiasi gani mwaka 2025?", "expense", Y2025, {"category": "Stock Purchases"}),
        ("How much have we made from counter sales in 2025?", "income", Y2025, {"category": "Counter Sales"}),
        ("How much did we pay Kenya Power in 2025?", "expense", Y2025, {"supplier": "Kenya Power (KPLC)"}),
        ("what did we pay KPLC in 2025", "expense", Y2025, {"supplier": "Kenya Power (KPLC)"}),
        ("Tulilipa Haraka pesa ngapi mwaka 2025?", "expense", Y2025, {"supplier": "Haraka Transporters"}),
        ("How much did Greenpark pay us in 2025?", "income", Y2025, {"customer": "Greenpark Estates"}),
        (
            "Greenpark Estates walitulipa kiasi gani mwaka 2025?",
            "income",
            Y2025,
            {"customer": "Greenpark Estates"},
        ),
        ("What was our net profit for March 2025?", "net", MARCH, {}),
        ("Faida yetu ya Machi 2025 ilikuwa ngapi?", "net", MARCH, {}),
        ("income between 2025-03-01 and 2025-04-30", "income", (D(2025, 3, 1), D(2025, 4, 30)), {}),
        ("spending from 1 March to 15 April 2025", "expense", (D(2025, 3, 1), D(2025, 4, 15)), {}),
        ("Matumizi kati ya 1 Machi na 15 Aprili 2025", "expense", (D(2025, 3, 1), D(2025, 4, 15)), {}),
    ],
)
def test_totals(books, question, kind, period, match):
    reply = ask(books, question)
    expected = books.total(kind, *period, **match)
    assert kes(expected) in reply.message, (question, reply.message)
    assert reply.sources and reply.sources[0]["tool"] == "totals"
    assert reply.sources[0]["params"]["date_from"] == period[0].isoformat()
    assert reply.sources[0]["params"]["date_to"] == period[1].isoformat()


def test_pending_transactions_and_transfers_are_left_out(books):
    reply = ask(books, "How much did we spend on transport in March 2025?")
    assert "99,999.00" not in reply.message and kes(Decimal("2000.75")) in reply.message
    summary = ask(books, "How did the business do in March 2025?")
    assert "50,000.00" not in summary.message


def test_the_language_follows_the_question_or_the_request(books):
    assert ask(books, "Mapato ya Machi 2025 yalikuwa kiasi gani?").language == "sw"
    english = ask(books, "Mapato ya Machi 2025 yalikuwa kiasi gani?", language="en")
    assert english.language == "en" and english.message.startswith("Your total income")
    swahili = ask(books, "What was our income in March 2025?", language="sw")
    assert "Mapato" in swahili.message and kes(books.total("income", *MARCH)) in swahili.message


def test_largest_category_and_transaction(books):
    reply = ask(books, "Which expense category was the largest in March 2025?")
    assert (
        reply.intent == "top_categories" and "Salaries" in reply.message and kes("60000.00") in reply.message
    )
    reply = ask(books, "Ni aina gani ya matumizi ilikuwa kubwa zaidi Machi 2025?")
    assert "Salaries" in reply.message
    reply = ask(books, "What was our single largest expense in March 2025?")
    assert reply.intent == "largest" and kes("60000.00") in reply.message
    reply = ask(books, "biggest sale in 2025?")
    assert kes("30000.00") in reply.message  # the invoice payment


def test_receivables(books):
    outstanding = Decimal("11600.00") + Decimal("3000.00")
    for question in ("How much do customers owe us?", "Wateja wanatudai pesa ngapi kwa jumla?"):
        reply = ask(books, question)
        assert reply.intent == "receivables" and kes(outstanding) in reply.message
    reply = ask(books, "How many invoices are overdue?")
    assert re.search(r"\b2 invoices are overdue", reply.message)
    reply = ask(books, "Ankara ngapi zimechelewa?")
    assert "Ankara 2 zimechelewa" in reply.message
    reply = ask(books, "Which customer owes us the most?")
    assert reply.message.startswith("Rift Valley Farms") and kes("11600.00") in reply.message
    reply = ask(books, "How much does Greenpark owe us?")
    assert kes("3000.00") in reply.message


def test_customer_payments_and_invoice_counts(books):
    reply = ask(books, "Which customer paid us the most in 2025?")
    assert reply.message.startswith("Greenpark Estates") and kes("32000.00") in reply.message
    reply = ask(books, "How many invoices did we issue in 2025?")
    assert "issued 3 invoices" in reply.message and "1 more was cancelled" in reply.message
    reply = ask(books, "Tulitoa ankara ngapi mwaka 2025?")
    assert "ankara 3" in reply.message


def test_budget_status(books):
    spent = books.total("expense", *MARCH, category="Transport")
    reply = ask(books, "Did we go over our transport budget in March 2025?")
    assert kes(spent) in reply.message and kes("1500.00") in reply.message
    assert re.search(r"\bover\b|exceed", reply.message)
    reply = ask(books, "Je, tulizidi bajeti ya matangazo Aprili 2025?")
    assert kes("3250.75") in reply.message and "chini" in reply.message
    reply = ask(books, "Did we stay within the marketing budget in April 2025?")
    assert "within" in reply.message and "remaining" in reply.message


def test_percent_change(books):
    march, april = books.total("income", *MARCH), books.total("income", *APRIL)
    change = ((april - march) * 100 / march).quantize(Decimal("0.1"))
    reply = ask(books, "By what percentage did income change in April 2025 compared with March 2025?")
    assert f"{abs(change)}%" in reply.message and kes(april) in reply.message and kes(march) in reply.message
    assert "fell" in reply.message
    reply = ask(books, "Mapato yalibadilika kwa asilimia ngapi Aprili 2025 ikilinganishwa na Machi 2025?")
    assert "asilimia" in reply.message and f"{abs(change)}%" in reply.message


def test_balance_cash_flow_and_recent(books):
    balance = books.total("net", D(2000, 1, 1), D(2099, 1, 1))
    assert kes(balance) in ask(books, "What is our balance?").message
    assert kes(balance) in ask(books, "Salio letu ni kiasi gani?").message
    reply = ask(books, "What was our cash flow in March 2025?")
    assert (
        kes(books.total("income", *MARCH)) in reply.message
        and kes(books.total("expense", *MARCH)) in reply.message
    )
    assert ask(books, "Show me the latest transactions").intent == "recent"


def test_follow_ups_reuse_the_last_question(books):
    first = ask(books, "How much did we spend on transport in March 2025?")
    april = ask(books, "and in April?", previous=Frame.from_dict(first.frame))
    assert kes(books.total("expense", *APRIL, category="Transport")) in april.message
    assert april.sources[0]["params"]["date_from"] == "2025-04-01"  # the year carries over
    marketing = ask(books, "what about marketing?", previous=Frame.from_dict(april.frame))
    assert kes(books.total("expense", *APRIL, category="Marketing")) in marketing.message
    swahili = ask(books, "na Machi je?", previous=Frame.from_dict(marketing.frame))
    assert kes(books.total("expense", *MARCH, category="Marketing")) in swahili.message
    assert swahili.language == "sw"
    income = ask(books, "and income?", previous=Frame.from_dict(swahili.frame))
    assert kes(books.total("income", *MARCH)) in income.message


@pytest.mark.parametrize(
    "question",
    ["What's the weather in Nairobi?", "Tell me a joke", "Hali ya hewa ikoje?", "", "???", "x" * 1500],
)
def test_questions_it_cannot_answer_get_its_capabilities_and_no_numbers(books, question):
    reply = ask(books, question)
    assert reply.intent == "unknown" and reply.sources == []
    assert not re.search(r"\d", reply.message)
    assert 2 <= len(reply.suggestions) <= 4


def test_help_and_greetings(books):
    for question, intent in (
        ("What can you do?", "help"),
        ("Unaweza kufanya nini?", "help"),
        ("Habari", "greeting"),
    ):
        reply = ask(books, question)
        assert reply.intent == intent and not re.search(r"\d", reply.message)


def test_a_category_the_books_do_not_have(books):
    reply = ask(books, "How much did we spend on airtime in 2025?")
    assert "couldn't find" in reply.message and "Transport" in reply.message
    assert not re.search(r"\d", reply.message)


def test_every_reply_has_two_to_four_suggestions(books):
    for question in (
        "What was our income in March 2025?",
        "How much do customers owe us?",
        "Salio ni ngapi?",
    ):
        assert 2 <= len(ask(books, question).suggestions) <= 4


def test_months_ranked_several_categories_and_periods(books):
    reply = ask(books, "Which month had the highest income in 2025?")
    assert reply.intent == "best_month" and reply.message.startswith(
        "Your highest month for income in 2025 was March"
    )
    assert kes(books.total("income", *MARCH)) in reply.message
    reply = ask(books, "How much did we spend on transport and marketing in March 2025?")
    both = books.total("expense", *MARCH, category="Transport") + books.total(
        "expense", *MARCH, category="Marketing"
    )
    assert kes(both) in reply.message and len(reply.sources) == 2
    reply = ask(books, "What was our income in March 2025 and April 2025?")
    assert kes(books.total("income", *MARCH) + books.total("income", *APRIL)) in reply.message


def test_averages_margins_and_month_to_date(books):
    total = books.total("expense", *Y2025)
    reply = ask(books, "What was our average monthly spending in 2025?")
    assert kes((total / 12).quantize(Decimal("0.01"))) in reply.message
    income, net = books.total("income", *MARCH), books.total("net", *MARCH)
    reply = ask(books, "What was our profit margin in March 2025?")
    assert f"{(net * 100 / income).quantize(Decimal('0.1'))}%" in reply.message
    reply = ask(books, "How much have we spent so far this month?")
    assert reply.sources[0]["params"]["date_from"].endswith("-01")


def test_unknown_names_and_payables_are_said_plainly(books):
    for question in (
        "How much did we spend on stationery in 2025?",
        "How much did we pay Acme in 2025?",
        "Tulitumia kiasi gani kwa chakula mwaka 2025?",
    ):
        reply = ask(books, question)
        assert reply.sources == [] and not re.search(r"\d", reply.message), reply.message
    reply = ask(books, "How much do we owe our suppliers?")
    assert reply.intent == "payables" and reply.sources == []
