"""The audit trail is append-only and tamper-evident (issue 11, finding 3; docs/audit.md)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from returnhome.core.audit import (
    drop_triggers,
    record_read,
    record_write,
    write_about,
    write_detail,
    writes_about,
)
from returnhome.core.chain import GENESIS, chain_writes, row_hash
from returnhome.core.db import insert_values
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Notification
from returnhome.lib.clock import LONDON
from tests.conftest import Cast
from tests.factories import ChildFactory
from tests.imports.import_helpers import csv_bytes, found, make_area, row, run_import

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL roles and concurrent connections"
)


def verify() -> tuple[int, str]:
    """`returnhome audit verify`: (exit code, what it said on stdout and stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, f"{out.getvalue()}{err.getvalue()}{exc}"
    return 0, out.getvalue() + err.getvalue()


def documented_grants(role: str) -> list[str]:
    """The SQL statements of docs/audit.md's grants block, for this role."""
    text = (Path(__file__).parents[2] / "docs" / "audit.md").read_text()
    block = text.split("```sql\n", 1)[1].split("```", 1)[0]
    lines = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("--")]
    return [
        s.strip()
        for s in " ".join(lines).replace("returnhome_app", f'"{role}"').split(";")
        if s.strip()
    ]


@pytest.fixture
def trail(cast: Cast) -> list[AuditEvent]:
    """Eight writes and reads about one child, by two people."""
    child = ChildFactory(council=cast.council)
    rows = []
    for n in range(4):
        rows.append(record_write(cast.front_door, "update_child", child, changed=[f"field{n}"]))
        rows.append(record_read(cast.practitioner, child))
    return rows


def refused(sql: str, params: list[object]) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(caught.value)


def test_a_whole_chain_verifies(trail: list[AuditEvent]) -> None:
    code, said = verify()
    assert code == 0
    assert f"{AuditEvent.objects.count()} rows checked" in said
    assert "triggers are missing" not in said


def test_changing_who_did_a_thing_is_refused(cast: Cast, trail: list[AuditEvent]) -> None:
    target = trail[0]
    message = refused(
        "UPDATE core_auditevent SET actor_id = %s WHERE id = %s", [cast.admin.pk, target.pk]
    )
    assert "append-only" in message
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=target.pk).update(actor=cast.admin)
    target.refresh_from_db()
    assert target.actor_id == cast.front_door.pk


def test_deleting_audit_rows_is_refused_in_sql_and_in_the_orm(trail: list[AuditEvent]) -> None:
    child_id = trail[0].child_id
    before = AuditEvent.objects.filter(child_id=child_id).count()
    assert "append-only" in refused("DELETE FROM core_auditevent WHERE child_id = %s", [child_id])
    # What `returnhome shell` would do.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(child_id=child_id).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        trail[3].delete()
    assert AuditEvent.objects.filter(child_id=child_id).count() == before


def test_a_row_altered_with_the_triggers_dropped_is_named(
    cast: Cast, trail: list[AuditEvent]
) -> None:
    drop_triggers()  # as someone with access to the database file could
    target = trail[2]
    with connection.cursor() as c:
        c.execute(
            "UPDATE core_auditevent SET actor_id = %s WHERE id = %s", [cast.admin.pk, target.pk]
        )
    code, said = verify()
    assert code == 1
    assert f"row id {target.pk}:" in said and "altered" in said
    assert "triggers are missing" in said


def test_a_row_deleted_from_the_middle_is_named(trail: list[AuditEvent]) -> None:
    drop_triggers()
    with connection.cursor() as c:
        c.execute("DELETE FROM core_auditevent WHERE id = %s", [trail[4].pk])
    code, said = verify()
    assert code == 1
    assert f"row id {trail[5].pk}:" in said and "removed" in said


def test_an_altered_row_with_its_hash_recomputed_breaks_the_next_link(
    cast: Cast, trail: list[AuditEvent]
) -> None:
    """An attacker who also rewrites the altered row's hash is caught at the next row."""
    from returnhome.core.chain import CHAINED_FIELDS, row_hash

    drop_triggers()
    target = trail[1]
    target.refresh_from_db()
    target.actor_id = cast.admin.pk
    digest = row_hash(target.prev_hash, [getattr(target, f) for f in CHAINED_FIELDS])
    with connection.cursor() as c:
        c.execute(
            "UPDATE core_auditevent SET actor_id = %s, hash = %s WHERE id = %s",
            [cast.admin.pk, digest, target.pk],
        )
    code, said = verify()
    assert code == 1 and f"row id {trail[2].pk}:" in said


def test_each_row_points_at_the_one_before(trail: list[AuditEvent]) -> None:
    rows = list(AuditEvent.objects.order_by("id"))
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert len({r.hash for r in rows}) == len(rows)


def test_rows_written_straight_through_the_model_are_chained_too(cast: Cast, child: object) -> None:
    AuditEvent.objects.create(
        actor=cast.admin, kind="write", action="backup", object_type="x", object_id="1"
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(kind="read", action="view", object_type="x", object_id=str(n))
            for n in range(3)
        ]
    )
    assert verify()[0] == 0
    row = AuditEvent.objects.latest("id")
    row.action = "something else"
    with pytest.raises(ValueError, match="never changed"):
        row.save()


def test_bulk_import_rows_are_chained_in_order(db: None, tmp_path: Path) -> None:
    area = make_area()
    content = csv_bytes(
        [
            row(police_reference="TST-1"),
            row(
                police_reference="TST-2",
                forename="Wiliam",
                surname="Smith-Jones",
                sex="M",
                date_of_birth="05/11/2011",
                postcode="CT1 2XX",
            ),
            row(
                police_reference="TST-3", forename="Zoe", surname="New", date_of_birth="01/01/2012"
            ),
            found(police_reference="TST-9"),
        ]
    )
    code, summary = run_import(tmp_path, content, area.council)
    assert code == 0, summary
    writes = AuditEvent.objects.filter(kind=AuditEvent.Kind.WRITE).count()
    assert writes > 3
    assert verify()[0] == 0


def test_a_list_page_chains_one_read_per_record(cast: Cast, client: object) -> None:
    for _ in range(3):
        ChildFactory(council=cast.council)
    client.force_login(cast.front_door)  # type: ignore[attr-defined]
    before = AuditEvent.objects.count()
    assert client.get("/children/").status_code == 200  # type: ignore[attr-defined]
    assert AuditEvent.objects.count() == before + 3
    assert verify()[0] == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_whole(cast: Cast) -> None:
    child = ChildFactory(council=cast.council)
    per_thread, threads = 40, 4
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                if i % 2:
                    record_read(cast.practitioner, child)
                else:
                    with transaction.atomic():  # a service: the audit row inside its transaction
                        record_write(cast.front_door, "update_child", child, changed=[f"f{n}"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert AuditEvent.objects.filter(child_id=child.pk).count() == per_thread * threads
    code, said = verify()
    assert code == 0, said


@postgresql_only
def test_the_documented_app_role_may_not_update_the_trail(trail: list[AuditEvent]) -> None:
    """The grants of docs/audit.md, for a throwaway role: UPDATE, DELETE and TRUNCATE are refused
    by privileges (even with the triggers gone), and by the trigger for a role that has them."""
    role = f"rh_audit_test_{connection.settings_dict['NAME']}".lower()[:60]
    target = trail[0].pk
    with connection.cursor() as c:
        c.execute(f'CREATE ROLE "{role}" NOLOGIN')
        for statement in documented_grants(role):
            c.execute(statement)
    # The owner (this test's role) has every privilege: the trigger refuses.
    assert "append-only" in refused(
        "UPDATE core_auditevent SET actor_id = NULL WHERE id = %s", [target]
    )

    def as_app(sql: str, params: list[object]) -> str:
        with (
            pytest.raises(DatabaseError) as caught,
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(f'SET LOCAL ROLE "{role}"')
            c.execute(sql, params)
        return str(caught.value)

    with transaction.atomic(), connection.cursor() as c:  # the app role can still add to it
        c.execute(f'SET LOCAL ROLE "{role}"')
        record_read(None, trail[0])
        c.execute("RESET ROLE")
    drop_triggers()
    for sql in (
        "UPDATE core_auditevent SET actor_id = NULL WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        assert "permission denied" in as_app(sql, [target])
    assert "permission denied" in as_app("TRUNCATE core_auditevent", [])


def test_audit_rows_hold_field_names_not_personal_values(cast: Cast) -> None:
    """A name, an address, an alias and free-text reasons go into records, not the trail."""
    from returnhome.children import services

    child = services.create_child(
        cast.council,
        acting_user=cast.front_door,
        forename="Zebedee",
        surname="Quixote",
        date_of_birth=dt.date(2012, 5, 6),
        address="7 Lantern Row",
    )
    services.update_child(
        child, expected_version=None, acting_user=cast.front_door, surname="Quillfeather"
    )
    services.add_alias(child, "Zeb Quill", acting_user=cast.front_door)
    rows = list(AuditEvent.objects.filter(child_id=child.pk).values_list("action", "detail"))
    trail = json.dumps(rows)
    for personal in ("Zebedee", "Quixote", "Quillfeather", "Zeb Quill", "Lantern", "2012-05-06"):
        assert personal not in trail
    details = dict(rows)
    assert details["update_child"]["changed"] == ["surname"]
    assert "surname" in details["create_child"]["fields"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_rows_already_there_in_id_order(cast: Cast) -> None:
    from django.db.migrations.executor import MigrationExecutor

    before = [("core", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("core", "AuditEvent")
    old.objects.bulk_create(
        old(
            actor_id=cast.manager.pk,
            kind="read",
            action="view",
            object_type="children.child",
            object_id=str(n),
            child_id=n,
            detail={"n": n, "when": "2025-01-01"},
        )
        for n in range(1, 8)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    code, said = verify()
    assert code == 0 and "7 rows checked" in said
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(child_id=3).delete()


@pytest.mark.parametrize(
    "values",
    [
        (None, "write", "record_return", "episodes.episode", "12", 7, {"source": "police"}),
        (3, "write", "refer_rhi", "interviews.rhi", "40", None, {"due_at": "2025-05-03", "n": 1.5}),
        (3, "read", "view", "children.child", "Zoë-1", 9, {"fields": ["a", "b"], "x": None}),
        (1, "write", "add_alias", "children.child", "5", 5, {"kind": "alias", "é": {"b": True}}),
    ],
)
def test_a_row_sealed_in_bulk_has_the_hash_a_row_saved_alone_has(
    values: tuple[object, ...],
) -> None:
    """The bulk paths hash rows piece by piece (`chain_writes`): the same hash as `row_hash`,
    and the stored detail is the same JSON value."""
    at = dt.datetime(2025, 3, 30, 0, 59, 59, 123456, tzinfo=dt.UTC)
    previous = "ab" * 32
    detail_json, prev_hash, digest = next(chain_writes(previous, at, [values]))
    assert prev_hash == previous
    assert digest == row_hash(previous, [at, *values])
    assert json.loads(detail_json) == values[-1]


def test_a_detail_written_once_for_many_rows_seals_as_the_dict_would(cast: Cast) -> None:
    """`write_detail` (a detail encoded once, for `writes_about`'s rows) gives each row the
    hash and the stored detail a row built with `write_about` gets."""
    due = dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)
    by_dict = write_about(None, "refer_rhi", AuditEvent, 40, 7, provider=cast.council, due_at=due)
    [encoded] = writes_about(
        None, "refer_rhi", AuditEvent, [(40, 7, write_detail(provider=cast.council, due_at=due))]
    )
    at = dt.datetime(2026, 10, 25, 1, 0, tzinfo=dt.UTC)
    assert list(chain_writes(GENESIS, at, [encoded])) == list(chain_writes(GENESIS, at, [by_dict]))


def test_a_bulk_insert_keeps_the_two_moments_of_the_october_change_apart(cast: Cast) -> None:
    """01:30 before and after the clocks go back compare equal in Europe/London, and are an
    hour apart: the bulk insert stores each moment, as a row saved alone does."""
    first = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    second = first.replace(fold=1)
    assert first == second  # equal in one zone, an hour apart
    rows = [(cast.council.pk, "missing", "police", moment) for moment in (first, second)]
    with transaction.atomic():
        pks = insert_values(Notification, ("council_id", "event", "source", "received_at"), rows)
    stored = Notification.objects.in_bulk(pks)
    assert stored[pks[1]].received_at - stored[pks[0]].received_at == dt.timedelta(hours=1)
