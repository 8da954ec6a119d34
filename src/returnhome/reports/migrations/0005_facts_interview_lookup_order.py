"""Report facts triggers again: on PostgreSQL the "same interview" lookups go from the interview's
RHIs to their episodes (a LATERAL subquery), never through the council's episodes (decision
0036). The derived values are unchanged, so the facts need no rebuild.
"""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    """Nothing now: the triggers' SQL is the current `reports.facts` module's, which fits only the
    latest table, so the latest migration that changes the table or the SQL (0006) installs the
    triggers and derives every facts row. Databases migrated before 0006 ran this step then.
    """


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_facts_deferred_by_imports")]

    operations = [migrations.RunPython(install, reverse_code=migrations.RunPython.noop)]
