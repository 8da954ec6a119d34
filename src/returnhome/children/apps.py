from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "returnhome.children"
    label = "children"
