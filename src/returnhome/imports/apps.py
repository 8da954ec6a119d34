from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "returnhome.imports"
    label = "imports"
