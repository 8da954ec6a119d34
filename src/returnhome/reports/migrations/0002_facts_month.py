"""Report facts: the UK calendar month each episode was reported missing in, in the report index.

The triggers' SQL changes (a new column), so they are dropped before the table changes and
installed again after it, and every facts row is derived again (`rebuild_facts`) before the
index is built.
"""

from typing import Any

from django.db import migrations, models


def drop(apps: Any, schema_editor: Any) -> None:
    from returnhome.reports.facts import drop_triggers

    drop_triggers(schema_editor.connection)


def install(apps: Any, schema_editor: Any) -> None:
    """Nothing now: the triggers' SQL is the current `reports.facts` module's, which fits only the
    latest table, so the latest migration that changes the table or the SQL (0006) installs the
    triggers and derives every facts row. Databases migrated before 0006 ran this step then.
    """


REPORT_INDEX = [
    "council",
    "group",
    "month",
    "reported_missing_at",
    "returned",
    "offer_made",
    "outcome",
    "decline_reason",
    "interview_kind",
    "cce_identified",
    "cse_identified",
    "held_by_due_return_hours",
    "held_by_due_return_calendar_days",
    "held_by_due_return_working_days",
    "held_by_due_notification_hours",
    "held_by_due_notification_calendar_days",
    "held_by_due_notification_working_days",
    "offered_by_due_return_hours",
    "offered_by_due_return_calendar_days",
    "offered_by_due_return_working_days",
    "offered_by_due_notification_hours",
    "offered_by_due_notification_calendar_days",
    "offered_by_due_notification_working_days",
    "ms_after_due_return_hours",
    "ms_after_due_notification_hours",
    "child_previous_in_group_at",
    "child_previous_at",
    "child",
    "interview",
    "interview_previous_in_group_at",
    "interview_previous_at",
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_episode_facts")]

    operations = [
        # Going back, the triggers are left dropped: 0001's code installs them again when run.
        migrations.RunPython(drop, reverse_code=drop),
        migrations.RemoveIndex(model_name="episodefacts", name="facts_report_idx"),
        migrations.AddField(
            model_name="episodefacts",
            name="month",
            field=models.IntegerField(
                default=0,
                help_text="UK calendar month the episode was reported missing in, as YYYYMM",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(install, reverse_code=drop),
        migrations.AddIndex(
            model_name="episodefacts",
            index=models.Index(fields=REPORT_INDEX, name="facts_report_idx"),
        ),
    ]
