from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "returnhome.demo"
    label = "demo"
    verbose_name = "Demo data"
