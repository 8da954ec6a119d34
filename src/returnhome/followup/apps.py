from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "returnhome.followup"
    label = "followup"

    def ready(self) -> None:
        from returnhome.children.timeline import add_source
        from returnhome.followup.timeline import action_entries

        add_source(action_entries)
