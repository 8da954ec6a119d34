from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "returnhome.reports"
    label = "reports"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

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
        from returnhome.reports.figures_cache import create_cache_table
        from returnhome.reports.stamps import reinstall_after_restore

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="reports.cache")

        database_restored.connect(rebuild_after_restore, dispatch_uid="reports.facts")
        database_restored.connect(reinstall_after_restore, dispatch_uid="reports.stamps")
        bulk_write_started.connect(defer_facts, dispatch_uid="reports.facts.defer")
        bulk_write_ending.connect(derive_deferred_facts, dispatch_uid="reports.facts.derive")
