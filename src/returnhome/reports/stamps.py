# ruff: noqa: S608 - the SQL is built from this module's own constant table and column names
"""The report figures' stamps (decision 0048): one row per council and UK month, a new value whenever
the council's figures for that month may have changed, so a cache of computed figures keyed by the
stamps of their period's months is exactly as correct as computing them.

A council's figures are drawn from its report facts (`reports_episodefacts`, its own rows and the
rows it hosts) and, for referrals, from the follow-up actions of the facts' interviews. So:

- every statement that inserts, updates or deletes facts rows gives each (council, month) of those
  rows (`council_id`, `month`; before and after an update) a new stamp, whoever wrote them: the facts triggers row by row, an import's
  set-based derive (`facts.derive_deferred_facts`), `facts.rebuild_facts`. The stamp triggers sit
  on the facts table itself, apart from the facts triggers on the source tables, so neither needs
  to know about the other;
- every statement that writes follow-up actions gives a new stamp to the (council, month) of the
  facts rows of the episodes their interviews cover (through the RHIs).

- every statement that changes an episode's places (missing from, found at: no facts column, so
  the facts triggers leave the facts row as it was) gives a new stamp to the (council, month) of
  that episode's facts row: the meeting pack's recurring places of the council's own episodes are
  cached under them (`meeting_pack`, decision 0048, round 2).

A host council's figures also read the rows it hosts (other councils' rows, `host_council_id`):
its cache key holds the stamps of the councils that place children with it in the period's months
(`figures_cache.month_stamps`), so a change to a hosted row (stamped under its own council) changes
the host's key too, without the writer ever taking the host's stamp rows (a transaction stamps only
the councils whose rows it writes: one, for an import).

The value is random (63 bits), not a counter: a restored or rebuilt database never reissues a
stamp an older cached figure was keyed by. PostgreSQL: one statement-level trigger per event
(transition tables), locking the stamp rows in council order; SQLite: row triggers.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection

STAMPS = "reports_factsstamp"
FACTS = "reports_episodefacts"
ACTIONS = "followup_proposedaction"
RHIS = "interviews_rhi"
EPISODES = "episodes_episode"
PLACES = ("missing_from", "found_location")  # an episode's places (the meeting pack's)
_PG_RANDOM = "floor(random() * 9e18)::bigint"
_SQLITE_RANDOM = "abs(random() / 2)"


def _months_of_actions(rows: str) -> str:
    """The (council, month) of the facts rows of the episodes these actions' interviews cover."""
    return (
        f"SELECT f.council_id, f.month FROM {RHIS} r JOIN {FACTS} f ON f.episode_id = r.episode_id "
        f"WHERE r.interview_id IN ({rows})"
    )


def sqlite_statements() -> list[str]:
    def stamp(row: str) -> str:
        return (
            f"INSERT INTO {STAMPS} (council_id, month, version) "
            f"VALUES ({row}.council_id, {row}.month, {_SQLITE_RANDOM}) "
            "ON CONFLICT (council_id, month) DO UPDATE SET version = excluded.version;"
        )

    def stamp_actions(interview: str) -> str:
        return (
            f"UPDATE {STAMPS} SET version = {_SQLITE_RANDOM} "
            f"WHERE (council_id, month) IN ({_months_of_actions(interview)});"
        )

    places_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PLACES)
    return [
        f"CREATE TRIGGER stamp_places_update AFTER UPDATE OF {', '.join(PLACES)} ON {EPISODES} "
        f"FOR EACH ROW WHEN {places_changed} BEGIN "
        f"INSERT INTO {STAMPS} (council_id, month, version) SELECT council_id, month, "
        f"{_SQLITE_RANDOM} FROM {FACTS} WHERE episode_id = NEW.id "
        "ON CONFLICT (council_id, month) DO UPDATE SET version = excluded.version; END",
        f"CREATE TRIGGER stamp_facts_insert AFTER INSERT ON {FACTS} FOR EACH ROW "
        f"BEGIN {stamp('NEW')} END",
        f"CREATE TRIGGER stamp_facts_delete AFTER DELETE ON {FACTS} FOR EACH ROW "
        f"BEGIN {stamp('OLD')} END",
        f"CREATE TRIGGER stamp_facts_update AFTER UPDATE ON {FACTS} FOR EACH ROW "
        f"BEGIN {stamp('OLD')} {stamp('NEW')} END",
        f"CREATE TRIGGER stamp_actions_insert AFTER INSERT ON {ACTIONS} FOR EACH ROW "
        f"BEGIN {stamp_actions('NEW.interview_id')} END",
        f"CREATE TRIGGER stamp_actions_delete AFTER DELETE ON {ACTIONS} FOR EACH ROW "
        f"BEGIN {stamp_actions('OLD.interview_id')} END",
        f"CREATE TRIGGER stamp_actions_update AFTER UPDATE OF interview_id, status, service "
        f"ON {ACTIONS} FOR EACH ROW "
        f"BEGIN {stamp_actions('OLD.interview_id')} {stamp_actions('NEW.interview_id')} END",
    ]


_PG_EVENTS = (
    ("insert", "NEW TABLE AS new_rows"),
    ("delete", "OLD TABLE AS old_rows"),
    ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
)


def postgresql_statements() -> list[str]:
    def function(name: str, select: str) -> str:
        new, old = select.format(rows="new_rows"), select.format(rows="old_rows")
        # INSERT ... SELECT in (council, month) order: the stamp rows are locked in that order, so
        # two transactions stamping the same months in one statement never wait in a cycle.
        return (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
            "BEGIN\n"
            "  IF TG_OP = 'INSERT' THEN\n"
            f"    INSERT INTO {STAMPS} (council_id, month, version) SELECT council_id, month, "
            f"{_PG_RANDOM} FROM (SELECT DISTINCT * FROM ({new}) n) c ORDER BY 1, 2\n"
            "    ON CONFLICT (council_id, month) DO UPDATE SET version = excluded.version;\n"
            "  ELSIF TG_OP = 'DELETE' THEN\n"
            f"    INSERT INTO {STAMPS} (council_id, month, version) SELECT council_id, month, "
            f"{_PG_RANDOM} FROM (SELECT DISTINCT * FROM ({old}) o) c ORDER BY 1, 2\n"
            "    ON CONFLICT (council_id, month) DO UPDATE SET version = excluded.version;\n"
            "  ELSE\n"
            f"    INSERT INTO {STAMPS} (council_id, month, version) SELECT council_id, month, "
            f"{_PG_RANDOM} FROM ({new} UNION {old}) c ORDER BY 1, 2\n"
            "    ON CONFLICT (council_id, month) DO UPDATE SET version = excluded.version;\n"
            "  END IF;\n  RETURN NULL;\nEND\n$body$"
        )

    statements = [
        function("stamp_facts", "SELECT council_id, month FROM {rows}"),
        function("stamp_actions", _months_of_actions("SELECT interview_id FROM {rows}")),
        # Transition tables take no column list: the rows whose places changed, compared here.
        f"CREATE OR REPLACE FUNCTION stamp_places() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        "BEGIN\n"
        f"  INSERT INTO {STAMPS} (council_id, month, version) SELECT council_id, month, "
        f"{_PG_RANDOM} FROM (SELECT DISTINCT f.council_id, f.month FROM {FACTS} f "
        "JOIN new_rows n ON n.id = f.episode_id JOIN old_rows o ON o.id = n.id "
        f"WHERE ({', '.join('n.' + c for c in PLACES)}) IS DISTINCT FROM "
        f"({', '.join('o.' + c for c in PLACES)})) c ORDER BY 1, 2\n"
        "  ON CONFLICT (council_id, month) DO UPDATE SET version = excluded.version;\n"
        "  RETURN NULL;\nEND\n$body$",
        f"CREATE TRIGGER stamp_places_update AFTER UPDATE ON {EPISODES} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION stamp_places()",
    ]
    for table, name in ((FACTS, "stamp_facts"), (ACTIONS, "stamp_actions")):
        for event, referencing in _PG_EVENTS:
            statements.append(
                f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    return statements


def drop_statements(vendor: str) -> list[str]:
    names = [
        (table, f"{name}_{event}")
        for table, name in ((FACTS, "stamp_facts"), (ACTIONS, "stamp_actions"))
        for event in ("insert", "delete", "update")
    ]
    names.append((EPISODES, "stamp_places_update"))
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for table, name in names] + [
            "DROP FUNCTION IF EXISTS stamp_facts()",
            "DROP FUNCTION IF EXISTS stamp_actions()",
            "DROP FUNCTION IF EXISTS stamp_places()",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for _table, name in names]


def install_stamp_triggers(connection: Any = None) -> None:
    """(Re)create the stamp triggers, and give every council's month with facts a new stamp."""
    connection = connection or default_connection
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"figures stamp triggers for {vendor}")
    statements = drop_statements(vendor)
    statements += postgresql_statements() if vendor == "postgresql" else sqlite_statements()
    random = _PG_RANDOM if vendor == "postgresql" else _SQLITE_RANDOM
    statements.append(
        f"INSERT INTO {STAMPS} (council_id, month, version) SELECT council_id, month, {random} "
        f"FROM (SELECT DISTINCT council_id, month FROM {FACTS}) c WHERE true "
        "ON CONFLICT (council_id, month) DO UPDATE SET version = excluded.version"
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_stamp_triggers(connection: Any = None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for sql in drop_statements(connection.vendor):
            cursor.execute(sql)


def reinstall_after_restore(sender: Any, connection: Any, **kwargs: Any) -> None:
    """After `returnhome restore` (core.signals.database_restored): the triggers as this code
    writes them, and a new stamp for every council."""
    install_stamp_triggers(connection)
