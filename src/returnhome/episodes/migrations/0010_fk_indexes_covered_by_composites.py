"""The single-column indexes of an episode's child and council, and of a notification's council:
composite indexes lead with the same column (episode_child_history_idx, episode_indicator_idx,
notification_recent_idx), so they answer every lookup these did.

Only the index is dropped (no table is rebuilt, so SQLite keeps the report facts' triggers on
these tables); the fields' state says `db_index=False`. Decision 0046, round 2."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0007_name_search_indexes_postgresql"),
        ("episodes", "0009_episode_reference_before_force"),
        ("organisations", "0006_retention_rule"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="episode",
                    name="child",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="episodes",
                        to="children.child",
                    ),
                ),
                migrations.AlterField(
                    model_name="episode",
                    name="council",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="episodes",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="council",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "episodes_episode_child_id_614258bf"',
                    reverse_sql='CREATE INDEX "episodes_episode_child_id_614258bf" ON "episodes_episode" ("child_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "episodes_episode_council_id_a86e984b"',
                    reverse_sql='CREATE INDEX "episodes_episode_council_id_a86e984b" ON "episodes_episode" ("council_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "episodes_notification_council_id_f6830b7f"',
                    reverse_sql='CREATE INDEX "episodes_notification_council_id_f6830b7f" ON "episodes_notification" ("council_id")',
                ),
            ],
        ),
    ]
