"""Hostile files through both importers (issue 11, item 7), end to end on the database in use:
a damaged UTF-8 file and a NUL in a cell are refused whole, the summary naming the row and
column, and nothing is written (on PostgreSQL a NUL used to fail at the database instead)."""

from __future__ import annotations

from pathlib import Path

import pytest

from returnhome.children.models import Child
from returnhome.episodes.models import Episode
from returnhome.imports.importer import import_history
from returnhome.organisations.models import Organisation
from tests.imports import test_history_import as history
from tests.imports.import_helpers import Area, csv_bytes, row, run_import


def test_a_notifications_file_with_one_stray_byte_is_refused_naming_row_and_column(
    area: Area, tmp_path: Path
) -> None:
    """Before: read as Windows-1252 without a word, each accented letter imported as two."""
    good = csv_bytes([row(), row(police_reference="TST-2", forename="Zoë", surname="Ñúñez")])
    damaged = good.replace("Ñúñez".encode(), b"\xd1" + "úñez".encode())
    code, summary = run_import(tmp_path, damaged, area.council)
    assert code == 2 and not summary["committed"]
    [error] = summary["rejected"]
    assert (error["row"], error["column"]) == (3, "surname")
    assert "not UTF-8" in error["message"]
    assert not Episode.objects.exists() and not Child.objects.filter(forename="Zoë").exists()


def test_the_same_names_in_windows_1252_import_as_written(area: Area, tmp_path: Path) -> None:
    content = csv_bytes([row(forename="Zoë", surname="Ñúñez")], encoding="cp1252")
    code, summary = run_import(tmp_path, content, area.council)
    assert code == 0, summary
    assert Child.objects.get(forename="Zoë").surname == "Ñúñez"


@pytest.mark.parametrize("character", ["\x00", "\x0b"])
def test_nul_or_a_control_character_in_a_notifications_cell_is_refused(
    area: Area, tmp_path: Path, character: str
) -> None:
    content = csv_bytes([row(), row(police_reference="TST-2", circumstances=f"a{character}b")])
    code, summary = run_import(tmp_path, content, area.council)
    assert code == 2 and not summary["committed"]
    [error] = summary["rejected"]
    assert (error["row"], error["column"]) == (3, "circumstances")
    assert f"\\u{ord(character):04x}" in error["message"]
    assert not Episode.objects.exists()


def test_nul_in_a_history_cell_is_refused_naming_row_and_column(db: None) -> None:
    kent = Organisation.objects.get(la_code="886")
    rows = [history.row(), history.row(child_id="H2", episode_id="E2", surname="Test\x00child")]
    report = import_history(history.csv_bytes(rows), kent, name="history.csv")
    assert report.exit_code == 2 and not report.summary["committed"]
    [error] = report.summary["rejected"]
    assert (error["row"], error["column"]) == (3, "surname")
    assert "NUL" in error["message"]
    assert not Episode.objects.exists()
