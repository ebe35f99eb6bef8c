"""Reusing the SQL the ORM compiles for a list's page query.

A list endpoint runs the same query shape again and again: the same columns, joins and ordering;
only the filter values and the page change. Compiling a 20-column `.values()` query with two joins
costs the ORM about as much Python time as a whole cheap request. `fetch_page` compiles the
queryset's WHERE clause alone (cheap), and looks up the rest of the SQL by the shape of that clause;
the ORM compiles the full query only the first time a shape is seen.

On PostgreSQL the page query also runs as a prepared statement (setting DB_PREPARED_STATEMENTS):
planning the joined, ordered query costs PostgreSQL several times what running it does.

Safety: the full SQL is cached only when its parameters are exactly the WHERE clause's parameters
(true for plain columns, joins and orderings); a queryset with anything else in it (annotations,
extra, distinct, select_for_update, a slice) is run through the ORM as usual.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet
from psycopg.pq import Format

MAX_SHAPES = 512

_lock = threading.Lock()
# shape -> (SQL without LIMIT/OFFSET, the backend's converters by column position)
_shapes: OrderedDict[tuple[Any, ...], tuple[str, list[tuple[int, list[Any], Any]]]] = OrderedDict()


def _preparing_cursor(connection: Any) -> Any:
    """A cursor on the connection that prepares its statements, wrapped as Django wraps cursors
    (error translation, query logging); a plain cursor where that isn't possible."""
    if connection.vendor != "postgresql" or not getattr(settings, "DB_PREPARED_STATEMENTS", False):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    tzloader = raw.adapters.get_loader(psycopg.adapters.types["timestamptz"].oid, Format.TEXT)
    if connection.timezone != getattr(tzloader, "timezone", None):
        return connection.cursor()  # Django would register a loader on the cursor; keep its path
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(raw))


class _PreparingCursor(psycopg.Cursor):
    """Server-side binding, and every statement prepared: psycopg keeps up to `prepared_max` per
    connection and reuses them by query text and parameter types."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


def _cacheable(queryset: QuerySet) -> bool:
    query = queryset.query
    return not (
        query.annotations
        or query.extra
        or query.distinct
        or query.select_for_update
        or query.combinator
        or query.low_mark
        or query.high_mark is not None
        or query.group_by is not None
        or query.values_select
        or query.deferred_loading[0]
        or not query.default_cols
    )


def _ormpage(queryset: QuerySet, fields: Sequence[str], limit: int, offset: int) -> list[tuple[Any, ...]]:
    return list(queryset.values_list(*fields)[offset : offset + limit])


def fetch_page(
    queryset: QuerySet, fields: Sequence[str], *, limit: int, offset: int
) -> list[tuple[Any, ...]]:
    """`list(queryset.values_list(*fields)[offset:offset + limit])`, with the SQL compiled once per
    shape of the queryset's filters. Rows are tuples in the order of `fields`."""
    if not _cacheable(queryset):
        return _ormpage(queryset, fields, limit, offset)
    query = queryset.query
    db = queryset.db
    connection = connections[db]
    compiler = query.get_compiler(using=db)
    try:
        where_sql, where_params = compiler.compile(query.where)
    except FullResultSet:
        where_sql, where_params = "", []
    except EmptyResultSet:
        return []
    key = (
        db,
        query.model,
        tuple(fields),
        where_sql,
        tuple(str(o) for o in query.order_by),
        query.default_ordering,
        query.select_related if isinstance(query.select_related, bool) else repr(query.select_related),
        tuple((alias, getattr(join, "join_type", None)) for alias, join in query.alias_map.items()),
    )
    with _lock:
        shape = _shapes.get(key)
        if shape is not None:
            _shapes.move_to_end(key)
    if shape is None:
        full = queryset.values_list(*fields).query.get_compiler(using=db)
        full_sql, full_params = full.as_sql(with_limits=False)
        if list(full_params) != list(where_params):
            return _ormpage(queryset, fields, limit, offset)
        converters = [
            (position, convs, expression)
            for position, (convs, expression) in full.get_converters(
                [col for col, _, _ in full.select]
            ).items()
        ]
        shape = (full_sql, converters)
        with _lock:
            _shapes[key] = shape
            while len(_shapes) > MAX_SHAPES:
                _shapes.popitem(last=False)
    sql, converters = shape
    with _preparing_cursor(connection) as cursor:
        # LIMIT and OFFSET as literals (ints, so safe to inline): with them as parameters PostgreSQL
        # can't cost a generic plan for a short page, and keeps planning every execution.
        cursor.execute(f"{sql} LIMIT {int(limit)} OFFSET {int(offset)}", where_params)
        rows = cursor.fetchall()
    if not converters:  # PostgreSQL: psycopg already returns Decimals and aware datetimes
        return rows
    converted = []
    for raw in rows:
        row = list(raw)
        for position, convs, expression in converters:
            value = row[position]
            for convert in convs:
                value = convert(value, expression, connection)
            row[position] = value
        converted.append(tuple(row))
    return converted


def clear() -> None:
    """Forgets every cached shape (tests)."""
    with _lock:
        _shapes.clear()
