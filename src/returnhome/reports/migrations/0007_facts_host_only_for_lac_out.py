"""An episode counts for the host council only when its own council counts it as LAC-out (a
child looked after and placed out of area when it began; decision 0042): the triggers installed
again with the new rule, and every row derived again."""

from typing import Any

from django.db import migrations


def drop(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.facts import drop_triggers

    drop_triggers(schema_editor.connection)


def install_and_rebuild(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.facts import install_triggers, rebuild_facts

    install_triggers(schema_editor.connection)
    rebuild_facts(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_facts_host_council")]

    operations = [
        migrations.RunPython(drop, reverse_code=drop),
        migrations.RunPython(install_and_rebuild, reverse_code=drop),
    ]
