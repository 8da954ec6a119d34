"""`returnhome import-history FILE --org LA_CODE`: import a council's past episodes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from returnhome.accounts.models import User
from returnhome.imports.importer import ImportReport, import_history
from returnhome.imports.management.file_command import FileImportCommand
from returnhome.organisations.models import Organisation


class Command(FileImportCommand):
    help = (
        "Import a council's past missing episodes, RHIs and interviews, one row per episode "
        "(CSV or XLSX; see docs/formats/history.md). Prints a JSON summary. All or nothing: one "
        "invalid row and nothing is imported (exit code 2), unless --skip-invalid. Importing the "
        "same file again changes nothing; changed rows update their episode."
    )

    def run_import(
        self, path: Path, council: Organisation, user: User | None, options: dict[str, Any]
    ) -> ImportReport:
        return import_history(
            path,
            council,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            acting_user=user,
        )
