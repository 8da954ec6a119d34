"""Importing a police notification file: the stages put together, with its summary.

parse + validate (`pipeline.read_file`) -> match + plan (`pipeline.plan_import`, which is also the
preview and the dry run) -> commit (`commit.bulk.commit_batch`, or `commit.one_by_one.commit_rows`
one at a time).
All or nothing by default; with `skip_invalid` the valid rows go in and the others come back as
rejects.
"""

from __future__ import annotations

import gc
import hashlib
import io
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.core.db import refresh_statistics
from returnhome.imports.commit.bulk import commit_batch
from returnhome.imports.commit.history import commit_history
from returnhome.imports.commit.one_by_one import commit_rows
from returnhome.imports.commit.records import finish_run, start_run
from returnhome.imports.history.plan import HISTORY_COUNTS, plan_history
from returnhome.imports.history.rows import ALL_COLUMNS, read_history
from returnhome.imports.police.pipeline import (
    PLAN_COUNTS,
    Checked,
    make_validator,
    plan_import,
    read_file,
)
from returnhome.imports.police.rows import COLUMNS
from returnhome.imports.validation import RowError
from returnhome.lib.tabular import write_csv
from returnhome.organisations.models import Organisation

MAX_WARNINGS = 50
SUMMARY_ORDER = (
    "file",
    "council",
    "dry_run",
    "committed",
    "nothing_imported_because",
    "rows",
    "valid_rows",
    *PLAN_COUNTS,
    "rejected_rows",
    "rejected",
    "warnings",
    "matching",
    "import_run",
    "seconds",
    "timings",
)


@dataclass
class ImportReport:
    summary: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: dict[int, dict[str, str]] = field(default_factory=dict)
    columns: tuple[str, ...] = COLUMNS  # the format's columns, for the rejects file

    @property
    def exit_code(self) -> int:
        """0 if imported (or a dry run that would import), 2 if nothing was (or would be)."""
        if self.summary.get("committed"):
            return 0
        would = "nothing_imported_because" not in self.summary
        return 0 if self.summary.get("dry_run") and would else 2

    def write_rejects(self, handle: IO[str]) -> None:
        """The rejected rows as sent, with why: fix them and import this file again."""
        by_row: dict[int, list[RowError]] = {}
        for error in self.errors:
            by_row.setdefault(error.row, []).append(error)
        rows = []
        for number in sorted(by_row):
            cells = self.rejected_rows.get(number, {})
            errors = by_row[number]
            rows.append(
                [cells.get(c, "") for c in self.columns]
                + [
                    number,
                    " | ".join(e.column for e in errors),
                    " | ".join(e.message for e in errors),
                ]
            )
        write_csv(
            handle,
            [*self.columns, "rejected_row", "rejected_column", "rejected_reason"],
            iter(rows),
        )


def _warnings(items: Iterable[str]) -> list[str]:
    items = list(items)
    if len(items) > MAX_WARNINGS:
        return [*items[:MAX_WARNINGS], f"... and {len(items) - MAX_WARNINGS} more"]
    return items


def _outcome(
    summary: dict[str, Any],
    errors: list[RowError],
    warnings: list[str],
    zero: dict[str, int],
    *,
    skip_invalid: bool,
    fatal: bool,
    no_rows: bool = False,
) -> None:
    """Why nothing was imported, if nothing was (its figures then zero), the rows rejected and why,
    and the warnings: into the summary."""
    if errors and not skip_invalid:
        summary.update(zero)
        summary["nothing_imported_because"] = (
            "the file has errors: nothing was imported (fix them, or use --skip-invalid)"
        )
    elif fatal:
        summary["nothing_imported_because"] = "the file cannot be read"
    elif no_rows:
        summary["nothing_imported_because"] = "the file has no valid rows"
    summary["rejected_rows"] = len({e.row for e in errors})
    summary["rejected"] = [e.as_dict() for e in sorted(errors, key=lambda e: (e.row, e.column))]
    summary["warnings"] = _warnings(warnings)


def _read_source(source: str | Path | bytes | IO[bytes], name: str) -> tuple[bytes, str]:
    """The file's bytes and the name to report it by (an unreadable path reads as empty, with
    the reason in its name, so the summary says what went wrong)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            return path.read_bytes(), name
        except OSError as exc:
            return b"", f"{name} ({exc.strerror})"
    if isinstance(source, bytes):
        return source, name
    return source.read(), name


def import_notifications(
    source: str | Path | bytes | IO[bytes],
    council: Organisation,
    *,
    name: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    acting_user: User | None = None,
    per_row: bool = False,
) -> ImportReport:
    """Import a CSV/XLSX file of police notifications for `council`."""
    started = time.monotonic()
    data, name = _read_source(source, name)
    # The import builds hundreds of thousands of small objects that live until it ends (the
    # children's index, the rows, the plan): the cyclic garbage collector would walk them all
    # again and again for nothing. Paused for the import, resumed when it ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(data, name, council, dry_run, skip_invalid, acting_user, per_row, started)
    finally:
        if collecting:
            gc.enable()


def _import(
    data: bytes,
    name: str,
    council: Organisation,
    dry_run: bool,
    skip_invalid: bool,
    acting_user: User | None,
    per_row: bool,
    started: float,
) -> ImportReport:
    now = timezone.now()
    validator = make_validator(now)
    checked: Checked = read_file(io.BytesIO(data), name, validator)
    timings = {"read_and_check": round(time.monotonic() - started, 3)}
    summary: dict[str, Any] = {
        "file": name,
        "council": council.la_code or council.code or council.pk,
        "dry_run": dry_run,
        "committed": False,
        "rows": checked.rows,
        "valid_rows": len(checked.notices),
    }
    errors = list(checked.errors)
    counts: dict[str, int] = {}
    matching: dict[str, int] = {}
    run_id = None
    if not checked.fatal:
        with transaction.atomic():
            # One import at a time per council: the plan must see what the last one wrote.
            Organisation.objects.select_for_update().get(pk=council.pk)
            mark = time.monotonic()
            plan = plan_import(council, checked.notices, received_at=now)
            timings["match_and_plan"] = round(time.monotonic() - mark, 3)
            timings.update(plan.timings)
            errors.extend(plan.errors)
            for error in plan.errors:
                notice = next((n for n in checked.notices if n.row == error.row), None)
                if notice is not None:
                    checked.raw_rows[error.row] = notice.raw
            counts = plan.counts()
            matching = dict(plan.match_how)
            if not dry_run and (skip_invalid or not errors):
                run = start_run(
                    council,
                    source="file",
                    file_name=name,
                    sha256=hashlib.sha256(data).hexdigest(),
                    acting_user=acting_user,
                    started_at=now,
                )
                commit = commit_rows if per_row else commit_batch
                mark, cpu = time.monotonic(), time.process_time()
                commit(plan, acting_user=acting_user, run=run)
                timings["commit"] = round(time.monotonic() - mark, 3)
                timings["commit_cpu"] = round(time.process_time() - cpu, 3)
                summary["timings"] = timings
                run_id = run.pk
                summary["committed"] = True
                summary.update(counts)
                summary["seconds"] = round(time.monotonic() - started, 3)
                finish_run(run, summary, acting_user=acting_user)
                refresh_statistics(summary["rows"])
    zero = dict.fromkeys(PLAN_COUNTS, 0)
    summary.update(counts if counts else zero)
    _outcome(
        summary, errors, checked.warnings, zero, skip_invalid=skip_invalid, fatal=checked.fatal
    )
    summary["matching"] = matching
    summary["import_run"] = run_id
    summary["seconds"] = round(time.monotonic() - started, 3)
    summary["timings"] = timings
    order = [*SUMMARY_ORDER, *(k for k in summary if k not in SUMMARY_ORDER)]
    summary = {k: summary[k] for k in order if k in summary}
    return ImportReport(summary, errors, checked.raw_rows)


def import_history(
    source: str | Path | bytes | IO[bytes],
    council: Organisation,
    *,
    name: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    acting_user: User | None = None,
) -> ImportReport:
    """Import a council's past episodes (docs/formats/history.md): all or nothing by default."""
    started = time.monotonic()
    data, name = _read_source(source, name)
    now = timezone.now()
    checked = read_history(io.BytesIO(data), name, council, now)
    timings = {"read_and_check": round(time.monotonic() - started, 3)}
    summary: dict[str, Any] = {
        "file": name,
        "council": council.la_code or council.code or council.pk,
        "dry_run": dry_run,
        "committed": False,
        "rows": checked.count,
        "valid_rows": len(checked.rows),
    }
    counts = dict.fromkeys(HISTORY_COUNTS, 0)
    errors = list(checked.errors)
    run_id = None
    if not checked.fatal:
        with transaction.atomic():
            Organisation.objects.select_for_update().get(pk=council.pk)
            mark = time.monotonic()
            plan = plan_history(council, checked.rows)
            timings["plan"] = round(time.monotonic() - mark, 3)
            counts = plan.counts()
            if not dry_run and (skip_invalid or not errors) and checked.rows:
                run = start_run(
                    council,
                    source="history",
                    file_name=name,
                    sha256=hashlib.sha256(data).hexdigest(),
                    acting_user=acting_user,
                    started_at=now,
                )
                mark = time.monotonic()
                commit_history(plan, acting_user=acting_user, run=run)
                timings["commit"] = round(time.monotonic() - mark, 3)
                run_id = run.pk
                summary["committed"] = True
                summary.update(counts)
                summary["seconds"] = round(time.monotonic() - started, 3)
                finish_run(run, summary, acting_user=acting_user, action="import_history")
                refresh_statistics(summary["rows"])
    summary.update(counts)
    _outcome(
        summary,
        errors,
        checked.warnings,
        dict.fromkeys(HISTORY_COUNTS, 0),
        skip_invalid=skip_invalid,
        fatal=checked.fatal,
        no_rows=not checked.rows,
    )
    summary["import_run"] = run_id
    summary["seconds"] = round(time.monotonic() - started, 3)
    summary["timings"] = timings
    return ImportReport(summary, errors, checked.raw_rows, columns=ALL_COLUMNS)
