# ruff: noqa: S608 - the SQL is built from this module's own constant table and column names
"""Keeping `EpisodeFacts` (reports/models.py) by database triggers, on SQLite and PostgreSQL.

Why: the indicator engine's figures come from Episode LEFT JOIN RHI LEFT JOIN Interview; on
SQLite that join is a row-by-row lookup per episode and dominated every report (decision 0021,
docs/decisions/). The facts table holds, per episode, the joined values the engine counts, so a
report reads one covering index.

How it stays right: a trigger on each source table (episodes, RHIs, interviews; insert, delete
and update of a column the facts use) re-derives the facts rows of every child the changed row
touches, with one SELECT written once below (`FACTS_SELECT`), in the same statement as the write.
Every write path is covered (services, bulk updates, imports, raw SQL) without any service having
to remember it. "Re-derive a child" (not "an episode") because the "previous episode" columns of a
child's other episodes, and of the other episodes covered by the same interview, depend on this
one.

Imports defer them (decision 0036): inside `core.db.bulk_write()` the triggers only note the
children a write touches in `reports_deferredfacts`, and those children are re-derived once, set
based, when the import's writes end, in the same transaction. A writer that reports every child it
touches itself (the police bulk commit, `bulk_write(reports_children=True)`, decision 0046) has the
triggers skip its rows entirely. The switch is transaction-local: on PostgreSQL a setting made
with `set_config(..., true)` ('on': note; 'skip': the triggers' WHEN does not even call them); on
SQLite a row (child 0: note; child -1: skip) in the same table, which no other connection can see
before commit and which is deleted before it (SQLite has one writer at a time, so nothing else
writes meanwhile).

`tests/reports/test_facts.py` checks the table against an independent computation in Python after
every kind of write.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection

from returnhome.lib.groups import Group
from returnhome.reports.models import DUE_72_HOURS, DUE_FIELDS

FACTS = "reports_episodefacts"
EPISODES = "episodes_episode"
RHIS = "interviews_rhi"
INTERVIEWS = "interviews_interview"
DEFERRED = "reports_deferredfacts"
PLACEMENTS = "children_placement"
# PostgreSQL: the transaction-local setting that makes the triggers note children instead.
DEFER_SETTING = "returnhome.defer_facts"
# ... set to this while a writer reports its children itself: the triggers do nothing at all.
SKIP = "skip"
# SQLite: this row in DEFERRED (no child has id 0) makes the triggers note children instead ...
DEFERRING_ROW = 0
# ... and this one (with or without the other) makes them do nothing.
SKIPPING_ROW = -1
# One look at the table's first key each: derive when no switch row is there, note when the
# first key is the noting switch (not the skipping one).
_SQLITE_DERIVING = f"NOT EXISTS (SELECT 1 FROM {DEFERRED} WHERE child_id <= {DEFERRING_ROW})"
_SQLITE_NOTING = f"(SELECT min(child_id) FROM {DEFERRED}) = {DEFERRING_ROW}"

# An episode p reported missing before episode e (ties broken by id, so exactly one is first).
_EARLIER = (
    "(p.reported_missing_at < e.reported_missing_at"
    " OR (p.reported_missing_at = e.reported_missing_at AND p.id < e.id))"
)


def _ms_between(vendor: str, later: str, earlier: str) -> str:
    """later - earlier in whole milliseconds (NULL if either is NULL), as dashboard.py measured it."""
    if vendor == "postgresql":
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({later} - {earlier})) * 1000) AS BIGINT)"
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400000.0) AS INTEGER)"


def uk_month_sql(vendor: str, instant: str) -> str:
    """The UK calendar month of a stored instant as YYYYMM (`lib.clock.uk_month` in SQL).

    PostgreSQL converts with its own time-zone database. SQLite has none, so the UK rule is
    written out: the month in Europe/London differs from the month in UTC only in the last hour
    (23:00-24:00 UTC) of a month's last day, and then only when that hour is in British Summer
    Time, which is exactly when the month is March to September (summer time starts on the last
    Sunday of March at 01:00 UTC, before 31 March 23:00, and ends on the last Sunday of October
    at 01:00 UTC, before 31 October 23:00); then it is the next month, in the same year. This
    holds for every year from 1972 on under the current law (tested against the time-zone
    database, `tests/reports/test_facts.py`). It reads the stored text (Django keeps UTC as
    'YYYY-MM-DD HH:MM:SS.ffffff') and does no time arithmetic, which in SQLite rounds to the
    millisecond and would move an instant in a month's last half-millisecond into the next.
    """
    if vendor == "postgresql":
        return f"CAST(to_char({instant} AT TIME ZONE 'Europe/London', 'YYYYMM') AS INTEGER)"
    month = f"substr({instant}, 6, 2)"
    last_hour_of_a_summer_month = (
        f"{month} BETWEEN '03' AND '09' AND substr({instant}, 12, 2) = '23' "
        f"AND substr(date(substr({instant}, 1, 10), '+1 day'), 9, 2) = '01'"
    )
    return (
        f"(CAST(substr({instant}, 1, 4) || {month} AS INTEGER)"
        f" + CASE WHEN {last_hour_of_a_summer_month} THEN 1 ELSE 0 END)"
    )


def uk_date_sql(vendor: str, instant: str) -> str:
    """The UK calendar date of a stored instant ('YYYY-MM-DD' on SQLite, a date on PostgreSQL).

    SQLite has no time-zone database, so British Summer Time is written out: from the last
    Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, the UK date is the date
    an hour later; this rule holds from 1996 (tested against the time-zone database,
    `tests/reports/test_facts.py`), and no episode this product holds is older.
    """
    if vendor == "postgresql":
        return f"CAST({instant} AT TIME ZONE 'Europe/London' AS DATE)"
    year = f"substr({instant}, 1, 4)"

    def last_sunday(month: str) -> str:
        return f"date({year} || '-{month}-31', '-6 days', 'weekday 0') || ' 01:00:00'"

    # No time arithmetic on the instant (SQLite rounds it to the millisecond): in summer time,
    # the hour 23:00-24:00 UTC is the next UK day.
    summer = f"{instant} >= {last_sunday('03')} AND {instant} < {last_sunday('10')}"
    day = f"substr({instant}, 1, 10)"
    return (
        f"(CASE WHEN substr({instant}, 12, 2) = '23' AND {summer} "
        f"THEN date({day}, '+1 day') ELSE {day} END)"
    )


def host_council_sql(vendor: str, episode: str) -> str:
    """The council hosting an episode (over alias `episode`): the area of the child's out-of-area
    placement (in another council's area than the episode's council) on the UK date the episode
    was reported missing, the latest started if two overlap; NULL when there is none, and for an
    episode the responsible council does not count as LAC-out (a child not looked after then):
    so the episode counts once for each council, LAC-out and Hosted (decision 0042). The rule of
    `access.policy._episodes_in_area`, without its sharing window: a figure for a past period
    never changes with today's date (decision 0039)."""
    day = uk_date_sql(vendor, f"{episode}.reported_missing_at")
    return (
        f"(SELECT pl.council_area_id FROM {PLACEMENTS} pl WHERE pl.child_id = {episode}.child_id "
        f"AND {episode}.\"group\" = '{Group.LAC_OUT.value}' "
        f"AND pl.out_of_area AND pl.council_area_id <> {episode}.council_id "
        f"AND pl.start_date <= {day} AND (pl.end_date IS NULL OR pl.end_date >= {day}) "
        "ORDER BY pl.start_date DESC, pl.id DESC LIMIT 1)"
    )


def facts_columns(vendor: str) -> list[tuple[str, str]]:
    """(facts column, SQL over e = episode, r = its RHI, i = the RHI's interview)."""
    columns = [
        ("episode_id", "e.id"),
        ("council_id", "e.council_id"),
        ('"group"', 'e."group"'),
        ("reported_missing_at", "e.reported_missing_at"),
        ("month", uk_month_sql(vendor, "e.reported_missing_at")),
        ("child_id", "e.child_id"),
        ("interview_id", "r.interview_id"),
        ("returned", "e.returned_at IS NOT NULL"),
        ("offer_made", "r.offer_made_at IS NOT NULL"),
        ("outcome", "COALESCE(r.outcome, '')"),
        ("decline_reason", "COALESCE(r.decline_reason, '')"),
        ("interview_kind", "COALESCE(i.kind, '')"),
        ("cce_identified", "COALESCE(i.cce_identified, FALSE)"),
        ("cse_identified", "COALESCE(i.cse_identified, FALSE)"),
    ]
    columns += [(f"held_by_{d}", f"COALESCE(i.held_at <= r.{d}, FALSE)") for d in DUE_FIELDS]
    columns += [
        (f"offered_by_{d}", f"COALESCE(r.offer_made_at <= r.{d}, FALSE)") for d in DUE_FIELDS
    ]
    columns += [
        (f"ms_after_{d}", _ms_between(vendor, "i.held_at", f"r.{d}")) for d in DUE_72_HOURS.values()
    ]
    same_child = "p.child_id = e.child_id AND p.council_id = e.council_id"
    # From the interview's RHIs to their episodes, never by scanning the council's episodes.
    # SQLite joins in the order written (CROSS JOIN). PostgreSQL reorders joins: without
    # statistics (tables an import has just filled) it scanned the council's episodes for each
    # row; a LATERAL subquery it cannot flatten (OFFSET 0) fixes the order.
    same_interview = (
        (
            f'FROM {RHIS} q CROSS JOIN LATERAL (SELECT x.id, x.council_id, x."group", '
            f"x.reported_missing_at, x.child_id FROM {EPISODES} x WHERE x.id = q.episode_id OFFSET 0) p "
        )
        if vendor == "postgresql"
        else f"FROM {RHIS} q CROSS JOIN {EPISODES} p "
    ) + (
        "WHERE q.interview_id = r.interview_id AND p.id = q.episode_id "
        "AND p.council_id = e.council_id"
    )
    columns += [
        (
            "child_previous_in_group_at",
            f"(SELECT MAX(p.reported_missing_at) FROM {EPISODES} p WHERE {same_child} "
            f'AND p."group" = e."group" AND {_EARLIER})',
        ),
        (
            "child_previous_at",
            f"(SELECT MAX(p.reported_missing_at) FROM {EPISODES} p WHERE {same_child} AND {_EARLIER})",
        ),
        (
            "interview_previous_in_group_at",
            f'(SELECT MAX(p.reported_missing_at) {same_interview} AND p."group" = e."group" '
            f"AND {_EARLIER})",
        ),
        (
            "interview_previous_at",
            f"(SELECT MAX(p.reported_missing_at) {same_interview} AND {_EARLIER})",
        ),
    ]
    # The host council's view (decision 0039): its Hosted group has this child's episodes hosted
    # by the same council, so "first in the period" for the host compares with those.
    host = host_council_sql(vendor, "e")
    same_host = f"{host_council_sql(vendor, 'p')} = {host}"
    columns += [
        ("host_council_id", host),
        (
            "host_child_previous_at",
            f"(SELECT MAX(p.reported_missing_at) FROM {EPISODES} p WHERE {same_child} "
            f"AND {_EARLIER} AND {same_host})",
        ),
        (
            "host_interview_previous_at",
            f"(SELECT MAX(p.reported_missing_at) {same_interview} AND {_EARLIER} AND {same_host})",
        ),
    ]
    return columns


def upsert_sql(vendor: str, where: str) -> str:
    """Insert or update the facts rows of the episodes `where` (over e) selects."""
    columns = facts_columns(vendor)
    names = ", ".join(name for name, _ in columns)
    values = ",\n  ".join(expr for _, expr in columns)
    kept = [name for name, _ in columns[1:]]
    updates = ", ".join(f"{name} = excluded.{name}" for name in kept)
    stored = ", ".join(f"{FACTS}.{name}" for name in kept)
    derived = ", ".join(f"excluded.{name}" for name in kept)
    # The WHERE is never empty: SQLite needs one before ON CONFLICT in INSERT ... SELECT. A row
    # whose facts are unchanged is not written (most of a child's rows, on most writes).
    return (
        f"INSERT INTO {FACTS} ({names})\nSELECT\n  {values}\n"
        f"FROM {EPISODES} e LEFT JOIN {RHIS} r ON r.episode_id = e.id "
        f"LEFT JOIN {INTERVIEWS} i ON i.id = r.interview_id\nWHERE {where}\n"
        f"ON CONFLICT (episode_id) DO UPDATE SET {updates}\n"
        f"WHERE ({stored}) IS DISTINCT FROM ({derived})"
    )


def _delete_gone_sql(children: str) -> str:
    """Delete the facts of these children's episodes that no longer exist."""
    return (
        f"DELETE FROM {FACTS} WHERE child_id IN ({children}) "
        f"AND NOT EXISTS (SELECT 1 FROM {EPISODES} x WHERE x.id = {FACTS}.episode_id)"
    )


# The children whose facts a changed row can touch, as SQL over that row (NEW or OLD).
def _children_of_episode(row: str) -> str:
    return (
        f"SELECT {row}.child_id UNION SELECT e2.child_id FROM {RHIS} r1 "
        f"CROSS JOIN {RHIS} r2 CROSS JOIN {EPISODES} e2 WHERE r1.episode_id = {row}.id "
        "AND r2.interview_id = r1.interview_id AND e2.id = r2.episode_id"
    )


def _children_of_rhi(row: str) -> str:
    return (
        f"SELECT e2.child_id FROM {EPISODES} e2 WHERE e2.id = {row}.episode_id "
        f"UNION SELECT e3.child_id FROM {RHIS} r2 CROSS JOIN {EPISODES} e3 "
        f"WHERE r2.interview_id = {row}.interview_id AND e3.id = r2.episode_id"
    )


def _children_of_interview(row: str) -> str:
    return (
        f"SELECT e2.child_id FROM {RHIS} r2 CROSS JOIN {EPISODES} e2 "
        f"WHERE r2.interview_id = {row}.id AND e2.id = r2.episode_id"
    )


def _children_of_placement(row: str) -> str:
    return f"SELECT {row}.child_id"


# (table, the columns whose change changes facts, children of a row)
SOURCES: tuple[tuple[str, tuple[str, ...], Any], ...] = (
    (
        EPISODES,
        ("child_id", "council_id", '"group"', "reported_missing_at", "returned_at"),
        _children_of_episode,
    ),
    (
        RHIS,
        ("episode_id", "interview_id", "offer_made_at", "outcome", "decline_reason", *DUE_FIELDS),
        _children_of_rhi,
    ),
    (INTERVIEWS, ("kind", "held_at", "cce_identified", "cse_identified"), _children_of_interview),
    # An out-of-area placement decides which council hosts the child's episodes (decision 0039).
    (
        PLACEMENTS,
        ("child_id", "council_area_id", "start_date", "end_date", "out_of_area"),
        _children_of_placement,
    ),
)


def _trigger_name(table: str, event: str = "") -> str:
    return f"facts_{table}{'_' + event if event else ''}"


def sqlite_statements() -> list[str]:
    """CREATE TRIGGER statements for SQLite: per table and event, one re-deriving the children
    and, while an import defers the facts, one noting them instead."""
    statements = []
    for table, columns, children_of in SOURCES:
        events = {
            "insert": ("AFTER INSERT", children_of("NEW")),
            "delete": ("AFTER DELETE", children_of("OLD")),
            "update": (
                f"AFTER UPDATE OF {', '.join(columns)}",
                f"{children_of('OLD')} UNION {children_of('NEW')}",
            ),
        }
        for event, (when, children) in events.items():
            statements.append(
                f"CREATE TRIGGER {_trigger_name(table, event)} {when} ON {table} FOR EACH ROW "
                f"WHEN {_SQLITE_DERIVING} "
                f"BEGIN {upsert_sql('sqlite', f'e.child_id IN ({children})')}; "
                f"{_delete_gone_sql(children)}; END"
            )
            statements.append(
                f"CREATE TRIGGER {_trigger_name(table, event + '_deferred')} {when} ON {table} "
                f"FOR EACH ROW WHEN {_SQLITE_NOTING} "
                f"BEGIN INSERT OR IGNORE INTO {DEFERRED} (child_id) {children}; END"
            )
    return statements


def postgresql_statements() -> list[str]:
    """A PL/pgSQL function and a row trigger per table for PostgreSQL."""
    statements = []
    for table, columns, children_of in SOURCES:
        name = _trigger_name(table)
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
            "DECLARE kids bigint[];\nBEGIN\n"
            f"  IF TG_OP = 'INSERT' THEN kids := ARRAY({children_of('NEW')});\n"
            f"  ELSIF TG_OP = 'DELETE' THEN kids := ARRAY({children_of('OLD')});\n"
            f"  ELSE kids := ARRAY({children_of('OLD')} UNION {children_of('NEW')});\n"
            "  END IF;\n"
            f"  IF current_setting('{DEFER_SETTING}', true) = 'on' THEN\n"
            f"    INSERT INTO {DEFERRED} (child_id) SELECT unnest(kids) ON CONFLICT DO NOTHING;\n"
            "    RETURN NULL;\n"
            "  END IF;\n"
            f"  {upsert_sql('postgresql', 'e.child_id = ANY(kids)')};\n"
            f"  {_delete_gone_sql('SELECT unnest(kids)')};\n"
            "  RETURN NULL;\nEND\n$body$"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {', '.join(columns)} "
            f"ON {table} FOR EACH ROW "
            # Not even called while a writer reports its children itself.
            f"WHEN (current_setting('{DEFER_SETTING}', true) IS DISTINCT FROM '{SKIP}') "
            f"EXECUTE FUNCTION {name}()"
        )
    return statements


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {_trigger_name(t)} ON {t}" for t, _c, _f in SOURCES] + [
            f"DROP FUNCTION IF EXISTS {_trigger_name(t)}()" for t, _c, _f in SOURCES
        ]
    return [
        f"DROP TRIGGER IF EXISTS {_trigger_name(t, event + deferred)}"
        for t, _c, _f in SOURCES
        for event in ("insert", "delete", "update")
        for deferred in ("", "_deferred")
    ]


def install_triggers(connection: Any = None) -> None:
    """(Re)create the triggers on this connection's database."""
    connection = connection or default_connection
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"report facts triggers for {vendor}")
    statements = drop_statements(vendor)
    statements += postgresql_statements() if vendor == "postgresql" else sqlite_statements()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(connection: Any = None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for sql in drop_statements(connection.vendor):
            cursor.execute(sql)


def rebuild_facts(connection: Any = None) -> int:
    """Re-derive every facts row from the source tables (after a restore, or a bulk load with
    the triggers dropped). Returns the number of rows."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACTS}")
        cursor.execute(upsert_sql(connection.vendor, "TRUE"))
        cursor.execute(f"SELECT COUNT(*) FROM {FACTS}")
        return int(cursor.fetchone()[0])


def defer_facts(
    sender: Any, connection: Any, reports_children: bool = False, **kwargs: Any
) -> None:
    """From now until `derive_deferred_facts` in this transaction (core.signals.bulk_write_started):
    the triggers note the children a write touches instead of re-deriving them, or, when the
    writer reports the children it touches itself (`reports_children`), do nothing at all."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            mode = SKIP if reports_children else "on"
            cursor.execute("SELECT set_config(%s, %s, true)", [DEFER_SETTING, mode])
        else:
            row = SKIPPING_ROW if reports_children else DEFERRING_ROW
            cursor.execute(f"INSERT OR IGNORE INTO {DEFERRED} (child_id) VALUES (%s)", [row])


def _sharing_an_interview(of_children: str) -> str:
    """The children of every episode sharing an interview with an episode `e1` of the children
    `of_children` (an SQL condition on `e1.child_id`): what the triggers would have noted
    besides the children themselves."""
    return (
        f"SELECT e2.child_id FROM {EPISODES} e1 CROSS JOIN {RHIS} r1 CROSS JOIN {RHIS} r2 "
        f"CROSS JOIN {EPISODES} e2 WHERE {of_children} "
        "AND r1.episode_id = e1.id AND r1.interview_id IS NOT NULL "
        "AND r2.interview_id = r1.interview_id AND e2.id = r2.episode_id"
    )


def derive_deferred_facts(
    sender: Any, connection: Any, children: list[int] | None = None, **kwargs: Any
) -> None:
    """Re-derive, in one set-based pass, the facts of every child the triggers noted since
    `defer_facts`, and of the `children` the writer reported (with the children of the episodes
    sharing an interview with theirs, as the triggers would have noted), and make the triggers
    re-derive row by row again (core.signals.bulk_write_ending)."""
    noted = f"SELECT child_id FROM {DEFERRED}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'off', true)", [DEFER_SETTING])
            # The children as a list of ids, not a subquery of the notes' table: PostgreSQL has no
            # statistics for that table's rows of this moment and guesses thousands, so it read
            # every episode (1.5 s at 1M episodes for an API request of 50 notifications). With
            # the ids in the statement it reads the few children's episodes by index.
            cursor.execute(f"DELETE FROM {DEFERRED} RETURNING child_id")
            ids = {row[0] for row in cursor.fetchall()}
            if not ids and not children:
                return
            # Without JIT: for thousands of children the planner's cost passes the JIT's
            # threshold, and compiling the statement took 1.8 of its 2.3 s (8,512 episodes).
            cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
            jit = cursor.fetchone()[0]
            if children:
                cursor.execute(_sharing_an_interview("e1.child_id = ANY(%s)"), [children])
                ids.update(children, (row[0] for row in cursor.fetchall()))
            listed = sorted(ids)
            cursor.execute(upsert_sql("postgresql", "e.child_id = ANY(%s)"), [listed])
            cursor.execute(_delete_gone_sql("SELECT unnest(%s::bigint[])"), [listed])
            cursor.execute("SELECT set_config('jit', %s, true)", [jit])
            return
        cursor.execute(f"DELETE FROM {DEFERRED} WHERE child_id <= %s", [DEFERRING_ROW])
        if children:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {DEFERRED} (child_id) VALUES (%s)",
                [(child,) for child in children],
            )
            cursor.execute(
                f"INSERT OR IGNORE INTO {DEFERRED} (child_id) "
                f"{_sharing_an_interview(f'e1.child_id IN ({noted})')}"
            )
        cursor.execute(upsert_sql(connection.vendor, f"e.child_id IN ({noted})"))
        cursor.execute(_delete_gone_sql(noted))
        cursor.execute(f"DELETE FROM {DEFERRED}")


def rebuild_after_restore(sender: Any, connection: Any, **kwargs: Any) -> None:
    """After `returnhome restore` (core.signals.database_restored): the triggers as this code
    writes them, and every facts row derived again from the restored source tables."""
    install_triggers(connection)
    rebuild_facts(connection)
