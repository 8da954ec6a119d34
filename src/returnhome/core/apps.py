from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "returnhome.core"
    label = "core"
