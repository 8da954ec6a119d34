"""`returnhome backup FILE`: the whole database into one file (returnhome.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from returnhome.core.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Backs up the whole database to FILE: SQLite's online backup (safe while serving) or "
        "pg_dump's custom format on PostgreSQL. Restore with `returnhome restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such directory")
        try:
            backup_database(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"backed up the database to {path} ({path.stat().st_size:,} bytes)")
