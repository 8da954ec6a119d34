"""`returnhome subject-access CHILD_ID --org LA_CODE [--output-dir DIR] [--by USERNAME]`:
everything the council holds about one child, and who read it, as JSON and PDF (docs/privacy.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.privacy.subject_access import subject_access
from returnhome.reports.management.commands.report import find_council, usage_error


def _write(path: Path, data: bytes) -> None:
    """Only the owner may read it (it holds a child's whole record)."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    partial.replace(path)


class Command(BaseCommand):
    help = (
        "Everything the council holds about one child (every record, the alerts about them, and "
        "who read or changed them: the audit trail) as JSON and PDF files, readable only by "
        "their owner. Refuses a child whose record another council holds. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("child_id", type=int, metavar="CHILD_ID", help="the record's number")
        parser.add_argument("--org", required=True, metavar="LA_CODE", help="the council")
        parser.add_argument("--output-dir", default=".", metavar="DIR")
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="the council's user handling the request (named in the audit trail)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        council = find_council(options["org"])
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"], organisation=council).first()
            if by is None:
                raise usage_error(f"{council} has no user {options['by']!r}")
        child = Child.objects.filter(pk=options["child_id"]).first()
        if child is None or child.council_id != council.pk:
            # The same answer whether the record is another council's or does not exist.
            raise CommandError(
                f"{council} holds no child record {options['child_id']}", returncode=1
            )
        try:
            export = subject_access(child, council, by=by)
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=1) from exc
        folder = Path(options["output_dir"])
        if not folder.is_dir():
            raise usage_error(f"No such directory: {folder}")
        stem = f"subject-access-{child.pk}-{timezone.localdate():%Y-%m-%d}"
        json_path, pdf_path = folder / f"{stem}.json", folder / f"{stem}.pdf"
        _write(json_path, export.to_json().encode())
        _write(pdf_path, export.to_pdf())
        self.stdout.write(f"{json_path}\n{pdf_path}")
