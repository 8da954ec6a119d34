"""Imports defer the report facts (decision 0036): the table of children to re-derive, and the
triggers again (each now has a twin that notes the children while an import defers the facts).
No row changed, so the facts need no rebuild.
"""

from typing import Any

from django.db import migrations, models


def install(apps: Any, schema_editor: Any) -> None:
    """Nothing now: the triggers' SQL is the current `reports.facts` module's, which fits only the
    latest table, so the latest migration that changes the table or the SQL (0006) installs the
    triggers and derives every facts row. Databases migrated before 0006 ran this step then.
    """


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_triggers_after_versions")]

    operations = [
        migrations.CreateModel(
            name="DeferredFacts",
            fields=[("child_id", models.BigIntegerField(primary_key=True, serialize=False))],
            options={"verbose_name_plural": "deferred facts"},
        ),
        migrations.RunPython(install, reverse_code=migrations.RunPython.noop),
    ]
