"""The report figures' stamps (decision 0048): a table of one row per council and month, and the
triggers on the facts table (and on the follow-up actions) that give a council's month a new stamp
whenever its figures may change. The facts triggers themselves are untouched."""

from typing import Any

from django.db import migrations, models


def install(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.stamps import install_stamp_triggers

    install_stamp_triggers(schema_editor.connection)


def drop(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.stamps import drop_stamp_triggers

    drop_stamp_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_facts_triggers_skip_reported_writes"),
        ("followup", "0004_open_actions_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="FactsStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("council_id", models.BigIntegerField()),
                (
                    "month",
                    models.IntegerField(
                        help_text="UK calendar month, as YYYYMM (the facts' month)"
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("council_id", "month"), name="facts_stamp_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(install, reverse_code=drop),
    ]
