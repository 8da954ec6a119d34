"""`returnhome export <EXPORT> ...`: statutory and inspection returns (docs/formats/exports.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from returnhome.reports.exports import Export, annex_a_missing, check_ssda903, ssda903_missing
from returnhome.reports.management.commands.report import find_council, parse_date, usage_error


class Command(BaseCommand):
    help = "Statutory returns: `returnhome export ssda903-missing --help`, `annex-a-missing`."

    def add_arguments(self, parser: CommandParser) -> None:
        exports = parser.add_subparsers(dest="export", metavar="EXPORT", required=True)
        ssda = exports.add_parser(
            "ssda903-missing",
            help="DfE SSDA903 Missing table (looked after children) for a collection year",
            description=(
                "The SSDA903 Missing table (CHILD, DOB, MISSING, MIS_START, MIS_END; dates "
                "DD/MM/YYYY) for the collection year 1 April YYYY-1 to 31 March YYYY, as CSV "
                "(or XLSX). "
                "--check runs the DfE validation rules for the table and exits 1 if any fails."
            ),
        )
        ssda.add_argument("--org", required=True, metavar="LA_CODE")
        ssda.add_argument(
            "--year", required=True, type=int, metavar="YYYY", help="Year the collection ends"
        )
        ssda.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        ssda.add_argument("--output", metavar="FILE", help="Default: standard output (CSV)")
        ssda.add_argument(
            "--check", action="store_true", help="Run the DfE Missing-table validation rules"
        )
        annex = exports.add_parser(
            "annex-a-missing",
            help="Ofsted Annex A List 8 (children in care), every column, for a period",
        )
        annex.add_argument("--org", required=True, metavar="LA_CODE")
        annex.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
        annex.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
        annex.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        annex.add_argument("--output", metavar="FILE", help="Default: standard output (CSV)")

    def handle(self, *args: Any, **options: Any) -> None:
        council = find_council(options["org"])
        if options["format"] == "xlsx" and not options.get("output"):
            raise usage_error("An XLSX workbook is a binary file: give --output FILE")
        if options["export"] == "ssda903-missing":
            year = options["year"]
            if not 2000 <= year <= 2100:
                raise usage_error(
                    f"--year must be the year the collection ends, e.g. 2025, not {year}"
                )
            export = ssda903_missing(council, year)
            self.write(export, options["format"], options.get("output"))
            if options["check"]:
                failures = check_ssda903(export)
                for failure in failures:
                    rows = ", ".join(str(r + 2) for r in failure.rows)
                    sys.stderr.write(
                        f"Rule {failure.code} ({failure.table}, file rows {rows}): {failure.message}\n"
                    )
                if failures:
                    sys.exit(1)
                sys.stderr.write("DfE Missing-table rules: no errors\n")
            return
        date_from = parse_date(options["date_from"], "--from")
        date_to = parse_date(options["date_to"], "--to")
        if date_from > date_to:
            raise usage_error(f"--from ({date_from}) is after --to ({date_to})")
        self.write(
            annex_a_missing(council, date_from, date_to), options["format"], options.get("output")
        )

    def write(self, export: Export, fmt: str, output: str | None) -> None:
        for warning in export.warnings:
            sys.stderr.write(f"Warning: {warning}\n")
        if fmt == "xlsx":
            assert output is not None
            Path(output).write_bytes(export.to_xlsx())
        elif output:
            Path(output).write_text(export.to_csv(), encoding="utf-8", newline="")
        else:
            self.stdout.write(export.to_csv(), ending="")
