"""`returnhome restore FILE [--force]`: the database replaced from a backup (returnhome.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from returnhome.core.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Restores the database from a file written by `returnhome backup`. Refuses a database "
        "holding any child, episode or user unless --force (which replaces them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds records"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = restore_database(options["file"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(done)
