"""Demo rows written directly, exactly as the services would write them (issue 13, decision 0043).

Building the demo through the services cost about a thousand ORM queries a child: each step
re-reads what the step before wrote. The demo's own stages know every value already, so for each
child they build its rows in memory, with the audit row each service would write
(`direct_children`: the child's own records; `direct_episodes`: its episodes, notifications,
RHIs and alerts; `steps.DirectSteps`: its RHIs' steps, interviews, reviews and actions), and
insert them in order, one statement a table, at the child's end (`DirectRows.flush`). Primary
keys are reserved as the rows are made (`core.db.allocate_ids`), so rows and audit rows come out
in the order, and with the keys, the services would give them; `tests/demo/test_demo_direct.py`
builds a small demo both ways and compares every row. Anything a service must still do (a
placement out of the council's area, which sends the information package) runs after a `flush`,
so it reads what is already written; a record changed after it was written is saved again at the
next flush.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import connection, models

from returnhome.core.audit import insert_chained, write_fields
from returnhome.core.db import allocate_ids, fast_insert, unsaved
from returnhome.core.models import AuditEvent

M = TypeVar("M", bound=models.Model)


class DirectRows:
    """New rows and their audit rows, in the order the services would write them."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[models.Model]] = {}
        self.audit_rows: list[AuditEvent] = []
        self.next_ids: dict[type[models.Model], int] = {}
        self.changed: dict[tuple[type[models.Model], int], models.Model] = {}

    def add(self, obj: M) -> M:
        """`obj` (unsaved) gets the primary key the database would give it next."""
        model = type(obj)
        obj.pk = self._next_id(model)
        self.rows.setdefault(model, []).append(obj)
        return obj

    def _next_id(self, model: type[models.Model]) -> int:
        if connection.vendor == "sqlite":
            # The transaction holds the write lock: after the first, the keys follow on.
            found = self.next_ids.get(model)
            if found is None:
                ids = allocate_ids(model, 1)
                assert ids is not None
                found = ids[0]
            self.next_ids[model] = found + 1
            return found
        ids = allocate_ids(model, 1)  # PostgreSQL: the table's sequence
        if ids is None:
            raise RuntimeError(f"cannot reserve primary keys on {connection.vendor}")
        return ids[0]

    def touch(self, obj: models.Model) -> None:
        """`obj` changed: if it is written already, it is saved again at the flush."""
        if not obj._state.adding:
            self.changed[(type(obj), obj.pk)] = obj

    def audit(self, actor: Any, action: str, obj: models.Model, **detail: Any) -> None:
        """The audit row `core.audit.record_write(actor, action, obj, **detail)` would write."""
        self.audit_rows.append(unsaved(AuditEvent, **write_fields(actor, action, obj, **detail)))

    def flush(self) -> None:
        """Insert everything held, table by table in the order first used, then the audit rows
        onto the chain, in order."""
        for model, objs in self.rows.items():
            fast_insert(model, objs, reserved=True)
        for obj in self.changed.values():
            obj.save()
        insert_chained(self.audit_rows)
        self.changed = {}
        self.rows = {}
        self.audit_rows = []
        self.next_ids = {}


def as_read(obj: M, *keep: str) -> M:
    """`obj` with its times as a read from the database gives them (in UTC), but for the fields
    in `keep`: the services hand on some records as read, and audit details print times with
    their offset."""
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.DateTimeField) and field.attname not in keep:
            value = getattr(obj, field.attname)
            if value is not None:
                setattr(obj, field.attname, value.astimezone(dt.UTC))
    return obj
