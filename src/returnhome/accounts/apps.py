from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "returnhome.accounts"
    label = "accounts"
