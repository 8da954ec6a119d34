"""Report facts triggers again: on PostgreSQL the "same interview" lookups go from the interview's
RHIs to their episodes (a LATERAL subquery), never through the council's episodes (decision
0032). The derived values are unchanged, so the facts need no rebuild.
"""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.facts import install_triggers

    install_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_facts_deferred_by_imports")]

    operations = [migrations.RunPython(install, reverse_code=migrations.RunPython.noop)]
