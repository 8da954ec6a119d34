"""The stored match keys of children (`MatchKey`), kept current (decision 0040).

Database triggers (`install_triggers`) note every child whose keys may have changed in
`StaleMatchKeys`: a child inserted or updated in its names, date of birth, postcode, identifiers,
council, merge or erasure, and an alias added, changed or removed; whichever path wrote it (the
services, an import's bulk insert, a merge, raw SQL). `refresh_match_keys` derives those children's
keys again (`lib.blocking.child_keys`, the same function matching files them under in memory) and
empties the notes. The importer refreshes before it reads the keys, inside its transaction, so
what it reads is never stale. Only current children (not merged, not erased) have keys.

Raw SQL throughout, so that the data migration that fills the table runs the same code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection

from returnhome.lib.blocking import child_keys, normalised

KEYS = "children_matchkey"
STALE = "children_stalematchkeys"
CHUNK = 900
# What changes a child's keys (or whether it has any).
CHILD_COLUMNS = (
    "forename",
    "surname",
    "date_of_birth",
    "postcode",
    "la_child_id",
    "nhs_number",
    "council_id",
    "merged_into_id",
    "erased_at",
)

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER children_matchkeys_child_insert AFTER INSERT ON children_child "
    "BEGIN INSERT INTO children_stalematchkeys (child_id, council_id) VALUES (NEW.id, NEW.council_id); END",
    "CREATE TRIGGER children_matchkeys_child_update AFTER UPDATE OF "
    + ", ".join(CHILD_COLUMNS)
    + " "
    "ON children_child BEGIN INSERT INTO children_stalematchkeys (child_id, council_id) "
    "VALUES (NEW.id, NEW.council_id); END",
    "CREATE TRIGGER children_matchkeys_alias_insert AFTER INSERT ON children_alias "
    "BEGIN INSERT INTO children_stalematchkeys (child_id, council_id) "
    "SELECT id, council_id FROM children_child WHERE id = NEW.child_id; END",
    "CREATE TRIGGER children_matchkeys_alias_update AFTER UPDATE ON children_alias "
    "BEGIN INSERT INTO children_stalematchkeys (child_id, council_id) "
    "SELECT id, council_id FROM children_child WHERE id IN (NEW.child_id, OLD.child_id); END",
    "CREATE TRIGGER children_matchkeys_alias_delete AFTER DELETE ON children_alias "
    "BEGIN INSERT INTO children_stalematchkeys (child_id, council_id) "
    "SELECT id, council_id FROM children_child WHERE id = OLD.child_id; END",
)

_POSTGRES_TRIGGERS = (
    """
    CREATE OR REPLACE FUNCTION children_matchkeys_child_stale() RETURNS trigger AS $$
    BEGIN
        INSERT INTO children_stalematchkeys (child_id, council_id) VALUES (NEW.id, NEW.council_id);
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION children_matchkeys_alias_stale() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO children_stalematchkeys (child_id, council_id)
            SELECT id, council_id FROM children_child WHERE id = NEW.child_id;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            INSERT INTO children_stalematchkeys (child_id, council_id)
            SELECT id, council_id FROM children_child WHERE id = OLD.child_id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER children_matchkeys_child_insert AFTER INSERT ON children_child "
    "FOR EACH ROW EXECUTE FUNCTION children_matchkeys_child_stale()",
    "CREATE TRIGGER children_matchkeys_child_update AFTER UPDATE OF "
    + ", ".join(CHILD_COLUMNS)
    + " "
    "ON children_child FOR EACH ROW EXECUTE FUNCTION children_matchkeys_child_stale()",
    "CREATE TRIGGER children_matchkeys_alias AFTER INSERT OR UPDATE OR DELETE ON children_alias "
    "FOR EACH ROW EXECUTE FUNCTION children_matchkeys_alias_stale()",
)


def install_triggers(schema_editor: Any) -> None:
    """Create the triggers that note children whose keys may have changed."""
    vendor = schema_editor.connection.vendor
    statements = _POSTGRES_TRIGGERS if vendor == "postgresql" else _SQLITE_TRIGGERS
    for statement in statements:
        schema_editor.execute(statement)


def remove_triggers(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table, name in (
            ("children_child", "children_matchkeys_child_insert"),
            ("children_child", "children_matchkeys_child_update"),
            ("children_alias", "children_matchkeys_alias"),
        ):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS children_matchkeys_child_stale()")
        schema_editor.execute("DROP FUNCTION IF EXISTS children_matchkeys_alias_stale()")
        return
    for name in ("child_insert", "child_update", "alias_insert", "alias_update", "alias_delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS children_matchkeys_{name}")


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def derive_keys(cursor: Any, child_ids: list[int]) -> None:
    """Replace the stored keys of these children with their keys now."""
    rows: list[tuple[int, int, str]] = []
    for start in range(0, len(child_ids), CHUNK):
        part = child_ids[start : start + CHUNK]
        marks = _placeholders(part)
        cursor.execute(f"DELETE FROM {KEYS} WHERE child_id IN ({marks})", part)  # noqa: S608
        cursor.execute(
            "SELECT child_id, name FROM children_alias "  # noqa: S608
            f"WHERE child_id IN ({marks}) ORDER BY id",
            part,
        )
        aliases: dict[int, list[str]] = defaultdict(list)
        for child_id, name in cursor.fetchall():
            aliases[child_id].append(name)
        cursor.execute(
            "SELECT id, council_id, forename, surname, date_of_birth, postcode, la_child_id, "  # noqa: S608
            f"nhs_number FROM children_child WHERE id IN ({marks}) "
            "AND merged_into_id IS NULL AND erased_at IS NULL",
            part,
        )
        for pk, council_id, forename, surname, dob, postcode, la_id, nhs in cursor.fetchall():
            n = normalised(
                forename,
                surname,
                _date(dob),
                postcode=postcode,
                la_child_id=la_id,
                nhs_number=nhs,
                aliases=aliases.get(pk, ()),
            )
            rows.extend(
                (pk, council_id, key)
                for key in child_keys(
                    n.forename,
                    n.surname,
                    n.dob,
                    n.postcode,
                    n.la_child_id,
                    n.nhs_number,
                    n.aliases,
                )
            )
    # In the index's order: many rows go in far faster.
    rows.sort(key=lambda r: (r[1], r[2]))
    if cursor.db.vendor == "postgresql":
        # COPY: one stream for all the rows (the migration writes millions).
        with cursor.cursor.copy(f"COPY {KEYS} (child_id, council_id, key) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    for start in range(0, len(rows), 10 * CHUNK):
        cursor.executemany(
            f"INSERT INTO {KEYS} (child_id, council_id, key) VALUES (%s, %s, %s)",  # noqa: S608
            rows[start : start + 10 * CHUNK],
        )


def refresh_match_keys(council_id: int | None = None) -> int:
    """Derive again the keys of the children noted stale (of one council, or all); empty their
    notes. How many children were derived. Run inside the reader's transaction: on PostgreSQL a
    second refresh of the same notes waits for the first to commit, then finds them gone."""
    with connection.cursor() as cursor:
        if council_id is None:
            cursor.execute(f"DELETE FROM {STALE} RETURNING child_id")  # noqa: S608
        else:
            cursor.execute(
                f"DELETE FROM {STALE} WHERE council_id = %s RETURNING child_id",  # noqa: S608
                [council_id],
            )
        child_ids = sorted({row[0] for row in cursor.fetchall()})
        derive_keys(cursor, child_ids)
    return len(child_ids)


# What matching reads of a child (`imports.police.matching.Person.build`), in this order.
MATCHING_COLUMNS = (
    "id",
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "la_child_id",
    "nhs_number",
)


def _any(cursor: Any, column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """`column IN (values)`: one array parameter on PostgreSQL (planned faster than thousands of
    literals), placeholders on SQLite."""
    if cursor.db.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({_placeholders(values)})", list(values)


def children_sharing_keys(
    council_id: int, keys: list[str]
) -> tuple[list[tuple[str, int]], list[tuple[Any, ...]], dict[int, list[str]]]:
    """The council's current children filed under any of `keys`: which of the keys each is filed
    under (key, child id), their `MATCHING_COLUMNS` (the date of birth as a date), and their
    aliases in the order they were added. Raw SQL by index: an API request reads a few thousand
    children this way in milliseconds."""
    filed: list[tuple[str, int]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(keys), CHUNK):
            where, params = _any(cursor, "key", keys[start : start + CHUNK])
            cursor.execute(
                f"SELECT key, child_id FROM {KEYS} WHERE council_id = %s AND {where}",  # noqa: S608
                [council_id, *params],
            )
            filed.extend(cursor.fetchall())
        ordered = sorted({child_id for _, child_id in filed})
        rows: list[tuple[Any, ...]] = []
        aliases: dict[int, list[str]] = defaultdict(list)
        for start in range(0, len(ordered), CHUNK):
            ids = ordered[start : start + CHUNK]
            where, params = _any(cursor, "id", ids)
            cursor.execute(
                f"SELECT {', '.join(MATCHING_COLUMNS)} FROM children_child "  # noqa: S608
                f"WHERE {where} AND council_id = %s "
                "AND merged_into_id IS NULL AND erased_at IS NULL",
                [*params, council_id],
            )
            for row in cursor.fetchall():
                rows.append((*row[:3], _date(row[3]), *row[4:]))
            where, params = _any(cursor, "child_id", ids)
            cursor.execute(
                f"SELECT child_id, name FROM children_alias WHERE {where} ORDER BY id",  # noqa: S608
                params,
            )
            for child_id, name in cursor.fetchall():
                aliases[child_id].append(name)
    current = {row[0] for row in rows}
    return [(key, child_id) for key, child_id in filed if child_id in current], rows, aliases
