"""`returnhome import-notifications FILE --org LA_CODE`: import a police notification file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from returnhome.accounts.models import User
from returnhome.imports.importer import ImportReport, import_notifications
from returnhome.imports.management.file_command import FileImportCommand
from returnhome.organisations.models import Organisation


class Command(FileImportCommand):
    help = (
        "Import police missing/found notifications (CSV or XLSX; see "
        "docs/formats/police-notifications.md) for a council. Prints a JSON summary. All or "
        "nothing: one invalid row and nothing is imported (exit code 2), unless --skip-invalid."
    )
    dry_run_help = "Check and match; change nothing"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--one-at-a-time",
            action="store_true",
            help="Commit each notification through the services one by one (slower; same result)",
        )

    def run_import(
        self, path: Path, council: Organisation, user: User | None, options: dict[str, Any]
    ) -> ImportReport:
        return import_notifications(
            path,
            council,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            acting_user=user,
            per_row=options["one_at_a_time"],
        )
