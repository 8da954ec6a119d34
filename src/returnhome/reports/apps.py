from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "returnhome.reports"
    label = "reports"
