"""After a large file import, SQLite has the statistics it needs to use the reports' indexes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.db import connection

from returnhome.imports.police.rows import COLUMNS
from tests.imports.import_helpers import Area, row, run_import


def _stat_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum analyses")
@pytest.mark.parametrize(("rows", "analysed"), [(10, False), (1000, True)])
def test_a_large_import_refreshes_the_planner_statistics(
    area: Area, tmp_path: Path, rows: int, analysed: bool
) -> None:
    path = tmp_path / "notifications.csv"
    base = row(postcode="", address="")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            base["police_reference"] = f"STAT-{i}"
            base["forename"] = f"Child{i}"
            writer.writerow([base[c] for c in COLUMNS])
    code, summary = run_import(tmp_path, path.read_bytes(), area.council, name="n.csv")
    assert code == 0 and summary["committed"]
    assert ("episodes_episode" in _stat_tables()) is analysed
