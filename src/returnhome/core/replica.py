"""Reports read from a replica (docs/deploy.md, "Scale-out").

When `REPORTS_DATABASE_URL` is set, the database alias `reports` points at a read-only replica of
the primary (PostgreSQL streaming replication) and the report pages and the dashboard read from it:
code that runs inside `reading_reports()` (or a view wrapped by `reads_reports`) sends its reads
there. Everything else stays on `default`, the primary:

- every write, whatever the context (the audit row a report page writes included);
- every read inside a transaction on the primary (a service that reads then writes, the audit
  chain's head), so nothing is ever decided on a replica's possibly older copy;
- every read outside a report, and every read at all when no replica is configured.

Without `REPORTS_DATABASE_URL` the `reports` alias is the primary's own settings, never used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connections

REPLICA = "reports"
PRIMARY = "default"

_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    configured = bool(getattr(settings, "REPORTS_READ_FROM_REPLICA", False))
    return configured and REPLICA in settings.DATABASES


@contextmanager
def reading_reports() -> Iterator[None]:
    """Reads in this block (outside a transaction on the primary) go to the replica."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reads_reports(view: Callable[P, R]) -> Callable[P, R]:
    """A view (or command) whose reads go to the replica."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_reports():
            return view(*args, **kwargs)

    return wrapped


class ReportsReplicaRouter:
    """DATABASE_ROUTERS: report reads to the replica, everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if (
            _reading_reports.get()
            and replica_configured()
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY  # not the instance's own alias: a replica's object is re-read here

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by replication


def replica_reachable() -> str | None:
    """Readiness (RETURNHOME_READINESS_CHECKS): the reports replica answers, when there is one."""
    if not replica_configured():
        return None
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"the reports replica (REPORTS_DATABASE_URL) does not answer: {type(exc).__name__}"
    return None
