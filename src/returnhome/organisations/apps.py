from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganisationsConfig(AppConfig):
    name = "returnhome.organisations"
    label = "organisations"

    def ready(self) -> None:
        from returnhome.organisations.reference import load_reference_data

        post_migrate.connect(load_reference_data, sender=self)
