"""Indexes for finding a child by name on PostgreSQL (children/search.py): trigram indexes for a
name or alias containing the words typed, and ordered indexes for the distinct names starting
with a letter (the misspelt-name candidates), which also find the names the misspelling matched
(compared in capitals). No index in the names' own order: with one, PostgreSQL reads the whole
table in that order for a search's first 1,001 results.

PostgreSQL only (SQLite has no trigram indexes; its search reads the table, fast at a council's
size). pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner creates it;
docs/deploy.md says so. Built without CONCURRENTLY: at 200,000 children each takes seconds."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS children_child_forename_trgm ON children_child "
    "USING gin (upper(forename::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS children_child_surname_trgm ON children_child "
    "USING gin (upper(surname::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS children_alias_name_trgm ON children_alias "
    "USING gin (upper(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS children_child_forename_prefix ON children_child "
    "(upper(forename::text) text_pattern_ops, forename)",
    "CREATE INDEX IF NOT EXISTS children_child_surname_prefix ON children_child "
    "(upper(surname::text) text_pattern_ops, surname)",
    "CREATE INDEX IF NOT EXISTS children_alias_name_prefix ON children_alias "
    "(upper(name::text) text_pattern_ops, name)",
    "CREATE INDEX IF NOT EXISTS children_alias_name_exact ON children_alias (name)",
    # The search's other terms, so that each can be an index read beside the names.
    "CREATE INDEX IF NOT EXISTS children_child_la_child_id_upper ON children_child "
    "(upper(la_child_id::text))",
    "CREATE INDEX IF NOT EXISTS children_child_nhs_number ON children_child (nhs_number)",
    "CREATE INDEX IF NOT EXISTS children_child_date_of_birth ON children_child (date_of_birth)",
    "CREATE INDEX IF NOT EXISTS children_child_postcode_compact ON children_child "
    "(upper(replace(postcode::text, ' ', '')))",
]
NAMES = [sql.split()[5] for sql in INDEXES]


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("children", "0006_match_keys")]

    operations = [migrations.RunPython(create, drop)]
