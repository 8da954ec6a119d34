from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "returnhome.reports"
    label = "reports"

    def ready(self) -> None:
        from returnhome.core.signals import database_restored
        from returnhome.reports.facts import rebuild_after_restore

        database_restored.connect(rebuild_after_restore, dispatch_uid="reports.facts")
