"""Transaction-level reads of the books that KAVI needs and the reports don't: the largest single
purchase, spending by counterparty, by category, and the like. Each takes the business and returns
plain values (Decimal for money, rounded with finance.selectors.numbers), never model instances of
another business. (To be filled by the KAVI restructuring, issue 11.)"""

from __future__ import annotations
