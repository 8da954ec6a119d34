"""The single-column index of an RHI's interview: rhi_report_by_interview_idx (interview, episode)
leads with it, so it answers every lookup this did.

Only the index is dropped (no table is rebuilt, so SQLite keeps the report facts' triggers on
these tables); the fields' state says `db_index=False`. Decision 0046, round 2."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0006_open_rhis_and_council_interviews_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="rhi",
                    name="interview",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="rhis",
                        to="interviews.interview",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "interviews_rhi_interview_id_40d5cdd5"',
                    reverse_sql='CREATE INDEX "interviews_rhi_interview_id_40d5cdd5" ON "interviews_rhi" ("interview_id")',
                ),
            ],
        ),
    ]
