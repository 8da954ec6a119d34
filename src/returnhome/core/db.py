"""Database helpers shared by the importers: chunked lookups, the bulk insert, statistics."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models
from django.db.models import Model
from django.db.models.base import ModelState
from django.utils import timezone

from returnhome.core.signals import bulk_write_ending, bulk_write_started

LARGE_IMPORT = 1000
# Values per `IN (...)` lookup: under SQLite's old limit of 999 parameters.
CHUNK = 900
# Rows per INSERT where `fast_insert` falls back to bulk_create.
BULK_BATCH = 2000

M = TypeVar("M", bound=Model)


def chunked(values: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """`values` in lists of at most `size`, in order."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def refresh_statistics(rows: int) -> None:
    """After a large import on SQLite, refresh the query planner's statistics (a quick, sampled
    ANALYZE). Without them SQLite never picks the covering indexes the indicator engine is built
    on (docs/decisions/0023-statistics-after-large-imports.md). PostgreSQL's autovacuum does this itself."""
    if connection.vendor != "sqlite" or rows < LARGE_IMPORT:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")


class BulkWrite:
    """A bulk write under way (`bulk_write`): the children its writer says it touched.

    A writer that reports every child its writes touch (`reports_children=True`: the police
    file's and the API's bulk commit) has the triggers skip its rows entirely; the children it
    reports here are derived once at the end. Every other writer leaves the triggers to note them.
    """

    def __init__(self, reports_children: bool) -> None:
        self.reports_children = reports_children
        self.children: set[int] = set()

    def touched(self, child_ids: Iterable[int]) -> None:
        """The children whose episodes, RHIs or interviews this write inserted or changed."""
        self.children.update(child_ids)


_UNDER_WAY = "returnhome_bulk_write"


@contextmanager
def bulk_write(*, reports_children: bool = False) -> Iterator[BulkWrite]:
    """Many writes in one transaction (an import): what triggers derive from them (the report
    facts) is derived once at the end, set based, for what they touched, in the same transaction.

    `reports_children`: the writer tells the `BulkWrite` it gets every child it touches (see
    `BulkWrite`), and the triggers skip its rows; otherwise they note the children themselves.
    Must run inside a transaction (the import's). If the block raises, nothing is derived: the
    transaction (or its savepoint) rolls back, and the switch with it. Nested in another, it is
    part of that one (a writer that does not report its children cannot be nested in one that
    does: its rows would be skipped and not reported).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_write() runs inside a transaction")
    outer: BulkWrite | None = getattr(connection, _UNDER_WAY, None)
    if outer is not None:
        if outer.reports_children and not reports_children:
            raise RuntimeError("a bulk write that reports its children holds one that does not")
        yield outer
        return
    state = BulkWrite(reports_children)
    setattr(connection, _UNDER_WAY, state)
    try:
        bulk_write_started.send(
            sender=bulk_write, connection=connection, reports_children=reports_children
        )
        yield state
        bulk_write_ending.send(
            sender=bulk_write,
            connection=connection,
            children=sorted(state.children) if reports_children else None,
        )
    finally:
        setattr(connection, _UNDER_WAY, None)


# --------------------------------------------------------------------------- bulk insert


def allocate_ids(model: type[Model], count: int) -> list[int] | None:
    """Primary keys for `count` new rows, or None where we cannot reserve them (then bulk_create).

    PostgreSQL: taken from the table's sequence. SQLite: the import's transaction holds the
    database's write lock, so the next ids after the largest ever used are ours.
    """
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
            top = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            used = cursor.fetchone()
            top = max(top, used[0] if used else 0)
            return list(range(top + 1, top + 1 + count))
    return None


def _sqlite_datetime(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (UTC, naive, str), faster."""
    if value.tzinfo is None:
        return str(value)
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat(" ")[:-6]  # str() of the naive value: without the "+00:00"


def _adapter(field: models.Field[Any, Any]) -> Any:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone == dt.UTC:
            return _sqlite_datetime
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        if connection.vendor == "sqlite" and field.encoder is None:
            return _JSON.encode  # what `adapt_json_value` gives there (json.dumps), directly
        return lambda value: ops.adapt_json_value(value, field.encoder)
    return None


_JSON = json.JSONEncoder()


def fast_insert(model: type[Model], objs: list[Any], *, reserved: bool = False) -> None:
    """Insert unsaved instances with one prepared statement (executemany), setting their pks.

    The same rows bulk_create writes (auto_now fields set to one moment per call), without
    compiling SQL for every batch; falls back to bulk_create where ids cannot be reserved.
    `reserved`: the instances already hold pks reserved by `allocate_ids` (kept as they are).
    """
    if not objs:
        return
    if not reserved:
        ids = allocate_ids(model, len(objs))
        if ids is None:
            model._default_manager.bulk_create(objs, batch_size=BULK_BATCH)
            return
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
    fields = list(model._meta.local_concrete_fields)
    # auto_now(_add) fields: one moment for the whole insert (as one statement would have it).
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    columns = []
    for f in fields:
        adapt = _adapter(f)
        values = list(map(attrgetter(f.attname), objs))
        if adapt is not None and isinstance(f, models.JSONField):
            values = [None if v is None else adapt(v) for v in values]
        elif adapt is not None:
            values = _adapt_each(adapt, values)
        columns.append(values)
    rows = list(zip(*columns, strict=True))
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream for all the rows, not a statement per row.
            names = ", ".join(quote(f.column) for f in fields)
            copy_sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for start in range(0, len(rows), 10_000):
                cursor.executemany(sql, rows[start : start + 10_000])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _adapted(field: models.Field[Any, Any], values: Sequence[Any]) -> Sequence[Any]:
    """A column's values as the database takes them (each distinct moment adapted once)."""
    adapt = _adapter(field)
    if adapt is None:
        return values
    if isinstance(field, models.JSONField):
        return [None if v is None else adapt(v) for v in values]
    return _adapt_each(adapt, values)


def _adapt_each(adapt: Any, values: Sequence[Any]) -> list[Any]:
    """Each value adapted, once for each object (many rows share the same moment object: a
    received time, a deadline worked out once for a day). Known by identity, not equality:
    cheaper to look up, and the two 01:30s of the October change, which compare equal in one
    time zone, are an hour apart."""
    cache: dict[int, Any] = {}
    get = cache.get
    column: list[Any] = []
    append = column.append
    for value in values:
        if value is None:
            append(None)
            continue
        adapted = get(id(value))
        if adapted is None:
            adapted = cache[id(value)] = adapt(value)
        append(adapted)
    return column


def _is_auto_now(field: models.Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def insert_values(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert rows given as tuples of the fields `names` (attribute names, `council_id`), in
    one prepared statement (COPY on PostgreSQL), and return their new pks in order.

    Every other field gets its default, as the model's constructor gives it (auto_now fields:
    one moment for the whole insert); no model instance is built. Falls back to nothing: where
    ids cannot be reserved it raises (`allocate_ids`).
    """
    if not rows:
        return []
    ids = allocate_ids(model, len(rows))
    if ids is None:
        raise NotImplementedError(f"insert_values on {connection.vendor}")
    meta = model._meta
    given = {name: i for i, name in enumerate(names)}
    transposed = list(zip(*rows, strict=True))
    now = timezone.now()
    fields: list[Any] = []
    columns: list[Sequence[Any]] = []
    for f in meta.local_concrete_fields:
        if f.primary_key:
            continue
        fields.append(f)
        if f.attname in given:
            column: Sequence[Any] = transposed[given[f.attname]]
        elif f.has_default() and callable(f.default) and not _is_auto_now(f):
            column = [f.get_default() for _ in range(len(rows))]  # a new value each (a dict)
        else:  # one value for every row, adapted once
            value = now if _is_auto_now(f) else f.get_default()
            columns.append(list(_adapted(f, [value])) * len(rows))
            continue
        columns.append(_adapted(f, column))
    _execute_insert(model, [meta.pk, *fields], list(zip(ids, *columns, strict=True)))
    return ids


def _execute_insert(model: type[Model], fields: list[Any], rows: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream for all the rows, not a statement per row.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


_DEFAULTS: dict[type[Model], tuple[dict[str, Any], list[Any]]] = {}


def unsaved(model: type[M], **attrs: Any) -> M:
    """An unsaved instance from attribute names (`episode_id=...`), without Model.__init__'s cost.

    Every other field gets its default, as Model.__init__ gives it.
    """
    spec = _DEFAULTS.get(model)
    if spec is None:
        static: dict[str, Any] = {}
        dynamic: list[Any] = []
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                dynamic.append(f)
            else:
                static[f.attname] = f.get_default()
        spec = _DEFAULTS[model] = (static, dynamic)
    obj = model.__new__(model)
    obj._state = ModelState()
    values = obj.__dict__
    values.update(spec[0])
    for f in spec[1]:
        if f.attname not in attrs:
            values[f.attname] = f.get_default()
    values.update(attrs)
    return obj
