from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "returnhome.privacy"
    label = "privacy"
    verbose_name = "Privacy: subject access, retention, erasure"
