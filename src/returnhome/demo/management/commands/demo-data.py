"""`returnhome demo-data`: load a synthetic demo data set (see returnhome.demo)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from returnhome.demo.builder import DemoBuilder
from returnhome.demo.common import DEFAULT_PASSWORD, DemoDataError
from returnhome.demo.records import (
    demo_data_present,
    demo_logins,
    describe_foreign,
    foreign_records,
    refuse_foreign_records,
    remove_demo_data,
)

ALLOW = "RETURNHOME_ALLOW_DEMO"


def _demos_allowed() -> bool:
    """Demo data only where demos run: with DEBUG, or where RETURNHOME_ALLOW_DEMO=true is set
    (`./run demo` and the tests set it; production never does)."""
    return settings.DEBUG or os.environ.get(ALLOW, "").strip().lower() in {"true", "1", "yes"}


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
        "--today give the same data. Refuses if demo data is already loaded, unless --reset. For "
        "demos only: refuses without DEBUG unless RETURNHOME_ALLOW_DEMO=true, and refuses a "
        "database holding children, episodes or users it did not make."
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
            help="Remove the demo data first (as --remove does), then build it again",
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Remove what demo-data made (its children and everything about them, its police "
            "file's import run, its service configurations), deactivate its users, and stop. "
            "Records it did not make and the audit trail are left as they are.",
        )
        parser.add_argument(
            "--through-services",
            action="store_true",
            help="Build every record through the services, one at a time, as people would "
            "(several times slower; the same data: what the faster direct rows are checked "
            "against)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) if the database already has demo data, or children, "
            "episodes or users demo-data did not make",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not _demos_allowed():
            raise CommandError(
                "demo-data is for demos only: it adds synthetic children and accounts with a "
                f"published password. It runs only with DEBUG=true or {ALLOW}=true (never set "
                "in production). Nothing was changed."
            )
        if options["remove"]:
            self._remove()
            return
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        if options["if_empty"] and self._has_data():
            return
        try:
            builder = DemoBuilder(
                seed=options["seed"],
                children=options["children"],
                years=options["years"],
                today=today,
                password=options["password"],
                direct=not options["through_services"],
            )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        present = demo_data_present()
        if present and not options["reset"]:
            raise CommandError(
                "Demo data is already loaded. Run with --reset to remove it and build it again."
            )
        started = time.monotonic()
        loud = bool(options["verbosity"])
        bar = ProgressBar(self._raw_stderr, self.stderr.isatty()) if loud else None
        # All or nothing: if the build fails, the old demo data (if any) is still there.
        try:
            with transaction.atomic():
                refuse_foreign_records()
                if options["reset"]:
                    self._report_removed(remove_demo_data())
                self.stdout.write(
                    f"Building demo data: seed {options['seed']}, {options['children']} children, "
                    f"{options['years']} years to {today:%d/%m/%Y}..."
                )
                summary = builder.build(
                    progress=bar.stage if bar else None,
                    children_done=bar.update if bar else None,
                )
                if bar:
                    # The commit sends the alerts' emails (alerts.services.notify).
                    bar.stage("Saving, and sending the alerts' emails")
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar:
                bar.finish()
        for note in summary.notes:
            self.stdout.write(self.style.WARNING(f"Note: {note}"))
        for line in summary.lines:
            self.stdout.write(line)
        self.stdout.write("")
        self._print_logins(summary.users, options["password"])
        self.stdout.write(
            self.style.SUCCESS(f"Demo data built in {time.monotonic() - started:.1f} s.")
        )

    def _raw_stderr(self, text: str) -> None:
        """Progress goes to stderr: stdout keeps the summary and the logins."""
        self.stderr.write(text, ending="", style_func=lambda text: text)
        self.stderr.flush()

    def _has_data(self) -> bool:
        """--if-empty: say why nothing is loaded, if the database already has data."""
        if demo_data_present():
            self.stdout.write("The database already has demo data: demo data not loaded again.")
            logins = demo_logins()
            if logins:
                self._print_logins(logins, f"{DEFAULT_PASSWORD} (unless built with --password)")
            return True
        found = foreign_records()
        if found:
            self.stdout.write(
                "The database holds records demo-data did not make ("
                + describe_foreign(found)
                + "): demo data not loaded."
            )
            return True
        return False

    def _remove(self) -> None:
        try:
            removed = remove_demo_data()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self._report_removed(removed)

    def _report_removed(self, counts: dict[str, int]) -> None:
        self.stdout.write(
            "Removed demo data: "
            + (", ".join(f"{k} {v}" for k, v in counts.items() if v) or "there was none")
            + " (the audit trail is kept)."
        )

    def _print_logins(self, users: list[tuple[str, str, str]], password: str) -> None:
        rows = [("Username", "Role", "Organisation"), *users]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
        self.stdout.write(f"Every demo user's password: {password}")


class ProgressBar:
    """The build on stderr: a bar of the children built so far, named with the stage the build
    is at, with the time spent and left. Redrawn in place on a terminal; in a log, a line for
    each stage and one every 5% of the children (a log keeps a few lines, not hundreds)."""

    WIDTH = 30

    def __init__(self, write: Callable[[str], object], live: bool) -> None:
        self.write = write
        self.live = live
        self.started = time.monotonic()
        self.shown = -1
        self.done = 0
        self.total = 0
        self.name = ""
        self.drawn = 0  # how much of the terminal's line the bar has drawn on

    def stage(self, name: str) -> None:
        """The build has moved on to the stage `name`."""
        self.name = name
        if self.live:
            self._draw()
        else:
            self.write(self.line() + "\n")

    def update(self, done: int, total: int) -> None:
        """`done` of `total` children are built."""
        self.done, self.total = done, total
        if self.live:
            self._draw()
            return
        step = 20 * done // max(total, 1)
        if step != self.shown or done == total:
            self.shown = step
            self.write(self.line() + "\n")

    def finish(self) -> None:
        if self.live and self.drawn:
            self.write("\n")
            self.drawn = 0

    def line(self) -> str:
        spent = time.monotonic() - self.started
        done, total = self.done, self.total
        filled = self.WIDTH * done // max(total, 1)
        left = f", about {spent / done * (total - done):.0f} s left" if 0 < done < total else ""
        counts = f"{done}/{total} children" if total else "0 children"
        stage = f": {self.name}" if self.name else ""
        return (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {counts}{stage} ({spent:.0f} s{left})"
        )

    def _draw(self) -> None:
        line = self.line().ljust(self.drawn)  # over all of what was drawn before
        self.write("\r" + line)
        self.drawn = len(line)
