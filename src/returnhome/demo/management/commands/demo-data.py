"""`returnhome demo-data`: load a synthetic demo data set (see returnhome.demo)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from returnhome.children.models import Child
from returnhome.demo.builder import DemoBuilder
from returnhome.demo.common import DEFAULT_PASSWORD, DemoDataError
from returnhome.demo.records import demo_data_present, demo_logins, reset_demo_data


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise CommandError(f"--today must be a date like 2025-03-14, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Load synthetic demo data: three neighbouring councils, a commissioned charity, demo users "
        "(one password), children, missing episodes and RHIs at every stage. The same --seed and "
        "--today give the same data. Refuses if demo data is already loaded, unless --reset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1)")
        parser.add_argument(
            "--children", type=int, default=300, help="How many children (default 300)"
        )
        parser.add_argument(
            "--years", type=int, default=2, help="Years of episodes before today (default 2)"
        )
        parser.add_argument(
            "--today",
            default=None,
            help="The date the data is built up to, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password for every demo user (default {DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete existing demo data (children, episodes, RHIs, interviews, actions, their "
            "audit events, demo users and organisations) first",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) if the database already has children or demo data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        if options["if_empty"] and (demo_data_present() or Child.objects.exists()):
            self.stdout.write("The database already has data: demo data not loaded again.")
            logins = demo_logins()
            if logins:
                self._print_logins(logins, f"{DEFAULT_PASSWORD} (unless built with --password)")
            return
        try:
            builder = DemoBuilder(
                seed=options["seed"],
                children=options["children"],
                years=options["years"],
                today=today,
                password=options["password"],
            )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        present = demo_data_present()
        if present and not options["reset"]:
            raise CommandError(
                "Demo data is already loaded. Run with --reset to delete it and build it again."
            )
        started = time.monotonic()
        # All or nothing: if the build fails, the old demo data (if any) is still there.
        try:
            with transaction.atomic():
                if present:
                    deleted = reset_demo_data()
                    self.stdout.write(
                        "Deleted demo data: "
                        + ", ".join(f"{k} {v}" for k, v in deleted.items() if v)
                    )
                self.stdout.write(
                    f"Building demo data: seed {options['seed']}, {options['children']} children, "
                    f"{options['years']} years to {today:%d/%m/%Y}..."
                )
                summary = builder.build(
                    progress=self.stdout.write if options["verbosity"] >= 2 else None
                )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        for note in summary.notes:
            self.stdout.write(self.style.WARNING(f"Note: {note}"))
        for line in summary.lines:
            self.stdout.write(line)
        self.stdout.write("")
        self._print_logins(summary.users, options["password"])
        self.stdout.write(
            self.style.SUCCESS(f"Demo data built in {time.monotonic() - started:.1f} s.")
        )

    def _print_logins(self, users: list[tuple[str, str, str]], password: str) -> None:
        rows = [("Username", "Role", "Organisation"), *users]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
        self.stdout.write(f"Every demo user's password: {password}")
