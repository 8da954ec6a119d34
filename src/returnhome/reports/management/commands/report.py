"""`returnhome report <REPORT> ...`: reports from the command line (`indicators`, `foi`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from returnhome.core.replica import reads_reports
from returnhome.lib.clock import ClockCount, ClockRule, ClockStart
from returnhome.lib.dates import EARLIEST_DATE, LATEST_DATE
from returnhome.organisations.models import Organisation
from returnhome.reports.indicators import IndicatorReport, indicators

FORMATS = ("json", "csv", "xlsx")
FOI_FORMATS = ("md", "docx", "pdf")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def usage_error(message: str) -> CommandError:
    """A mistake in the command line: exit code 2, like argparse."""
    return CommandError(message, returncode=2)


def parse_date(value: str, option: str) -> dt.date:
    try:
        if not _ISO_DATE.fullmatch(value.strip()):
            raise ValueError
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise usage_error(
            f"{option} must be a real date written YYYY-MM-DD (e.g. 2025-04-01), not {value!r}"
        ) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise usage_error(
            f"{option} must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}, "
            f"not {value.strip()}"
        )
    return day


def find_council(la_code: str) -> Organisation:
    code = la_code.strip()
    council = Organisation.objects.councils().filter(la_code__iexact=code).first() if code else None
    if council is None:
        raise usage_error(
            f"No council has the LA code {la_code!r} (give the DfE LA code, e.g. 202)"
        )
    return council


class Command(BaseCommand):
    help = "Reports. `returnhome report indicators --help` for the indicators."

    def add_arguments(self, parser: CommandParser) -> None:
        reports = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
        ind = reports.add_parser(
            "indicators",
            help="Episodes, offers, interviews and the 72-hour figures, per group and in total",
            description=(
                "Every indicator in DOMAIN.md for one council, for the episodes reported missing "
                "from --from to --to inclusive (UK dates). The clock rule defaults to the "
                "council's own; the output states the rule used. Formats are documented in "
                "docs/formats/indicators.md."
            ),
        )
        ind.add_argument(
            "--org", required=True, metavar="LA_CODE", help="The council's DfE LA code"
        )
        ind.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
        ind.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
        ind.add_argument(
            "--clock",
            choices=[s.value for s in ClockStart],
            help="When the 72-hour clock starts (default: the council's rule)",
        )
        ind.add_argument(
            "--count",
            choices=[c.value for c in ClockCount],
            help="How the 72 hours are counted (default: the council's rule)",
        )
        ind.add_argument("--format", choices=FORMATS, default="json", help="Default json")
        ind.add_argument(
            "--output", metavar="FILE", help="Write to FILE (default: standard output)"
        )

        foi = reports.add_parser(
            "foi",
            help="Answer a Freedom of Information questionnaire",
            description=(
                "Answers every question of a questionnaire (a data file, docs/formats/foi.md) for "
                "one council and the episodes reported missing from --from to --to inclusive, "
                "from records and the council's service configuration. `--list` lists the "
                "questionnaires. Markdown goes to standard output unless --output is given; "
                "DOCX and PDF need --output."
            ),
        )
        foi.add_argument(
            "questionnaire", nargs="?", metavar="QUESTIONNAIRE", help="Its name (see --list)"
        )
        foi.add_argument("--list", action="store_true", help="List the questionnaires")
        foi.add_argument("--org", metavar="LA_CODE", help="The council's DfE LA code")
        foi.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
        foi.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
        foi.add_argument("--format", choices=FOI_FORMATS, default="md", help="Default md")
        foi.add_argument("--output", metavar="FILE", help="Write to FILE")

        add_benchmark_parser(reports)

    @reads_reports  # from the replica when one is configured (core/replica.py)
    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "indicators":
            self.indicators(options)
        elif options["report"] == "foi":
            self.foi(options)

        elif options["report"] == "benchmark":
            self.stdout.write(run_benchmark(options), ending="")
        else:  # pragma: no cover - argparse allows only the sub-commands above
            raise usage_error(f"Unknown report {options['report']!r}")

    def indicators(self, options: dict[str, Any]) -> None:
        date_from = parse_date(options["date_from"], "--from")
        date_to = parse_date(options["date_to"], "--to")
        if date_from > date_to:
            raise usage_error(f"--from ({date_from}) is after --to ({date_to})")
        fmt = options["format"]
        if fmt == "xlsx" and not options.get("output"):
            raise usage_error("An XLSX workbook is a binary file: give --output FILE")
        council = find_council(options["org"])
        own = council.clock_rule()
        rule = ClockRule(start=options["clock"] or own.start, count=options["count"] or own.count)
        report = indicators(council, date_from, date_to, rule)
        self.write(report, fmt, options.get("output"))

    def write(self, report: IndicatorReport, fmt: str, output: str | None) -> None:
        if fmt == "xlsx":
            assert output is not None
            Path(output).write_bytes(report.to_xlsx())
            return
        text = report.to_json() if fmt == "json" else report.to_csv()
        if output:
            Path(output).write_text(text, encoding="utf-8", newline="")
        else:
            self.stdout.write(text, ending="")

    def foi(self, options: dict[str, Any]) -> None:
        from returnhome.reports.foi import answer_questionnaire
        from returnhome.reports.questionnaire import QuestionnaireError, find, load_all

        if options["list"]:
            found, problems = load_all()
            for questionnaire in found:
                self.stdout.write(
                    f"{questionnaire.name}\t{questionnaire.title} "
                    f"({len(questionnaire.questions)} questions)\t{questionnaire.path}"
                )
            for problem in problems:
                self.stderr.write(f"cannot be used: {problem}")
            return
        if not options["questionnaire"]:
            raise usage_error("Name the questionnaire (`returnhome report foi --list` lists them)")
        for option, flag in (("org", "--org"), ("date_from", "--from"), ("date_to", "--to")):
            if not options[option]:
                raise usage_error(f"{flag} is required")
        date_from = parse_date(options["date_from"], "--from")
        date_to = parse_date(options["date_to"], "--to")
        if date_from > date_to:
            raise usage_error(f"--from ({date_from}) is after --to ({date_to})")
        fmt, output = options["format"], options.get("output")
        if fmt != "md" and not output:
            raise usage_error(f"A {fmt.upper()} document is a binary file: give --output FILE")
        try:
            questionnaire = find(options["questionnaire"])
        except LookupError as error:
            raise usage_error(str(error.args[0])) from None
        except QuestionnaireError as error:
            raise CommandError(str(error)) from None
        council = find_council(options["org"])
        document = answer_questionnaire(questionnaire, council, date_from, date_to)
        if fmt == "md":
            text = document.to_markdown()
            if output:
                Path(output).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
            return
        assert output is not None
        Path(output).write_bytes(document.to_docx() if fmt == "docx" else document.to_pdf())


def add_benchmark_parser(reports: Any) -> None:
    """`report benchmark`: several councils side by side (reports/benchmark.py)."""
    bench = reports.add_parser(
        "benchmark",
        help="The indicators of every council in a police-force area or region, side by side",
    )
    where = bench.add_mutually_exclusive_group(required=True)
    where.add_argument("--area", metavar="POLICE_CODE", help="e.g. kent (the police force code)")
    where.add_argument("--region", metavar="NAME", help="e.g. 'South East'")
    bench.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    bench.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    bench.add_argument("--clock", choices=[s.value for s in ClockStart], default="return")
    bench.add_argument("--count", choices=[c.value for c in ClockCount], default="hours")
    bench.add_argument("--format", choices=("json", "csv"), default="json")


def run_benchmark(options: dict[str, Any]) -> str:
    from returnhome.reports.benchmark import area_councils, benchmark, region_councils

    date_from = parse_date(options["date_from"], "--from")
    date_to = parse_date(options["date_to"], "--to")
    if date_from > date_to:
        raise usage_error(f"--from ({date_from}) is after --to ({date_to})")
    if options["area"]:
        code = options["area"].strip().removeprefix("police:")
        force = Organisation.objects.police_forces().filter(code__iexact=f"police:{code}").first()
        if force is None:
            raise usage_error(f"No police force has the code {options['area']!r} (e.g. kent)")
        name, councils = f"{force.name} area", area_councils(force)
    else:
        councils = region_councils(options["region"].strip())
        if not councils:
            raise usage_error(f"No council is in the region {options['region']!r}")
        name = f"{options['region'].strip()} region"
    rule = ClockRule(start=options["clock"], count=options["count"])
    result = benchmark(name, councils, date_from, date_to, rule)
    return result.to_json() if options["format"] == "json" else result.to_csv()
