from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "returnhome.reports"
    label = "reports"

    def ready(self) -> None:
        from returnhome.core.signals import (
            bulk_write_ending,
            bulk_write_started,
            database_restored,
        )
        from returnhome.reports.facts import (
            defer_facts,
            derive_deferred_facts,
            rebuild_after_restore,
        )

        database_restored.connect(rebuild_after_restore, dispatch_uid="reports.facts")
        bulk_write_started.connect(defer_facts, dispatch_uid="reports.facts.defer")
        bulk_write_ending.connect(derive_deferred_facts, dispatch_uid="reports.facts.derive")
