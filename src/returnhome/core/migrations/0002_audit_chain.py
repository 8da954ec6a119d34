"""The audit trail becomes tamper-evident (docs/audit.md): each row gets `prev_hash` and `hash`,
the rows already there are chained in id order, and triggers make the table append-only.

On SQLite a later migration that alters this table remakes it and so loses the triggers: such a
migration must run `core.audit.install_triggers` again after it.
"""

from typing import Any

import django.utils.timezone
from django.db import migrations, models


def chain_and_protect(apps: Any, schema_editor: Any) -> None:
    from returnhome.core.audit import chain_existing, install_triggers

    chain_existing(apps.get_model("core", "AuditEvent"))
    install_triggers(schema_editor.connection)


def unprotect(apps: Any, schema_editor: Any) -> None:
    from returnhome.core.audit import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_and_protect, reverse_code=unprotect),
    ]
