"""`returnhome audit verify`: check the audit trail's hash chain from its first row (docs/audit.md)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from returnhome.core.audit import triggers_installed, verify_chain

WHAT = {
    "hash": "its fields no longer give its hash (the row was altered)",
    "link": (
        "it does not point at the row before it (a row before it was removed, altered "
        "together with its hash, or inserted)"
    ),
}


class Command(BaseCommand):
    help = (
        "verify: check every audit row from the first, in id order. Exits 0 printing how many "
        "rows were checked when the chain is whole, 1 naming the first broken row otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check the hash chain of the whole audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = verify_chain()
        seconds = time.monotonic() - started
        if not triggers_installed():
            self.stderr.write(
                "Warning: the append-only triggers are missing from the audit table "
                "(run `returnhome migrate`; see docs/audit.md)."
            )
        if result.broken is not None:
            raise CommandError(
                f"Audit trail broken at row id {result.broken.id}: {WHAT[result.broken.what]}. "
                f"{result.checked} rows before it are whole.",
                returncode=1,
            )
        self.stdout.write(
            f"Audit trail whole: {result.checked} rows checked in {seconds:.1f} s; "
            f"last hash {result.head}"
        )
