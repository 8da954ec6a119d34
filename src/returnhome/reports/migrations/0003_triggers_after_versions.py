"""Report facts triggers, installed again after the `version` columns were added.

On SQLite, adding a NOT NULL column remakes the table (copy, drop, rename), which drops the
triggers on it: interviews 0004 remakes the RHI and interview tables. Installing is idempotent
(each trigger is dropped first), and no row changed, so the facts need no rebuild.
"""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    """Nothing now: the triggers' SQL is the current `reports.facts` module's, which fits only the
    latest table, so the latest migration that changes the table or the SQL (0006) installs the
    triggers and derives every facts row. Databases migrated before 0006 ran this step then.
    """


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_facts_month"),
        ("interviews", "0004_versions_and_one_interview_per_rhi"),
        ("children", "0003_child_version"),
        ("followup", "0003_proposedaction_version"),
    ]

    operations = [migrations.RunPython(install, reverse_code=migrations.RunPython.noop)]
