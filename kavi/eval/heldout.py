"""Held-out KAVI questions with expected figures computed straight from the Duka Bora CSVs
(never through the app), for ../shared/kavi-eval/run_eval.py --questions.

    python3 kavi/eval/heldout.py [--dataset ../shared/datasets/duka-bora] [--out /tmp/heldout.jsonl]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
DEFAULT_DATASET = HERE.parents[3] / "shared" / "datasets" / "duka-bora"
NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
D = Decimal


class Books:
    def __init__(self, folder: Path) -> None:
        def read(name: str) -> list[dict[str, str]]:
            with open(folder / name, newline="") as handle:
                return list(csv.DictReader(handle))

        self.today = dt.datetime.now(NAIROBI).date()
        invoices = read("invoices.csv")
        self.invoices = invoices
        customer_of = {i["invoice_number"]: i["customer"] for i in invoices}
        # (local date, type, category, amount, supplier, customer)
        self.rows: list[tuple[dt.date, str, str, Decimal, str, str]] = []
        for r in read("transactions.csv"):
            day = dt.datetime.fromisoformat(r["transaction_date"]).astimezone(NAIROBI).date()
            self.rows.append(
                (day, r["transaction_type"], r["category"], D(r["amount"]), r["supplier"], r["customer"])
            )
        self.paid: dict[str, Decimal] = defaultdict(D)
        for p in read("invoice_payments.csv"):
            day = dt.date.fromisoformat(p["paid_date"])
            self.rows.append(
                (day, "income", "Invoice Payments", D(p["amount"]), "", customer_of[p["invoice_number"]])
            )
            self.paid[p["invoice_number"]] += D(p["amount"])
        self.budgets = read("budgets.csv")

    def total(self, kind: str, start: dt.date, end: dt.date, **match: str) -> Decimal:
        out = D("0")
        for day, t, cat, amount, sup, cust in self.rows:
            if not (start <= day <= end):
                continue
            if match.get("category") and cat != match["category"]:
                continue
            if match.get("supplier") and sup != match["supplier"]:
                continue
            if match.get("customer") and cust != match["customer"]:
                continue
            if kind == "net":
                out += amount if t == "income" else -amount if t == "expense" else 0
            elif t == kind:
                out += amount
        return out

    def top_category(self, kind: str, start: dt.date, end: dt.date) -> str:
        sums: dict[str, Decimal] = defaultdict(D)
        for day, t, cat, amount, *_ in self.rows:
            if t == kind and start <= day <= end:
                sums[cat] += amount
        return max(sums, key=lambda k: sums[k])

    def top_customer(self, start: dt.date, end: dt.date) -> str:
        sums: dict[str, Decimal] = defaultdict(D)
        for day, t, _, amount, _, cust in self.rows:
            if t == "income" and cust and start <= day <= end:
                sums[cust] += amount
        return max(sums, key=lambda k: sums[k])

    def largest(self, kind: str, start: dt.date, end: dt.date) -> Decimal:
        return max(a for day, t, _, a, *_ in self.rows if t == kind and start <= day <= end)

    def open_invoices(self) -> list[tuple[dict[str, str], Decimal]]:
        return [
            (i, D(i["total_amount"]) - self.paid[i["invoice_number"]])
            for i in self.invoices
            if i["final_status"] in ("sent", "partially_paid")
        ]

    def outstanding(self) -> Decimal:
        return sum((b for _, b in self.open_invoices()), D("0"))

    def overdue(self) -> tuple[int, Decimal]:
        late = [(i, b) for i, b in self.open_invoices() if dt.date.fromisoformat(i["due_date"]) < self.today]
        return len(late), sum((b for _, b in late), D("0"))

    def top_debtor(self) -> str:
        sums: dict[str, Decimal] = defaultdict(D)
        for i, b in self.open_invoices():
            sums[i["customer"]] += b
        return max(sums, key=lambda k: sums[k])

    def issued(self, start: dt.date, end: dt.date) -> int:
        return sum(
            1
            for i in self.invoices
            if start <= dt.date.fromisoformat(i["issue_date"]) <= end
            and i["final_status"] not in ("draft", "cancelled")
        )

    def budget(self, category: str, start: dt.date) -> tuple[Decimal, Decimal]:
        for b in self.budgets:
            if b["category"] == category and dt.date.fromisoformat(b["start_date"]) == start:
                end = dt.date.fromisoformat(b["end_date"])
                return self.total("expense", start, end, category=category), D(b["amount"])
        raise KeyError(category)

    def change_cat(
        self, kind: str, a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date], cat: str
    ) -> Decimal:
        now, before = self.total(kind, *a, category=cat), self.total(kind, *b, category=cat)
        return ((now - before) * 100 / abs(before)).quantize(D("0.1"), rounding=ROUND_HALF_UP)

    def change(self, kind: str, a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> Decimal:
        now, before = self.total(kind, *a), self.total(kind, *b)
        return ((now - before) * 100 / abs(before)).quantize(D("0.1"), rounding=ROUND_HALF_UP)


def month(year: int, number: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def quarter(year: int, number: int) -> tuple[dt.date, dt.date]:
    return month(year, 3 * number - 2)[0], month(year, 3 * number)[1]


def year(y: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def questions(b: Books) -> list[dict[str, Any]]:
    t = b.today
    last_month = month(t.year - (t.month == 1), (t.month - 2) % 12 + 1)
    ytd = (dt.date(t.year, 1, 1), t)
    out: list[dict[str, Any]] = []

    def add(lang: str, text: str, kind: str, expected: Callable[[], Any], **extra: Any) -> None:
        value = expected()
        extra = {k: str(v) for k, v in extra.items()}
        out.append(
            {
                "id": f"h{len(out) + 1:02d}",
                "lang": lang,
                "question": text,
                "kind": kind,
                "expected": str(value),
                **extra,
            }
        )

    def yesno(category: str, start: dt.date) -> dict[str, Any]:
        spent, limit = b.budget(category, start)
        return {"expected": "yes" if spent > limit else "no", "amount": str(spent)}

    # English
    add("en", "How much did we earn in April 2026?", "amount", lambda: b.total("income", *month(2026, 4)))
    add(
        "en",
        "What were our total expenses for February 2025?",
        "amount",
        lambda: b.total("expense", *month(2025, 2)),
    )
    add("en", "What was the net profit in Q1 2026?", "amount", lambda: b.total("net", *quarter(2026, 1)))
    add(
        "en",
        "How much did we spend on rent in 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), category="Rent"),
    )
    add(
        "en",
        "how much went to electricity and water bills in 2025",
        "amount",
        lambda: b.total("expense", *year(2025), category="Utilities"),
    )
    add(
        "en",
        "How much did we pay Haraka Transporters in Q2 2026?",
        "amount",
        lambda: b.total("expense", *quarter(2026, 2), supplier="Haraka Transporters"),
    )
    add(
        "en",
        "What did we pay Safaricom in 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), supplier="Safaricom Business"),
    )
    add(
        "en",
        "Which expense category was the biggest in the first quarter of 2026?",
        "name",
        lambda: b.top_category("expense", *quarter(2026, 1)),
    )
    add(
        "en",
        "What was our biggest single income transaction in June 2026?",
        "amount",
        lambda: b.largest("income", *month(2026, 6)),
    )
    add(
        "en",
        "How much has Greenpark Estates paid us in 2026?",
        "amount",
        lambda: b.total("income", *year(2026), customer="Greenpark Estates"),
    )
    add(
        "en", "Which customer paid us the most in Q1 2026?", "name", lambda: b.top_customer(*quarter(2026, 1))
    )
    add("en", "What is the total of our unpaid invoices?", "amount", b.outstanding)
    add("en", "Who is our biggest debtor?", "name", b.top_debtor)
    add("en", "How many invoices did we send out in March 2026?", "count", lambda: b.issued(*month(2026, 3)))
    q = yesno("Marketing", dt.date(2026, 3, 1))
    add(
        "en",
        "Were we over budget on marketing in March 2026?",
        "yesno_amount",
        lambda: q["expected"],
        amount=q["amount"],
    )
    add(
        "en",
        "By how much did our expenses change in Q2 2026 versus Q2 2025, in percent?",
        "percent",
        lambda: b.change("expense", quarter(2026, 2), quarter(2025, 2)),
    )
    add("en", "What's our income so far this year?", "amount", lambda: b.total("income", *ytd))
    add("en", "how much did we spend last month", "amount", lambda: b.total("expense", *last_month))
    add(
        "en",
        "What was our revenue from 1 March to 15 April 2026?",
        "amount",
        lambda: b.total("income", dt.date(2026, 3, 1), dt.date(2026, 4, 15)),
    )
    add(
        "en",
        "Repairs spending in October?",
        "amount",
        lambda: b.total("expense", *month(2026, 10), category="Repairs & Maintenance"),
    )
    add(
        "en",
        "How much did delivery fees bring in during 2025?",
        "amount",
        lambda: b.total("income", *year(2025), category="Delivery Fees"),
    )
    add("en", "What is our cash balance right now?", "amount", lambda: b.total("net", dt.date(2000, 1, 1), t))
    add(
        "en",
        "How much stock did we buy in September 2026?",
        "amount",
        lambda: b.total("expense", *month(2026, 9), category="Stock Purchases"),
    )
    add(
        "en",
        "What did we pay in wages during 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), category="Salaries"),
    )
    # Kiswahili
    add(
        "sw",
        "Tulipata mapato kiasi gani mwezi Aprili 2026?",
        "amount",
        lambda: b.total("income", *month(2026, 4)),
    )
    add(
        "sw",
        "Matumizi yetu yalikuwa kiasi gani Februari 2025?",
        "amount",
        lambda: b.total("expense", *month(2025, 2)),
    )
    add(
        "sw",
        "Faida yetu ilikuwa ngapi robo ya kwanza ya mwaka 2026?",
        "amount",
        lambda: b.total("net", *quarter(2026, 1)),
    )
    add(
        "sw",
        "Tulilipa kodi ya nyumba kiasi gani mwaka 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), category="Rent"),
    )
    add(
        "sw",
        "Tulitumia kiasi gani kwa umeme na maji mwaka 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), category="Utilities"),
    )
    add(
        "sw",
        "Tulilipa Haraka Transporters pesa ngapi robo ya pili 2026?",
        "amount",
        lambda: b.total("expense", *quarter(2026, 2), supplier="Haraka Transporters"),
    )
    add(
        "sw",
        "Ni aina gani ya matumizi ilikuwa kubwa zaidi Agosti 2025?",
        "name",
        lambda: b.top_category("expense", *month(2025, 8)),
    )
    add(
        "sw",
        "Mteja gani alitulipa pesa nyingi zaidi mwaka 2026?",
        "name",
        lambda: b.top_customer(*year(2026)),
    )
    add("sw", "Ni mteja gani anadaiwa pesa nyingi zaidi?", "name", b.top_debtor)
    add("sw", "Ankara ngapi zimechelewa kulipwa?", "count", lambda: b.overdue()[0])
    add("sw", "Tulitoa ankara ngapi mwaka 2026?", "count", lambda: b.issued(*year(2026)))
    q = yesno("Transport", dt.date(2026, 8, 1))
    add(
        "sw",
        "Je, tulizidi bajeti ya usafiri mwezi Agosti 2026?",
        "yesno_amount",
        lambda: q["expected"],
        amount=q["amount"],
    )
    add(
        "sw",
        "Mapato yalibadilika kwa asilimia ngapi robo ya tatu 2026 ikilinganishwa na robo ya tatu 2025?",
        "percent",
        lambda: b.change("income", quarter(2026, 3), quarter(2025, 3)),
    )
    add("sw", "Tumetumia kiasi gani mwezi uliopita?", "amount", lambda: b.total("expense", *last_month))
    add("sw", "Mapato yetu mwaka huu hadi sasa ni kiasi gani?", "amount", lambda: b.total("income", *ytd))
    add(
        "sw",
        "Tulitumia kiasi gani kwa matangazo kati ya 1 Machi na 30 Juni 2026?",
        "amount",
        lambda: b.total("expense", dt.date(2026, 3, 1), dt.date(2026, 6, 30), category="Marketing"),
    )
    add(
        "sw",
        "Counter sales zilikuwa kiasi gani mwezi wa tano 2026?",
        "amount",
        lambda: b.total("income", *month(2026, 5), category="Counter Sales"),
    )
    add("sw", "Salio letu la sasa ni kiasi gani?", "amount", lambda: b.total("net", dt.date(2000, 1, 1), t))
    add(
        "sw",
        "Tulilipa mishahara kiasi gani mwaka 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), category="Salaries"),
    )
    add(
        "sw",
        "Gharama kubwa zaidi moja mwezi Juni 2026 ilikuwa kiasi gani?",
        "amount",
        lambda: b.largest("expense", *month(2026, 6)),
    )
    add(
        "sw",
        "Tulilipa Kenya Power pesa ngapi mwaka jana?",
        "amount",
        lambda: b.total("expense", *year(t.year - 1), supplier="Kenya Power (KPLC)"),
    )
    add(
        "sw",
        "Tulipokea pesa ngapi kutoka kwa Rift Valley Farms mwaka 2025?",
        "amount",
        lambda: b.total("income", *year(2025), customer="Rift Valley Farms"),
    )
    add(
        "sw",
        "Ni kiasi gani cha madeni ya wateja kimepitiliza muda wa kulipwa?",
        "amount",
        lambda: b.overdue()[1],
    )
    add(
        "sw",
        "Tulitumia kiasi gani kwa ada za benki mwaka 2026?",
        "amount",
        lambda: b.total("expense", *year(2026), category="Bank Charges"),
    )
    # A second batch, written before the engine saw it: other words, orders, periods and names.
    q2 = lambda y, n: quarter(y, n)  # noqa: E731
    add("en", "what were sales in Q4 2025", "amount", lambda: b.total("income", *q2(2025, 4)))
    add(
        "en",
        "How much fuel did we buy last month?",
        "amount",
        lambda: b.total("expense", *last_month, category="Transport"),
    )
    add(
        "en",
        "Profit for the first half of 2026?",
        "amount",
        lambda: b.total("net", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    )
    add(
        "en",
        "How much have we paid Nairobi Water this year?",
        "amount",
        lambda: b.total("expense", *ytd, supplier="Nairobi Water"),
    )
    add("en", "Which supplier did we pay the most in 2026?", "name", lambda: top_supplier(b, *year(2026)))
    add(
        "en",
        "Did we exceed the stock budget in September 2026?",
        "yesno_amount",
        lambda: yesno("Stock Purchases", dt.date(2026, 9, 1))["expected"],
        amount=yesno("Stock Purchases", dt.date(2026, 9, 1))["amount"],
    )
    add(
        "en",
        "Total spending between 2026-01-01 and 2026-03-31?",
        "amount",
        lambda: b.total("expense", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    )
    add(
        "en",
        "how much rent did we pay in january",
        "amount",
        lambda: b.total("expense", *month(2026, 1), category="Rent"),
    )
    add(
        "en",
        "What did Mwangi Builders pay us in 2025?",
        "amount",
        lambda: b.total("income", *year(2025), customer="Mwangi Builders"),
    )
    add("en", "How much does Greenpark owe us?", "amount", lambda: owed(b, "Greenpark Estates"))
    add("en", "What was our turnover in August 2025?", "amount", lambda: b.total("income", *month(2025, 8)))
    add(
        "en",
        "Show me our taxes for Q1 2026",
        "amount",
        lambda: b.total("expense", *q2(2026, 1), category="Taxes"),
    )
    add(
        "en",
        "How much did airtime cost us in 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), category="Airtime & Data"),
    )
    add(
        "en",
        "What percentage did our expenses grow from 2025 to 2026?",
        "percent",
        lambda: b.change("expense", (dt.date(2026, 1, 1), t), year(2025)),
    )
    add("en", "How many invoices did we raise last quarter?", "count", lambda: b.issued(*last_quarter(t)))
    add(
        "en",
        "What was our biggest sale in March 2026?",
        "amount",
        lambda: b.largest("income", *month(2026, 3)),
    )
    add(
        "en",
        "Were the repairs and maintenance costs within budget in June 2026?",
        "yesno_amount",
        lambda: yesno("Repairs & Maintenance", dt.date(2026, 6, 1))["expected"],
        amount=yesno("Repairs & Maintenance", dt.date(2026, 6, 1))["amount"],
    )
    add(
        "en",
        "How much did we lose or make in October 2026?",
        "amount",
        lambda: b.total("net", *month(2026, 10)),
    )
    add(
        "en",
        "Income from Rift Valley Farms in Q2 2026",
        "amount",
        lambda: b.total("income", *q2(2026, 2), customer="Rift Valley Farms"),
    )
    add(
        "en",
        "What did we pay Westlands Property Managers in 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), supplier="Westlands Property Managers"),
    )
    add("sw", "Tulipata faida kiasi gani Oktoba 2026?", "amount", lambda: b.total("net", *month(2026, 10)))
    add(
        "sw",
        "Mauzo ya mwaka jana yalikuwa kiasi gani?",
        "amount",
        lambda: b.total("income", *year(t.year - 1)),
    )
    add(
        "sw",
        "Tulilipa Nairobi Water pesa ngapi mwaka 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), supplier="Nairobi Water"),
    )
    add(
        "sw",
        "Matumizi ya ukarabati mwezi wa nane 2026 yalikuwa kiasi gani?",
        "amount",
        lambda: b.total("expense", *month(2026, 8), category="Repairs & Maintenance"),
    )
    add(
        "sw", "Ni msambazaji gani tuliyemlipa zaidi mwaka 2025?", "name", lambda: top_supplier(b, *year(2025))
    )
    add("sw", "Tulitoa ankara ngapi robo ya tatu ya 2026?", "count", lambda: b.issued(*q2(2026, 3)))
    add("sw", "Greenpark Estates anadaiwa kiasi gani?", "amount", lambda: owed(b, "Greenpark Estates"))
    add(
        "sw",
        "Mapato ya Januari hadi Machi 2026 yalikuwa kiasi gani?",
        "amount",
        lambda: b.total("income", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    )
    add(
        "sw",
        "Tumetumia kiasi gani kwa stima mwaka huu?",
        "amount",
        lambda: b.total("expense", *ytd, category="Utilities"),
    )
    add(
        "sw",
        "Je, tulizidi bajeti ya matangazo mwezi Mei 2026?",
        "yesno_amount",
        lambda: yesno("Marketing", dt.date(2026, 5, 1))["expected"],
        amount=yesno("Marketing", dt.date(2026, 5, 1))["amount"],
    )
    add(
        "sw",
        "Tulinunua bidhaa za kiasi gani Julai 2025?",
        "amount",
        lambda: b.total("expense", *month(2025, 7), category="Stock Purchases"),
    )
    add(
        "sw",
        "Mishahara ya robo ya pili 2025 ilikuwa kiasi gani?",
        "amount",
        lambda: b.total("expense", *q2(2025, 2), category="Salaries"),
    )
    add(
        "sw",
        "Matumizi yaliongezeka kwa asilimia ngapi Oktoba 2026 ukilinganisha na Septemba 2026?",
        "percent",
        lambda: b.change("expense", month(2026, 10), month(2026, 9)),
    )
    add(
        "sw",
        "Mteja aliyetulipa zaidi robo ya pili ya 2026 ni nani?",
        "name",
        lambda: b.top_customer(*q2(2026, 2)),
    )
    add(
        "sw",
        "Ada za usafirishaji zilituingizia kiasi gani mwaka 2026?",
        "amount",
        lambda: b.total("income", *ytd, category="Delivery Fees"),
    )
    add(
        "sw",
        "Gharama za benki mwezi uliopita zilikuwa ngapi?",
        "amount",
        lambda: b.total("expense", *last_month, category="Bank Charges"),
    )
    add(
        "sw",
        "Tulilipa kodi kiasi gani mwaka 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), category="Taxes"),
    )
    add(
        "sw",
        "Mapato ya tarehe 1 hadi 15 Oktoba 2026 yalikuwa kiasi gani?",
        "amount",
        lambda: b.total("income", dt.date(2026, 10, 1), dt.date(2026, 10, 15)),
    )
    add(
        "sw",
        "Tulilipa Safaricom kiasi gani kwa data mwaka jana?",
        "amount",
        lambda: b.total("expense", *year(t.year - 1), supplier="Safaricom Business"),
    )
    add(
        "sw",
        "Muamala mkubwa zaidi wa mapato mwezi Juni 2025 ulikuwa kiasi gani?",
        "amount",
        lambda: b.largest("income", *month(2025, 6)),
    )
    # A third batch: months ranked, several categories, payments made, collections, other names.
    add("en", "Which month had the highest income in 2025?", "name", lambda: best_month(b, "income", 2025))
    add(
        "en",
        "How much did we spend on rent and salaries in Q1 2026?",
        "amount",
        lambda: (
            b.total("expense", *q2(2026, 1), category="Rent")
            + b.total("expense", *q2(2026, 1), category="Salaries")
        ),
    )
    add(
        "en",
        "What was the biggest single payment we made in August 2025?",
        "amount",
        lambda: b.largest("expense", *month(2025, 8)),
    )
    add(
        "en",
        "How much did we collect from customers in Q3 2026?",
        "amount",
        lambda: sum(
            (
                a
                for day, t, _, a, _, c in b.rows
                if t == "income" and c and quarter(2026, 3)[0] <= day <= quarter(2026, 3)[1]
            ),
            D("0"),
        ),
    )
    add(
        "en",
        "How much did we pay Bamburi Cement in 2025?",
        "amount",
        lambda: b.total("expense", *year(2025), supplier="Bamburi Cement Distributors"),
    )
    add(
        "en",
        "Did we exceed our utilities budget in March 2026?",
        "yesno_amount",
        lambda: yesno("Utilities", dt.date(2026, 3, 1))["expected"],
        amount=yesno("Utilities", dt.date(2026, 3, 1))["amount"],
    )
    add("en", "Who was our best customer in Q3 2026?", "name", lambda: b.top_customer(*q2(2026, 3)))
    add(
        "en",
        "What was our biggest source of income in 2025?",
        "name",
        lambda: b.top_category("income", *year(2025)),
    )
    add(
        "en",
        "How much did delivery fees bring in in March 2026?",
        "amount",
        lambda: b.total("income", *month(2026, 3), category="Delivery Fees"),
    )
    add(
        "en",
        "What were our expenses in the second quarter of 2026?",
        "amount",
        lambda: b.total("expense", *q2(2026, 2)),
    )
    add("en", "How many invoices did we send in Q1 2026?", "count", lambda: b.issued(*q2(2026, 1)))
    add("en", "How much money is tied up in unpaid invoices?", "amount", b.outstanding)
    add(
        "en",
        "What did we make in profit during the first quarter of 2025?",
        "amount",
        lambda: b.total("net", *q2(2025, 1)),
    )
    add(
        "en",
        "Compared to October 2025, how did our income in October 2026 change in percent?",
        "percent",
        lambda: b.change("income", month(2026, 10), month(2025, 10)),
    )
    add(
        "en",
        "What did we spend on salaries and wages in July 2026?",
        "amount",
        lambda: b.total("expense", *month(2026, 7), category="Salaries"),
    )
    add("sw", "Mapato ya mwaka 2026 ni kiasi gani?", "amount", lambda: b.total("income", *ytd))
    add("sw", "Mteja yupi alilipa pesa nyingi zaidi mwaka 2025?", "name", lambda: b.top_customer(*year(2025)))
    add("sw", "Ni nani anadaiwa zaidi?", "name", b.top_debtor)
    add(
        "sw",
        "Tulilipa Crown Paints kiasi gani 2026?",
        "amount",
        lambda: b.total("expense", *ytd, supplier="Crown Paints Depot"),
    )
    add(
        "sw",
        "Je, tulivuka bajeti ya stock mwezi Agosti 2026?",
        "yesno_amount",
        lambda: yesno("Stock Purchases", dt.date(2026, 8, 1))["expected"],
        amount=yesno("Stock Purchases", dt.date(2026, 8, 1))["amount"],
    )
    add(
        "sw",
        "Matumizi ya mishahara Julai 2026 yalikuwa kiasi gani?",
        "amount",
        lambda: b.total("expense", *month(2026, 7), category="Salaries"),
    )
    add("sw", "Faida halisi ya Agosti 2026 ni kiasi gani?", "amount", lambda: b.total("net", *month(2026, 8)))
    add("sw", "Ni ankara ngapi ambazo muda wake wa kulipwa umepita?", "count", lambda: b.overdue()[0])
    add(
        "sw",
        "Mwezi gani tulitumia pesa nyingi zaidi mwaka 2025?",
        "name",
        lambda: best_month(b, "expense", 2025, sw=True),
    )
    add(
        "sw",
        "Tulitumia kiasi gani kwa usafiri na umeme mwaka 2026?",
        "amount",
        lambda: (
            b.total("expense", *ytd, category="Transport") + b.total("expense", *ytd, category="Utilities")
        ),
    )
    add("sw", "Ni kiasi gani wateja hawajatulipa?", "amount", b.outstanding)
    add(
        "sw",
        "Tulipokea kiasi gani kutoka kwa wateja robo ya pili 2026?",
        "amount",
        lambda: sum(
            (
                a
                for day, t, _, a, _, c in b.rows
                if t == "income" and c and quarter(2026, 2)[0] <= day <= quarter(2026, 2)[1]
            ),
            D("0"),
        ),
    )
    add(
        "sw",
        "Mapato ya Delivery Fees mwezi wa kumi 2025 yalikuwa kiasi gani?",
        "amount",
        lambda: b.total("income", *month(2025, 10), category="Delivery Fees"),
    )
    add(
        "sw",
        "Matumizi ya robo ya nne ya 2025 yalikuwa kiasi gani?",
        "amount",
        lambda: b.total("expense", *q2(2025, 4)),
    )
    add("sw", "Tuliandika ankara ngapi mwezi Mei 2026?", "count", lambda: b.issued(*month(2026, 5)))
    # A fourth batch, written blind after the engine was tuned on the first three.
    add(
        "en",
        "What was our total revenue in January 2026?",
        "amount",
        lambda: b.total("income", *month(2026, 1)),
    )
    add("en", "Total spend for December 2025?", "amount", lambda: b.total("expense", *month(2025, 12)))
    add("en", "Net profit for Q4 2025, please", "amount", lambda: b.total("net", *q2(2025, 4)))
    add(
        "en",
        "How much went on salaries in Q3 2025?",
        "amount",
        lambda: b.total("expense", *q2(2025, 3), category="Salaries"),
    )
    add(
        "en",
        "What did we spend on bank charges in June 2026?",
        "amount",
        lambda: b.total("expense", *month(2026, 6), category="Bank Charges"),
    )
    add(
        "en",
        "Which income category was the largest in October 2026?",
        "name",
        lambda: b.top_category("income", *month(2026, 10)),
    )
    add("en", "Which expense category was the smallest in 2025?", "name", lambda: smallest_category(b, 2025))
    add(
        "en",
        "How much did we earn from counter sales in Q1 2025?",
        "amount",
        lambda: b.total("income", *q2(2025, 1), category="Counter Sales"),
    )
    add(
        "en",
        "How much did we pay Mabati Rolling Mills in Q2 2025?",
        "amount",
        lambda: b.total("expense", *q2(2025, 2), supplier="Mabati Rolling Mills Agent"),
    )
    add(
        "en",
        "Did we go over the repairs budget in October 2026?",
        "yesno_amount",
        lambda: yesno("Repairs & Maintenance", dt.date(2026, 10, 1))["expected"],
        amount=yesno("Repairs & Maintenance", dt.date(2026, 10, 1))["amount"],
    )
    add(
        "en",
        "Which customer paid us the most in September 2026?",
        "name",
        lambda: b.top_customer(*month(2026, 9)),
    )
    add(
        "en",
        "By what percentage did expenses change in Q2 2026 compared with Q1 2026?",
        "percent",
        lambda: b.change("expense", q2(2026, 2), q2(2026, 1)),
    )
    add(
        "en",
        "What was our single largest income in 2025?",
        "amount",
        lambda: b.largest("income", *year(2025)),
    )
    add(
        "en",
        "How many invoices did we issue in the first half of 2026?",
        "count",
        lambda: b.issued(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    )
    add(
        "en",
        "How much did Otieno & Sons pay us in 2026?",
        "amount",
        lambda: b.total("income", *ytd, customer="Otieno & Sons Contractors"),
    )
    add(
        "sw",
        "Mapato yetu ya Februari 2025 yalikuwa kiasi gani?",
        "amount",
        lambda: b.total("income", *month(2025, 2)),
    )
    add(
        "sw",
        "Tulitumia jumla ya pesa ngapi robo ya tatu ya mwaka 2025?",
        "amount",
        lambda: b.total("expense", *q2(2025, 3)),
    )
    add(
        "sw",
        "Faida yetu halisi mwezi Mei 2025 ilikuwa ngapi?",
        "amount",
        lambda: b.total("net", *month(2025, 5)),
    )
    add(
        "sw",
        "Tulitumia kiasi gani kwa kodi ya nyumba mwezi wa sita 2026?",
        "amount",
        lambda: b.total("expense", *month(2026, 6), category="Rent"),
    )
    add(
        "sw",
        "Tulilipa Westlands Property Managers pesa ngapi mwaka 2026?",
        "amount",
        lambda: b.total("expense", *ytd, supplier="Westlands Property Managers"),
    )
    add(
        "sw",
        "Ni aina gani ya mapato ilikuwa kubwa zaidi mwaka 2025?",
        "name",
        lambda: b.top_category("income", *year(2025)),
    )
    add(
        "sw",
        "Je, tulizidi bajeti ya ukarabati mwezi Machi 2026?",
        "yesno_amount",
        lambda: yesno("Repairs & Maintenance", dt.date(2026, 3, 1))["expected"],
        amount=yesno("Repairs & Maintenance", dt.date(2026, 3, 1))["amount"],
    )
    add(
        "sw",
        "Mteja gani alitulipa pesa nyingi zaidi robo ya kwanza 2025?",
        "name",
        lambda: b.top_customer(*q2(2025, 1)),
    )
    add(
        "sw",
        "Matumizi ya usafiri yalibadilika kwa asilimia ngapi mwaka 2026 ikilinganishwa na 2025?",
        "percent",
        lambda: b.change_cat("expense", (dt.date(2026, 1, 1), t), year(2025), "Transport"),
    )
    add(
        "sw",
        "Tulipata kiasi gani kutokana na mauzo ya kaunta mwezi Agosti 2025?",
        "amount",
        lambda: b.total("income", *month(2025, 8), category="Counter Sales"),
    )
    add("sw", "Ankara ngapi zilitolewa mwezi Juni 2025?", "count", lambda: b.issued(*month(2025, 6)))
    add("sw", "Wateja wanadaiwa kiasi gani kwa sasa?", "amount", b.outstanding)
    add(
        "sw",
        "Matumizi makubwa zaidi moja mwaka 2026 yalikuwa kiasi gani?",
        "amount",
        lambda: b.largest("expense", *ytd),
    )
    add(
        "sw",
        "Greenpark Estates walitulipa kiasi gani robo ya tatu 2026?",
        "amount",
        lambda: b.total("income", *q2(2026, 3), customer="Greenpark Estates"),
    )
    add(
        "sw",
        "Tulilipa Kenya Power kiasi gani mwezi Januari 2026?",
        "amount",
        lambda: b.total("expense", *month(2026, 1), supplier="Kenya Power (KPLC)"),
    )
    # A fifth batch, blind: short, chatty, misspelt and mixed-language questions.
    add("en", "income feb 2026?", "amount", lambda: b.total("income", *month(2026, 2)))
    add(
        "en",
        "hey kavi, what did we spend in total last year",
        "amount",
        lambda: b.total("expense", *year(t.year - 1)),
    )
    add("en", "profit in the 2nd quarter of 2025", "amount", lambda: b.total("net", *q2(2025, 2)))
    add(
        "en",
        "How much did we spend on transportation in Septmber 2026?",
        "amount",
        lambda: b.total("expense", *month(2026, 9), category="Transport"),
    )
    add(
        "en",
        "what did the Kilimani apartments pay us in q2 2026",
        "amount",
        lambda: b.total("income", *q2(2026, 2), customer="Kilimani Apartments Ltd"),
    )
    add(
        "en",
        "Can you tell me how much we paid Haraka Transporters last month?",
        "amount",
        lambda: b.total("expense", *last_month, supplier="Haraka Transporters"),
    )
    add("en", "I want to know our outstanding balance from customers", "amount", b.outstanding)
    add("en", "which client has the biggest unpaid balance?", "name", b.top_debtor)
    add(
        "en",
        "How much marketing did we do in 2026 so far?",
        "amount",
        lambda: b.total("expense", *ytd, category="Marketing"),
    )
    add(
        "en",
        "Was our transport spending over budget in October 2026?",
        "yesno_amount",
        lambda: yesno("Transport", dt.date(2026, 10, 1))["expected"],
        amount=yesno("Transport", dt.date(2026, 10, 1))["amount"],
    )
    add("sw", "mapato ya juni 2025 ni ngapi", "amount", lambda: b.total("income", *month(2025, 6)))
    add(
        "sw", "Tulitumia kiasi gani mwezi wa nne 2026?", "amount", lambda: b.total("expense", *month(2026, 4))
    )
    add("sw", "Biashara ilipata faida kiasi gani mwaka 2025?", "amount", lambda: b.total("net", *year(2025)))
    add(
        "sw",
        "Tumelipa stima kiasi gani mwaka huu?",
        "amount",
        lambda: b.total("expense", *ytd, category="Utilities"),
    )
    add(
        "sw",
        "Tulimlipa Mabati Rolling Mills kiasi gani mwaka jana?",
        "amount",
        lambda: b.total("expense", *year(t.year - 1), supplier="Mabati Rolling Mills Agent"),
    )
    add("sw", "Mwangi Builders anadaiwa pesa ngapi?", "amount", lambda: owed(b, "Mwangi Builders"))
    add("sw", "Tulitoa ankara ngapi robo ya nne 2025?", "count", lambda: b.issued(*q2(2025, 4)))
    add(
        "sw",
        "Gharama za matangazo zilikuwa ngapi Septemba 2025?",
        "amount",
        lambda: b.total("expense", *month(2025, 9), category="Marketing"),
    )
    add(
        "sw",
        "Mapato ya delivery fees mwaka 2025?",
        "amount",
        lambda: b.total("income", *year(2025), category="Delivery Fees"),
    )
    add(
        "sw",
        "Je, matumizi ya bidhaa yalizidi bajeti mwezi Julai 2026?",
        "yesno_amount",
        lambda: yesno("Stock Purchases", dt.date(2026, 7, 1))["expected"],
        amount=yesno("Stock Purchases", dt.date(2026, 7, 1))["amount"],
    )
    return out


def smallest_category(b: Books, y: int) -> str:
    sums: dict[str, Decimal] = defaultdict(D)
    for day, t, cat, amount, *_ in b.rows:
        if t == "expense" and year(y)[0] <= day <= year(y)[1]:
            sums[cat] += amount
    return min(sums, key=lambda k: sums[k])


EN_MONTHS = [dt.date(2026, n, 1).strftime("%B") for n in range(1, 13)]
SW_MONTHS = [
    "Januari",
    "Februari",
    "Machi",
    "Aprili",
    "Mei",
    "Juni",
    "Julai",
    "Agosti",
    "Septemba",
    "Oktoba",
    "Novemba",
    "Desemba",
]


def best_month(b: Books, kind: str, y: int, sw: bool = False) -> str:
    sums = {n: b.total(kind, *month(y, n)) for n in range(1, 13)}
    top = max(sums, key=lambda n: sums[n])
    return (SW_MONTHS if sw else EN_MONTHS)[top - 1]


def top_supplier(b: Books, start: dt.date, end: dt.date) -> str:
    sums: dict[str, Decimal] = defaultdict(D)
    for day, t, _, amount, sup, _ in b.rows:
        if t == "expense" and sup and start <= day <= end:
            sums[sup] += amount
    return max(sums, key=lambda k: sums[k])


def owed(b: Books, customer: str) -> Decimal:
    return sum((bal for i, bal in b.open_invoices() if i["customer"] == customer), D("0"))


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    current = (today.month - 1) // 3 + 1
    year_, number = (today.year, current - 1) if current > 1 else (today.year - 1, 4)
    return quarter(year_, number)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default=str(DEFAULT_DATASET))
    parser.add_argument("--out", default="/tmp/kavi-heldout.jsonl")  # noqa: S108 -- a scratch file
    args = parser.parse_args()
    books = Books(Path(args.dataset))
    rows = questions(books)
    with open(args.out, "w") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} questions written to {args.out} (today {books.today})")


if __name__ == "__main__":
    main()
