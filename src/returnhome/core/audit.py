"""Writing the audit trail. Every service write and every record read calls one of these.

The trail is append-only and chained (docs/audit.md): each new row is hashed onto the chain's
head inside the transaction that inserts it (`core.chain.seal`), here in `insert_chained` and in
`AuditEvent.save` / `objects.bulk_create` for anyone who writes the model directly. Writers are
ordered so that no two rows claim the same predecessor: on PostgreSQL by a transaction-level
advisory lock taken before the head is read; on SQLite by the database's write lock, which every
transaction takes when it begins (settings: `transaction_mode` IMMEDIATE).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone

from returnhome.core.chain import (
    CHAINED_FIELDS,
    GENESIS,
    canonical_json,
    chain_writes,
    head_hash,
    jsonable,
    row_hash,
    seal,
)
from returnhome.core.models import AuditEvent

TABLE = AuditEvent._meta.db_table


def _child_id(obj: models.Model) -> int | None:
    if obj._meta.model_name == "child":
        return int(obj.pk)
    child_id = getattr(obj, "child_id", None)
    return int(child_id) if child_id is not None else None


# --------------------------------------------------------------------------- no personal values

FIELD_NAME_KEYS = frozenset({"fields", "changed"})
"""Detail keys whose value maps field names to new values: only the field names are kept."""

FREE_TEXT_KEYS = frozenset(
    {
        "alias",
        "comment",
        "independence_reason",
        "q",
        "query",
        "resolution_reason",
        "search",
        "undo_reason",
    }
)
"""Detail keys holding a name or free text: the value becomes whether it was given (true or
false). The text itself stays on the record the row points at, where erasure can reach it."""

CODE_OR_TEXT_KEYS = frozenset({"reason"})
"""Detail keys holding a code (a review item's `uncertain_match`) or free text (a merge's
reason): a code is kept, free text becomes whether it was given."""

_CODE = re.compile(r"[a-z0-9_]{1,40}\Z")


def _detail(detail: dict[str, Any]) -> dict[str, Any]:
    """An audit row's detail: identifiers, field names and codes, never personal values."""
    out: dict[str, Any] = {}
    for key, value in detail.items():
        if isinstance(value, str):  # as it is (`jsonable` keeps text), unless free text
            if key in FREE_TEXT_KEYS or (key in CODE_OR_TEXT_KEYS and not _CODE.match(value)):
                out[str(key)] = bool(value.strip())
            else:
                out[str(key)] = value
            continue
        if key in FIELD_NAME_KEYS and isinstance(value, dict):
            value = sorted(str(k) for k in value)
        out[str(key)] = jsonable(value)
    return out


# --------------------------------------------------------------------------- the chain


_COLUMNS = [*CHAINED_FIELDS, "prev_hash", "hash"]


def _insert(rows: Sequence[AuditEvent]) -> None:
    """One prepared INSERT for all the rows (cheaper than the ORM's, which compiles its SQL
    for every row a page view writes); a single row gets its pk, many rows do not."""
    ops = connection.ops
    encoder = AuditEvent._meta.get_field("detail").encoder
    at = ops.adapt_datetimefield_value(rows[0].at)
    params = [
        (
            at,
            r.actor_id,
            r.kind,
            r.action,
            r.object_type,
            r.object_id,
            r.child_id,
            ops.adapt_json_value(r.detail, encoder),
            r.prev_hash,
            r.hash,
        )
        for r in rows
    ]
    if len(params) == 1:  # a page view's read or a service's write: its pk is set
        rows[0].pk = _insert_params(params)
        rows[0]._state.adding = False
        return
    _insert_params(params)


def _insert_params(params: list[tuple[Any, ...]]) -> int | None:
    """Insert rows of `_COLUMNS`' values; a single row's pk."""
    columns = _COLUMNS
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        TABLE, ", ".join(columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        if len(params) == 1:
            if connection.vendor == "postgresql":
                cursor.execute(f"{sql} RETURNING id", params[0])
                return int(cursor.fetchone()[0])
            cursor.execute(sql, params[0])
            return int(cursor.lastrowid)
        if connection.vendor == "postgresql":  # COPY: one stream, ids in this order
            with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            return None
        for start in range(0, len(params), 10_000):
            cursor.executemany(sql, params[start : start + 10_000])
    return None


def insert_chained(rows: Sequence[AuditEvent]) -> None:
    """Insert unsaved audit rows, in this order, each hashed onto the one before, in one
    transaction with the read of the chain's head. All of them get the moment of insertion as
    `at`; a single row gets its pk. Bulk paths build the rows with `write_fields` and call this once."""
    if not rows:
        return
    with transaction.atomic(savepoint=False):
        seal(rows, connection, TABLE)
        _insert(rows)


class Write(NamedTuple):
    """An audit row for a write, not yet sealed: what `record_write` writes, as the bulk paths
    build it (`write_row`) and insert it (`insert_writes`), without a model instance."""

    actor_id: int | None
    kind: str
    action: str
    object_type: str
    object_id: str
    child_id: int | None
    detail: dict[str, Any] | str  # a str: the detail already as canonical JSON (`write_detail`)


def insert_writes(rows: Sequence[Write]) -> None:
    """`insert_chained` for rows built by `write_row`: the same rows and hashes, each detail
    encoded once (as canonical JSON, stored and hashed)."""
    if not rows:
        return
    with transaction.atomic(savepoint=False):
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            raise RuntimeError("audit rows are sealed inside the transaction that inserts them")
        now = timezone.now()
        at = connection.ops.adapt_datetimefield_value(now)
        sealed = chain_writes(head_hash(connection, TABLE), now, rows)
        params = [
            (at, r[0], r[1], r[2], r[3], r[4], r[5], detail, prev, digest)
            for r, (detail, prev, digest) in zip(rows, sealed, strict=True)
        ]
        _insert_params(params)


# --------------------------------------------------------------------------- writing rows


def write_about(
    actor: Any,
    action: str,
    model: type[models.Model],
    pk: Any,
    child_id: int | None,
    **detail: Any,
) -> Write:
    """`write_row` for a record known by its model, pk and child (the child's own pk for a
    child's record, its `child_id` otherwise), without an instance."""
    return Write(
        actor.pk if getattr(actor, "pk", None) else None,
        AuditEvent.Kind.WRITE.value,
        action,
        model._meta.label_lower,
        str(pk),
        child_id,
        _detail(detail),
    )


def write_detail(**detail: Any) -> str:
    """An audit row's detail (as `write_row` keeps it) written as canonical JSON, for rows
    built by `writes_about`: a bulk path whose rows share a detail encodes it once."""
    return canonical_json(_detail(detail))


def writes_about(
    actor: Any,
    action: str,
    model: type[models.Model],
    rows: Iterable[tuple[Any, int | None, str]],
) -> list[Write]:
    """`write_about` for many records of one model, given as (pk, child id, detail as
    `write_detail` writes it): the same rows, without a dict per row."""
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    kind, label = AuditEvent.Kind.WRITE.value, model._meta.label_lower
    return [
        Write(actor_id, kind, action, label, str(pk), child_id, detail)
        for pk, child_id, detail in rows
    ]


def write_row(actor: Any, action: str, obj: models.Model, **detail: Any) -> Write:
    """The audit row `record_write` writes, as a `Write` (for `insert_writes`)."""
    return Write(
        actor.pk if getattr(actor, "pk", None) else None,
        AuditEvent.Kind.WRITE.value,
        action,
        obj._meta.label_lower,
        str(obj.pk),
        _child_id(obj),
        _detail(detail),
    )


def write_fields(actor: Any, action: str, obj: models.Model, **detail: Any) -> dict[str, Any]:
    """The fields of the audit row for a write: for `record_write`, and for bulk paths that
    build unsaved rows themselves (one row per record, exactly as `record_write` writes it)."""
    return {
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "kind": AuditEvent.Kind.WRITE,
        "action": action,
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "child_id": _child_id(obj),
        "detail": _detail(detail),
    }


def _read_row(actor: Any, action: str, obj: models.Model, detail: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        actor_id=actor.pk if getattr(actor, "pk", None) else None,
        kind=AuditEvent.Kind.READ,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        child_id=_child_id(obj),
        detail=_detail(detail),
    )


def record_write(actor: Any, action: str, obj: models.Model, **detail: Any) -> AuditEvent:
    """One write; `detail` holds identifiers, field names and codes, never personal values
    (names, addresses, free text), so erasing a child's data never needs to touch the trail."""
    row = AuditEvent(**write_fields(actor, action, obj, **detail))
    insert_chained([row])
    return row


def record_read(actor: Any, obj: models.Model, action: str = "view", **detail: Any) -> AuditEvent:
    """One record read; `detail` says what of it (a report's period and format, say)."""
    row = _read_row(actor, action, obj, detail)
    insert_chained([row])
    return row


def record_list_read(actor: Any, action: str, objects: Sequence[models.Model]) -> None:
    """A list page shows several records: one read row per record shown."""
    insert_chained([_read_row(actor, action, o, {}) for o in objects])


# --------------------------------------------------------------------------- reading the trail

OPENED = "view"
"""The action of a read of one record's own page (`access.get_visible_or_404`'s default)."""


def events_about_child(child_id: int) -> models.QuerySet[AuditEvent]:
    """Every read and write about one child, newest first, with who and their organisation."""
    return (
        AuditEvent.objects.filter(child_id=child_id)
        .select_related("actor__organisation")
        .order_by("-id")
    )


def describe(event: AuditEvent) -> str:
    """What an audit row says was done, in words: "Opened: episode", "Shown in: list children"."""
    thing = event.object_type.split(".", 1)[-1].replace("proposedaction", "action")
    thing = {"rhi": "RHI", "child": "child's record"}.get(thing, thing)
    if event.kind == AuditEvent.Kind.READ:
        if event.action == OPENED:
            return f"Opened: {thing}"
        return f"Read ({event.action.replace('_', ' ')}): {thing}"
    return f"Changed ({event.action.replace('_', ' ')}): {thing}"


# --------------------------------------------------------------------------- checking the chain


@dataclass(frozen=True)
class Break:
    """The first row where the chain does not hold: its own fields no longer give its hash
    (`what` = "hash"), or it does not point at the row before it (`what` = "link": a row
    before it was removed, changed or inserted)."""

    id: int
    what: str


@dataclass(frozen=True)
class Verification:
    checked: int
    head: str
    broken: Break | None


def _chain_rows(model: type[models.Model], chunk: int) -> Iterator[tuple[Any, ...]]:
    return (
        model._default_manager.order_by("id")
        .values_list("id", *CHAINED_FIELDS, "prev_hash", "hash")
        .iterator(chunk_size=chunk)
    )


def verify_chain(model: type[models.Model] = AuditEvent, chunk: int = 5000) -> Verification:
    """Walk every row from the first in id order; stop at the first break."""
    prev = GENESIS
    checked = 0
    for pk, *values, prev_hash, stored in _chain_rows(model, chunk):
        if prev_hash != prev:
            return Verification(checked, prev, Break(pk, "link"))
        if row_hash(prev_hash, values) != stored:
            return Verification(checked, prev, Break(pk, "hash"))
        prev = stored
        checked += 1
    return Verification(checked, prev, None)


def chain_existing(model: type[models.Model]) -> int:
    """Chain rows written before the trail was chained, in id order (the migration that adds
    the chain runs this before it installs the append-only triggers). Returns the row count."""
    sql = f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s"  # noqa: S608
    prev, last, count = GENESIS, 0, 0
    rows = model._default_manager.order_by("id").values_list("id", *CHAINED_FIELDS)
    while chunk := list(rows.filter(id__gt=last)[:5000]):
        updates = []
        for pk, *values in chunk:
            digest = row_hash(prev, values)
            updates.append((prev, digest, pk))
            prev = digest
        with connection.cursor() as cursor:
            cursor.executemany(sql, updates)
        last = chunk[-1][0]
        count += len(chunk)
    return count


# --------------------------------------------------------------------------- append-only triggers

_REFUSED = "core_auditevent is append-only"


def trigger_statements(vendor: str) -> list[str]:
    """Triggers refusing UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) of audit rows."""
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER audit_no_{event.lower()} BEFORE {event} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSED}: {event} refused'); END"
            for event in ("UPDATE", "DELETE")
        ]
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$body$ BEGIN RAISE EXCEPTION '{_REFUSED}: % refused', TG_OP "
            "USING ERRCODE = 'restrict_violation'; END $body$",
            f"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
            f"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
        ]
    raise NotImplementedError(f"audit trail triggers for {vendor}")


def drop_trigger_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}",
            f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
            "DROP FUNCTION IF EXISTS audit_append_only()",
        ]
    return ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]


def install_triggers(conn: Any = None) -> None:
    """(Re)create the append-only triggers on this connection's database."""
    conn = conn or connection
    with conn.cursor() as cursor:
        for sql in drop_trigger_statements(conn.vendor) + trigger_statements(conn.vendor):
            cursor.execute(sql)


def triggers_installed(conn: Any = None) -> bool:
    """Whether the append-only triggers are on the audit table."""
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND tgname IN ('audit_append_only', 'audit_no_truncate')",
                [TABLE],
            )
            return int(cursor.fetchone()[0]) == 2
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
            "AND name IN ('audit_no_update', 'audit_no_delete')",
            [TABLE],
        )
        return int(cursor.fetchone()[0]) == 2


def drop_triggers(conn: Any = None) -> None:
    """Only for a database being emptied as a whole (the test suite's flush) and for tests that
    play an attacker with direct access to the database."""
    conn = conn or connection
    with conn.cursor() as cursor:
        for sql in drop_trigger_statements(conn.vendor):
            cursor.execute(sql)
