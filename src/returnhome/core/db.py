"""Database helpers shared by the importers: chunked lookups, the bulk insert, statistics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection

LARGE_IMPORT = 1000
# Values per `IN (...)` lookup: under SQLite's old limit of 999 parameters.
CHUNK = 900


def chunked(values: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """`values` in lists of at most `size`, in order."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def refresh_statistics(rows: int) -> None:
    """After a large import on SQLite, refresh the query planner's statistics (a quick, sampled
    ANALYZE). Without them SQLite never picks the covering indexes the indicator engine is built
    on (docs/decisions.md, "Indicator performance"). PostgreSQL's autovacuum does this itself."""
    if connection.vendor != "sqlite" or rows < LARGE_IMPORT:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
