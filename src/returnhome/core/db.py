"""Database housekeeping shared by the importers."""

from __future__ import annotations

from django.db import connection

LARGE_IMPORT = 1000


def refresh_statistics(rows: int) -> None:
    """After a large import on SQLite, refresh the query planner's statistics (a quick, sampled
    ANALYZE). Without them SQLite never picks the covering indexes the indicator engine is built
    on (docs/decisions/0023-statistics-after-large-imports.md). PostgreSQL's autovacuum does this itself."""
    if connection.vendor != "sqlite" or rows < LARGE_IMPORT:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
