from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "returnhome.accounts"
    label = "accounts"

    def ready(self) -> None:
        from returnhome.accounts import checks, signals  # noqa: F401 (registers them)
