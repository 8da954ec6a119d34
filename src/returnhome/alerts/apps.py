from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "returnhome.alerts"
    label = "alerts"
