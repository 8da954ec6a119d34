"""What the file-import commands share: arguments, checks, the rejects file, the JSON summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from returnhome.accounts.models import User
from returnhome.imports.importer import ImportReport
from returnhome.organisations.models import Organisation


class FileImportCommand(BaseCommand):
    """`returnhome <import> FILE --org LA_CODE [--dry-run] [--skip-invalid --rejects F] [--user U]`.

    A subclass says what the dry run does and runs its importer in `run_import`.
    """

    dry_run_help = "Check and plan; change nothing"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or XLSX file")
        parser.add_argument("--org", required=True, help="The council's DfE LA code, e.g. 886")
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows; write the others, with why, to --rejects",
        )
        parser.add_argument("--rejects", help="Where to write rejected rows (CSV)")
        parser.add_argument(
            "--user", help="Username to record as having made the import (default: the system)"
        )

    def run_import(
        self, path: Path, council: Organisation, user: User | None, options: dict[str, Any]
    ) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        if options["skip_invalid"] and not options["rejects"]:
            raise CommandError("--skip-invalid needs --rejects FILE for the rows it skips")
        council = Organisation.objects.councils().filter(la_code=options["org"]).first()
        if council is None:
            raise CommandError(f"No council has the LA code {options['org']!r}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report = self.run_import(path, council, user, options)
        if options["rejects"] and report.errors:
            with Path(options["rejects"]).open("w", newline="", encoding="utf-8") as handle:
                report.write_rejects(handle)
            report.summary["rejects_file"] = options["rejects"]
        self.stdout.write(json.dumps(report.summary, indent=2, ensure_ascii=False))
        if report.exit_code:
            sys.exit(report.exit_code)
