"""A bulk write that reports the children it touches has the facts triggers skip its rows
(decision 0046): the triggers installed again with the skipping switch. No facts row changes, so
none is derived again."""

from typing import Any

from django.db import migrations


def drop(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.facts import drop_triggers

    drop_triggers(schema_editor.connection)


def install(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.facts import install_triggers

    install_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_facts_host_only_for_lac_out")]

    operations = [
        migrations.RunPython(drop, reverse_code=drop),
        migrations.RunPython(install, reverse_code=drop),
    ]
