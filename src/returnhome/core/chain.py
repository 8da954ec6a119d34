"""The audit trail's hash chain (docs/audit.md): how a row's hash is made, and sealing new rows
onto the chain's head. Imports no model, so `core.models` can seal every row it saves."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any

from django.db import models
from django.utils import timezone

GENESIS = "0" * 64
"""The `prev_hash` of the first row."""

CHAIN_LOCK = 0x5248_4155_4449_54  # any bigint: the key of the PostgreSQL advisory lock ("RHAUDIT")

CHAINED_FIELDS = (
    "at",
    "actor_id",
    "kind",
    "action",
    "object_type",
    "object_id",
    "child_id",
    "detail",
)
"""What a row's hash covers, in this order, with the previous row's hash."""


def jsonable(value: Any) -> Any:
    """The value as it comes back from a JSON column (a model instance becomes its pk)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _moment(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Canonical JSON: keys sorted, no spaces, ASCII only (one encoder, made once).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def row_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """SHA-256 (hex) of the previous row's hash, a newline and this row's `CHAINED_FIELDS`
    values as canonical JSON: one array, keys sorted, no spaces, ASCII only, `at` in UTC to
    the microsecond."""
    return _hash(prev_hash, _moment(values[0]), values)


def _hash(prev_hash: str, moment: str, values: Sequence[Any]) -> str:
    """`row_hash` with the row's `at` already written as `_moment` writes it."""
    _, actor_id, kind, action, object_type, object_id, child_id, detail = values
    canonical = _CANONICAL.encode(
        [moment, actor_id, str(kind), action, object_type, object_id, child_id, detail]
    )
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode("ascii")).hexdigest()


def _json_id(value: Any) -> str:
    """An id (int or None) as canonical JSON, without the encoder for the usual cases."""
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return _CANONICAL.encode(value)


def canonical_json(value: Any) -> str:
    """`value` (as it comes back from a JSON column) as canonical JSON: what a row's hash
    covers, and what the bulk paths store."""
    return _CANONICAL.encode(value)


def chain_writes(
    prev_hash: str, at: dt.datetime, rows: Iterable[Sequence[Any]]
) -> Iterator[tuple[str, str, str]]:
    """For rows of (actor_id, kind, action, object_type, object_id, child_id, detail), in order,
    with `detail` as it comes back from a JSON column (`jsonable`), or already written as
    canonical JSON (a `str`, from `canonical_json`), all inserted at `at`: each row's detail as
    canonical JSON (what the bulk paths store), its `prev_hash` and its `hash`, exactly as
    `row_hash` makes it. The canonical array is written piece by piece: the detail encoded once
    (stored and hashed), the few distinct actors, kinds, actions and types once each."""
    moment = _CANONICAL.encode(_moment(at))
    heads: dict[tuple[Any, ...], str] = {}
    details: dict[tuple[tuple[str, Any], ...], str] = {}
    sha256 = hashlib.sha256

    for actor_id, kind, action, object_type, object_id, child_id, detail in rows:
        head_key = (actor_id, kind, action, object_type)
        head = heads.get(head_key)
        if head is None:
            head = heads[head_key] = (
                f"[{moment},{_json_id(actor_id)},{_CANONICAL.encode(str(kind))},"
                f"{_CANONICAL.encode(action)},{_CANONICAL.encode(object_type)},"
            )
        object_id = str(object_id)
        oid = (
            f'"{object_id}"'
            if object_id.isascii() and object_id.isdigit()
            else _CANONICAL.encode(object_id)
        )
        if detail.__class__ is str:
            detail_json = detail
        else:
            # The details of many rows are alike ({"source": "police"}): those of text values
            # only (1, 1.0 and True are equal keys, their JSON is not) are encoded once each.
            key = (
                tuple(detail.items()) if all(isinstance(v, str) for v in detail.values()) else None
            )
            detail_json = details.get(key) if key is not None else None
            if detail_json is None:
                detail_json = _CANONICAL.encode(detail)
                if key is not None:
                    details[key] = detail_json
        child = str(child_id) if type(child_id) is int else _json_id(child_id)
        digest = sha256(
            f"{prev_hash}\n{head}{oid},{child},{detail_json}]".encode("ascii")
        ).hexdigest()
        yield detail_json, prev_hash, digest
        prev_hash = digest


def head_hash(connection: Any, table: str) -> str:
    """The last row's hash, for rows about to be inserted in the current transaction. On
    PostgreSQL a transaction-level advisory lock, held until commit, makes other writers wait
    here; on SQLite the transaction already holds the database's write lock (it began
    IMMEDIATE, see settings), so nobody else can be writing."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        cursor.execute(f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608
        found = cursor.fetchone()
    return str(found[0]) if found else GENESIS


def seal(rows: Sequence[Any], connection: Any, table: str) -> None:
    """Give unsaved rows, in order, the moment of insertion as `at`, and their `prev_hash` and
    `hash` onto the chain's head. Call inside the transaction that inserts them."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        raise RuntimeError("audit rows are sealed inside the transaction that inserts them")
    prev = head_hash(connection, table)
    now = timezone.now()
    moment = _moment(now)
    chained = attrgetter(*CHAINED_FIELDS)
    for row in rows:
        row.at = now
        row.kind = str(row.kind)
        row.object_id = str(row.object_id)
        row.detail = jsonable(row.detail)
        row.prev_hash = prev
        row.hash = prev = _hash(prev, moment, chained(row))
