"""`returnhome backup` and `restore`: every table round-trips, on SQLite and PostgreSQL; restore
refuses a database holding records unless forced; the report facts stay consistent."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from returnhome.accounts.models import User
from returnhome.core.models import AuditEvent
from returnhome.reports.facts import FACTS, rebuild_facts
from tests.conftest import Cast, ago, missing, returned
from tests.factories import ChildFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a stable order (the restore events aside: see below). The report
    figures' stamps by their council and month alone: a restore derives the facts again, which
    gives every council's months new stamps (decision 0048), as it must."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            columns = "council_id, month" if table == "reports_factsstamp" else "*"
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def facts() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {FACTS}")  # noqa: S608
        return sorted(cursor.fetchall(), key=repr)


@pytest.fixture
def records(cast: Cast) -> None:
    for hours in (200, 90, 40):
        child = ChildFactory(council=cast.council)
        episode = missing(cast, child, ago(hours=hours))
        returned(cast, episode, ago(hours=hours - 20))
    missing(cast, ChildFactory(council=cast.council), ago(hours=5))


def test_every_table_round_trips_and_restore_refuses_a_database_with_records(
    cast: Cast, records: None, tmp_path: Path
) -> None:
    before = every_table()
    assert before[FACTS] and before["core_auditevent"]
    backup = tmp_path / "returnhome.backup"
    call_command("backup", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    # The database moves on after the backup.
    UserFactory(username="after-the-backup")
    missing(cast, ChildFactory(council=cast.council), ago(hours=2))

    with pytest.raises(
        CommandError, match=r"not empty \(Child: \d+, Episode: \d+, User: \d+\).*--force"
    ):
        call_command("restore", str(backup))

    call_command("restore", str(backup), "--force")
    after = every_table()
    restores = AuditEvent.objects.filter(action="database restored")
    assert [e.detail for e in restores] == [{"file": backup.name, "forced": True}]
    after["core_auditevent"] = [
        row for row in after["core_auditevent"] if row[0] not in {e.pk for e in restores}
    ]
    assert after == before
    assert not User.objects.filter(username="after-the-backup").exists()

    # The report facts agree with the restored records, and the triggers still keep them.
    assert facts() == before[FACTS]
    rebuild_facts()
    assert facts() == before[FACTS]
    missing(cast, ChildFactory(council=cast.council), ago(hours=1))
    assert len(facts()) == len(before[FACTS]) + 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'facts\\_%'")
            # On episodes, RHIs, interviews and placements (the host council: decision 0039).
            assert cursor.fetchone()[0] == 4


def test_restore_into_a_database_without_records_needs_no_force(tmp_path: Path) -> None:
    OrganisationFactory(name="Only an organisation")
    before = every_table()
    backup = tmp_path / "returnhome.backup"
    call_command("backup", str(backup))
    call_command("restore", str(backup))
    after = every_table()
    assert len(after["core_auditevent"]) == len(before["core_auditevent"]) + 1
    after["core_auditevent"] = before["core_auditevent"]
    assert after == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(CommandError, match="not a returnhome backup"):
        call_command("restore", str(not_a_backup))
