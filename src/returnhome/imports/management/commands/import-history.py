"""`returnhome import-history FILE --org LA_CODE`: import a council's past episodes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from returnhome.accounts.models import User
from returnhome.imports.importer import import_history
from returnhome.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Import a council's past missing episodes, RHIs and interviews, one row per episode "
        "(CSV or XLSX; see docs/formats/history.md). Prints a JSON summary. All or nothing: one "
        "invalid row and nothing is imported (exit code 2), unless --skip-invalid. Importing the "
        "same file again changes nothing; changed rows update their episode."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or XLSX file")
        parser.add_argument("--org", required=True, help="The council's DfE LA code, e.g. 886")
        parser.add_argument("--dry-run", action="store_true", help="Check and plan; change nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows; write the others, with why, to --rejects",
        )
        parser.add_argument("--rejects", help="Where to write rejected rows (CSV)")
        parser.add_argument(
            "--user", help="Username to record as having made the import (default: the system)"
        )

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
        report = import_history(
            path,
            council,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            acting_user=user,
        )
        if options["rejects"] and report.errors:
            with Path(options["rejects"]).open("w", newline="", encoding="utf-8") as handle:
                report.write_rejects(handle)
            report.summary["rejects_file"] = options["rejects"]
        self.stdout.write(json.dumps(report.summary, indent=2, ensure_ascii=False))
        if report.exit_code:
            sys.exit(report.exit_code)
