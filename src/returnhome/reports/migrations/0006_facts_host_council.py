"""The host council's view of the report facts (decision 0039): each episode's host council (the
area of the child's out-of-area placement when it began) and the host's "previous episode"
columns; the triggers dropped before the table changes and installed again after it (now also
on placements), and every row derived again. Earlier migrations no longer install the triggers:
their SQL is this module's, which fits only this table.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def drop(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.facts import drop_triggers

    drop_triggers(schema_editor.connection)


def install_and_rebuild(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.facts import install_triggers, rebuild_facts

    install_triggers(schema_editor.connection)
    rebuild_facts(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0005_out_of_area_placements_and_packages"),
        ("episodes", "0007_child_history_index"),
        ("interviews", "0005_interview_return_and_drafts"),
        ("organisations", "0006_retention_rule"),
        ("reports", "0005_facts_interview_lookup_order"),
    ]

    operations = [
        migrations.RunPython(drop, reverse_code=drop),
        migrations.AddField(
            model_name="episodefacts",
            name="host_child_previous_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="episodefacts",
            name="host_council",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.AddField(
            model_name="episodefacts",
            name="host_interview_previous_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddIndex(
            model_name="episodefacts",
            index=models.Index(
                condition=models.Q(("host_council__isnull", False)),
                fields=["host_council", "month", "reported_missing_at"],
                name="facts_host_idx",
            ),
        ),
        migrations.RunPython(install_and_rebuild, reverse_code=drop),
    ]
