"""An episode's places changed (missing from, found at) give its facts row's council and month a new
stamp (decision 0048, the meeting pack's recurring places cached under the stamps): the stamp
triggers installed again with the episodes' one."""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.stamps import install_stamp_triggers

    install_stamp_triggers(schema_editor.connection)


def drop(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS stamp_places_update ON episodes_episode")
            cursor.execute("DROP FUNCTION IF EXISTS stamp_places()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS stamp_places_update")


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_figures_stamp")]

    operations = [migrations.RunPython(install, reverse_code=drop)]
