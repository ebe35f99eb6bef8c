"""core.sql.fetch_page: the same rows as the ORM, whatever the filters, ordering and page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from core import sql
from finance.api.serializers import TRANSACTION_ROW_FIELDS
from finance.models import Transaction
from tests.factories import BusinessFactory, CustomerFactory
from tests.factories.finance import SupplierFactory, TransactionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_shapes():
    sql.clear()
    yield
    sql.clear()


@pytest.fixture
def books():
    business, other = BusinessFactory(), BusinessFactory()
    supplier = SupplierFactory(business=business, name="Kamau Hardware")
    customer = CustomerFactory(business=business, name="Mama Mboga")
    start = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    for n in range(30):
        TransactionFactory(
            business=business,
            amount=Decimal(f"{n + 1}.{n % 100:02d}"),
            transaction_type="expense" if n % 3 else "income",
            category=["Transport", "Rent", "transport", "Sales"][n % 4],
            supplier=supplier if n % 5 == 0 else None,
            customer=customer if n % 7 == 0 else None,
            transaction_date=start + dt.timedelta(days=n // 2, hours=n),
            description=f"Row {n}",
        )
    for n in range(5):
        TransactionFactory(
            business=other, category="Transport", transaction_date=start + dt.timedelta(days=n)
        )
    return business, other


def _orm(queryset, limit, offset):
    return list(queryset.values_list(*TRANSACTION_ROW_FIELDS)[offset : offset + limit])


CASES = [
    lambda qs: qs,
    lambda qs: qs.filter(transaction_type="expense"),
    lambda qs: qs.filter(category__iexact="TRANSPORT"),
    lambda qs: qs.filter(transaction_type="income", category__iexact="sales"),
    lambda qs: qs.filter(amount__gte=Decimal("5.05"), amount__lte=Decimal("20")),
    lambda qs: qs.filter(transaction_date__gte=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)),
    lambda qs: qs.filter(Q(description__icontains="row 1") | Q(category__icontains="rent")),
    lambda qs: qs.filter(supplier__isnull=False),
    lambda qs: qs.filter(customer__name="Mama Mboga"),
    lambda qs: qs.order_by("amount", "id"),
    lambda qs: qs.order_by("-category", "transaction_date", "id"),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_pages_match_the_orm(books, case):
    business, _ = books
    queryset = CASES[case](Transaction.objects.filter(business=business).order_by("-transaction_date", "-id"))
    for limit, offset in [(26, 0), (5, 0), (5, 5), (7, 21), (10, 100)]:
        # Twice: the first call compiles and caches the shape, the second reuses it.
        assert sql.fetch_page(queryset, TRANSACTION_ROW_FIELDS, limit=limit, offset=offset) == _orm(
            queryset, limit, offset
        )
        assert sql.fetch_page(queryset, TRANSACTION_ROW_FIELDS, limit=limit, offset=offset) == _orm(
            queryset, limit, offset
        )


def test_a_shape_is_compiled_once_and_values_still_change(books):
    business, other = books
    page = lambda qs: sql.fetch_page(qs, ("id", "category"), limit=50, offset=0)  # noqa: E731
    mine = page(Transaction.objects.filter(business=business, category__iexact="rent").order_by("id"))
    assert len(sql._shapes) == 1
    theirs = page(Transaction.objects.filter(business=other, category__iexact="transport").order_by("id"))
    assert len(sql._shapes) == 1  # same shape, new values
    assert {c for _, c in mine} == {"Rent"} and len(theirs) == 5
    assert not {pk for pk, _ in theirs} & {pk for pk, _ in mine}
    page(Transaction.objects.filter(business=business).order_by("id"))
    assert len(sql._shapes) == 2  # another WHERE shape


def test_one_query_per_page(books):
    business, _ = books
    queryset = Transaction.objects.filter(business=business).order_by("-id")
    sql.fetch_page(queryset, TRANSACTION_ROW_FIELDS, limit=5, offset=0)
    with CaptureQueriesContext(connection) as captured:
        sql.fetch_page(queryset, TRANSACTION_ROW_FIELDS, limit=5, offset=0)
    assert len(captured) == 1


def test_empty_and_unusual_querysets(books):
    business, _ = books
    base = Transaction.objects.filter(business=business)
    assert sql.fetch_page(base.filter(id__in=[]), ("id",), limit=5, offset=0) == []
    assert sql.fetch_page(base.none(), ("id",), limit=5, offset=0) == []
    # Not cached, but still right: annotations, distinct, an existing slice.
    annotated = base.annotate(n=Count("id")).order_by("id")
    assert sql.fetch_page(annotated, ("id",), limit=3, offset=0) == _ids(annotated[:3])
    distinct = base.order_by("category").distinct("category") if connection.vendor == "postgresql" else None
    if distinct is not None:
        assert sql.fetch_page(distinct, ("category",), limit=10, offset=0) == [
            (c,) for c in distinct.values_list("category", flat=True)
        ]
    assert sql._shapes == {}


def _ids(queryset):
    return [(pk,) for pk in queryset.values_list("id", flat=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_page_query_is_prepared_on_postgresql(books, settings):
    business, _ = books
    settings.DB_PREPARED_STATEMENTS = True
    queryset = Transaction.objects.filter(business=business).order_by("-transaction_date", "-id")
    sql.fetch_page(queryset, TRANSACTION_ROW_FIELDS, limit=26, offset=0)
    assert sql.fetch_page(queryset, TRANSACTION_ROW_FIELDS, limit=26, offset=0) == _orm(queryset, 26, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"finance_transaction"' in s and s.endswith("LIMIT 26 OFFSET 0") for s in prepared), prepared

    settings.DB_PREPARED_STATEMENTS = False
    assert sql.fetch_page(queryset, TRANSACTION_ROW_FIELDS, limit=5, offset=3) == _orm(queryset, 5, 3)
