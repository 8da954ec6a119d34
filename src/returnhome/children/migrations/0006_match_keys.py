"""The children's stored match keys (decision 0040): the tables, the triggers that note a child
whose keys may have changed, and every current child's keys derived."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from returnhome.children.matchkeys import install_triggers, refresh_match_keys, remove_triggers


def fill(apps: Any, schema_editor: Any) -> None:
    install_triggers(schema_editor)
    schema_editor.execute(
        "INSERT INTO children_stalematchkeys (child_id, council_id) "
        "SELECT id, council_id FROM children_child"
    )
    refresh_match_keys()
    # The planner's statistics for the new table (it is read by index, by council and key).
    schema_editor.execute("ANALYZE children_matchkey")


def unfill(apps: Any, schema_editor: Any) -> None:
    remove_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0005_out_of_area_placements_and_packages"),
        ("organisations", "0006_retention_rule"),
    ]

    operations = [
        migrations.CreateModel(
            name="StaleMatchKeys",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("child_id", models.BigIntegerField()),
                ("council_id", models.BigIntegerField(db_index=True)),
            ],
            options={
                "verbose_name_plural": "stale match keys",
            },
        ),
        migrations.CreateModel(
            name="MatchKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200)),
                (
                    "child",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="children.child",
                    ),
                ),
                (
                    "council",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["council", "key", "child"], name="matchkey_lookup_idx")
                ],
            },
        ),
        migrations.RunPython(fill, reverse_code=unfill),
    ]
