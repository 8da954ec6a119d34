"""Backing up and restoring the whole database (`returnhome backup FILE` / `restore FILE`).

SQLite: the sqlite3 online backup API, page by page from a consistent snapshot while the server
keeps serving (WAL: readers and writers carry on), into a single self-contained SQLite file.
PostgreSQL: pg_dump's custom format (`pg_dump -Fc`), restored with pg_restore in one transaction
(Debian package postgresql-client, same major version as the server or newer).

A backup holds every table, the audit trail included; it is as sensitive as the database: written
with mode 0600, and never left half-written (it is written beside FILE, then renamed).
Restore refuses a database that holds records (settings.RETURNHOME_RESTORE_REFUSES_IF_ANY: any
child, episode or user) unless forced, then sends `core.signals.database_restored` so derived
tables (the report facts) are made consistent, and audits the restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from returnhome.core.models import AuditEvent
from returnhome.core.signals import database_restored

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Drops what the backup holds and recreates it, in one transaction (all or nothing). Owners and
# grants are not restored: the role in DATABASE_URL owns what it restores (docs/deploy.md).
PG_RESTORE = (
    "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
    "--single-transaction", "--exit-on-error",
)  # fmt: skip


class BackupError(Exception):
    """A backup or restore that cannot be done, with what to do about it."""


def backup_database(path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Writes the whole database to `path` (replacing it once complete)."""
    connection = connections[using]
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            _backup_sqlite(connection, partial)
        elif connection.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--file", str(partial)], connection)
        else:
            raise BackupError(f"backup is not implemented for {connection.vendor}")
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    AuditEvent.objects.using(using).create(
        kind=AuditEvent.Kind.READ,
        action="database backed up",
        object_type="database",
        object_id=using,
        detail={"file": path.name},
    )


def restore_database(path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> str:
    """Replaces the database with the backup at `path`. Returns a line saying what was done."""
    connection = connections[using]
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as f:
        magic = f.read(16)
    kind = (
        "sqlite"
        if magic.startswith(SQLITE_MAGIC)
        else "postgresql"
        if magic.startswith(PGDUMP_MAGIC)
        else None
    )
    if kind is None:
        raise BackupError(f"{path} is not a returnhome backup (neither SQLite nor pg_dump -Fc)")
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is a {kind} backup and the database is {connection.vendor}: restore it into "
            f"a {kind} database (DATABASE_URL)"
        )
    held = records_held(using)
    if held and not force:
        raise BackupError(
            f"the database is not empty ({held}): restoring would replace these records. "
            "Restore into an empty database, or add --force to replace them"
        )
    if kind == "sqlite":
        _restore_sqlite(connection, path)
    else:
        connections.close_all()
        _run([*PG_RESTORE, str(path)], connection)
        # pg_restore leaves the tables without planner statistics (autovacuum gets there later):
        # without them, deriving the report facts below runs for many minutes instead of seconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    with transaction.atomic(using=using):
        if not unapplied:
            database_restored.send(sender=restore_database, connection=connection)
        AuditEvent.objects.using(using).create(
            kind=AuditEvent.Kind.WRITE,
            action="database restored",
            object_type="database",
            object_id=using,
            detail={"file": path.name, "forced": force},
        )
    done = f"restored {path} ({kind})"
    if unapplied:
        done += f"; {len(unapplied)} migration(s) to apply: run `returnhome migrate` now"
    return done


def records_held(using: str = DEFAULT_DB_ALIAS) -> str:
    """ "3 children, 12 users" for the models that make a database not empty; "" if none."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    held = []
    for label in settings.RETURNHOME_RESTORE_REFUSES_IF_ANY:
        model = apps.get_model(label)
        if model._meta.db_table in tables:
            count = model._default_manager.using(using).count()
            if count:
                held.append(f"{model.__name__}: {count}")
    return ", ".join(held)


def _backup_sqlite(connection: Any, target_path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(target_path)
    try:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (ok,) = target.execute("PRAGMA quick_check").fetchone()
        if ok != "ok":
            raise BackupError(f"the backup failed its integrity check: {ok}")
    finally:
        target.close()


def _restore_sqlite(connection: Any, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (ok,) = source.execute("PRAGMA quick_check").fetchone()
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if ok != "ok" or "django_migrations" not in tables:
            raise BackupError(f"{path} is not a sound returnhome backup ({ok})")
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _run(command: list[str], connection: Any) -> None:
    """Runs a PostgreSQL client tool against this connection's database."""
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client)"
        )
    params = connection.settings_dict
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    target = ["--dbname", str(params["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            target += [flag, str(params[key])]
    result = subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
        [*command, *target], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
