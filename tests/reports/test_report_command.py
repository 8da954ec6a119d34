"""`returnhome report indicators`: the same figures as the engine in JSON, CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from returnhome.lib.clock import ClockCount, ClockRule, ClockStart
from returnhome.organisations.services import configure_service
from returnhome.reports.indicators import COLUMNS, indicators
from returnhome.reports.management.commands.report import Command
from tests.conftest import Cast
from tests.reports.conftest import JUNE_EXPECTED

JUNE = ["--from", "2025-06-01", "--to", "2025-06-30"]
RULE = ["--clock", "return", "--count", "hours"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "indicators", *args, stdout=out)
    return out.getvalue()


def engine_rows(cast: Cast) -> dict[str, list[Any]]:
    report = indicators(
        cast.council,
        dt.date(2025, 6, 1),
        dt.date(2025, 6, 30),
        ClockRule(ClockStart.RETURN, ClockCount.HOURS),
    )
    return {key: values for key, _label, values in report.rows()}


def csv_table(text: str) -> tuple[list[list[str]], dict[str, list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    header_at = next(i for i, row in enumerate(rows) if row[:1] == ["measure"])
    assert rows[header_at] == ["measure", "description", *COLUMNS]
    return rows[:header_at], {row[0]: row[2:] for row in rows[header_at + 1 :]}


class TestJson:
    def test_json_is_the_engines_figures(self, june: Cast) -> None:
        data = json.loads(run("--org", june.council.la_code or "", *JUNE, *RULE))
        assert list(data) == ["org", "from", "to", "clock", "count", "rule", "groups"]
        assert data["groups"] == JUNE_EXPECTED
        assert data["rule"] == ClockRule().describe()
        assert data["org"] == june.council.la_code

    def test_la_code_any_case_and_output_file(self, june: Cast, tmp_path: Path) -> None:
        target = tmp_path / "out.json"
        code = (june.council.la_code or "").lower()
        assert run("--org", code, *JUNE, *RULE, "--output", str(target)) == ""
        assert json.loads(target.read_text())["groups"] == JUNE_EXPECTED

    def test_default_rule_is_the_councils_and_is_stated(self, june: Cast) -> None:
        configure_service(
            june.council,
            rhi_provider=None,
            clock_start="notification",
            clock_count="calendar-days",
            expected_version=None,
            acting_user=None,
            check_permission=False,
        )
        data = json.loads(run("--org", june.council.la_code or "", *JUNE))
        assert (data["clock"], data["count"]) == ("notification", "calendar-days")
        assert data["rule"] == ClockRule("notification", "calendar-days").describe()
        data = json.loads(run("--org", june.council.la_code or "", *JUNE, "--count", "hours"))
        assert (data["clock"], data["count"]) == ("notification", "hours")

    @pytest.mark.parametrize(
        ("clock", "count", "within"),
        [
            ("return", "hours", 1),
            ("return", "calendar-days", 2),
            ("return", "working-days", 7),
            ("notification", "hours", 3),
            ("notification", "calendar-days", 5),
            ("notification", "working-days", 7),
        ],
    )
    def test_clock_options(self, august: Cast, clock: str, count: str, within: int) -> None:
        data = json.loads(
            run(
                "--org",
                august.council.la_code or "",
                "--from",
                "2025-08-01",
                "--to",
                "2025-08-31",
                "--clock",
                clock,
                "--count",
                count,
            )
        )
        assert data["groups"]["total"]["within_72h"] == within
        assert data["groups"]["MFH"]["within_72h"] == within


class TestCsv:
    def test_one_row_per_measure_one_column_per_group(self, june: Cast) -> None:
        preamble, table = csv_table(
            run("--org", june.council.la_code or "", *JUNE, *RULE, "--format", "csv")
        )
        expected = engine_rows(june)
        assert list(table) == list(expected)
        for key, values in expected.items():
            assert table[key] == ["n/a" if v is None else str(v) for v in values], key
        assert table["episodes"] == ["6", "1", "2", "2", "11"]
        assert table["rates.within_72h_of_undertaken"] == ["0.5", "n/a", "0.5", "n/a", "0.5"]
        assert ["Clock rule", ClockRule().describe()] in preamble
        assert any("01/06/2025 to 30/06/2025" in " ".join(row) for row in preamble)

    def test_text_never_starts_like_a_formula(self, june: Cast) -> None:
        june.council.name = '=HYPERLINK("http://example.invalid")'
        june.council.save()
        preamble, _table = csv_table(
            run("--org", june.council.la_code or "", *JUNE, *RULE, "--format", "csv")
        )
        council_row = next(row for row in preamble if row[:1] == ["Council"])
        assert council_row[1].startswith("'=")


class TestXlsx:
    def test_same_table_with_the_rule_above_it(self, june: Cast, tmp_path: Path) -> None:
        target = tmp_path / "indicators.xlsx"
        run(
            "--org",
            june.council.la_code or "",
            *JUNE,
            *RULE,
            "--format",
            "xlsx",
            "--output",
            str(target),
        )
        workbook = load_workbook(target)
        assert len(workbook.sheetnames) == 1
        sheet = workbook.active
        assert sheet is not None
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        header_at = next(i for i, row in enumerate(rows) if row[0] == "Measure")
        assert rows[header_at] == ["Measure", "Description", *COLUMNS]
        assert ["Clock rule", ClockRule().describe()] in [r[:2] for r in rows[:header_at]]
        table = {row[0]: row[2:] for row in rows[header_at + 1 :]}
        for key, values in engine_rows(june).items():
            assert table[key] == ["n/a" if v is None else v for v in values], key

    def test_no_cell_is_a_formula(self, june: Cast, tmp_path: Path) -> None:
        june.council.name = "=1+2"
        june.council.save()
        target = tmp_path / "indicators.xlsx"
        run(
            "--org",
            june.council.la_code or "",
            *JUNE,
            *RULE,
            "--format",
            "xlsx",
            "--output",
            str(target),
        )
        with zipfile.ZipFile(target) as archive:
            sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet_xml and "<f " not in sheet_xml
        assert "=1+2 (" in sheet_xml


class TestUsageErrors:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--org", "NOPE", *JUNE], "No council has the LA code 'NOPE'"),
            (["--from", "2025-06-30", "--to", "2025-06-01"], "is after --to"),
            (["--from", "2025-02-30", "--to", "2025-06-01"], "--from must be a real date"),
            (["--from", "01/06/2025", "--to", "2025-06-30"], "--from must be a real date"),
            ([*JUNE[:2], "--to", "June"], "--to must be a real date"),
            ([*JUNE, "--format", "xlsx"], "give --output FILE"),
        ],
    )
    def test_clear_message_and_exit_code_2(self, cast: Cast, args: list[str], message: str) -> None:
        if "--org" not in args:
            args = ["--org", cast.council.la_code or "", *args]
        with pytest.raises(CommandError, match=message) as error:
            run(*args)
        assert error.value.returncode == 2

    def test_bad_choice_is_refused_by_the_parser(self, cast: Cast) -> None:
        with pytest.raises(CommandError, match="invalid choice"):
            run("--org", cast.council.la_code or "", *JUNE, "--count", "fortnights")

    def test_exit_code_from_the_command_line(
        self, cast: Cast, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit) as exit_:
            Command().run_from_argv(["returnhome", "report", "indicators", "--org", "NOPE", *JUNE])
        assert exit_.value.code == 2
        assert "No council has the LA code 'NOPE'" in capsys.readouterr().err
        with pytest.raises(SystemExit) as exit_:
            Command().run_from_argv(
                [
                    "returnhome",
                    "report",
                    "indicators",
                    "--org",
                    "X",
                    "--from",
                    "x",
                    "--to",
                    "y",
                    "--clock",
                    "bad",
                ]
            )
        assert exit_.value.code == 2
