"""A 200,000-row file: read and checked, all or nothing (its speed is bench/import_notifications.py's
business, not a timed test)."""

from __future__ import annotations

import csv
from pathlib import Path

from returnhome.episodes.models import Episode
from returnhome.imports.police.rows import COLUMNS
from tests.imports.import_helpers import Area, row, run_import

ROWS = 200_000


def test_a_200000_row_file(area: Area, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    base = row(postcode="", address="")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(ROWS):
            base["police_reference"] = f"TST-{i}"
            base["forename"] = f"Child{i % 5000}"
            base["date_of_birth"] = f"{1 + i % 28:02d}/{1 + i % 12:02d}/2011"
            base["risk_level"] = "severe" if i == ROWS - 1 else "low"
            writer.writerow([base[c] for c in COLUMNS])
    code, summary = run_import(tmp_path, path.read_bytes(), area.council, name="big.csv")
    # The last row is invalid: all or nothing, so nothing is imported; its row is named.
    assert code == 2
    assert summary["rows"] == ROWS and summary["valid_rows"] == ROWS - 1
    assert summary["rejected"] == [
        {"row": ROWS + 1, "column": "risk_level", "message": summary["rejected"][0]["message"]}
    ]
    assert "severe" in summary["rejected"][0]["message"]
    assert not Episode.objects.exists()
