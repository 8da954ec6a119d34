"""Statutory exports: the SSDA903 Missing table (checked with the DfE rules) and Annex A List 8."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from returnhome.organisations.models import Organisation
from returnhome.reports.exports import (
    ANNEX_A_LIST_8_COLUMNS,
    Export,
    annex_a_missing,
    check_ssda903,
    ssda903_missing,
)

DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def test_ssda903_missing_has_the_dfe_columns_periods_and_date_format(kent: Organisation) -> None:
    export = ssda903_missing(kent, 2025)
    lines = export.to_csv().splitlines()
    assert lines[0] == "CHILD,DOB,MISSING,MIS_START,MIS_END"
    assert export.rows == [
        ["L1", "03/04/2010", "M", "30/03/2024", "02/04/2024"],
        ["L1", "03/04/2010", "A", "10/06/2024", "10/06/2024"],
        ["L1", "03/04/2010", "M", "01/09/2024", "02/09/2024"],
        ["L2", "05/11/2009", "M", "25/03/2025", ""],  # back after 31 March: open at year end
        ["L3", "03/04/2010", "M", "01/03/2025", ""],
    ]
    for line in export.rows:
        assert DATE.match(line[1]) and DATE.match(line[3])
        assert line[4] == "" or DATE.match(line[4])
        assert line[2] in ("M", "A")


def test_the_export_passes_the_dfe_missing_table_rules(kent: Organisation) -> None:
    export = ssda903_missing(kent, 2025)
    assert export.episode_rows  # the rules that need Episodes really ran with some
    assert check_ssda903(export) == []
    assert check_ssda903(ssda903_missing(kent, 2026)) == []


def _bad_code(export: Export) -> None:
    export.rows[1][2] = "X"


def _ends_before_it_starts(export: Export) -> None:
    export.rows[1][4] = "01/06/2024"


def _starts_after_the_year(export: Export) -> None:
    export.rows[1][3] = "01/05/2025"


def _before_looked_after(export: Export) -> None:
    export.rows[1][3] = "01/01/2020"
    export.rows[1][4] = "02/01/2020"


def _iso_date(export: Export) -> None:
    export.rows[1][3] = "2024-06-10"


def _overlapping(export: Export) -> None:
    export.rows[2][3] = "09/06/2024"  # L1-d now starts before L1-c ended


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (_bad_code, "1006"),
        (_ends_before_it_starts, "567"),
        (_starts_after_the_year, "570"),
        (_before_looked_after, "581"),
        (_iso_date, "1004"),
        (_overlapping, "574"),
    ],
)
def test_a_spoilt_row_is_caught_by_the_rule_that_guards_it(
    kent: Organisation, spoil: Callable[[Export], None], code: str
) -> None:
    export = ssda903_missing(kent, 2025)
    spoil(export)
    failures = {f.code: f for f in check_ssda903(export)}
    assert code in failures, failures
    assert failures[code].table == "Missing"
    assert failures[code].rows in ([1], [2])


def test_the_export_command_writes_the_file_and_checks_it(
    kent: Organisation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing.csv"
    call_command(
        "export",
        "ssda903-missing",
        "--org",
        "886",
        "--year",
        "2025",
        "--output",
        str(out),
        "--check",
    )
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("CHILD,DOB,MISSING,MIS_START,MIS_END\r\n")
    assert len(text.splitlines()) == 6
    assert "no errors" in capsys.readouterr().err


def test_annex_a_list_8_lists_looked_after_children_with_the_missing_columns(
    kent: Organisation,
) -> None:
    export = annex_a_missing(kent, dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert export.columns == ANNEX_A_LIST_8_COLUMNS
    assert export.columns[28:32] == (
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    )
    kent_name = Organisation.objects.get(la_code="886").name
    medway = Organisation.objects.get(la_code="887").name
    by_child = {r[0]: dict(zip(export.columns, r, strict=True)) for r in export.rows}
    assert sorted(by_child) == ["L1", "L2", "L3"]  # not the child missing from home, nor hosted
    l1, l2, l3 = by_child["L1"], by_child["L2"], by_child["L3"]
    assert [l1["Gender"], l1["Ethnicity"], l1["Date of Birth"]] == ["b) Female", "", "03/04/2010"]
    assert l1["Age of Child (Years)"] == "14"  # on 31 March 2025
    # The history import dates care and placements from the first looked-after episode.
    assert l1["Date Started to be Looked After"] == "20/03/2024"
    assert l1["Start Date of Most Recent Placement"] == "20/03/2024"
    assert (l1["Placement Location"], l1["LA of Placement"]) == ("a) In", kent_name)
    assert (l2["Placement Location"], l2["LA of Placement"]) == ("b) Out", medway)
    assert l1["Placement Type"] == ""  # the import records no placement type
    missing = export.columns[28:32]
    # L1: L1-b started before the period; L1-c away (A); L1-d missing, offered and accepted.
    assert [l1[c] for c in missing] == ["1", "1", "a) Yes", "a) Yes"]
    assert l2["Gender"] == "a) Male"
    assert [l2[c] for c in missing] == ["1", "0", "a) Yes", "b) No"]  # offered, declined
    assert [l3[c] for c in missing] == ["1", "0", "b) No", "b) No"]  # still missing: no offer yet
    assert any("history import" in w and w.endswith(": L1, L2, L3") for w in export.warnings)


def test_annex_a_command_writes_xlsx_with_the_exact_header(
    kent: Organisation, tmp_path: Path
) -> None:
    out = tmp_path / "annex.xlsx"
    call_command(
        "export", "annex-a-missing", "--org", "886", "--from", "2024-04-01", "--to", "2025-03-31",
        "--format", "xlsx", "--output", str(out),
    )  # fmt: skip
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ANNEX_A_LIST_8_COLUMNS
    assert [r[0] for r in rows[1:]] == ["L1", "L2", "L3"]
    assert rows[1][3] == "03/04/2010"


def test_annex_a_csv_to_standard_output(kent: Organisation) -> None:
    out = io.StringIO()
    call_command(
        "export", "annex-a-missing", "--org", "886", "--from", "2024-04-01", "--to", "2025-03-31",
        stdout=out,
    )  # fmt: skip
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(table[0]) == ANNEX_A_LIST_8_COLUMNS and len(table) == 4


def test_each_child_in_an_export_is_audited_as_read(kent: Organisation) -> None:
    from returnhome.core.models import AuditEvent

    ssda903_missing(kent, 2025)
    read = AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, action="export_ssda903_missing")
    from returnhome.children.models import Child

    ids = set(read.values_list("child_id", flat=True))
    assert set(Child.objects.filter(pk__in=ids).values_list("la_child_id", flat=True)) == {
        "L1",
        "L2",
        "L3",
    }
