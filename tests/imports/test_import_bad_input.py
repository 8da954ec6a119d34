"""Bad input: each gives a clear message naming row and column; nothing valid lost; nothing half-imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from returnhome.episodes.models import Episode, Notification
from returnhome.imports.police.rows import COLUMNS
from tests.factories import ago
from tests.imports.import_helpers import Area, csv_bytes, found, row, run_import


def one_error(summary: dict[str, Any]) -> dict[str, Any]:
    assert len(summary["rejected"]) == 1, summary["rejected"]
    return summary["rejected"][0]


def assert_nothing_imported(code: int, summary: dict[str, Any]) -> None:
    assert code == 2 and not summary["committed"]
    assert not Episode.objects.exists() and not Notification.objects.exists()


def test_missing_column_is_named_and_a_renamed_one_is_guessed(area: Area, tmp_path: Path) -> None:
    header = [c if c != "date_of_birth" else "dob_date" for c in COLUMNS]
    content = csv_bytes([row()], header=header)
    code, summary = run_import(tmp_path, content, area.council)
    assert_nothing_imported(code, summary)
    error = one_error(summary)
    assert error["row"] == 1 and error["column"] == "date_of_birth"
    assert "missing" in error["message"] and "dob_date" in error["message"]
    assert summary["warnings"] == ["Column 'dob_date' is not part of the format and was ignored"]


def test_extra_columns_are_ignored_with_a_warning(area: Area, tmp_path: Path) -> None:
    header = [*COLUMNS, "officer_notes"]
    values = row()
    values["officer_notes"] = "not for the council"
    code, summary = run_import(tmp_path, csv_bytes([values], header=header), area.council)
    assert code == 0 and summary["episodes_created"] == 1
    assert "officer_notes" in summary["warnings"][0]
    assert "officer_notes" not in Notification.objects.get().content


def test_header_names_ignore_case_and_spaces_and_column_order(area: Area, tmp_path: Path) -> None:
    header = [f" {c.upper()} " for c in reversed(COLUMNS)]
    values = row()
    content = csv_bytes([{h: values[h.strip().lower()] for h in header}], header=header)
    code, summary = run_import(tmp_path, content, area.council)
    assert code == 0 and summary["episodes_created"] == 1


def test_blank_lines_are_skipped_and_row_numbers_stay_true(area: Area, tmp_path: Path) -> None:
    lines = csv_bytes([row(), row(police_reference="TST-2", risk_level="bad")]).split(b"\r\n")
    content = b"\r\n".join([lines[0], b"", lines[1], b",,,", b"", lines[2], b""])
    code, summary = run_import(tmp_path, content, area.council)
    assert code == 2
    assert one_error(summary)["row"] == 6  # the line it is on in the file
    assert "3 blank row(s) were skipped" in summary["warnings"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (b"%PDF-1.4 binary", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        (b"\x00\x01\x02binary\x00", "not a CSV or XLSX"),
        (b"PK\x03\x04not really a workbook", "not an Excel workbook"),
        ("force,event\r\n".encode("utf-16"), "UTF-16"),
        (b"just some text\nnot a table", "missing from the header"),
    ],
)
def test_files_that_are_not_notification_tables(
    area: Area, tmp_path: Path, content: bytes, message: str
) -> None:
    code, summary = run_import(tmp_path, content, area.council)
    assert_nothing_imported(code, summary)
    assert message in " ".join(e["message"] for e in summary["rejected"])
    assert summary["rejected"][0]["row"] in (0, 1)


def test_header_only_file_imports_nothing_and_says_so(area: Area, tmp_path: Path) -> None:
    code, summary = run_import(tmp_path, csv_bytes([]), area.council)
    assert code == 0 and summary["rows"] == 0
    assert "The file has a header but no rows" in summary["warnings"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(area: Area, tmp_path: Path, encoding: str) -> None:
    values = row(
        forename="Zoë",
        surname="O\u2019Brien",
        date_of_birth="2012-06-06",
        postcode="",
        circumstances="Seen near the café — £5",
    )
    code, summary = run_import(tmp_path, csv_bytes([values], encoding=encoding), area.council)
    assert code == 0, summary
    episode = Episode.objects.get()
    assert episode.child.forename == "Zoë" and episode.child.surname == "O\u2019Brien"
    assert episode.circumstances == "Seen near the café — £5"


def test_bytes_that_are_neither_utf8_nor_windows_1252(area: Area, tmp_path: Path) -> None:
    content = csv_bytes([row()]).replace(b"Amelia", b"Am\x81lia")
    code, summary = run_import(tmp_path, content, area.council)
    assert_nothing_imported(code, summary)
    assert "neither UTF-8 nor Windows-1252" in one_error(summary)["message"]


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("event_at", "31/02/2025 10:00", "not a real date"),
        ("date_of_birth", "31/02/2010", "not a real date"),
        ("date_of_birth", "2010-13-01", "no month 13"),
        ("date_of_birth", "03/04/10", "year in full"),
        ("event_at", "yesterday", "not a date and time"),
        ("event_at", "30/03/2025 01:30", "does not exist in UK time"),
        ("event_at", "26/10/2025 01:30", "happened twice"),
        ("event_at", "", "required"),
        ("risk_level", "severe", "not a risk level"),
        ("event", "returned", "not an event"),
        ("force", "Atlantis Police", "not a police force"),
        ("sex", "Q", "not a sex"),
        ("postcode", "NOT A POSTCODE", "not a UK postcode"),
        ("nhs_number", "1234567890", "NHS number"),
        ("la_code", "999", "LA code"),
        ("last_seen_at", "15/03/2025 10:00", "before the child was reported missing"),
        ("surname", "", "required"),
        ("police_reference", "X" * 61, "Longer than 60"),
    ],
)
def test_bad_values_name_row_and_column(
    area: Area, tmp_path: Path, column: str, value: str, words: str
) -> None:
    content = csv_bytes([row(police_reference="TST-0"), row(**{column: value})])
    code, summary = run_import(tmp_path, content, area.council)
    assert_nothing_imported(code, summary)
    error = one_error(summary)
    assert (error["row"], error["column"]) == (3, column)
    assert words in error["message"]


def test_dst_times_with_an_offset_are_accepted(area: Area, tmp_path: Path) -> None:
    content = csv_bytes([row(event_at="2025-10-26T01:30+00:00", last_seen_at="")])
    code, summary = run_import(tmp_path, content, area.council)
    assert code == 0, summary


@pytest.mark.parametrize("column", ["event_at", "last_seen_at", "date_of_birth"])
def test_future_dates(area: Area, tmp_path: Path, column: str) -> None:
    future = ago(days=-2)
    value = future.strftime("%d/%m/%Y") if column == "date_of_birth" else future.isoformat()
    extra = (
        {"event_at": ago(hours=1).isoformat(), "last_seen_at": ""}
        if column != "event_at"
        else {"last_seen_at": ""}
    )
    code, summary = run_import(tmp_path, csv_bytes([row(**{**extra, column: value})]), area.council)
    assert_nothing_imported(code, summary)
    error = one_error(summary)
    assert error["column"] == column and "future" in error["message"]


def test_found_before_missing_in_time_in_one_file(area: Area, tmp_path: Path) -> None:
    content = csv_bytes([row(), found(event_at="14/03/2025 09:00")])
    code, summary = run_import(tmp_path, content, area.council)
    assert_nothing_imported(code, summary)
    error = one_error(summary)
    assert (error["row"], error["column"]) == (3, "event_at")
    assert "before the child was reported missing" in error["message"]


def test_found_before_a_missing_already_recorded(area: Area, tmp_path: Path) -> None:
    run_import(tmp_path, csv_bytes([row()]), area.council)
    code, summary = run_import(
        tmp_path, csv_bytes([found(event_at="13/03/2025 09:00")]), area.council
    )
    assert code == 2
    assert one_error(summary)["column"] == "event_at"
    assert Episode.objects.get().is_open


def test_the_same_notification_twice_with_different_details(area: Area, tmp_path: Path) -> None:
    content = csv_bytes([row(), row(risk_level="high"), row()])
    code, summary = run_import(tmp_path, content, area.council)
    assert code == 2
    error = one_error(summary)
    assert error["row"] == 3 and "also in row 2" in error["message"]


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+44 7700 900123", "-1", "@SUM(A1)"])
def test_cells_starting_like_formulas_are_stored_as_text(
    area: Area, tmp_path: Path, text: str
) -> None:
    content = csv_bytes([row(circumstances=text, missing_from=text)])
    code, summary = run_import(tmp_path, content, area.council)
    assert code == 0, summary
    episode = Episode.objects.get()
    assert episode.circumstances == text and episode.missing_from == text
    assert Notification.objects.get().content["circumstances"] == text


def test_unmatched_quote_names_the_row(area: Area, tmp_path: Path) -> None:
    content = csv_bytes([row()]) + b'Testshire Police,"TST-3,missing\r\n'
    code, _summary = run_import(tmp_path, content, area.council)
    assert code == 2
    assert not Episode.objects.exists()
