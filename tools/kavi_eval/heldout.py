"""Held-out KAVI questions (questions/heldout.jsonl) with expected figures worked out straight from
the Duka Bora CSVs (never through the app), for ../shared/kavi-eval/run_eval.py --questions. A
development tool: it lives outside the apps and the product image.

    python3 tools/kavi_eval/heldout.py [--dataset ../shared/datasets/duka-bora] [--out /tmp/heldout.jsonl]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import zoneinfo
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
DEFAULT_DATASET = HERE.parents[3] / "shared" / "datasets" / "duka-bora"
QUESTIONS = HERE.parent / "questions" / "heldout.jsonl"
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


def questions(b: Books, path: Path = QUESTIONS) -> list[dict[str, Any]]:
    """The questions of a JSONL file, each with its expected answer worked out from the CSVs: the
    `expected` (and any `extra`) field is a formula over the books `b`, today `t`, `last_month`,
    `ytd` and the helpers of this module."""
    t = b.today
    names: dict[str, Any] = {
        "__builtins__": {"sum": sum, "max": max, "min": min, "abs": abs, "len": len},
        "b": b,
        "t": t,
        "dt": dt,
        "D": D,
        "last_month": month(t.year - (t.month == 1), (t.month - 2) % 12 + 1),
        "ytd": (dt.date(t.year, 1, 1), t),
        "month": month,
        "quarter": quarter,
        "year": year,
        "last_quarter": last_quarter,
        "smallest_category": smallest_category,
        "best_month": best_month,
        "top_supplier": top_supplier,
        "owed": owed,
        "yesno": lambda category, start: yesno(b, category, start),
    }

    def work_out(formula: str) -> str:
        # The formulas are the project's own (questions/*.jsonl), never outside input.
        return str(eval(formula, names))  # noqa: S307

    out: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            extra = {k: work_out(v) for k, v in row.pop("extra", {}).items()}
            out.append({**row, "expected": work_out(row["expected"]), **extra})
    return out


def yesno(b: Books, category: str, start: dt.date) -> dict[str, Any]:
    spent, limit = b.budget(category, start)
    return {"expected": "yes" if spent > limit else "no", "amount": str(spent)}


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
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--out", default="/tmp/kavi-heldout.jsonl")  # noqa: S108 -- a scratch file
    args = parser.parse_args()
    books = Books(Path(args.dataset))
    rows = questions(books, Path(args.questions))
    with open(args.out, "w") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} questions written to {args.out} (today {books.today})")


if __name__ == "__main__":
    main()
